"""Pages of the vocabulary of values (docs/adr/0018): the preview's unknown words decided once
and saved for the organisation, then the dry run again; the organisation's saved words listed,
changed and deleted on the upload page. Administrators only (Perm.DATA_IMPORT)."""

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import outbox
from core.access import get_for_user_or_404, require_permission
from core.permissions import Perm

from .language import page_language
from .models import ImportJob, ValueWord
from .tasks import run_import
from .vocabulary import (
    organisation_words,
    value_word_change,
    value_word_delete,
    value_word_save,
    vocabulary_columns,
)
from .word_forms import UnknownValuesForm, ValueWordForm, WordsOfForm

if TYPE_CHECKING:
    from core.models import User


def _by(request: HttpRequest) -> "User":
    # require_permission let only a signed-in administrator through.
    return cast("User", request.user)


def check_again(job: ImportJob) -> None:
    """Run the job's dry run again on the same stored file (never rewritten), after a decision."""
    with transaction.atomic():  # the state and its task together (RE-04)
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.VALIDATING, progress=0)
        outbox.enqueue(run_import, job.pk, True)


def unknown_values_form(job: ImportJob, data: Any = None) -> UnknownValuesForm | None:
    """The form of the job's unknown words, when there are words to decide and a place to keep
    the decisions (an organisation)."""
    items = (job.summary or {}).get("unknown_values") or []
    if not items or job.organisation_id is None or job.status != ImportJob.Status.PREVIEWED:
        return None
    return UnknownValuesForm(data, items=items, lang=page_language())


@require_POST
@require_permission(Perm.DATA_IMPORT)
def import_values(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the meanings chosen for the job's unknown words, then check the file again."""
    job = get_for_user_or_404(request.user, ImportJob.objects.select_related("organisation"), pk=pk)
    form = unknown_values_form(job, request.POST)
    if form is None or not form.is_valid():
        return redirect("imports:import_detail", job.pk)
    decisions = form.decisions()
    if not decisions:
        messages.info(request, _("Choose what at least one word means."))
        return redirect("imports:import_detail", job.pk)
    for column, word, value in decisions:
        value_word_save(
            by=_by(request), organisation=job.organisation, column=column, word=word, value=value
        )
    check_again(job)  # with the new words
    return redirect("imports:import_detail", job.pk)


def words_context(request: HttpRequest) -> dict[str, Any]:
    """The upload page's list of an organisation's saved words (chosen with ``words_of``)."""
    form = WordsOfForm(request.GET or None)
    organisation = form.cleaned_data["words_of"] if form.is_valid() else None
    columns = vocabulary_columns()
    lang = page_language()
    rows = []
    for item in organisation_words(organisation):
        column = columns.get(item.column)
        if column is None:
            continue
        rows.append(
            {
                "item": item,
                "column": column.header(lang),
                "form": ValueWordForm(
                    initial={"value": item.value or "empty"},
                    column=column,
                    lang=lang,
                    prefix=f"w{item.pk}",
                ),
            }
        )
    return {"words_form": form, "words_organisation": organisation, "saved_words": rows}


def _word(request: HttpRequest, pk: int) -> ValueWord:
    # Administrators keep every organisation's words; everyone's words are kept in the admin.
    return get_for_user_or_404(
        request.user,
        ValueWord.objects.select_related("organisation").filter(organisation__isnull=False),
        pk=pk,
    )


def _back(item: ValueWord) -> HttpResponse:
    url = reverse("imports:import_upload")
    return redirect(f"{url}?words_of={item.organisation_id}#saved-words")


@require_POST
@require_permission(Perm.DATA_IMPORT)
def value_word_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = _word(request, pk)
    column = vocabulary_columns().get(item.column)
    if column is None:
        return _back(item)
    form = ValueWordForm(request.POST, column=column, lang=page_language(), prefix=f"w{item.pk}")
    if form.is_valid():
        try:
            value_word_change(by=_by(request), item=item, value=form.chosen)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Saved."))
    return _back(item)


@require_POST
@require_permission(Perm.DATA_IMPORT)
def value_word_remove(request: HttpRequest, pk: int) -> HttpResponse:
    item = _word(request, pk)
    value_word_delete(by=_by(request), item=item)
    messages.success(request, _("Deleted: the next files will ask about this word again."))
    return _back(item)
