"""Shared models: the user, the provinces of Iran, and the append-only audit log."""

from typing import Any

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.i18n import localised


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How pages name a person (`str(user)`): the full name, else the username. For rows read
    as values rather than users."""
    return f"{first_name} {last_name}".strip() or username


@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    """A person who signs in. Organisation and role live on `ngos.Membership`."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return person_name(self.first_name, self.last_name, self.username)

    @property
    def membership_or_none(self) -> Any:
        """The user's membership, or None for users without an organisation (e.g. a superuser).

        Typed Any: it is an ngos.Membership, and core imports no domain app, not even for types.
        """
        try:
            return self.membership
        except models.ObjectDoesNotExist:
            return None


class BilingualNameMixin(models.Model):
    """`name` in the active language for a model with `name_fa` and `name_en` (no fields itself)."""

    name_fa: str
    name_en: str

    class Meta:
        abstract = True

    @property
    def name(self) -> str:
        return localised(self.name_fa, self.name_en)

    def name_in(self, lang: str) -> str:
        """The name in ``lang`` ("fa" or "en"), for exports written in the reader's language."""
        return localised(self.name_fa, self.name_en, lang)


class Province(BilingualNameMixin):
    """One of Iran's 31 provinces; reference data loaded by a migration."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    # Three letters that open case numbers, e.g. TEH-NGO12-1405-00042.
    abbreviation = models.CharField(_("abbreviation"), max_length=3, blank=True)
    name_fa = models.CharField(_("Persian name"), max_length=80, unique=True)
    name_en = models.CharField(_("English name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name_fa"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")

    def __str__(self) -> str:
        return self.name


class AuditEvent(models.Model):
    """One thing someone did or tried: written in the same transaction as the action.

    The table is append-only: a database trigger refuses UPDATE and DELETE (LG-03), so not even
    a bug or a compromised admin page in the application can rewrite history.
    """

    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out")
        LOGOUT = "logout", _("Signed out")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
        PASSWORD_RESET_DONE = "password_reset_done", _("Password reset completed")
        SESSION_EXPIRED = "session_expired", _("Session expired")
        VIEW = "view", _("Viewed")
        CREATE = "create", _("Created")
        UPDATE = "update", _("Changed")
        DELETE = "delete", _("Deleted")
        EXPORT = "export", _("Exported")
        PRINT = "print", _("Printed")
        IMPORT = "import", _("Imported")
        ACCESS_DENIED = "access_denied", _("Access denied")
        ANONYMISE = "anonymise", _("Anonymised")
        # The second factor (AU-03).
        SECOND_FACTOR_ENROLLED = "second_factor_enrolled", _("Second factor set up")
        SECOND_FACTOR_FAILED = "second_factor_failed", _("Wrong one-time code")
        SECOND_FACTOR_RESET = "second_factor_reset", _("Second factor reset")
        RECOVERY_CODE_USED = "recovery_code_used", _("Recovery code used")
        # One request made with an API token (AC-11): every use of a token is audited.
        API_CALL = "api_call", _("API call")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # The name typed or held at the time: failed sign-ins have no user row.
    actor_username = models.CharField(_("username"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=32, blank=True)
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=32, choices=Action.choices)
    object_type = models.CharField(_("record type"), max_length=64, blank=True)
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.UUIDField(_("request id"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=300, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object_idx"),
            models.Index(fields=["organisation", "at"], name="audit_org_idx"),
            models.Index(fields=["actor", "at"], name="audit_actor_idx"),
        ]
        triggers = [
            pgtrigger.Protect(
                name="append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_username} {self.action} {self.object_type}:{self.object_id}"


class AuditExportCase(models.Model):
    """One case an export held: the export's audit row and the case's id (LG-05).

    A row per case rather than a list inside the audit row, so that a case's audit trail can list
    the exports that held it with an index, and a 100,000-row export adds rows written by one
    INSERT ... SELECT instead of a megabyte of JSON. Append-only like the audit log (LG-03). The
    case id is a plain number: the record of an export outlives the case row.
    """

    pk = models.CompositePrimaryKey("event", "case_id")
    event = models.ForeignKey(
        AuditEvent,
        verbose_name=_("audit event"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,  # the primary key starts with it
    )
    case_id = models.BigIntegerField(_("case"))

    class Meta:
        verbose_name = _("case in an export")
        verbose_name_plural = _("cases in exports")
        indexes = [models.Index(fields=["case_id", "event"], name="audit_export_case_idx")]
        triggers = [
            pgtrigger.Protect(
                name="append_only",
                operation=pgtrigger.Update | pgtrigger.Delete,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_id}:{self.case_id}"


class OutboxMessage(models.Model):
    """A Celery task to send, written in the same transaction as the work that asks for it (RE-04).

    `core.outbox.enqueue` writes the row; right after commit it is sent, and if the broker is
    down the relay sends it later. `sent_at` is set once the broker took it.
    """

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        verbose_name = _("queued task")
        verbose_name_plural = _("queued tasks")
        indexes = [
            # The relay reads only the unsent rows, oldest first.
            models.Index(
                fields=["id"], condition=models.Q(sent_at__isnull=True), name="outbox_unsent_idx"
            ),
            models.Index(fields=["task", "created_at"], name="outbox_task_idx"),
        ]

    def __str__(self) -> str:
        state = "sent" if self.sent_at else "waiting"
        return f"{self.task}{tuple(self.args)} {state}"


class Lease(models.Model):
    """Who is running a long job now (RE-07): the holder renews `expires_at` while it works, so a
    redelivered copy of a job that is still alive steps aside, and a job whose worker died is
    free to run again once the lease expires."""

    key = models.CharField(max_length=120, primary_key=True)
    holder = models.CharField(max_length=64)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")

    def __str__(self) -> str:
        return f"{self.key} until {self.expires_at:%H:%M:%S}"
