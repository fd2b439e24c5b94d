"""Forms for assessments, the case plan, closure and follow-ups."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField

from ..models import Assessment, FollowUp, PlanAction
from ..models.choices import ClosureReason, PlanStatus
from ..models.workflow import NEED_DOMAINS
from ..selectors.cases import case_holders


class AssessmentForm(forms.ModelForm):
    assessed_on = JalaliDateField(label=_("Date of assessment"), initial=timezone.localdate)

    class Meta:
        model = Assessment
        fields = ["assessed_on", *NEED_DOMAINS, "risk_level", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["risk_level"].required = False

    def needs(self):
        return {domain: self.cleaned_data[domain] for domain in NEED_DOMAINS}


class GoalForm(forms.Form):
    goal = forms.CharField(label=_("Goal"), max_length=300)


class PlanActionForm(forms.ModelForm):
    target_date = JalaliDateField(label=_("Target date"), required=False)

    class Meta:
        model = PlanAction
        fields = ["description", "service", "responsible", "target_date"]

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = case_holders(organisation)


class PlanActionStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=PlanStatus.choices)


class ClosureRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason for closing"), choices=ClosureReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ClosureDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(label=_("Why the case is reopened"), max_length=200)


class FollowUpForm(forms.ModelForm):
    due_on = JalaliDateField(label=_("Due date"))

    class Meta:
        model = FollowUp
        fields = ["due_on", "kind", "responsible"]

    def __init__(self, *args, organisation, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = case_holders(organisation)
        if user is not None:
            self.fields["responsible"].initial = user.pk


class FollowUpOutcomeForm(forms.Form):
    result = forms.ChoiceField(
        label=_("Result"),
        choices=[("done", _("Done")), ("missed", _("Missed"))],
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2}))


class RescheduleForm(forms.Form):
    due_on = JalaliDateField(label=_("New date"))
    reason = forms.CharField(label=_("Why"), required=False)

    def clean_due_on(self):
        due_on = self.cleaned_data["due_on"]
        if due_on < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return due_on
