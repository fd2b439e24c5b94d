"""The case page's Labour Law flags and schooling history, kept with their code so the case view
needs no queries of its own (children/labour_law.py, docs/adr/0035)."""

from django import template
from django.utils import timezone

from .. import labour_law
from ..models.choices import LabourFlag
from ..selectors.case_page import known_empty
from ..selectors.schooling import school_changes_of_case

register = template.Library()


@register.inclusion_tag("children/partials/labour_badges.html")
def labour_badges(case):
    """One badge a flag, for the case header (the case as it stands today)."""
    return {"findings": labour_law.case_findings(case, timezone.localdate())}


@register.inclusion_tag("children/partials/labour_law_card.html")
def labour_law_card(case):
    """Each flag with its reason and the article it comes from."""
    return {"case": case, "findings": labour_law.case_findings(case, timezone.localdate())}


@register.inclusion_tag("children/partials/school_history_card.html", takes_context=True)
def school_history_card(context, case):
    """The case's schooling changes, newest first."""
    changes = [] if known_empty(context, case, "school_changes") else school_changes_of_case(case)
    return {"case": case, "changes": changes}


@register.filter
def labour_flag_labels(flags):
    """The stored flags' labels, for lists."""
    return [LabourFlag(flag).label for flag in flags or () if flag in LabourFlag.values]
