"""The encounter form: built to be filled in under a minute on a phone."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import (
    JalaliDateField,
    LocalizedDecimalField,
    LocalizedIntegerField,
    LocalizedTimeField,
)
from core.models import Province

from ..models import ANONYMOUS_FIELDS, Case, Encounter
from ..models.choices import AgeBand, Sex


class EncounterForm(forms.ModelForm):
    date = JalaliDateField(label=_("Date"))
    time = LocalizedTimeField(label=_("Time"))
    latitude = LocalizedDecimalField(
        required=False, max_digits=8, decimal_places=5, widget=forms.HiddenInput
    )
    longitude = LocalizedDecimalField(
        required=False, max_digits=8, decimal_places=5, widget=forms.HiddenInput
    )
    cases = forms.ModelMultipleChoiceField(
        label=_("Registered children met"),
        queryset=Case.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Encounter
        fields = [
            "province",
            "city",
            "district",
            "hotspot",
            "latitude",
            "longitude",
            "activity",
            "observations",
            "follow_up_needed",
        ]
        widgets = {"observations": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, cases, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        now = timezone.localtime()
        self.fields["date"].initial = now.date()
        self.fields["time"].initial = now.strftime("%H:%M")
        self.fields["province"].queryset = Province.objects.all()
        self.fields["province"].initial = organisation.home_province_id
        self.fields["cases"].queryset = cases
        self.anonymous_names = []
        for (sex, band), name in ANONYMOUS_FIELDS.items():
            label = _("%(sex)s, %(age)s") % {"sex": Sex(sex).label, "age": AgeBand(band).label}
            self.fields[name] = LocalizedIntegerField(
                label=label, min_value=0, max_value=500, required=False
            )
            # The grid shows the sex and age band as row and column headers, not as a <label>:
            # the input carries them itself for screen readers (axe: label).
            self.fields[name].widget.attrs["aria-label"] = label
            self.anonymous_names.append(name)

    def place_fields(self):
        return [
            self[name]
            for name in ("date", "time", "activity", "province", "city", "district", "hotspot")
        ]

    def note_fields(self):
        return [self["observations"], self["follow_up_needed"]]

    def anonymous_rows(self):
        """The count fields as a sex × age band grid for the template."""
        return [
            (Sex(sex).label, [self[ANONYMOUS_FIELDS[(sex, band)]] for band in AgeBand.values])
            for sex in Sex.values
        ]

    def clean(self):
        cleaned = super().clean()
        latitude, longitude = cleaned.get("latitude"), cleaned.get("longitude")
        if (latitude is None) != (longitude is None):
            cleaned["latitude"] = cleaned["longitude"] = None
        when = cleaned.get("date"), cleaned.get("time")
        if all(when):
            occurred = timezone.make_aware(datetime.datetime.combine(*when))
            if occurred > timezone.now() + datetime.timedelta(minutes=5):
                self.add_error("date", _("An encounter cannot be in the future."))
            cleaned["occurred_at"] = occurred
        return cleaned

    def encounter_data(self):
        data = {name: self.cleaned_data[name] for name in self._meta.fields}
        data["occurred_at"] = self.cleaned_data["occurred_at"]
        return data

    def anonymous_counts(self):
        return {key: self.cleaned_data.get(name) or 0 for key, name in ANONYMOUS_FIELDS.items()}
