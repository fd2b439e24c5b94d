"""The manager's decision on a duty-to-report alert (docs/adr/0036-duty-to-report.md)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField

from ..models.duty import ReportDecision, ReportedTo


class ReportDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("", "---------"), *ReportDecision.choices]
    )
    reported_to = forms.ChoiceField(
        label=_("Reported to"), choices=[("", "---------"), *ReportedTo.choices], required=False
    )
    reported_to_other = forms.CharField(label=_("Other authority"), max_length=200, required=False)
    reported_on = JalaliDateField(
        label=_("Date reported"), required=False, initial=timezone.localdate
    )
    reference = forms.CharField(label=_("Reference number"), max_length=100, required=False)
    reason_not_reported = forms.CharField(
        label=_("Why it was not reported"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        """The same rules as the service (children/services/duty.py), shown beside the fields."""
        data = super().clean()
        decision = data.get("decision")
        if decision == ReportDecision.REPORTED:
            if not data.get("reported_to"):
                self.add_error("reported_to", _("Choose to whom it was reported."))
            elif (
                data["reported_to"] == ReportedTo.OTHER
                and not data.get("reported_to_other", "").strip()
            ):
                self.add_error("reported_to_other", _("Name the authority it was reported to."))
            reported_on = data.get("reported_on")
            if reported_on is None and "reported_on" not in self.errors:
                self.add_error("reported_on", _("Enter the date it was reported."))
            elif reported_on is not None and reported_on > timezone.localdate():
                self.add_error("reported_on", _("The date cannot be in the future."))
        elif (
            decision == ReportDecision.NOT_REPORTED
            and not data.get("reason_not_reported", "").strip()
        ):
            self.add_error("reason_not_reported", _("Say why it was not reported."))
        return data
