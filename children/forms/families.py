"""Forms for a child's family: the household's own answers, and adding a registered sibling."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.formfields import LocalizedIntegerField, use_phone_inputs
from core.persian import to_latin_digits

from ..models import SHARED_FIELDS, Household


class HouseholdForm(forms.ModelForm):
    """What the family shares, saved once for every child in it. `version` is the household's
    version when the form was opened (RE-02)."""

    household_size = LocalizedIntegerField(
        label=_("People in the household"), required=False, min_value=0, max_value=40
    )
    household_earners = LocalizedIntegerField(
        label=_("Earners in the household"), required=False, min_value=0, max_value=40
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Household
        fields = [*SHARED_FIELDS, "housing"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_phone_inputs(self, ("guardian_phone",))

    def household_data(self):
        return {name: self.cleaned_data[name] for name in self._meta.fields}


class FamilyAddForm(forms.Form):
    """Another child of the user's organisation, named by case number or by name (searched as the
    case list searches, sound-alike spellings included), joins this family."""

    case_number = forms.CharField(
        label=_("Case number or name of the brother or sister"),
        max_length=40,
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )

    def clean_case_number(self):
        return to_latin_digits(self.cleaned_data["case_number"]).strip()
