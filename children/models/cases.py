"""A child's case as one organisation holds it: identity, circumstances, consent, notes, history."""

import datetime

import pghistory
import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..ages import age_on
from .choices import (
    SECTION_TITLES,
    CaseStatus,
    ClosureReason,
    ConsentGiver,
    ConsentScope,
    Documentation,
    Hazard,
    LabourFlag,
    Language,
    LivingSituation,
    Nationality,
    ProtectionConcern,
    RiskLevel,
    SchoolStatus,
    Sex,
    WorkType,
)
from .families import HouseholdAnswers


def _choices_array(base, **kwargs):
    return ArrayField(
        models.CharField(max_length=32, choices=base.choices), default=list, blank=True, **kwargs
    )


def join_names(*parts: str) -> str:
    """A child's names as pages show them (`Case.full_name`): the parts given, one space apart.
    For rows read as values rather than cases."""
    return " ".join(part for part in parts if part)


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(status=CaseStatus.CLOSED)

    def unseen(self, today):
        """Open cases with no contact in the CASE_UNSEEN_DAYS before `today` ("not seen lately").

        Registration is a contact (registering and importing set last_contact_on to the
        registration day), so a case with no date at all counts as unseen. The filters stay on
        what case_open_contact_idx holds, which keeps "My work"'s count fast at national scale.
        """
        before = today - datetime.timedelta(days=settings.CASE_UNSEEN_DAYS)
        return self.open().filter(Q(last_contact_on__lt=before) | Q(last_contact_on__isnull=True))


# A bulk import writes its new rows' insert events itself, set-based (children/imports/load.py),
# and says so with this transaction-local setting. A WHEN clause is checked before the trigger
# is queued, so those rows cost nothing here (the function's own skip check cost ~8 µs a row).
BULK_HISTORY_SETTING = "koodak.bulk_history"
_UNLESS_BULK = pgtrigger.Condition(
    f"current_setting('{BULK_HISTORY_SETTING}', true) IS DISTINCT FROM 'on'"
)


