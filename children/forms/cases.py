"""Forms for registering a child and filling the case over several visits, one section at a time."""

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField, LocalizedIntegerField, use_phone_inputs
from core.national_id import is_valid_national_id, normalize_national_id
from core.persian import to_latin_digits
from core.quickchoices import RowChoiceField

from ..models import Case, Consent
from ..models.choices import (
    SECTION_TITLES,
    ConsentScope,
    Documentation,
    Hazard,
    Language,
    ProtectionConcern,
)
from ..selectors.cases import case_holders

_CHECKBOXES = forms.CheckboxSelectMultiple


def _integer(label, **kwargs):
    return LocalizedIntegerField(label=label, required=False, min_value=0, **kwargs)


PHONE_FIELDS = ("phone", "guardian_phone")


class IdentityFieldsMixin(forms.ModelForm):
    """Checks shared by registration and the identity section."""

    birth_date = JalaliDateField(label=_("Date of birth"), required=False)
    estimated_age = _integer(_("Estimated age (years)"), max_value=25)
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=Language.choices, widget=_CHECKBOXES, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_phone_inputs(self, PHONE_FIELDS)

    def clean_id_number(self):
        value = to_latin_digits(self.cleaned_data.get("id_number", "")).strip()
        return value

    def clean(self):
        cleaned = super().clean()
        birth_date, age = cleaned.get("birth_date"), cleaned.get("estimated_age")
        if birth_date is None and age is None and "birth_date" not in self.errors:
            self.add_error("estimated_age", _("Give the date of birth, or an estimated age."))
        if birth_date and birth_date > timezone.localdate():
            self.add_error("birth_date", _("The date of birth cannot be in the future."))
        documentation, number = cleaned.get("documentation"), cleaned.get("id_number", "")
        if documentation == Documentation.NATIONAL_ID:
            number = normalize_national_id(number)
            if not number:
                self.add_error("id_number", _("Enter the national ID number."))
            elif not is_valid_national_id(number):
                self.add_error(
                    "id_number",
                    _("This is not a valid national ID. Check the digits against the card."),
                )
            else:
                cleaned["id_number"] = number
        elif documentation == Documentation.UNDOCUMENTED:
            cleaned["id_number"] = ""
        return cleaned


IDENTITY_FIELDS = [
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "birth_date",
    "estimated_age",
    "nationality",
    "documentation",
    "id_number",
    "languages",
    "province",
    "city",
    "district",
    "phone",
]


