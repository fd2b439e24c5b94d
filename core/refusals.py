"""How a view turns a service's refusal into a response, one way everywhere (ADR 0013).

- `ActionNotAllowed` is not caught: Django answers 403 with the common page.
- `ValidationError` (bad input) and `InvalidState` (a step the state does not allow) become either
  errors on the form the page shows again (`refusal_on_form`), or error messages on the page the
  view redirects to (`refusal_as_message`).

Both are context managers: the lines after the service call inside the block (the success
message, the redirect) run only when the service did not refuse; `as outcome` gives an object
whose `refused` says afterwards whether it did.

    with refusal_as_message(request):
        services.case_reopen(by=request.user, case=case, reason=reason)
        messages.success(request, _("The case is open again."))
    return redirect(...)
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .exceptions import ActionNotAllowed


class Outcome:
    """Whether the block's service call refused, for views that branch on it afterwards."""

    refused = False


def add_refusal_to_form(form: forms.BaseForm, refusal: ValidationError) -> forms.BaseForm:
    """Show a refusal on `form`: beside a field it names, else above the form."""
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, refusal)
    return form


@contextmanager
def refusal_on_form(form: forms.BaseForm) -> Iterator[Outcome]:
    """A refusal inside the block lands on `form`; the view then renders the form again."""
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as refusal:
        outcome.refused = True
        add_refusal_to_form(form, refusal)


@contextmanager
def refusal_as_message(request: HttpRequest, *, not_allowed_too: bool = False) -> Iterator[Outcome]:
    """A refusal inside the block becomes error messages; the view then redirects.

    `not_allowed_too` shows a permission refusal as a message as well, for pages that offer an
    action to people some of whom may not take it (a referral's sender sees its answer buttons).
    """
    caught: tuple[type[Exception], ...] = (
        (ValidationError, ActionNotAllowed) if not_allowed_too else (ValidationError,)
    )
    outcome = Outcome()
    try:
        yield outcome
    except caught as refusal:
        outcome.refused = True
        for message in cast(ValidationError | ActionNotAllowed, refusal).messages:
            messages.error(request, message)
