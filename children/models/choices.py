"""The fixed lists a case record uses. Stored values are stable English keys; labels translate."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    FEMALE = "female", _("Girl")
    MALE = "male", _("Boy")


class AgeBand(models.TextChoices):
    UNDER_6 = "under6", _("Under 6")
    AGE_6_11 = "6_11", _("6-11")
    AGE_12_14 = "12_14", _("12-14")
    AGE_15_17 = "15_17", _("15-17")

    @classmethod
    def for_age(cls, age):
        if age is None:
            return None
        if age < 6:
            return cls.UNDER_6
        if age <= 11:
            return cls.AGE_6_11
        if age <= 14:
            return cls.AGE_12_14
        return cls.AGE_15_17


class Nationality(models.TextChoices):
    IRANIAN = "iranian", _("Iranian")
    AFGHAN = "afghan", _("Afghan")
    PAKISTANI = "pakistani", _("Pakistani")
    IRAQI = "iraqi", _("Iraqi")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Documentation(models.TextChoices):
    NATIONAL_ID = "national_id", _("Iranian national ID")
    AMAYESH = "amayesh", _("Amayesh card")
    PASSPORT = "passport", _("Passport")
    OTHER = "other", _("Other document")
    UNDOCUMENTED = "undocumented", _("Undocumented")
    # An imported file without a documentation column: nobody said (issue 16).
    NOT_RECORDED = "not_recorded", _("Not recorded")


class Language(models.TextChoices):
    PERSIAN = "persian", _("Persian")
    DARI = "dari", _("Dari")
    PASHTO = "pashto", _("Pashto")
    BALOCHI = "balochi", _("Balochi")
    KURDISH = "kurdish", _("Kurdish")
    AZERI = "azeri", _("Azerbaijani Turkish")
    ARABIC = "arabic", _("Arabic")
    OTHER = "other", _("Other")


class LivingSituation(models.TextChoices):
    FAMILY = "family", _("With family")
    RELATIVES = "relatives", _("With relatives")
    EMPLOYER = "employer", _("At the workplace or with the employer")
    SHELTER = "shelter", _("In a shelter")
    STREET = "street", _("On the street")
    ALONE = "alone", _("Alone or with other children")
    OTHER = "other", _("Other")


class Housing(models.TextChoices):
    """Where the family lives: one answer for the household (a child's own sleeping place is the
    case's living situation, which can differ between brothers and sisters)."""

    RENTED = "rented", _("Rented home")
    OWNED = "owned", _("Own home")
    RELATIVES = "relatives", _("With relatives")
    SHARED = "shared", _("Shared room or lodging house")
    INFORMAL = "informal", _("Informal settlement or makeshift shelter")
    NONE = "none", _("No fixed home")
    OTHER = "other", _("Other")


class WorkType(models.TextChoices):
    STREET_VENDING = "street_vending", _("Street vending")
    WASTE_PICKING = "waste_picking", _("Waste collection")
    CAR_WASHING = "car_washing", _("Car washing")
    BEGGING = "begging", _("Begging")
    WORKSHOP = "workshop", _("Workshop")
    AGRICULTURE = "agriculture", _("Agriculture")
    DOMESTIC = "domestic", _("Domestic work")
    PORTERING = "portering", _("Carrying loads")
    OTHER = "other", _("Other work")
    NONE = "none", _("Not working")


class Hazard(models.TextChoices):
    TRAFFIC = "traffic", _("Traffic")
    NIGHT_WORK = "night_work", _("Night work")
    HEAVY_LOADS = "heavy_loads", _("Heavy loads")
    CHEMICALS = "chemicals", _("Chemicals or waste")
    MACHINERY = "machinery", _("Machinery or tools")
    VIOLENCE = "violence", _("Violence or harassment")
    WEATHER = "weather", _("Heat or cold")


class LabourFlag(models.TextChoices):
    """What the Labour Law bars in a child's work; the rules are children/labour_law.py."""

    UNDER_15 = "under_15", _("Working under 15")
    HAZARDOUS = "hazardous", _("Harmful work under 18")
    YOUNG_WORKER_HOURS = "young_hours", _("Night work or long hours at 15 to 17")


class SchoolStatus(models.TextChoices):
    ENROLLED = "enrolled", _("Enrolled")
    DROPPED_OUT = "dropped_out", _("Dropped out")
    NEVER_ENROLLED = "never_enrolled", _("Never enrolled")


class ProtectionConcern(models.TextChoices):
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    NEGLECT = "neglect", _("Neglect")
    EXPLOITATION = "exploitation", _("Economic exploitation")
    TRAFFICKING = "trafficking", _("Risk of trafficking")
    CHILD_MARRIAGE = "child_marriage", _("Risk of child marriage")
    SUBSTANCE_USE = "substance_use", _("Substance use")
    FAMILY_ADDICTION = "family_addiction", _("Addiction in the family")
    DETENTION = "detention", _("Arrest or detention")
    DEPORTATION = "deportation", _("Risk of deportation")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class CaseStatus(models.TextChoices):
    IDENTIFIED = "identified", _("Identified")
    REGISTERED = "registered", _("Registered")
    ASSESSED = "assessed", _("Assessed")
    CASE_PLAN = "case_plan", _("Case plan")
    IN_PROGRESS = "in_progress", _("Services in progress")
    CLOSED = "closed", _("Closed")


OPEN_STATUSES = [s for s in CaseStatus.values if s != CaseStatus.CLOSED]


class ConsentGiver(models.TextChoices):
    CHILD = "child", _("The child")
    GUARDIAN = "guardian", _("Parent or guardian")
    BOTH = "both", _("The child and the guardian")
    OTHER = "other", _("Other responsible adult")


class ConsentScope(models.TextChoices):
    RECORD = "record", _("Keeping this record")
    REFERRAL = "referral", _("Sharing with services in a referral")
    PHOTO = "photo", _("Photographs")
    FOLLOW_UP = "follow_up", _("Home visits and follow-up contact")
    # Moving the whole case to another organisation (docs/adr/0037).
    TRANSFER = "transfer", _("Transferring the case to another organisation")
    # A referral letter to an agency outside the system names the child only with this (ADR 0039).
    EXTERNAL = "external", _("Naming the child in letters to agencies outside the system")


class Activity(models.TextChoices):
    FIRST_CONTACT = "first_contact", _("First contact")
    REGULAR_VISIT = "regular_visit", _("Regular visit")
    GROUP_ACTIVITY = "group_activity", _("Group activity")
    EMERGENCY = "emergency", _("Emergency")


# The sections a case is filled in by, in the order of the case page.
SECTION_TITLES = {
    "identity": _("Identity"),
    "household": _("Household and guardian"),
    "work": _("Work"),
    "schooling": _("Schooling"),
    "health": _("Health and protection"),
}


class NeedLevel(models.TextChoices):
    NONE = "none", _("No need")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class ClosureReason(models.TextChoices):
    REUNIFIED = "reunified", _("Reunified with family")
    BACK_IN_SCHOOL = "back_in_school", _("Back in school")
    AGED_OUT = "aged_out", _("Aged out")
    MOVED_AWAY = "moved_away", _("Moved away")
    TRANSFERRED = "transferred", _("Transferred to another organisation")
    LOST_CONTACT = "lost_contact", _("Lost contact")
    OTHER = "other", _("Other")


class FollowUpKind(models.TextChoices):
    HOME_VISIT = "home_visit", _("Home visit")
    STREET_CHECK = "street_check", _("Street check")
    SCHOOL_CHECK = "school_check", _("School check")
    PHONE_CALL = "phone_call", _("Phone call")
    SERVICE_CHECK = "service_check", _("Service check")


class FollowUpStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    DONE = "done", _("Done")
    MISSED = "missed", _("Missed")
    RESCHEDULED = "rescheduled", _("Rescheduled")


class ReferralState(models.TextChoices):
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    COMPLETED = "completed", _("Completed")
    NOT_COMPLETED = "not_completed", _("Not completed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The receiving organisation sees the referral's shared fields only while it is in these states.
REFERRAL_SHARING_STATES = [ReferralState.SENT, ReferralState.ACCEPTED]
REFERRAL_OPEN_STATES = [ReferralState.SENT, ReferralState.ACCEPTED]


class PlanStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")
