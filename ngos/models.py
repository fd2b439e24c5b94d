"""Organisations (NGOs and government agencies), their profiles and services, and the membership
of users in them."""

import uuid
from pathlib import PurePosixPath

import pghistory
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When
from django.utils.translation import gettext_lazy as _

from core.models import BilingualNameMixin
from core.permissions import Role
from core.persian import clean_text, compact, normalize

from .validators import validate_logo


class Service(BilingualNameMixin):
    """A kind of service children are referred to; reference data loaded by a migration.

    `code` is stable and used by other apps (referrals) and in URLs; names are for people.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_fa = models.CharField(_("Persian name"), max_length=120, unique=True)
    name_en = models.CharField(_("English name"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    # Days an organisation that accepted a referral for this service has to complete it.
    completion_days = models.PositiveSmallIntegerField(
        _("days to complete a referral"),
        default=30,
        help_text=_("Counted from the day the receiving organisation accepts the referral."),
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self):
        return self.name


class Focus(models.TextChoices):
    """Which children an organisation works with."""

    WORKING_CHILDREN = "working_children", _("Working children")
    STREET_CHILDREN = "street_children", _("Street children")
    MIGRANTS = "migrants", _("Migrant and refugee children")
    UNDOCUMENTED = "undocumented", _("Undocumented children")
    GIRLS = "girls", _("Girls")
    DISABILITY = "disability", _("Children with disabilities")
    FAMILY_ADDICTION = "family_addiction", _("Addiction in the family")
    ABUSE = "abuse", _("Violence and abuse")
    EARLY_MARRIAGE = "early_marriage", _("Child marriage")
    SCHOOL_DROPOUT = "school_dropout", _("Children out of school")


class StaffLanguage(models.TextChoices):
    """Languages staff speak with children. Keys match the children app's language keys."""

    PERSIAN = "persian", _("Persian")
    DARI = "dari", _("Dari")
    PASHTO = "pashto", _("Pashto")
    BALOCHI = "balochi", _("Balochi")
    KURDISH = "kurdish", _("Kurdish")
    AZERI = "azeri", _("Azerbaijani Turkish")
    ARABIC = "arabic", _("Arabic")
    LURI = "luri", _("Luri")
    TURKMEN = "turkmen", _("Turkmen")
    ENGLISH = "english", _("English")


class EligibleNationality(models.TextChoices):
    """Nationalities a service accepts. Keys match the children app's nationality keys."""

    IRANIAN = "iranian", _("Iranian")
    AFGHAN = "afghan", _("Afghan")
    PAKISTANI = "pakistani", _("Pakistani")
    IRAQI = "iraqi", _("Iraqi")
    OTHER = "other", _("Other")


class EligibleDocument(models.TextChoices):
    """Documents a service asks a child to hold. Keys match the children app's `Documentation`."""

    NATIONAL_ID = "national_id", _("Iranian national ID")
    AMAYESH = "amayesh", _("Amayesh card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")
    UNDOCUMENTED = "undocumented", _("Undocumented")


class EligibleSex(models.TextChoices):
    """Keys match the children app's `Sex`; an empty value means girls and boys."""

    FEMALE = "female", _("Girls only")
    MALE = "male", _("Boys only")


class RegisteringAuthority(models.TextChoices):
    INTERIOR = "interior", _("Ministry of Interior")
    GOVERNORATE = "governorate", _("Provincial governorate")
    WELFARE = "welfare", _("State Welfare Organisation")
    YOUTH = "youth", _("Ministry of Sport and Youth")
    COMPANIES_REGISTRY = (
        "companies_registry",
        _("Registry of companies and non-commercial institutions"),
    )
    OTHER = "other", _("Other authority")


class VerificationStatus(models.TextChoices):
    """Derived from the organisation's fields; used for filtering and badges."""

    VERIFIED = "verified", _("Verified")
    UNVERIFIED = "unverified", _("Not verified yet")
    SUSPENDED = "suspended", _("Suspended")