@pghistory.track(
    pghistory.InsertEvent(condition=_UNLESS_BULK), pghistory.UpdateEvent(), pghistory.DeleteEvent()
)
class Case(HouseholdAnswers):
    """The child and their case, owned by one organisation.

    Identity is only ever shown to the owning organisation (and, in the referrals issue, to a
    receiving organisation for the fields a referral shares). `version` guards against lost
    updates: every save through a service increments it and refuses a stale one (RE-02).
    """

    # Not indexed alone: every index of Meta starts with the organisation. An index a bulk import
    # must also fill costs it time per row, so the table carries only the ones queries use.
    organisation = models.ForeignKey(
        "ngos.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    # Unique by a constraint (Meta), not unique=True, which would add a LIKE-prefix index that
    # no search uses (case numbers are searched anywhere in the text).
    case_number = models.CharField(_("case number"), max_length=40)
    status = models.CharField(
        _("status"), max_length=20, choices=CaseStatus.choices, default=CaseStatus.REGISTERED
    )
    # Looked up with the organisation, by case_org_worker_idx; not indexed alone.
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("caseworker"),
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    # Never looked up by (users are deactivated, not deleted): not indexed.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    registered_on = models.DateField(_("registration date"), default=timezone.localdate)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    version = models.PositiveIntegerField(default=1)

    # Identity
    given_name = models.CharField(_("first name"), max_length=100)
    family_name = models.CharField(_("last name"), max_length=100, blank=True)
    father_name = models.CharField(_("father's name"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    estimated_age = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    # The estimate is true on this date; the child's age today is computed from it.
    estimated_age_on = models.DateField(_("age estimated on"), null=True, blank=True)
    nationality = models.CharField(_("nationality"), max_length=16, choices=Nationality.choices)
    documentation = models.CharField(
        _("documentation status"), max_length=16, choices=Documentation.choices
    )
    id_number = models.CharField(_("ID document number"), max_length=32, blank=True)
    languages = _choices_array(Language, verbose_name=_("languages"))
    # Cases are read by province only in whole-table passes (the summary tables): not indexed.
    province = models.ForeignKey(
        "core.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True)
    phone = models.CharField(_("contact phone"), max_length=32, blank=True)

    # Household and guardian. The guardian and household figures are the family's: for a case in a
    # household they are a copy of the Household row, written by its services (docs/adr/0016).
    # Looked up only by household_member_idx (household first, where set).
    household = models.ForeignKey(
        "children.Household",
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        db_index=False,
    )
    living_situation = models.CharField(
        _("living situation"), max_length=16, choices=LivingSituation.choices, blank=True
    )
    income_share_percent = models.PositiveSmallIntegerField(
        _("child's share of family income (%)"), null=True, blank=True
    )

    # Work
    work_type = models.CharField(
        _("type of work"), max_length=20, choices=WorkType.choices, blank=True
    )
    work_hours_per_week = models.PositiveSmallIntegerField(
        _("hours of work a week"), null=True, blank=True
    )
    earnings_per_day = models.PositiveIntegerField(
        _("earnings a day (toman)"), null=True, blank=True
    )
    hazards = _choices_array(Hazard, verbose_name=_("hazards at work"))
    workplace = models.CharField(_("workplace"), max_length=200, blank=True)
    # What the Labour Law bars in this work (children/labour_law.py, docs/adr/0035): written by
    # the services and imports from the work and the age, rechecked by a daily job on the day the
    # child turns 15 or 18 (labour_flags_recheck_on), so the case list filters on a column.
    labour_flags = ArrayField(
        models.CharField(max_length=16, choices=LabourFlag.choices),
        verbose_name=_("Labour Law flags"),
        default=list,
        blank=True,
        editable=False,
    )
    labour_flags_recheck_on = models.DateField(null=True, blank=True, editable=False)

    # Schooling
    school_status = models.CharField(
        _("schooling"), max_length=16, choices=SchoolStatus.choices, blank=True
    )
    school_grade = models.PositiveSmallIntegerField(_("grade"), null=True, blank=True)

    # Health and protection
    health_concerns = models.TextField(_("health concerns"), blank=True)
    protection_concerns = _choices_array(ProtectionConcern, verbose_name=_("protection concerns"))
    protection_notes = models.TextField(_("protection notes"), blank=True)
    risk_level = models.CharField(
        _("risk level"), max_length=10, choices=RiskLevel.choices, blank=True
    )

    # Closure, approved by a manager; and the last time anyone saw or spoke with the child.
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closure_reason = models.CharField(
        _("reason for closing"), max_length=20, choices=ClosureReason.choices, blank=True
    )
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)

    # Retention (RT-01, docs/adr/0028): a manager's legal hold keeps a closed case from being
    # anonymised; anonymised_at says when the retention job cleared the child's identity.
    legal_hold = models.BooleanField(_("legal hold"), default=False)
    legal_hold_reason = models.CharField(_("reason for the legal hold"), max_length=300, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True, editable=False)

    # Normalised copies for search and duplicate matching (core.persian); kept by the services.
    search_name = models.CharField(max_length=320, blank=True, editable=False)
    search_compact = models.CharField(max_length=320, blank=True, editable=False)
    search_father = models.CharField(max_length=100, blank=True, editable=False)
    # How the name sounds (core.persian.phonetic_key, docs/adr/0015): «ظهرا» finds «زهرا».
    search_phonetic = models.CharField(max_length=320, blank=True, editable=False)
    search_father_phonetic = models.CharField(max_length=100, blank=True, editable=False)
    search_digits = models.CharField(max_length=120, blank=True, editable=False)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The id breaks ties: an import gives all its cases the same time, and pages of a list
        # ordered by time alone would then show some cases twice and others never.
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["organisation", "status", "-created_at"], name="case_org_status_idx"
            ),
            models.Index(
                fields=["organisation", "assigned_to", "status"], name="case_org_worker_idx"
            ),
            models.Index(
                fields=["id_number"], name="case_id_number_idx", condition=~Q(id_number="")
            ),
            models.Index(fields=["organisation", "id"], name="case_org_id_idx"),
            models.Index(
                fields=["organisation", "last_contact_on"],
                condition=~Q(status="closed"),
                name="case_open_contact_idx",
            ),
            models.Index(fields=["organisation", "search_compact"], name="case_org_compact_idx"),
            # The case list's search looks at every case of the organisation (a common name
            # matches too many for the trigram indexes to help). With the filters' columns and
            # the search keys here, it reads this index only, not the scattered table rows.
            # Newest first, as the list is ordered: the list reads its page's 25 cases, not the
            # organisation's, and a search reads its first-rank matches newest first until a
            # page is full (children/selectors/cases.py, `first_rank_matches`; issue 21).
            models.Index(
                fields=["organisation", "-created_at", "-id"],
                include=[
                    "sex",
                    "status",
                    "risk_level",
                    "province",
                    "assigned_to",
                    "search_name",
                    "search_father",
                    "search_compact",
                    "search_phonetic",
                    "search_father_phonetic",
                ],
                name="case_org_newest_search_idx",
            ),
            GinIndex(fields=["search_name"], name="case_name_trgm", opclasses=["gin_trgm_ops"]),
            GinIndex(
                fields=["search_compact"], name="case_compact_trgm", opclasses=["gin_trgm_ops"]
            ),
            GinIndex(fields=["search_father"], name="case_father_trgm", opclasses=["gin_trgm_ops"]),
            # Also serve the duplicate check's `search_phonetic = key` (pg_trgm 1.6 indexes `=`).
            GinIndex(
                fields=["search_phonetic"], name="case_phonetic_trgm", opclasses=["gin_trgm_ops"]
            ),
            GinIndex(
                fields=["search_father_phonetic"],
                name="case_father_phonetic_trgm",
                opclasses=["gin_trgm_ops"],
            ),
            # Duplicate candidates whose father's name is unknown. The trigram index cannot serve
            # `search_father = ''` (an empty string has no trigrams, so it reads the whole index
            # and the duplicate check rechecks every name match in the country).
            models.Index(fields=["id"], condition=Q(search_father=""), name="case_no_father_idx"),
            # The duplicate check's newest children of one sex with the same written name
            # (selectors/duplicates.py, `_newest_same_names`): a few pages in id order, the birth
            # year read from the index, however many children the country holds (issue 21).
            models.Index(
                fields=["search_compact", "sex", "id"],
                include=["birth_year"],
                name="case_compact_sex_id_idx",
            ),
            GinIndex(fields=["search_digits"], name="case_digits_trgm", opclasses=["gin_trgm_ops"]),
            # The daily recheck of the Labour Law flags reads the few cases due (docs/adr/0035).
            models.Index(
                fields=["labour_flags_recheck_on"],
                condition=Q(labour_flags_recheck_on__isnull=False),
                name="case_labour_recheck_idx",
            ),
            # The organisation dashboard's registrations per month and closures by reason read
            # these alone (index-only), so they cost the organisation's cases, not the nation's
            # (docs/performance.md, issue 21).
            models.Index(
                fields=["organisation", "registered_on"],
                include=["id"],
                name="case_org_registered_idx",
            ),
            models.Index(
                fields=["organisation", "closed_at"],
                include=["closure_reason", "id"],
                condition=Q(status="closed"),
                name="case_org_closed_idx",
            ),
            # Most cases have no household: only the members are indexed.
            models.Index(
                fields=["household"],
                condition=Q(household__isnull=False),
                name="case_household_idx",
            ),
        ]
        triggers = [
            # A closure request carries its case's organisation (ClosureRequest.organisation): a
            # case that moves (a transfer) takes its requests along in the same statement.
            pgtrigger.Trigger(
                name="case_organisation_to_closures",
                when=pgtrigger.After,
                operation=pgtrigger.UpdateOf("organisation_id"),
                condition=pgtrigger.AnyChange("organisation"),
                func=(
                    "UPDATE children_closurerequest SET organisation_id = NEW.organisation_id"
                    " WHERE case_id = NEW.id; RETURN NULL;"
                ),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case_number"], name="case_number_unique"),
            models.CheckConstraint(
                condition=Q(birth_date__isnull=False) | Q(estimated_age__isnull=False),
                name="case_birth_date_or_estimated_age",
            ),
            models.CheckConstraint(
                condition=Q(estimated_age__isnull=True) | Q(estimated_age__lte=25),
                name="case_estimated_age_plausible",
            ),
            models.CheckConstraint(
                condition=Q(income_share_percent__isnull=True) | Q(income_share_percent__lte=100),
                name="case_income_share_is_a_percentage",
            ),
            # An anonymised case keeps its documentation status (a reported figure) without
            # the number (RT-01).
            models.CheckConstraint(
                condition=~Q(documentation="national_id")
                | ~Q(id_number="")
                | Q(anonymised_at__isnull=False),
                name="case_national_id_documentation_has_number",
            ),
            models.CheckConstraint(
                condition=Q(legal_hold=False) | Q(anonymised_at__isnull=True),
                name="case_anonymised_not_on_hold",
            ),
            models.CheckConstraint(
                condition=Q(status="closed", closed_at__isnull=False)
                | Q(~Q(status="closed"), closed_at__isnull=True),
                name="case_closed_has_time",
            ),
        ]

    def __str__(self):
        return self.case_number

    @property
    def full_name(self):
        return join_names(self.given_name, self.family_name)

    def age(self, on=None):
        """Age in whole years today (or `on`), from the birth date or the dated estimate."""
        return age_on(
            birth_date=self.birth_date,
            estimated_age=self.estimated_age,
            estimated_age_on=self.estimated_age_on or self.registered_on,
            on=on or timezone.localdate(),
        )

    @property
    def is_closed(self):
        return self.status == CaseStatus.CLOSED

    def current_consent(self):
        return self.consents.filter(withdrawn_at__isnull=True).order_by("-given_on", "-id").first()


class CaseNumberSequence(models.Model):
    """The last case number used per organisation and Jalali year; rows are locked while counting."""

    organisation = models.ForeignKey(
        "ngos.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    jalali_year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "jalali_year"], name="case_sequence_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organisation_id}/{self.jalali_year}: {self.last}"


@pghistory.track(pghistory.InsertEvent(condition=_UNLESS_BULK), pghistory.UpdateEvent())
class Consent(models.Model):
    """Informed consent (رضایت آگاهانه): who gave it, when, for what; it can be withdrawn."""

    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="consents"
    )
    given_by = models.CharField(_("given by"), max_length=16, choices=ConsentGiver.choices)
    given_by_name = models.CharField(
        _("name of the person who consented"), max_length=150, blank=True
    )
    given_on = models.DateField(_("date of consent"))
    scope = ArrayField(
        models.CharField(max_length=16, choices=ConsentScope.choices),
        verbose_name=_("consent covers"),
    )
    # Not indexed: no page looks consents up by who recorded them (a user is deactivated, not
    # deleted), and an import writes one per child, all by the same person.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    # Indexed only where set (Meta): most consents are never withdrawn.
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # Set when the consent was recorded by a spreadsheet import (docs/adr/0007).
    # Not indexed, for the same reason as recorded_by (an import job is never deleted).
    import_job = models.ForeignKey(
        "imports.ImportJob",
        verbose_name=_("recorded by import"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True, withdrawn_by__isnull=True)
                | Q(withdrawn_at__isnull=False, withdrawn_by__isnull=False),
                name="consent_withdrawal_has_time_and_person",
            ),
            models.CheckConstraint(condition=~Q(scope=[]), name="consent_scope_not_empty"),
        ]
        indexes = [
            models.Index(
                fields=["withdrawn_by"],
                condition=Q(withdrawn_by__isnull=False),
                name="consent_withdrawn_by_idx",
            )
        ]

    def __str__(self):
        return f"{self.case_id} · {self.given_on}"

    @property
    def is_active(self):
        return self.withdrawn_at is None

    def scope_labels(self):
        return [ConsentScope(item).label for item in self.scope]

    def covers(self, scope):
        return self.is_active and scope in self.scope


