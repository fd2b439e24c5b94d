"""factory_boy factories: the people and organisations every test needs, and cases, encounters,
referrals, follow-ups and meetings written straight to the tables with the values a test gives."""

import datetime

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Max
from django.utils import timezone

from core.models import Province
from core.permissions import Role
from ngos.models import Membership, Organisation

PROVINCE_NAMES = {
    "tehran": ("تهران", "Tehran", "TEH"),
    "razavi-khorasan": ("خراسان رضوی", "Razavi Khorasan", "RKH"),
    "sistan-baluchestan": ("سیستان و بلوچستان", "Sistan and Baluchestan", "SBL"),
}

TEST_PASSWORD = "correct horse battery staple"


def province(code="tehran"):
    """A province row; transactional tests flush the migration's reference data, so recreate it."""
    name_fa, name_en, abbreviation = PROVINCE_NAMES[code]
    obj, _ = Province.objects.get_or_create(
        code=code, defaults={"name_fa": name_fa, "name_en": name_en, "abbreviation": abbreviation}
    )
    return obj


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name_fa = factory.Sequence(lambda n: f"سازمان مردم‌نهاد شماره {n}")
    name_en = factory.Sequence(lambda n: f"NGO number {n}")
    code = factory.Sequence(lambda n: f"T{n:04d}")
    kind = Organisation.Kind.NGO
    home_province = factory.LazyFunction(province)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "کاربر"
    last_name = factory.Sequence(lambda n: f"آزمایشی {n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password(TEST_PASSWORD)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.CASEWORKER


def member(username, organisation, role, **extra):
    """A user with a membership in `organisation` with `role`."""
    user = UserFactory(username=username)
    MembershipFactory(user=user, organisation=organisation, role=role, **extra)
    return user


def service(code="education"):
    """A service row by its code; transactional tests flush the migration's reference data."""
    from ngos.reference import ensure_services

    return ensure_services()[code]


class ServiceOfferingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "ngos.ServiceOffering"

    organisation = factory.SubFactory(OrganisationFactory)
    service = factory.LazyFunction(service)
    capacity_per_month = 20


# --- Children: rows written straight to the tables, with the dates and states a test gives ---------
# The services stamp today and check permissions; tests about those call the services instead.


class CaseFactory(factory.django.DjangoModelFactory):
    """A registered child of `organisation`, assigned to and registered by `assigned_to`."""

    class Meta:
        model = "children.Case"

    organisation = factory.SubFactory(OrganisationFactory)
    # Not the services' TEH-NGO01-1405-00042 form, so it never meets a number they reserve.
    case_number = factory.LazyAttributeSequence(
        lambda case, n: f"{case.organisation.code}-T-{n:06d}"
    )
    assigned_to = factory.SubFactory(UserFactory)
    created_by = factory.SelfAttribute("assigned_to")
    given_name = "کودک"
    family_name = factory.Sequence(lambda n: f"آزمون {n}")
    sex = "male"
    estimated_age = 10
    nationality = "afghan"
    documentation = "amayesh"
    province = factory.LazyFunction(province)
    city = "شهر"
    closed_at = None
    status = factory.LazyAttribute(lambda case: "closed" if case.closed_at else "registered")


class EncounterFactory(factory.django.DjangoModelFactory):
    """An outreach encounter; anonymous counts go in as anon_<sex>_<band>=n."""

    class Meta:
        model = "children.Encounter"

    organisation = factory.SubFactory(OrganisationFactory)
    caseworker = factory.SubFactory(UserFactory)
    province = factory.LazyFunction(province)
    city = "شهر"
    hotspot = "میدان"
    hotspot_key = factory.SelfAttribute("hotspot")
    activity = "regular_visit"


class ReferralFactory(factory.django.DjangoModelFactory):
    """A referral of `case` sent by its organisation, for education unless `service` says."""

    class Meta:
        model = "children.Referral"

    case = factory.SubFactory(CaseFactory)
    from_organisation = factory.SelfAttribute("case.organisation")
    to_organisation = factory.SubFactory(OrganisationFactory)
    service = factory.LazyFunction(service)
    state = "sent"
    need = "نیاز"
    consent_override_reason = "آزمون"
    sent_by = factory.SelfAttribute("case.created_by")
    sent_at = factory.LazyFunction(timezone.now)
    answer_due_at = factory.LazyAttribute(
        lambda referral: referral.sent_at + datetime.timedelta(days=settings.REFERRAL_ANSWER_DAYS)
    )
    decline_reason = factory.LazyAttribute(
        lambda referral: "ظرفیت ندارد" if referral.state == "declined" else ""
    )


class FollowUpFactory(factory.django.DjangoModelFactory):
    """A home visit of `case` due on `due_on`, for its caseworker."""

    class Meta:
        model = "children.FollowUp"

    case = factory.SubFactory(CaseFactory)
    due_on = factory.LazyFunction(timezone.localdate)
    kind = "home_visit"
    responsible = factory.SelfAttribute("case.assigned_to")
    created_by = factory.SelfAttribute("case.created_by")
    status = "scheduled"


# --- Meetings ----------------------------------------------------------------------------------


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    """A working group; `member_organisations=[...]` makes organisations members."""

    class Meta:
        model = "meetings.WorkingGroup"
        skip_postgeneration_save = True

    title_fa = factory.Sequence(lambda n: f"کارگروه شماره {n}")
    convening_organisation = factory.SubFactory(
        OrganisationFactory, kind=Organisation.Kind.MINISTRY
    )
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def member_organisations(self, create, organisations, **kwargs):
        if create and organisations:
            self.member_organisations.set(organisations)


class MeetingFactory(factory.django.DjangoModelFactory):
    """The next meeting of `working_group`, with `attendees` (dicts of Attendee fields, in order)
    and `agenda` (item titles, in order)."""

    class Meta:
        model = "meetings.Meeting"
        skip_postgeneration_save = True

    working_group = factory.SubFactory(WorkingGroupFactory)
    number = factory.LazyAttribute(
        lambda meeting: (meeting.working_group.meetings.aggregate(n=Max("number"))["n"] or 0) + 1
    )
    held_on = factory.LazyFunction(timezone.localdate)
    place = "وزارت کشور"
    recorded_by = factory.SelfAttribute("working_group.created_by")

    @factory.post_generation
    def attendees(self, create, attendees, **kwargs):
        for position, attendee in enumerate(attendees or [], start=1):
            self.attendees.create(position=position, **attendee)

    @factory.post_generation
    def agenda(self, create, titles, **kwargs):
        for position, title in enumerate(titles or [], start=1):
            self.agenda_items.create(position=position, title=title)


class ResolutionFactory(factory.django.DjangoModelFactory):
    """The next resolution of `meeting`, led by `lead` (the convening organisation unless given)
    and supported by the organisations in `supporting`."""

    class Meta:
        model = "meetings.Resolution"
        skip_postgeneration_save = True

    meeting = factory.SubFactory(MeetingFactory)
    number = factory.LazyAttribute(
        lambda resolution: (resolution.meeting.resolutions.aggregate(n=Max("number"))["n"] or 0) + 1
    )
    text = factory.Sequence(lambda n: f"مصوبه شماره {n}")
    kind = "policy"
    due_date = factory.LazyAttribute(lambda r: r.meeting.held_on + datetime.timedelta(days=90))
    created_by = factory.SelfAttribute("meeting.recorded_by")

    @factory.post_generation
    def lead(self, create, organisation, **kwargs):
        organisation = organisation or self.meeting.working_group.convening_organisation
        self.responsibilities.create(organisation=organisation, is_lead=True)

    @factory.post_generation
    def supporting(self, create, organisations, **kwargs):
        for organisation in organisations or []:
            self.responsibilities.create(organisation=organisation)
