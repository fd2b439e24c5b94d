from django import forms
from django.utils.translation import gettext_lazy as _

from core.spreadsheets.reading import ALLOWED_EXTENSIONS, MAX_BYTES
from ngos.models import Organisation


class ImportUploadForm(forms.Form):
    """The organisation is chosen here, never read from a column (FU-06)."""

    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.filter(status=Organisation.Status.ACTIVE)
        .exclude(kind=Organisation.Kind.MINISTRY)
        .order_by("name_fa"),
    )
    file = forms.FileField(
        label=_("Spreadsheet file"),
        help_text=_("A .csv or .xlsx file with the template's columns, at most 40 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_EXTENSIONS)}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        # Refused before a byte is read into memory (FU-01).
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is too large to import."))
        return upload
