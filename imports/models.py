"""An import of a spreadsheet: who, into which organisation, which file, how it went."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

ERRORS_KEPT = 1000  # row errors kept on the job; the error report re-reads the file for all
# How audit rows name an import job: the name from before the model moved here, so the audit
# trail of a job reads the same before and after (ADR 0012).
AUDIT_OBJECT_TYPE = "children.importjob"


def _stored_name(instance, filename):
    # A generated name: the original name is kept only as data (FU-01).
    extension = ".xlsx" if filename.lower().endswith(".xlsx") else ".csv"
    return f"imports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{extension}"


class ImportJob(models.Model):
    class Kind(models.TextChoices):
        CHILDREN = "children", _("Children")
        ORGANISATIONS = "organisations", _("Organisations")
        STAFF = "staff", _("Staff")
        ENCOUNTERS = "encounters", _("Outreach encounters")
        ATTENDANCE = "attendance", _("Meeting attendance")

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking")
        PREVIEWED = "previewed", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CHILDREN)
    # The organisation chosen on the form; empty for a kind that names organisations in a column.
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="import_jobs",
        null=True,
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    # The language the uploader used: row errors are written in it.
    language = models.CharField(max_length=8, default="fa")
    original_name = models.CharField(_("file name"), max_length=160)
    stored_file = models.FileField(upload_to=_stored_name, max_length=200)
    file_kind = models.CharField(max_length=8)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED
    )
    rows_read = models.PositiveIntegerField(default=0)
    rows_valid = models.PositiveIntegerField(default=0)
    rows_invalid = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)
    # [{"row", "column", "reason"}], at most ERRORS_KEPT; file-level problems in `message`.
    errors = models.JSONField(default=list, blank=True)
    message = models.TextField(blank=True)
    # Duplicates and other notes of the preview.
    summary = models.JSONField(default=dict, blank=True)
    # The administrator's answers for rows that may be children registered already (ADR 0019):
    # {"likely": {"<row>": "import" | "skip"}, "likely_all": "import" | "skip" | ""}.
    decisions = models.JSONField(default=dict, blank=True)

    class Meta:
        # The table kept its name when the model moved here from children (ADR 0012).
        db_table = "children_importjob"
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The same file imported twice into one organisation imports nothing new (RE-01).
            models.UniqueConstraint(
                fields=["organisation", "kind", "sha256"],
                condition=Q(status="done"),
                name="import_file_done_once",
            ),
            # The same for kinds without a chosen organisation (NULLs never collide above).
            models.UniqueConstraint(
                fields=["kind", "sha256"],
                condition=Q(status="done", organisation__isnull=True),
                name="import_file_done_once_no_organisation",
            ),
        ]

    def __str__(self):
        return f"{self.kind} · {self.original_name} · {self.status}"

    @property
    def is_running(self):
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING, self.Status.IMPORTING)

    # --- Rows that may be children registered already (ADR 0019) ---

    @property
    def likely_rows(self) -> list[int]:
        """Every row of the last dry run that may be a child registered already."""
        return (self.summary or {}).get("likely_rows") or []

    def likely_decision(self, row: int) -> str:
        """ "import", "skip" or "" (not decided yet) for one of the likely rows."""
        decisions = self.decisions or {}
        return (decisions.get("likely") or {}).get(str(row)) or decisions.get("likely_all") or ""

    def rows_to_skip(self) -> frozenset[int]:
        return frozenset(r for r in self.likely_rows if self.likely_decision(r) == "skip")

    def likely_pending(self) -> int:
        """How many likely rows still wait for the administrator's answer."""
        return sum(1 for r in self.likely_rows if not self.likely_decision(r))


def organisation_model():
    """The model a job imports into (``ngos.Organisation``), reached through the job's foreign key
    so that this app's code imports no domain app (ADR 0012)."""
    return ImportJob._meta.get_field("organisation").related_model


class ValueWord(models.Model):
    """A word people write in a choice column and the value it stands for (issue 16, "Values").

    Rows without an organisation are everyone's vocabulary (seeded by a migration, extended in
    the admin); rows with one are that organisation's remembered decisions, made on an import's
    preview or with ``import_data --map``, and read before everyone's (docs/adr/0018). ``key``
    is ``core.spreadsheets.cells.word_key(word)``, what a cell is matched on; ``value`` is the
    column's stored choice value, or "" for "leave the cell empty" (optional columns only).
    """

    column = models.CharField(_("column"), max_length=40)
    word = models.CharField(_("word"), max_length=200)
    key = models.CharField(max_length=200, editable=False)
    value = models.CharField(_("value"), max_length=64, blank=True)
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="value_words",
        null=True,
        blank=True,
        help_text=_("Empty: a word of everyone's vocabulary."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        verbose_name = _("value word")
        verbose_name_plural = _("value words")
        ordering = ["column", "word"]
        constraints = [
            # One meaning for a word in a column: everyone's (NULL counts as one organisation
            # here) and each organisation's own.
            models.UniqueConstraint(
                fields=["organisation", "column", "key"],
                name="value_word_once_per_column",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=~Q(key=""), name="value_word_key_not_empty"),
        ]

    def __str__(self):
        return f"{self.column}: {self.word} → {self.value or '∅'}"

    def save(self, *args, **kwargs):
        self._set_key()
        super().save(*args, **kwargs)

    def clean(self):
        self._set_key()  # before the constraints are checked (a form's full_clean)

    def _set_key(self):
        from core.spreadsheets.cells import word_key

        self.key = word_key(self.word)
