from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.spreadsheets.reading import ALLOWED_EXTENSIONS, MAX_BYTES

from .models import organisation_model
from .registry import all_kinds


class ImportUploadForm(forms.Form):
    """The organisation is chosen here, never read from a column (FU-06), for the kinds that
    import into one organisation (children, encounters, staff); organisations carry their own
    code and attendance rows their meeting."""

    kind = forms.ChoiceField(label=_("What the file holds"), initial="children", required=False)
    organisation: "forms.ModelChoiceField[Any]" = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=None,  # set in __init__: the active organisations other than ministries
        required=False,
        help_text=_("Not needed for organisations or meeting attendance: each row names its own."),
    )
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("A .csv or .xlsx file with the template's columns, at most 40 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        Organisation = organisation_model()
        self.fields["organisation"].queryset = (
            Organisation.objects.filter(status=Organisation.Status.ACTIVE)
            .exclude(kind=Organisation.Kind.MINISTRY)
            .order_by("name_fa")
        )
        self.kinds = all_kinds()
        self.fields["kind"].choices = [(code, kind.label) for code, kind in self.kinds.items()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before a byte is read into memory (FU-01).
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large to import."))
        return upload

    def clean(self):
        data = super().clean()
        data["kind"] = data.get("kind") or "children"
        kind = self.kinds.get(data["kind"])
        if kind is None:
            return data
        if kind.organisation_chosen and not data.get("organisation"):
            self.add_error("organisation", _("Choose the organisation the file belongs to."))
        if not kind.organisation_chosen:
            data["organisation"] = None
        data["import_kind"] = kind
        return data
