"""The referral letter form (docs/adr/0039): only validates; the service numbers and saves."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ReferralLetterForm(forms.Form):
    recipient = forms.CharField(
        label=_("To"),
        max_length=200,
        help_text=_(
            "The agency and, if known, the person, e.g. State Welfare Organisation, "
            "Tehran province office."
        ),
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(
        label=_("Letter text"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
        help_text=_(
            "What you ask of the agency. Do not write the child's name or details here: the "
            "letter adds what the child's consent allows."
        ),
    )
    attachments = forms.CharField(
        label=_("Attachments"),
        max_length=200,
        required=False,
        help_text=_("Leave empty when nothing is attached."),
    )
