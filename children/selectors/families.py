"""A child's family as the user may see it: brothers and sisters of the user's organisation in
full, those known only at another organisation by that organisation's name alone."""

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from core.models import User
from core.permissions import Perm, has_permission
from ngos.models import Organisation

from ..models import Case, CaseLink, Household
from .cases import cases_visible_to


def households_visible_to(user: User) -> QuerySet[Household]:
    """The households of the user's own organisation, for those whose role reads cases."""
    if not has_permission(user, Perm.CASE_VIEW):
        return Household.objects.none()
    return Household.objects.filter(organisation_id=user.membership.organisation_id)


@dataclass
class Family:
    household: Household | None
    # The other children of the household that the user may open, oldest case first.
    siblings: list[Case] = field(default_factory=list)
    # Organisations that hold a brother or sister of this child: names only, never the child.
    elsewhere: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.siblings) + 1


@dataclass
class CaseLinks:
    """The case's "same child" links as its page shows them, read with one query."""

    # Requests from other organisations waiting for this one's answer.
    received: list[CaseLink]
    # Agreed links this case asked for, and those another case asked for.
    to: list[CaseLink]
    back: list[CaseLink]

    @property
    def accepted_pairs(self) -> list[tuple[int, int]]:
        return [(link.requesting_case_id, link.target_case_id) for link in (*self.to, *self.back)]


def case_links(case: Case) -> CaseLinks:
    """The requests waiting on `case` and its agreed links, each with the other case's
    organisation (its name only: no data of the other case crosses a link)."""
    names = ("name_fa", "name_en")
    rows = (
        CaseLink.objects.filter(
            Q(target_case=case, state__in=(CaseLink.State.REQUESTED, CaseLink.State.ACCEPTED))
            | Q(requesting_case=case, state=CaseLink.State.ACCEPTED)
        )
        .select_related("requesting_case__organisation", "target_case__organisation")
        .only(
            "state",
            "requesting_case_id",
            "target_case_id",
            *(f"requesting_case__organisation__{name}" for name in names),
            *(f"target_case__organisation__{name}" for name in names),
        )
        .order_by("pk")
    )
    links = CaseLinks(received=[], to=[], back=[])
    for link in rows:
        if link.state == CaseLink.State.REQUESTED:
            links.received.append(link)
        elif link.requesting_case_id == case.pk:
            links.to.append(link)
        else:
            links.back.append(link)
    return links


def case_family(
    case: Case, user: User, *, accepted_links: list[tuple[int, int]] | None = None
) -> Family:
    """The family of `case` as `user` sees it.

    `accepted_links` are the case's own agreed links (`case_links`), when the caller has read
    them: a child without brothers or sisters here needs no other.

    A household belongs to one organisation. A brother or sister known at another organisation
    is found through an agreed "same child" link: the case linked with this child (or with one of
    the siblings here) is in a household there, and its other children are siblings. Of those only
    the organisation's name is given (AC-01: a child's identity stays with the organisations that
    work on the case), and one that is itself linked to a child of this family is not a sibling
    elsewhere but the same child, already shown.
    """
    household = None
    siblings: list[Case] = []
    if case.household_id is not None:
        household = Household.objects.filter(pk=case.household_id).first()
        siblings = list(
            cases_visible_to(user)
            .filter(household_id=case.household_id)
            .exclude(pk=case.pk)
            .order_by("registered_on", "pk")
        )
    here = [case.pk, *(sibling.pk for sibling in siblings)]
    if siblings or accepted_links is None:
        accepted_links = list(
            CaseLink.objects.filter(
                Q(requesting_case__in=here) | Q(target_case__in=here),
                state=CaseLink.State.ACCEPTED,
            ).values_list("requesting_case_id", "target_case_id")
        )
    linked: set[int] = set()
    for requesting, target in accepted_links:
        linked.update({requesting, target})
    linked.difference_update(here)
    elsewhere: list[str] = []
    if linked:
        households = Case.objects.filter(pk__in=linked, household__isnull=False).values(
            "household_id"
        )
        organisations = (
            Case.objects.filter(household_id__in=households)
            .exclude(pk__in=linked)
            .exclude(organisation_id=case.organisation_id)
            .values("organisation_id")
        )
        elsewhere = sorted(str(o) for o in Organisation.objects.filter(pk__in=organisations))
    return Family(household=household, siblings=siblings, elsewhere=elsewhere)
