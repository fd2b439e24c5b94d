"""Items a phone sent and the server applied: the phone's id is an idempotency key (RE-08)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncItem(models.Model):
    """One item of a phone's outbox that the server applied, kept so a retry creates nothing.

    Only applied items are kept: a refused item, a conflict or a registration waiting for the
    caseworker's decision changed nothing, so sending it again (corrected) is a new attempt.
    """

    class Kind(models.TextChoices):
        ENCOUNTER = "encounter", _("encounter")
        REGISTRATION = "registration", _("registration")
        NOTE = "note", _("note")
        FOLLOWUP_OUTCOME = "followup_outcome", _("follow-up outcome")
        SECTION_UPDATE = "section_update", _("section update")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    client_id = models.UUIDField(_("id made on the phone"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    # What the item made or changed, to answer a retry with the same reference.
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=40)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        app_label = "children"
        verbose_name = _("synced item")
        constraints = [
            # The idempotency key (RE-08): one row per user and phone-made id, whatever races.
            models.UniqueConstraint(fields=["user", "client_id"], name="syncitem_once_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.client_id}"
