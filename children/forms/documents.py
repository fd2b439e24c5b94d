"""Forms for a child's documents and for document policy changes: they validate and convert;
children/services/documents.py decides and writes."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField
from core.national_id import is_valid_national_id
from core.persian import to_latin_digits
from core.uploads import DOCUMENT_MAX_BYTES, SCAN_FORMATS, document_content_type

from ..models import CaseDocument, DocumentPolicyChange, DocumentType


class DocumentForm(forms.ModelForm):
    issued_on = JalaliDateField(label=_("Issue date"), required=False)
    expires_on = JalaliDateField(label=_("Expiry date"), required=False)
    scan_file = forms.FileField(
        label=_("Scan or photo"),
        required=False,
        help_text=_("PDF or an image (PNG, JPEG, WebP); up to %(limit)s MB.")
        % {"limit": DOCUMENT_MAX_BYTES // (1024 * 1024)},
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg,.webp"}),
    )
    remove_scan = forms.BooleanField(label=_("Remove the scan"), required=False)

    class Meta:
        model = CaseDocument
        fields = ["type", "number", "issued_on", "expires_on", "note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].widget.attrs.update(dir="ltr", inputmode="text", autocomplete="off")
        if not (self.instance.pk and self.instance.scan):
            del self.fields["remove_scan"]

    def clean_number(self):
        return to_latin_digits(self.cleaned_data.get("number") or "").strip()

    def clean_scan_file(self):
        scan = self.cleaned_data.get("scan_file")
        if scan:
            document_content_type(scan, SCAN_FORMATS)
        return scan

    def clean(self):
        data = super().clean()
        number, kind = data.get("number"), data.get("type")
        if kind == DocumentType.NATIONAL_CARD and number and not is_valid_national_id(number):
            self.add_error(
                "number", _("This national ID's check digit does not match: look again.")
            )
        issued, expires = data.get("issued_on"), data.get("expires_on")
        if issued and expires and expires < issued:
            self.add_error("expires_on", _("The expiry date is before the issue date."))
        return data

    def document_data(self):
        return {name: self.cleaned_data.get(name) for name in self._meta.fields}


class PolicyChangeForm(forms.ModelForm):
    invalid_from = JalaliDateField(label=_("No longer valid from"))

    class Meta:
        model = DocumentPolicyChange
        fields = ["type", "invalid_from", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"note": _("What changed, who announced it and where.")}

    def clean_note(self):
        note = (self.cleaned_data.get("note") or "").strip()
        if not note:
            raise ValidationError(_("Say what changed and where it was announced."))
        return note
