"""The case page's header (issue 17): the next step is one button, offered only to who may act."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from children import services
from children.models import Case
from children.models.choices import CaseStatus

from .conftest import by_testid, parse

pytestmark = pytest.mark.django_db


def next_button(response):
    """(label, href) of the header's next-step button, or None."""
    for node in parse(response).iter():
        if node.attrs.get("data-testid") == "next-step-button":
            return node.text(), node.attrs["href"]
    return None


def test_a_new_case_offers_its_assessment_as_the_next_step(client_as, cw_a, case_a):
    response = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))

    label, href = next_button(response)
    assert label and href == reverse("children:assessment_create", args=[case_a.pk])
    assert by_testid(response, "next-step-text")[0]


def test_a_pending_closure_is_a_button_for_the_manager_only(client_as, cw_a, mgr_a, case_a):
    services.closure_request(by=cw_a, case=case_a, reason="moved_away")
    page = reverse("children:case_detail", args=[case_a.pk])

    assert next_button(client_as(mgr_a).get(page))[1] == "#closure"
    caseworker_view = client_as(cw_a).get(page)
    assert next_button(caseworker_view) is None
    assert by_testid(caseworker_view, "next-step-text")[0]


def test_an_overdue_follow_up_leads_to_its_outcome(client_as, cw_a, case_a):
    Case.objects.filter(pk=case_a.pk).update(status=CaseStatus.IN_PROGRESS)
    followup = services.followup_schedule(
        by=cw_a,
        case=case_a,
        due_on=timezone.localdate() - datetime.timedelta(days=3),
        kind="home_visit",
        responsible=cw_a,
    )

    response = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))

    assert next_button(response)[1] == reverse(
        "children:followup_outcome", args=[case_a.pk, followup.pk]
    )


def test_every_section_of_the_index_is_on_the_page(client_as, cw_a, case_a):
    """The sticky index lists each section; a link to a missing id would jump nowhere."""
    response = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    root = parse(response)
    ids = {node.attrs.get("id") for node in root.iter()}
    index = next(node for node in root.iter() if node.attrs.get("data-testid") == "case-index")
    targets = [node.attrs["href"][1:] for node in index.iter() if node.tag == "a"]

    assert len(targets) >= 10
    assert all(target in ids for target in targets), set(targets) - ids
