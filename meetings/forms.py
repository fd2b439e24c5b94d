"""Forms for working groups: they validate and convert; the services decide and write."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField, LocalizedIntegerField, LocalizedTimeField
from ngos.models import Organisation

from .models import Attendee, Resolution, WorkingGroup
from .validators import document_content_type


def _document_field():
    return forms.FileField(
        label=_("Attach a document"),
        required=False,
        help_text=_("PDF, Word (DOCX) or an image; up to 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.docx,.png,.jpg,.jpeg,.webp", "class": "form-control"}
        ),
    )


class DocumentCheckMixin:
    def clean_document(self):
        file = self.cleaned_data.get("document")
        if file:
            document_content_type(file)
        return file


class WorkingGroupForm(forms.ModelForm):
    class Meta:
        model = WorkingGroup
        fields = [
            "title_fa",
            "title_en",
            "topic",
            "convening_organisation",
            "secretary",
            "member_organisations",
        ]
        widgets = {"member_organisations": forms.SelectMultiple(attrs={"size": 8})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["secretary"].queryset = (
            get_user_model()
            .objects.filter(is_active=True, membership__isnull=False)
            .order_by("last_name", "first_name")
        )
        self.fields["member_organisations"].queryset = Organisation.objects.order_by("name_fa")


class MeetingForm(DocumentCheckMixin, forms.Form):
    number = LocalizedIntegerField(label=_("Meeting number"), min_value=1)
    held_on = JalaliDateField(label=_("Date"))
    starts_at = LocalizedTimeField(label=_("Time"), required=False)
    place = forms.CharField(label=_("Place"), max_length=300)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        help_text=_("One agenda item a line."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    document = _document_field()

    def agenda_items(self):
        return [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name_fa"), required=False
    )
    presence = forms.ChoiceField(
        label=_("Attendance"), choices=Attendee.Presence.choices, initial="present"
    )
    represented_by = forms.CharField(label=_("Represented by"), max_length=150, required=False)
    is_chair = forms.BooleanField(label=_("Chair"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("presence") == Attendee.Presence.REPRESENTED and not data.get("represented_by"):
            self.add_error("represented_by", _("Name who represented them."))
        return data


class BaseAttendeeFormSet(forms.BaseFormSet):
    def attendees(self):
        return [
            form.cleaned_data for form in self.forms if form.cleaned_data.get("name", "").strip()
        ]

    def clean(self):
        if any(self.errors):
            return
        attendees = self.attendees()
        if not attendees:
            raise forms.ValidationError(_("List at least one attendee."))
        if sum(1 for a in attendees if a.get("is_chair")) > 1:
            raise forms.ValidationError(_("A meeting has one chair."))


AttendeeFormSet = forms.formset_factory(
    AttendeeForm, formset=BaseAttendeeFormSet, extra=8, max_num=60, validate_max=True
)


class StatementForm(forms.Form):
    speaker = forms.ModelChoiceField(
        label=_("Speaker"), queryset=Attendee.objects.none(), required=False
    )
    speaker_title = forms.CharField(
        label=_("Title at the time"),
        max_length=200,
        required=False,
        help_text=_("Left empty: the title on the attendance list."),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("Agenda item"), queryset=Attendee.objects.none(), required=False
    )
    text = forms.CharField(
        label=_("Statement"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speaker"].queryset = meeting.attendees.all()
        self.fields["agenda_item"].queryset = meeting.agenda_items.all()

    def clean(self):
        data = super().clean()
        if data.get("text", "").strip() and not data.get("speaker"):
            self.add_error("speaker", _("Choose who said this."))
        if data.get("speaker") and not data.get("text", "").strip():
            self.add_error("text", _("Write what was said."))
        return data


class BaseStatementFormSet(forms.BaseFormSet):
    def statements(self):
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data.get("text", "").strip() and form.cleaned_data.get("speaker")
        ]


StatementFormSet = forms.formset_factory(
    StatementForm, formset=BaseStatementFormSet, extra=3, max_num=200, validate_max=True
)


class MinutesSummaryForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class ResolutionForm(forms.Form):
    text = forms.CharField(label=_("Resolution"), widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Type"), choices=Resolution.Kind.choices)
    due_date = JalaliDateField(label=_("Deadline"))
    lead = forms.ModelChoiceField(
        label=_("Lead organisation"), queryset=Organisation.objects.order_by("name_fa")
    )
    supporting = forms.ModelMultipleChoiceField(
        label=_("Supporting organisations"),
        queryset=Organisation.objects.order_by("name_fa"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )

    def clean(self):
        data = super().clean()
        lead = data.get("lead")
        if lead and lead in (data.get("supporting") or []):
            self.add_error("supporting", _("The lead organisation is not also supporting."))
        return data


class ProgressForm(DocumentCheckMixin, forms.Form):
    text = forms.CharField(label=_("Progress"), widget=forms.Textarea(attrs={"rows": 3}))
    document = _document_field()


class DocumentForm(DocumentCheckMixin, forms.Form):
    document = _document_field()

    def clean_document(self):
        file = super().clean_document()
        if not file:
            raise forms.ValidationError(_("Choose a file."))
        return file


class WorkingGroupEditForm(forms.Form):
    """What a group's managers may change after it is created; the convening organisation
    stays as it was."""

    title_fa = forms.CharField(label=_("Persian title"), max_length=300)
    title_en = forms.CharField(label=_("English title"), max_length=300, required=False)
    topic = forms.CharField(label=_("Topic"), max_length=300, required=False)
    secretary = forms.ModelChoiceField(
        label=_("Secretary"), queryset=Organisation.objects.none(), required=False
    )
    member_organisations = forms.ModelMultipleChoiceField(
        label=_("Member organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    members = forms.ModelMultipleChoiceField(
        label=_("Member people"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args, group=None, **kwargs):
        if group is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title_fa": group.title_fa,
                "title_en": group.title_en,
                "topic": group.topic,
                "secretary": group.secretary_id,
                "member_organisations": list(
                    group.member_organisations.values_list("pk", flat=True)
                ),
                "members": list(group.members.values_list("pk", flat=True)),
            }
        super().__init__(*args, **kwargs)
        # Present people with an organisation, and whoever is already in the group (so saving
        # the form does not silently drop someone who has since left).
        current = Q(pk__in=group.members.values("pk")) if group is not None else Q(pk__in=[])
        if group is not None and group.secretary_id:
            current |= Q(pk=group.secretary_id)
        people = (
            get_user_model()
            .objects.filter(Q(is_active=True, membership__isnull=False) | current)
            .distinct()
            .order_by("last_name", "first_name", "username")
        )
        self.fields["secretary"].queryset = people
        self.fields["members"].queryset = people
        self.fields["member_organisations"].queryset = Organisation.objects.order_by("name_fa")
