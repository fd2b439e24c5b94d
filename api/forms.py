"""The administrators' form for a new API token."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField
from core.models import Province
from ngos.models import Organisation

from .models import ApiToken
from .scopes import Scope

DEFAULT_LIFETIME = datetime.timedelta(days=90)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=120,
        help_text=_("Which partner system uses it, e.g. the State Welfare Organisation's system."),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ApiToken.Kind.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.order_by("name_fa"),
        help_text=_(
            "The organisation whose cases the token works on; for aggregate figures, the "
            "ministry or agency that runs the system."
        ),
    )
    province = forms.ModelChoiceField(
        label=_("Province (aggregate figures only)"),
        queryset=Province.objects.all(),
        required=False,
        empty_label=_("All provinces"),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.CHOICES,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    expires_on = JalaliDateField(label=_("Expires on"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["expires_on"].initial = timezone.localdate() + DEFAULT_LIFETIME
        self.fields["kind"].initial = ApiToken.Kind.ORGANISATION

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        kind, scopes = cleaned.get("kind"), set(cleaned.get("scopes") or [])
        allowed = (
            Scope.FOR_AGGREGATES if kind == ApiToken.Kind.AGGREGATES else Scope.FOR_ORGANISATION
        )
        if kind and scopes - allowed:
            self.add_error(
                "scopes", _("Some of these scopes are not allowed for this kind of token.")
            )
        organisation = cleaned.get("organisation")
        if (
            kind == ApiToken.Kind.AGGREGATES
            and organisation is not None
            and organisation.kind == Organisation.Kind.NGO
        ):
            self.add_error(
                "organisation",
                _("A token for aggregate figures belongs to a government body, not an NGO."),
            )
        expires_on = cleaned.get("expires_on")
        today = timezone.localdate()
        if isinstance(expires_on, datetime.date) and not (
            today < expires_on <= today + datetime.timedelta(days=365)
        ):
            self.add_error("expires_on", _("Choose a date after today and within a year."))
        return cleaned

    def expires_at(self) -> datetime.datetime:
        day = self.cleaned_data["expires_on"]
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))
