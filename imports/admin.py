"""Everyone's vocabulary of values in the admin: an administrator adds the words people write
(docs/adr/0018). An organisation's own words are kept on the import page, where they are audited."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from core import audit
from core.spreadsheets.cells import word_key

from .models import ValueWord
from .vocabulary import AUDIT_OBJECT_TYPE, column_options, vocabulary_columns


class ValueWordForm(forms.ModelForm):
    class Meta:
        model = ValueWord
        fields = ["column", "word", "value", "organisation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = vocabulary_columns(decided=False)
        self.fields["column"] = forms.ChoiceField(
            label=_("column"), choices=[(name, name) for name in sorted(self.columns)]
        )

    def clean(self):
        data = super().clean()
        column = self.columns.get(data.get("column") or "")
        value = data.get("value") or ""
        if column is None:
            return data
        allowed = [v for v, _label in column_options(column, "en")]
        if value == "" and column.required:
            self.add_error("value", _("This column cannot be left empty."))
        elif value and value not in allowed:
            self.add_error(
                "value", _("Allowed values: %(values)s.") % {"values": ", ".join(allowed)}
            )
        if not word_key(data.get("word") or ""):
            self.add_error("word", _("The word is empty."))
        return data


@admin.register(ValueWord)
class ValueWordAdmin(admin.ModelAdmin):
    form = ValueWordForm
    list_display = ["column", "word", "value", "organisation", "created_at"]
    list_filter = ["column", ("organisation", admin.EmptyFieldListFilter)]
    search_fields = ["word", "key", "value"]
    raw_id_fields = ["organisation"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(
            audit.Action.UPDATE if change else audit.Action.CREATE,
            user=request.user,
            organisation=obj.organisation,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=str(obj.pk),
            detail={"column": obj.column, "word": audit.clean(obj.word, 200), "value": obj.value},
        )

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def delete_model(self, request, obj):
        audit.record(
            audit.Action.DELETE,
            user=request.user,
            organisation=obj.organisation,
            object_type=AUDIT_OBJECT_TYPE,
            object_id=str(obj.pk),
            detail={"column": obj.column, "word": audit.clean(obj.word, 200), "was": obj.value},
        )
        super().delete_model(request, obj)