def logo_upload_to(instance, filename):
    # A generated name: the uploaded name never reaches the file system (FU-01).
    suffix = PurePosixPath(filename).suffix.lower().replace(".jpeg", ".jpg")
    return f"organisation-logos/{uuid.uuid4().hex}{suffix}"


class OrganisationQuerySet(models.QuerySet):
    def accepting_referrals(self):
        """Organisations that may receive new referrals: every one that is not suspended."""
        return self.exclude(status=Organisation.Status.SUSPENDED)

    def verified(self):
        return self.filter(verified_at__isnull=False).accepting_referrals()

    def with_verification_status(self, status):
        if status == VerificationStatus.SUSPENDED:
            return self.filter(status=Organisation.Status.SUSPENDED)
        if status == VerificationStatus.VERIFIED:
            return self.verified()
        if status == VerificationStatus.UNVERIFIED:
            return self.filter(verified_at__isnull=True).accepting_referrals()
        return self

    def operating_in(self, province):
        """Working in `province` (a Province or its pk): listed there or headquartered there."""
        listed = Organisation.provinces.through.objects.filter(province=province)
        return self.filter(Q(home_province=province) | Q(pk__in=listed.values("organisation_id")))

    def offering(self, service):
        """Offering `service` (a Service, its pk, or its code)."""
        lookup = {"service__code": service} if isinstance(service, str) else {"service": service}
        offerings = ServiceOffering.objects.filter(**lookup)
        return self.filter(pk__in=offerings.values("organisation_id"))

    def verified_first(self):
        """Verified, then not yet verified, then suspended; by name within each."""
        return self.annotate(
            verification_rank=Case(
                When(status=Organisation.Status.SUSPENDED, then=Value(2)),
                When(verified_at__isnull=False, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        ).order_by("verification_rank", "name_fa", "pk")


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Organisation(BilingualNameMixin):
    class Kind(models.TextChoices):
        NGO = "ngo", _("NGO")
        MINISTRY = "ministry", _("Ministry")
        WELFARE = "welfare", _("Welfare organisation")
        GOVERNMENT_AGENCY = "government_agency", _("Other government agency")
        MUNICIPALITY = "municipality", _("Municipality")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name_fa = models.CharField(_("Persian name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    # Short code used in case numbers, e.g. TEH-NGO12-1405-00042.
    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices, default=Kind.NGO)
    registration_number = models.CharField(_("registration number"), max_length=64, blank=True)
    registering_authority = models.CharField(
        _("registering authority"),
        max_length=32,
        choices=RegisteringAuthority.choices,
        blank=True,
    )
    # A Solar Hijri year (1390), as founders and registration papers give it; a year alone has
    # no single Gregorian equivalent, so it is kept as typed rather than as a date.
    founded_year = models.PositiveSmallIntegerField(
        _("year founded (Solar Hijri)"), null=True, blank=True
    )
    description = models.TextField(_("about the organisation"), blank=True)
    home_province = models.ForeignKey(
        "core.Province",
        verbose_name=_("head office province"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    provinces = models.ManyToManyField(
        "core.Province",
        verbose_name=_("provinces of operation"),
        related_name="organisations",
        blank=True,
    )
    cities = ArrayField(
        models.CharField(max_length=80),
        verbose_name=_("cities of operation"),
        default=list,
        blank=True,
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_person = models.CharField(_("contact person"), max_length=150, blank=True)
    focus = ArrayField(
        models.CharField(max_length=32, choices=Focus.choices),
        verbose_name=_("focus"),
        default=list,
        blank=True,
    )
    languages = ArrayField(
        models.CharField(max_length=16, choices=StaffLanguage.choices),
        verbose_name=_("languages spoken by staff"),
        default=list,
        blank=True,
    )
    logo = models.FileField(
        _("logo"), upload_to=logo_upload_to, blank=True, validators=[validate_logo]
    )

    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verification_note = models.TextField(_("verification note"), blank=True)
    suspended_at = models.DateTimeField(_("suspended"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("suspended by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    suspension_reason = models.TextField(_("reason for suspension"), blank=True)

    # Search keys (core.persian), recomputed on every save; compared, never shown.
    search_name = models.TextField(editable=False, blank=True, default="")
    search_cities = models.TextField(editable=False, blank=True, default="")

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_fa"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=~Q(registration_number=""),
                name="organisation_registration_number_unique",
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]+$"), name="organisation_code_format"
            ),
            models.CheckConstraint(
                condition=Q(verified_at__isnull=True, verified_by__isnull=True)
                | Q(verified_at__isnull=False, verified_by__isnull=False),
                name="organisation_verified_at_with_by",
            ),
            # Suspended exactly when a suspension is recorded with who, when and why.
            models.CheckConstraint(
                condition=(
                    Q(
                        status="suspended",
                        suspended_at__isnull=False,
                        suspended_by__isnull=False,
                    )
                    & ~Q(suspension_reason="")
                )
                | Q(
                    status="active",
                    suspended_at__isnull=True,
                    suspended_by__isnull=True,
                    suspension_reason="",
                ),
                name="organisation_suspension_recorded",
            ),
            models.CheckConstraint(
                condition=Q(founded_year__isnull=True)
                | Q(founded_year__gte=1250, founded_year__lte=1500),
                name="organisation_founded_year_solar_hijri",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.refresh_search_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "search_name",
                "search_cities",
                "name_fa",
                "name_en",
                "cities",
            }
        super().save(*args, **kwargs)

    @property
    def can_receive_referrals(self):
        """Whether new referrals may be sent here. A suspended organisation receives none."""
        return self.status != self.Status.SUSPENDED

    @property
    def is_verified(self):
        return self.verified_at is not None

    @property
    def is_suspended(self):
        return self.status == self.Status.SUSPENDED

    @property
    def verification_status(self):
        if self.is_suspended:
            return VerificationStatus.SUSPENDED
        if self.is_verified:
            return VerificationStatus.VERIFIED
        return VerificationStatus.UNVERIFIED

    def get_verification_status_display(self):
        return self.verification_status.label

    def get_focus_display(self):
        return [Focus(value).label for value in self.focus if value in Focus.values]

    def get_languages_display(self):
        return [
            StaffLanguage(value).label for value in self.languages if value in StaffLanguage.values
        ]

    def refresh_search_keys(self):
        """Recompute the search columns from the names and cities (called by `save`)."""
        self.name_fa = clean_text(self.name_fa)
        self.name_en = clean_text(self.name_en)
        self.cities = [city for city in (clean_text(c) for c in self.cities or []) if city]
        names = [self.name_fa, self.name_en, self.code, self.registration_number]
        # Word keys and compact keys side by side: "مردم نهاد", "مردم‌نهاد" and "مردمنهاد" all
        # find the same name, and words typed in another order still match one by one.
        self.search_name = "\n".join(
            [normalize(n) for n in names if n] + [compact(n) for n in names[:2] if n]
        )
        self.search_cities = "\n".join(normalize(city) for city in self.cities)


# An organisation's profile, in the order its form shows it (ngos.forms.OrganisationProfileForm).
# Only administrators change IDENTITY_FIELDS.
PROFILE_FORM_FIELDS = (
    "name_fa",
    "name_en",
    "kind",
    "code",
    "registration_number",
    "registering_authority",
    "founded_year",
    "description",
    "home_province",
    "provinces",
    "cities",
    "address",
    "phone",
    "email",
    "website",
    "contact_person",
    "focus",
    "languages",
    "logo",
)
IDENTITY_FIELDS = ("kind", "code")
# The profile columns a manager changes: the operating provinces (many-to-many) and the logo (a
# file) are saved apart from them (ngos.services.organisation_update_profile).
PROFILE_FIELDS = tuple(
    name
    for name in PROFILE_FORM_FIELDS
    if name not in IDENTITY_FIELDS and name not in ("provinces", "logo")
)


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class ServiceOffering(models.Model):
    """A service an organisation offers, with its capacity and who is eligible."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="service_offerings",
    )
    service = models.ForeignKey(
        Service, verbose_name=_("service"), on_delete=models.PROTECT, related_name="offerings"
    )
    capacity_per_month = models.PositiveIntegerField(
        _("capacity (children a month)"), null=True, blank=True
    )
    age_min = models.PositiveSmallIntegerField(_("youngest age"), null=True, blank=True)
    age_max = models.PositiveSmallIntegerField(_("oldest age"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=8, choices=EligibleSex.choices, blank=True)
    nationalities = ArrayField(
        models.CharField(max_length=16, choices=EligibleNationality.choices),
        verbose_name=_("nationalities"),
        default=list,
        blank=True,
        help_text=_("Leave empty when children of every nationality are accepted."),
    )
    documents = ArrayField(
        models.CharField(max_length=16, choices=EligibleDocument.choices),
        verbose_name=_("documents"),
        default=list,
        blank=True,
        help_text=_("Leave empty when children with any document, or none, are accepted."),
    )
    notes = models.CharField(_("notes"), max_length=300, blank=True)

    class Meta:
        ordering = ["service__position", "service__code"]
        verbose_name = _("service offered")
        verbose_name_plural = _("services offered")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "service"], name="service_offering_once_per_organisation"
            ),
            models.CheckConstraint(
                condition=Q(age_min__isnull=True)
                | Q(age_max__isnull=True)
                | Q(age_min__lte=models.F("age_max")),
                name="service_offering_age_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(age_max__isnull=True) | Q(age_max__lte=25),
                name="service_offering_age_max_plausible",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} · {self.service}"

    def accepts(self, *, age=None, sex=None, nationality=None, documentation=None):
        """Whether a child with these facts is eligible; an unknown fact does not exclude."""
        return not self.ineligible_for(
            age=age, sex=sex, nationality=nationality, documentation=documentation
        )

    def ineligible_for(self, *, age=None, sex=None, nationality=None, documentation=None):
        """The facts that make a child ineligible: a list of "age", "sex", "nationality" and
        "documents", empty when eligible. An unknown fact does not exclude."""
        reasons = []
        if age is not None and (
            (self.age_min is not None and age < self.age_min)
            or (self.age_max is not None and age > self.age_max)
        ):
            reasons.append("age")
        if sex and self.sex and sex != self.sex:
            reasons.append("sex")
        if nationality and self.nationalities and nationality not in self.nationalities:
            reasons.append("nationality")
        if (
            documentation in EligibleDocument.values
            and self.documents
            and documentation not in self.documents
        ):
            reasons.append("documents")
        return reasons

    def get_documents_display(self):
        return [EligibleDocument(v).label for v in self.documents if v in EligibleDocument.values]

    def get_nationalities_display(self):
        return [
            EligibleNationality(v).label
            for v in self.nationalities
            if v in EligibleNationality.values
        ]


@pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())
class Membership(models.Model):
    """A user's place in exactly one organisation, with one role."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices())
    title = models.CharField(_("job title"), max_length=120, blank=True)
    # Set only for a provincial ministry officer; empty means national scope.
    province = models.ForeignKey(
        "core.Province",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # The organisation's second approver: a caseworker its manager names so that a closure or a
    # consent override is approved by someone other than the one who asked, even where the
    # organisation has one manager. Grants `core.permissions.SECOND_APPROVER_PERMISSIONS`
    # (docs/adr/0038).
    second_approver = models.BooleanField(_("second approver"), default=False)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                condition=Q(province__isnull=True) | Q(role="ministry_officer"),
                name="membership_province_only_for_ministry_officer",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(second_approver=True),
                name="membership_one_second_approver",
            ),
            models.CheckConstraint(
                condition=Q(second_approver=False) | Q(role="caseworker"),
                name="membership_second_approver_is_caseworker",
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.organisation} · {self.get_role_display()}"

    @property
    def role_definition(self):
        return Role.get(self.role)

    @property
    def invitation_pending(self):
        """Invited but has not chosen a password yet."""
        return self.user.is_active and not self.user.has_usable_password()
