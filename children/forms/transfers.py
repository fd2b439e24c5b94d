"""Forms for transferring a case and for answering or withdrawing a transfer (docs/adr/0037).

The forms only validate and convert; the services decide what is allowed (consent, who may
answer, which state), so a post that skips the form is refused just the same.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.models import Province, User
from ngos.models import Organisation

from .referrals import _OrganisationChoiceField


def _textarea(rows):
    return forms.Textarea(attrs={"rows": rows})


class TransferProvinceForm(forms.Form):
    """The directory picker's first step: where the family lives now (optional)."""

    province = forms.ModelChoiceField(
        label=_("Where the family lives now"),
        queryset=Province.objects.all(),
        to_field_name="code",
        required=False,
        empty_label=_("Every province"),
    )


class TransferRequestForm(forms.Form):
    """The receiving organisation, chosen in the directory (verified first, never the sender's
    own), and the reason, which the receiver reads."""

    to_organisation = _OrganisationChoiceField(
        label=_("Transfer to"),
        queryset=Organisation.objects.none(),
        empty_label=_("Choose an organisation"),
        error_messages={"required": _("Choose the organisation that will take the case.")},
    )
    reason = forms.CharField(
        label=_("Reason for the transfer"),
        widget=_textarea(3),
        max_length=3000,
        help_text=_(
            "For example: the family moved to Mashhad. The receiving organisation reads this."
        ),
        error_messages={"required": _("Give the reason for the transfer.")},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations


class TransferAcceptForm(forms.Form):
    assigned_to = forms.ModelChoiceField(
        label=_("Caseworker who takes the case"),
        queryset=User.objects.none(),
        empty_label=_("Choose a caseworker"),
        error_messages={"required": _("Choose the caseworker who takes the case.")},
    )

    not_already_here = forms.BooleanField(
        label=_("None of the children listed above is this child"),
        required=False,
    )

    def __init__(self, *args, caseworkers, already_here=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = caseworkers
        # The receiver's cases that may be this child (children_already_here): accepting then
        # asks the manager to say that none of them is.
        self.already_here = list(already_here)
        if not self.already_here:
            del self.fields["not_already_here"]

    def clean_not_already_here(self):
        confirmed = self.cleaned_data.get("not_already_here")
        if self.already_here and not confirmed:
            raise forms.ValidationError(
                _(
                    "This child may already have a case here. Open the cases listed above; if "
                    "none of them is this child, tick the box. If one is, decline the transfer "
                    "and give its case number."
                )
            )
        return confirmed


class TransferDeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=_textarea(2),
        max_length=2000,
        error_messages={"required": _("Give the reason for declining.")},
    )


class TransferWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=_textarea(2),
        max_length=2000,
        error_messages={"required": _("Give the reason for withdrawing the transfer.")},
    )
