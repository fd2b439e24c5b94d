"""Forms for organisation profiles, verification and staff. They validate and convert; the
services in `ngos.services` do the writing."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from core.formfields import LocalizedIntegerField
from core.models import Province
from core.permissions import Role
from core.persian import clean_text, to_latin_digits

from .models import (
    PROFILE_FORM_FIELDS,
    EligibleDocument,
    EligibleNationality,
    EligibleSex,
    Focus,
    Membership,
    Organisation,
    Service,
    StaffLanguage,
)

# Roles an organisation manager may give; administrators may give every role.
MANAGER_ASSIGNABLE_ROLES = [Role.CASEWORKER, Role.ORG_MANAGER]

_CITY_SEPARATORS = re.compile(r"[,،;؛\n]+")


class CityListField(forms.CharField):
    """Cities typed in one box, separated by commas (, or ،): cleans to a list of names."""

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "، ".join(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        cities = []
        for part in _CITY_SEPARATORS.split(value or ""):
            city = clean_text(part)
            if city and city not in cities:
                cities.append(city)
        return cities

    def validate(self, value):
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        for city in value:
            if len(city) > 80:
                raise forms.ValidationError(
                    _("A city name is longer than 80 characters: %(city)s"),
                    code="too_long",
                    params={"city": city[:40]},
                )


class ProvinceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ProvinceMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


def _style_checkboxes(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"


def _provinces_by_name():
    # Ordered by the reader's language, so the list is alphabetical in Persian and in English.
    return sorted(Province.objects.all(), key=lambda p: p.name)


class OrganisationProfileForm(forms.ModelForm):
    """What an organisation manager edits. Kind and code are set by administrators only."""

    founded_year = LocalizedIntegerField(
        label=_("Year founded (Solar Hijri)"),
        required=False,
        min_value=1250,
        max_value=1500,
        help_text=_("For example 1390."),
    )
    home_province = ProvinceChoiceField(
        label=_("Head office province"), queryset=Province.objects.all()
    )
    provinces = ProvinceMultipleChoiceField(
        label=_("Provinces of operation"),
        queryset=Province.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    cities = CityListField(
        label=_("Cities of operation"),
        required=False,
        help_text=_("Separate cities with commas."),
    )
    focus = forms.MultipleChoiceField(
        label=_("Focus"),
        choices=Focus.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    website = forms.URLField(
        label=_("Website"),
        required=False,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"dir": "ltr"}),
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken by staff"),
        choices=StaffLanguage.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Organisation
        fields = PROFILE_FORM_FIELDS
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "address": forms.Textarea(attrs={"rows": 2}),
            "phone": forms.TextInput(attrs={"dir": "ltr", "inputmode": "tel"}),
            "email": forms.EmailInput(attrs={"dir": "ltr"}),
            "registration_number": forms.TextInput(attrs={"dir": "ltr"}),
            "code": forms.TextInput(attrs={"dir": "ltr"}),
            "logo": forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        }
        help_texts = {
            "registration_number": _(
                "Changing the registration number or the registering authority of a verified "
                "organisation withdraws its verification until the ministry checks it again."
            ),
            "logo": _("PNG, JPEG or WebP, at most 512 KB."),
        }

    def __init__(self, *args, can_edit_identity=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not can_edit_identity:
            del self.fields["kind"]
            del self.fields["code"]
        provinces = _provinces_by_name()
        self.fields["home_province"].choices = [("", "---------")] + [
            (p.pk, p.name) for p in provinces
        ]
        self.fields["provinces"].choices = [(p.pk, p.name) for p in provinces]
        _style_checkboxes(self)

    def clean_name_fa(self):
        return clean_text(self.cleaned_data["name_fa"])

    def clean_name_en(self):
        return clean_text(self.cleaned_data["name_en"])

    def clean_registration_number(self):
        # Stored with ASCII digits so that "۱۳۹۰-۴۵۲۱" and "1390-4521" are one number.
        return to_latin_digits(clean_text(self.cleaned_data["registration_number"]))

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean_phone(self):
        return to_latin_digits(clean_text(self.cleaned_data["phone"]))

    def clean_contact_person(self):
        return clean_text(self.cleaned_data["contact_person"])

    def clean_address(self):
        return clean_text(self.cleaned_data["address"], multiline=True)

    def clean_description(self):
        return clean_text(self.cleaned_data["description"], multiline=True)

    def profile_data(self):
        """The cleaned values for `organisation_update_profile`, without saving anything."""
        data = dict(self.cleaned_data)
        logo = data.pop("logo", None)
        if "logo" in self.changed_data:
            data["logo"] = logo or None  # False when "clear" was ticked
        return data


class ServiceOfferingForm(forms.Form):
    """One service in the profile form: offered or not, with capacity and eligibility."""

    offered = forms.BooleanField(label=_("Offered"), required=False)
    capacity_per_month = LocalizedIntegerField(
        label=_("Capacity (children a month)"), required=False, min_value=0, max_value=100000
    )
    age_min = LocalizedIntegerField(
        label=_("Youngest age"), required=False, min_value=0, max_value=25
    )
    age_max = LocalizedIntegerField(
        label=_("Oldest age"), required=False, min_value=0, max_value=25
    )
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", _("Girls and boys"))] + list(EligibleSex.choices),
        required=False,
    )
    nationalities = forms.MultipleChoiceField(
        label=_("Nationalities"),
        choices=EligibleNationality.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when children of every nationality are accepted."),
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents the child must hold"),
        choices=EligibleDocument.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty when children with any document, or none, are accepted."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)

    def __init__(self, *args, service, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        _style_checkboxes(self)

    def clean(self):
        data = super().clean()
        age_min, age_max = data.get("age_min"), data.get("age_max")
        if age_min is not None and age_max is not None and age_min > age_max:
            self.add_error("age_max", _("The oldest age must not be below the youngest age."))
        if data.get("notes"):
            data["notes"] = clean_text(data["notes"])
        return data

    def offering_data(self):
        """None when not offered, else the values of the offering."""
        data = self.cleaned_data
        if not data.get("offered"):
            return None
        return {
            "capacity_per_month": data.get("capacity_per_month"),
            "age_min": data.get("age_min"),
            "age_max": data.get("age_max"),
            "sex": data.get("sex") or "",
            "nationalities": list(data.get("nationalities") or []),
            "documents": list(data.get("documents") or []),
            "notes": data.get("notes") or "",
        }


class ServiceOfferingsForm:
    """One `ServiceOfferingForm` per service, each with its own prefix (`service-education-...`)."""

    def __init__(self, data=None, *, organisation):
        offerings = {o.service_id: o for o in organisation.service_offerings.all()}
        self.forms = []
        for service in Service.objects.all():
            offering = offerings.get(service.pk)
            initial = {"offered": offering is not None}
            if offering is not None:
                initial.update(
                    capacity_per_month=offering.capacity_per_month,
                    age_min=offering.age_min,
                    age_max=offering.age_max,
                    sex=offering.sex,
                    nationalities=offering.nationalities,
                    documents=offering.documents,
                    notes=offering.notes,
                )
            self.forms.append(
                ServiceOfferingForm(
                    data, service=service, prefix=f"service-{service.code}", initial=initial
                )
            )

    def __iter__(self):
        return iter(self.forms)

    def is_valid(self):
        # Validate every form (not stop at the first bad one) so each shows its errors.
        results = [form.is_valid() for form in self.forms]
        return all(results)

    def offerings_data(self):
        """{service code: values or None} for `organisation_update_profile`."""
        return {form.service.code: form.offering_data() for form in self.forms}


class VerifyForm(forms.Form):
    documents_checked = forms.BooleanField(
        label=_("I have checked the organisation's documents."), required=True
    )
    registration_confirmed = forms.BooleanField(
        label=_("The registration is confirmed with the registering authority."), required=True
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def clean_note(self):
        return clean_text(self.cleaned_data["note"], multiline=True)


class SuspendForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for suspension"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The organisation's managers receive this reason by email."),
    )

    def clean_reason(self):
        reason = clean_text(self.cleaned_data["reason"], multiline=True)
        if not reason:
            raise forms.ValidationError(_("Give a reason."), code="required")
        return reason


class ReinstateForm(forms.Form):
    note = forms.CharField(
        label=_("Why the suspension ends"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )

    def clean_note(self):
        note = clean_text(self.cleaned_data["note"], multiline=True)
        if not note:
            raise forms.ValidationError(_("Give a reason."), code="required")
        return note


def _role_choices(by_administrator):
    keys = list(Role.DEFINITIONS) if by_administrator else MANAGER_ASSIGNABLE_ROLES
    return [(key, Role.get(key).label) for key in keys]


class RoleFieldsMixin:
    """Role choices follow who is assigning: managers give only their organisation's roles."""

    def setup_role(self, *, by_administrator):
        self.fields["role"].choices = _role_choices(by_administrator)
        if by_administrator:
            self.fields["province"].choices = [("", _("National"))] + [
                (p.pk, p.name) for p in _provinces_by_name()
            ]
        else:
            del self.fields["province"]

    def clean_role_and_province(self, data):
        if data.get("province") and data.get("role") != Role.MINISTRY_OFFICER:
            self.add_error("province", _("Only a ministry officer has a province."))


