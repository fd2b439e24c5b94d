"""What the API shows of cases, encounters, notes and follow-ups (read side).

Writes never go through these: the views validate with the pages' own forms and call the
children services, so both ways in accept and refuse the same input (AC-06)."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from children.forms import SECTIONS
from children.models import Case, CaseNote, Encounter, FollowUp

CASE_HEADER_FIELDS = [
    "id",
    "case_number",
    "status",
    "risk_level",
    "version",
    "organisation",
    "assigned_to",
    "registered_on",
    "last_contact_on",
    "closed_at",
    "closure_reason",
]


def section_fields(section: str) -> list[str]:
    form_class: Any = SECTIONS[section][1]
    return list(form_class._meta.fields)


class CaseSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id",
            "case_number",
            "given_name",
            "family_name",
            "sex",
            "status",
            "risk_level",
            "province",
            "assigned_to",
            "registered_on",
            "last_contact_on",
            "version",
        ]
        read_only_fields = fields


@extend_schema_field(
    {"type": "object", "additionalProperties": {"type": "object", "additionalProperties": True}}
)
class CaseSectionsField(serializers.Field):
    """Every section of the case, each as {field: value}, as the case page shows them."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["source"] = "*"
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, case: Case) -> dict[str, dict[str, Any]]:
        return {
            section: {name: _plain(getattr(case, _attname(case, name))) for name in fields}
            for section, fields in ((key, section_fields(key)) for key in SECTIONS)
        }


def _attname(case: Case, name: str) -> str:
    field = case._meta.get_field(name)
    return getattr(field, "attname", name)


def _plain(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return list(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


class CaseDetailSerializer(serializers.ModelSerializer):
    sections = CaseSectionsField()

    class Meta:
        model = Case
        fields = [*CASE_HEADER_FIELDS, "sections"]
        read_only_fields = fields


class SectionUpdateSerializer(serializers.Serializer):
    """Only for the schema: the body of a section update."""

    version = serializers.IntegerField(help_text="The case version these values were read at.")
    values = serializers.DictField(help_text="Fields of the section to change, by name.")


class CaseRegisterSerializer(serializers.Serializer):
    """Only for the schema: registration takes the registration form's fields."""

    given_name = serializers.CharField()
    family_name = serializers.CharField()
    sex = serializers.CharField()
    birth_date = serializers.CharField(required=False)
    estimated_age = serializers.IntegerField(required=False)
    consent_given_by = serializers.CharField()
    consent_given_on = serializers.CharField()
    consent_scope = serializers.ListField(child=serializers.CharField())
    assigned_to = serializers.IntegerField()
    confirm_not_duplicate = serializers.BooleanField(required=False)


class NoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CaseNote
        fields = ["id", "author", "body", "created_at"]
        read_only_fields = ["id", "author", "created_at"]


class FollowUpSerializer(serializers.ModelSerializer):
    class Meta:
        model = FollowUp
        fields = [
            "id",
            "case",
            "due_on",
            "kind",
            "responsible",
            "status",
            "outcome",
            "completed_at",
            "overdue_since",
            "created_at",
        ]
        read_only_fields = fields


class FollowUpOutcomeSerializer(serializers.Serializer):
    result = serializers.ChoiceField(choices=["done", "missed"])
    outcome = serializers.CharField()


class EncounterSerializer(serializers.ModelSerializer):
    cases = serializers.PrimaryKeyRelatedField(source="children", many=True, read_only=True)

    class Meta:
        model = Encounter
        fields = [
            "id",
            "caseworker",
            "occurred_at",
            "province",
            "city",
            "district",
            "hotspot",
            "latitude",
            "longitude",
            "activity",
            "observations",
            "follow_up_needed",
            "cases",
            "created_at",
        ]
        read_only_fields = fields