class RegistrationForm(IdentityFieldsMixin):
    """What registration needs: identity and consent. Everything else can wait for later visits."""

    consent_given_by = forms.ChoiceField(
        label=_("Consent given by"),
        choices=Consent._meta.get_field("given_by").choices,  # type: ignore[arg-type]
    )
    consent_given_by_name = forms.CharField(
        label=_("Name of the person who consented"), required=False
    )
    consent_given_on = JalaliDateField(label=_("Date of consent"), initial=timezone.localdate)
    consent_scope = forms.MultipleChoiceField(
        label=_("Consent covers"),
        choices=ConsentScope.choices,
        widget=_CHECKBOXES,
        initial=[ConsentScope.RECORD],
    )
    assigned_to = forms.ModelChoiceField(
        label=_("Caseworker"), queryset=get_user_model().objects.none()
    )
    confirm_not_duplicate = forms.BooleanField(
        label=_("I have checked: this is a different child"),
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Case
        fields = IDENTITY_FIELDS

    def __init__(self, *args, organisation, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = (
            get_user_model()
            # An API token's service account is not a person to give a case to (AC-11).
            .objects.filter(
                membership__organisation=organisation, is_active=True, api_token__isnull=True
            )
            .order_by("first_name", "last_name", "pk")
        )
        self.fields["assigned_to"].initial = user.pk
        self.fields["province"].initial = (
            self.initial.get("province") or organisation.home_province_id
        )

    def clean_consent_scope(self):
        scope = self.cleaned_data["consent_scope"]
        if ConsentScope.RECORD not in scope:
            raise forms.ValidationError(
                _("A case can only be kept with consent to keep this record.")
            )
        return scope

    def identity_fields(self):
        return [self[name] for name in IDENTITY_FIELDS]

    def consent_fields(self):
        return [self[name] for name in self.fields if name.startswith("consent_")]

    def assignment_fields(self):
        return [self["assigned_to"]]

    def case_data(self):
        return {name: self.cleaned_data[name] for name in IDENTITY_FIELDS}

    def consent_data(self):
        return {
            "given_by": self.cleaned_data["consent_given_by"],
            "given_by_name": self.cleaned_data["consent_given_by_name"],
            "given_on": self.cleaned_data["consent_given_on"],
            "scope": self.cleaned_data["consent_scope"],
        }


class SectionForm(forms.ModelForm):
    """One section of the case. `version` is the case version the form was opened at (RE-02)."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_phone_inputs(self, PHONE_FIELDS)

    def section_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class IdentitySectionForm(IdentityFieldsMixin, SectionForm):
    class Meta:
        model = Case
        fields = IDENTITY_FIELDS


class HouseholdSectionForm(SectionForm):
    household_size = _integer(_("People in the household"), max_value=40)
    household_earners = _integer(_("Earners in the household"), max_value=40)
    income_share_percent = _integer(_("Child's share of family income (%)"), max_value=100)

    class Meta:
        model = Case
        fields = [
            "living_situation",
            "guardian_name",
            "guardian_relation",
            "guardian_phone",
            "household_size",
            "household_earners",
            "income_share_percent",
        ]


class WorkSectionForm(SectionForm):
    work_hours_per_week = _integer(_("Hours of work a week"), max_value=126)
    earnings_per_day = _integer(_("Earnings a day (toman)"))
    hazards = forms.MultipleChoiceField(
        label=_("Hazards at work"), choices=Hazard.choices, widget=_CHECKBOXES, required=False
    )

    class Meta:
        model = Case
        fields = ["work_type", "work_hours_per_week", "earnings_per_day", "hazards", "workplace"]


class SchoolingSectionForm(SectionForm):
    school_grade = _integer(_("Grade"), max_value=12)

    class Meta:
        model = Case
        fields = ["school_status", "school_grade"]


class HealthSectionForm(SectionForm):
    protection_concerns = forms.MultipleChoiceField(
        label=_("Protection concerns"),
        choices=ProtectionConcern.choices,
        widget=_CHECKBOXES,
        required=False,
    )

    class Meta:
        model = Case
        fields = ["health_concerns", "protection_concerns", "protection_notes", "risk_level"]
        widgets = {
            "health_concerns": forms.Textarea(attrs={"rows": 3}),
            "protection_notes": forms.Textarea(attrs={"rows": 3}),
        }


# Section key -> (title, form). The order is the order on the case page.
_SECTION_FORMS = {
    "identity": IdentitySectionForm,
    "household": HouseholdSectionForm,
    "work": WorkSectionForm,
    "schooling": SchoolingSectionForm,
    "health": HealthSectionForm,
}
SECTIONS = {key: (SECTION_TITLES[key], _SECTION_FORMS[key]) for key in SECTION_TITLES}


def section_form(section, *args, **kwargs):
    return SECTIONS[section][1](*args, **kwargs)


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class ConsentForm(forms.ModelForm):
    given_on = JalaliDateField(label=_("Date of consent"), initial=timezone.localdate)
    scope = forms.MultipleChoiceField(
        label=_("Consent covers"), choices=ConsentScope.choices, widget=_CHECKBOXES
    )

    class Meta:
        model = Consent
        fields = ["given_by", "given_by_name", "given_on", "scope"]


class WithdrawConsentForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


def _user_label(first_name, last_name, username):
    """What str(user) gives (core.models.User.__str__), from the row."""
    return f"{first_name} {last_name}".strip() or username


class ReassignForm(forms.Form):
    # Options read as rows (core/quickchoices.py): a manager's case page draws every colleague.
    assigned_to = RowChoiceField(
        label=_("Caseworker"),
        queryset=get_user_model().objects.none(),
        label_fields=("first_name", "last_name", "username"),
        label_from_row=_user_label,
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].queryset = case_holders(organisation)