class StaffInviteForm(RoleFieldsMixin, forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("The invitation goes to this address."),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
        help_text=_("Letters, digits and @ . + - _ only; used to sign in."),
    )
    role = forms.ChoiceField(label=_("Role"))
    province = ProvinceChoiceField(
        label=_("Province (provincial ministry officers only)"),
        queryset=Province.objects.all(),
        required=False,
    )
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
    language = forms.ChoiceField(
        label=_("Language of the invitation"),
        choices=get_user_model()._meta.get_field("language").choices,  # type: ignore[arg-type]
        initial="fa",
    )

    def __init__(self, *args, by_administrator=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_role(by_administrator=by_administrator)

    def clean_first_name(self):
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_text(self.cleaned_data["last_name"])

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean_username(self):
        User = get_user_model()
        username = self.cleaned_data["username"].strip()
        User._meta.get_field("username").run_validators(username)
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken."), code="taken")
        return username

    def clean_email(self):
        email = get_user_model().objects.normalize_email(self.cleaned_data["email"].strip())
        # A user belongs to exactly one organisation: one account per address.
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("Someone already has an account with this address."), code="taken"
            )
        return email

    def clean(self):
        data = super().clean()
        self.clean_role_and_province(data)
        return data


class StaffEditForm(RoleFieldsMixin, forms.ModelForm):
    role = forms.ChoiceField(label=_("Role"))
    province = ProvinceChoiceField(
        label=_("Province (provincial ministry officers only)"),
        queryset=Province.objects.all(),
        required=False,
    )

    class Meta:
        model = Membership
        fields = ["role", "title", "province"]

    def __init__(self, *args, by_administrator=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_role(by_administrator=by_administrator)

    def clean_title(self):
        return clean_text(self.cleaned_data["title"])

    def clean(self):
        data = super().clean()
        self.clean_role_and_province(data)
        return data


class ColleagueChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = obj.get_full_name() or obj.username
        return f"{name} ({obj.username})"


class StaffDeactivateForm(forms.Form):
    reassign_to = ColleagueChoiceField(
        label=_("Give their open cases to"),
        queryset=get_user_model().objects.none(),
        help_text=_("Every open case assigned to this person moves to the colleague you choose."),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reassign_to"].queryset = candidates
        # With no colleague left to take them, the cases wait for the next caseworker.
        self.fields["reassign_to"].required = candidates.exists()


class SecondApproverForm(forms.Form):
    """Name the organisation's second approver (docs/adr/0038): one of its active caseworkers,
    or nobody."""

    second_approver = ColleagueChoiceField(
        label=_("Second approver"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Nobody"),
        help_text=_(
            "A caseworker who may approve closures and consent overrides of this organisation, "
            "so that nobody approves their own request."
        ),
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_approver"].queryset = candidates


class InvitationSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("new_password1", "new_password2"):
            self.fields[name].widget.attrs.update({"autocomplete": "new-password", "dir": "ltr"})
