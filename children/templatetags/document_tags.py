"""The case page's documents card, `{% case_documents_card case %}`, kept with the documents code
so the case view needs no document queries of its own."""

from django import template
from django.utils import timezone

from ..models import DocumentType
from ..selectors.case_page import known_empty
from ..selectors.documents import documents_for_case

register = template.Library()


@register.inclusion_tag("children/documents/_case_card.html", takes_context=True)
def case_documents_card(context, case):
    """Every document of `case` with its dates, expiry state and scan link."""
    today = timezone.localdate()
    documents = [] if known_empty(context, case, "documents") else list(documents_for_case(case))
    for document in documents:
        document.state = document.status(today)
    return {"case": case, "documents": documents, "can": context.get("can", {})}


@register.filter
def document_type_label(key):
    """The label of a stored document type key (a timeline line keeps the key)."""
    try:
        return DocumentType(key).label
    except ValueError:
        return ""