class CaseNote(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="notes"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.case_id} · {self.created_at:%Y-%m-%d}"


class TimelineEntry(models.Model):
    """One line of the case timeline, written by the service that did the thing. The first line,
    the registration, is not stored: ``selectors.cases.case_timeline`` reads it from the case."""

    class Kind(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        UPDATED = "updated", _("Updated")
        NOTE = "note", _("Note added")
        CONSENT_RECORDED = "consent_recorded", _("Consent recorded")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("Consent withdrawn")
        ENCOUNTER = "encounter", _("Met during street outreach")
        REASSIGNED = "reassigned", _("Caseworker changed")
        LINKED = "linked", _("Linked with another organisation's case")
        FAMILY = "family", _("Family changed")
        STATUS = "status", _("Status changed")
        TRANSFER = "transfer", _("Transfer")
        DOCUMENT = "document", _("Documents changed")

    # Indexed by timeline_case_at_idx (case first).
    case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="timeline", db_index=False
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    # Not indexed: the timeline is read by case, never by who acted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        db_index=False,
    )
    # Small, non-identifying facts for the line: section names, a status, an encounter id.
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["case", "-at"], name="timeline_case_at_idx")]

    def __str__(self):
        return f"{self.case_id} · {self.kind}"

    @property
    def section_title(self):
        return SECTION_TITLES.get(self.detail.get("section"), "")


class CaseLink(models.Model):
    """Two organisations agree that their cases are the same child. No data crosses the link."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        ACCEPTED = "accepted", _("Linked")
        DECLINED = "declined", _("Declined")

    requesting_case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="link_requests_sent"
    )
    target_case = models.ForeignKey(
        Case, on_delete=models.CASCADE, related_name="link_requests_received"
    )
    state = models.CharField(max_length=12, choices=State.choices, default=State.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["requesting_case", "target_case"], name="case_link_unique"
            ),
            models.CheckConstraint(
                condition=~Q(requesting_case=models.F("target_case")), name="case_link_not_self"
            ),
        ]

    def __str__(self):
        return f"{self.requesting_case_id} → {self.target_case_id} ({self.state})"
