"""Referral letters to agencies outside the system: write one, download it as a PDF
(docs/adr/0039). Both only for the case's organisation: anyone else gets the audited 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from core import audit
from core.access import object_access
from core.pdf import render_pdf
from core.permissions import Perm

from ..access import get_case_for_user
from ..forms.letters import ReferralLetterForm
from ..services.letters import letter_child_details, letter_create


@object_access
def letter_create_view(request, pk):
    posting = request.method == "POST"
    case = get_case_for_user(
        request.user, pk, action=None if posting else audit.Action.VIEW, perm=Perm.REFERRAL_SEND
    )
    form = ReferralLetterForm(request.POST if posting else None)
    status = 200
    if posting:
        if form.is_valid():
            try:
                letter = letter_create(by=request.user, case=case, data=form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("The letter is numbered %(number)s. Download it from the case page.")
                    % {"number": letter.number},
                )
                return redirect(
                    reverse("children:case_detail", args=[case.pk]) + "#referrals-letters"
                )
        audit.record(audit.Action.VIEW, user=request.user, obj=case)
        status = 400
    context = {"case": case, "form": form, "details": letter_child_details(case)}
    return render(request, "children/referrals/letter_form.html", context, status=status)


def letter_context(letter):
    """What the letter's template reads: the letter, and the child's details consent allows now."""
    signer = letter.created_by
    membership = getattr(signer, "membership_or_none", None)
    return {
        "letter": letter,
        "organisation": letter.organisation,
        "details": letter_child_details(letter.case),
        "signer": signer,
        "signer_title": membership.title if membership is not None else "",
        "rtl": translation.get_language_bidi(),
    }


@object_access
def letter_pdf(request, pk, letter):
    """The letter as a PDF, in the reader's language; each download is audited."""
    case = get_case_for_user(request.user, pk, action=None, perm=Perm.REFERRAL_SEND)
    found = case.referral_letters.filter(
        pk=letter, organisation_id=request.user.membership.organisation_id
    ).first()
    if found is None:
        raise Http404
    language = translation.get_language() or "fa"
    content = render_pdf(
        "children/referrals/letter_pdf.html", letter_context(found), language=language
    )
    audit.record(
        audit.Action.PRINT,
        user=request.user,
        obj=case,
        detail={"referral_letter": found.pk, "number": found.number},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.number}.pdf"'
    response["Cache-Control"] = "no-store"
    return response
