"""Forms for referring a child and for answering, completing and withdrawing a referral.

The forms only validate and convert. The services decide what is allowed (consent, who may
answer, which state), so a post that skips the form is refused just the same.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from ngos.models import Organisation, Service


def _textarea(rows):
    return forms.Textarea(attrs={"rows": rows})


class _OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.is_verified:
            return _("%(name)s (verified)") % {"name": obj.name}
        return _("%(name)s (not verified yet)") % {"name": obj.name}


class ReferralServiceForm(forms.Form):
    """First step of a referral: which service the child needs."""

    service = forms.ModelChoiceField(
        label=_("Service"),
        queryset=Service.objects.all(),
        to_field_name="code",
        empty_label=_("Choose a service"),
    )


class ReferralForm(forms.Form):
    """Second step: the organisation, chosen among those offering the service in the child's
    province (verified first, never the sender's own), and what the referral shares.

    `organisations` is that queryset, from `ngos.selectors.organisations_for_referral`. The
    override reason is offered only to someone allowed to refer without consent, and only when
    the case has no consent covering referral.
    """

    service = forms.ModelChoiceField(
        queryset=Service.objects.all(), to_field_name="code", widget=forms.HiddenInput
    )
    # Shown as a ranked list of radio buttons (children/selectors/referral_ranking.py).
    to_organisation = _OrganisationChoiceField(
        label=_("Refer to"),
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the organisation to refer the child to.")},
    )
    need = forms.CharField(
        label=_("The need"),
        widget=_textarea(3),
        max_length=3000,
        help_text=_("What the child needs from this organisation. The receiver reads this."),
    )
    contact_arrangements = forms.CharField(
        label=_("Contact arrangements"),
        widget=_textarea(2),
        max_length=1000,
        required=False,
        help_text=_(
            "How and when the receiving organisation can meet the child, e.g. through your "
            "caseworker at your centre. Write no phone number or address unless the family agreed."
        ),
    )
    sender_note = forms.CharField(
        label=_("What else the receiver should know"),
        widget=_textarea(2),
        max_length=2000,
        required=False,
    )
    consent_override_reason = forms.CharField(
        label=_("Reason for referring without consent"),
        widget=_textarea(2),
        max_length=2000,
        required=False,
        help_text=_("Recorded in the audit log with your name."),
    )

    def __init__(self, *args, organisations, allow_override, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = organisations
        if allow_override:
            self.fields["consent_override_reason"].required = True
        else:
            del self.fields["consent_override_reason"]

    def referral_data(self):
        return {
            name: self.cleaned_data[name]
            for name in ("need", "contact_arrangements", "sender_note")
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for declining"),
        widget=_textarea(2),
        max_length=2000,
        error_messages={"required": _("Give the reason for declining.")},
    )


class CompleteForm(forms.Form):
    completed = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("yes", _("The service was given")), ("no", _("The service was not given"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="yes",
    )
    notes = forms.CharField(
        label=_("Completion notes"),
        widget=_textarea(3),
        max_length=3000,
        help_text=_("What was done. The referring organisation reads this on its case."),
        error_messages={
            "required": _("Say what was done, for the organisation that referred the child.")
        },
    )


class WithdrawReferralForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=_textarea(2),
        max_length=2000,
        error_messages={"required": _("Give the reason for withdrawing the referral.")},
    )
