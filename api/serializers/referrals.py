"""What the API shows of a referral: everything to the sender; to the receiver only what the
referral shares (AC-04, AC-06), exactly as the referral page does."""

from typing import Any

from rest_framework import serializers

from children.models import Referral
from children.selectors.referrals import shared_fields


class ReferralSerializer(serializers.ModelSerializer):
    service = serializers.SlugRelatedField(slug_field="code", read_only=True)
    child = serializers.SerializerMethodField()
    direction = serializers.SerializerMethodField()

    class Meta:
        model = Referral
        fields = [
            "id",
            "direction",
            "state",
            "from_organisation",
            "to_organisation",
            "service",
            "need",
            "contact_arrangements",
            "sender_note",
            "sent_at",
            "answer_due_at",
            "answered_at",
            "decline_reason",
            "closed_at",
            "outcome_notes",
            "case",
            "child",
        ]
        read_only_fields = fields

    def _organisation_id(self) -> int | None:
        membership = self.context["request"].user.membership_or_none
        return membership.organisation_id if membership else None

    def get_direction(self, referral: Referral) -> str:
        return "sent" if referral.from_organisation_id == self._organisation_id() else "received"

    def get_child(self, referral: Referral) -> dict[str, Any] | None:
        """The receiver reads the shared fields while the referral shares them, nothing after."""
        if self.get_direction(referral) == "sent":
            return None
        if getattr(referral, "shared", None) is False:
            return None
        return {**shared_fields(referral), "sex": referral.case.sex}

    def to_representation(self, referral: Referral) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(referral)
        if data["direction"] == "received":
            # The receiver never learns the sender's case id (AC-06).
            data["case"] = None
        return data


class ReferralSendSerializer(serializers.Serializer):
    service = serializers.CharField(help_text="A service code, e.g. education.")
    to_organisation = serializers.IntegerField()
    need = serializers.CharField()
    contact_arrangements = serializers.CharField(required=False)
    sender_note = serializers.CharField(required=False)
    consent_override_reason = serializers.CharField(required=False)


class ReferralAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField(choices=["accept", "decline", "complete"])
    reason = serializers.CharField(required=False, help_text="Required to decline.")
    completed = serializers.ChoiceField(choices=["yes", "no"], required=False)
    notes = serializers.CharField(required=False, help_text="Required to complete.")
