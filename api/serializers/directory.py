"""The directory of organisations and services, and resolutions: nothing about children."""

from rest_framework import serializers

from meetings.models import Resolution
from ngos.models import Organisation, Service


class ServiceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Service
        fields = ["code", "name_fa", "name_en"]
        read_only_fields = fields


class OrganisationSerializer(serializers.ModelSerializer):
    provinces = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    home_province = serializers.SlugRelatedField(slug_field="code", read_only=True)
    services = serializers.SerializerMethodField()

    class Meta:
        model = Organisation
        fields = [
            "id",
            "code",
            "name_fa",
            "name_en",
            "kind",
            "home_province",
            "provinces",
            "services",
        ]
        read_only_fields = fields

    def get_services(self, organisation: Organisation) -> list[str]:
        return sorted({o.service.code for o in organisation.service_offerings.all()})


class ResolutionSerializer(serializers.ModelSerializer):
    meeting_date = serializers.DateField(source="meeting.held_on", read_only=True)
    working_group = serializers.IntegerField(source="meeting.working_group_id", read_only=True)
    responsible_organisations = serializers.SerializerMethodField()

    class Meta:
        model = Resolution
        fields = [
            "id",
            "number",
            "text",
            "kind",
            "status",
            "due_date",
            "meeting",
            "meeting_date",
            "working_group",
            "responsible_organisations",
        ]
        read_only_fields = fields

    def get_responsible_organisations(self, resolution: Resolution) -> list[int]:
        return [r.organisation_id for r in resolution.responsibilities.all()]
