"""The case page's header (issue 17): the next step is one button, offered only to who may act."""

import datetime

import pytest
from django.template import Context, engines
from django.urls import reverse
from django.utils import timezone, translation

from children import services
from children.forms import ClosureDecisionForm, ClosureRequestForm
from children.models import Case, CaseDocument, CaseLink, TimelineEntry
from children.models.choices import CaseStatus, RiskLevel
from children.services.labour import record_school_change
from children.services.letters import letter_create
from tests.factories import CaseFactory, ReferralFactory

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


# --- What a case page costs (issue 21) -----------------------------------------------------------

NEEDS = dict.fromkeys(["education", "health", "family", "economic", "protection"], "high")


def _page_queries(client, case, django_assert_max_num_queries, budget):
    url = reverse("children:case_detail", args=[case.pk])
    client.get(url)  # the session's first request reads more (the second factor's device)
    with django_assert_max_num_queries(budget) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def _add_one_of_each(cw, mgr, case, org_b):
    """A row in each list the case page shows: a note, a follow-up, an assessment, a goal with
    an action, a referral with a letter, a document, a report alert, a schooling change and a
    link with another organisation's case."""
    services.case_add_note(by=cw, case=case, body="یادداشت")
    services.followup_schedule(
        by=cw, case=case, due_on=timezone.localdate(), kind="home_visit", responsible=cw
    )
    services.assessment_record(by=cw, case=case, needs=NEEDS, risk_level=RiskLevel.CRITICAL)
    goal = services.plan_goal_add(by=cw, case=case, goal="مدرسه")
    services.plan_action_add(by=cw, goal=goal, description="ثبت نام", responsible=cw)
    ReferralFactory(case=case, to_organisation=org_b)
    letter_create(by=mgr, case=case, data={"recipient": "بهزیستی", "subject": "ب", "body": "ب"})
    CaseDocument.objects.create(case=case, type="birth_certificate", added_by=cw)
    record_school_change(case=case, from_status="", to_status="enrolled", by=cw)
    other = CaseFactory(organisation=org_b)
    CaseLink.objects.create(
        requesting_case=case, target_case=other, state=CaseLink.State.ACCEPTED, requested_by=cw
    )


def test_a_new_case_page_asks_only_for_the_lists_that_hold_rows(
    client_as, cw_a, mgr_a, case_a, django_assert_max_num_queries
):
    """Session, user, role, second factor, the case with its audit row, which of its lists hold
    rows, its consent, and who registered it (no query when they are the one reading). A
    manager's page also counts the approvals waiting and lists the caseworkers to reassign to."""
    _page_queries(client_as(cw_a), case_a, django_assert_max_num_queries, 9)
    _page_queries(client_as(mgr_a), case_a, django_assert_max_num_queries, 12)


def test_a_full_case_page_reads_the_same_queries_however_long_its_lists(
    client_as, cw_a, mgr_a, case_a, org_b, django_assert_max_num_queries
):
    """Each list with rows is one query (a goal's actions one more, a family known elsewhere
    one more), never one a row."""
    _add_one_of_each(cw_a, mgr_a, case_a, org_b)
    client = client_as(cw_a)
    once = _page_queries(client, case_a, django_assert_max_num_queries, 22)
    _add_one_of_each(cw_a, mgr_a, case_a, org_b)
    assert _page_queries(client, case_a, django_assert_max_num_queries, 22) == once


# --- What the case page draws once (issue 21) ----------------------------------------------------


def _draw(source, **values):
    return engines["django"].from_string(source).template.render(Context(values))


@pytest.mark.parametrize("language", ["fa", "en"])
def test_timeline_lines_written_in_python_read_as_the_template_writes_them(
    language, cw_a, cw_b, case_a
):
    """The plain lines are written in Python (case_page_tags.timeline_lines); each must read as
    children/partials/timeline_lines.html writes it, and the others are the template's."""
    Kind = TimelineEntry.Kind
    at = timezone.now()
    entries = [
        TimelineEntry(
            case=case_a, kind=Kind.UPDATED, at=at, actor=cw_a, detail={"section": "work"}
        ),
        TimelineEntry(
            case=case_a, kind=Kind.ENCOUNTER, at=at, actor=cw_b, detail={"hotspot": "<b>&"}
        ),
        TimelineEntry(case=case_a, kind=Kind.NOTE, at=at, actor=None, detail={}),
        TimelineEntry(case=case_a, kind="gone", at=at, actor=cw_a, detail={"section": "nowhere"}),
        TimelineEntry(
            case=case_a,
            kind=Kind.STATUS,
            at=at,
            actor=cw_a,
            detail={"referral": 7, "state": "sent"},
        ),
        TimelineEntry(
            case=case_a,
            kind=Kind.TRANSFER,
            at=at,
            actor=cw_a,
            detail={"transfer": 3, "state": "pending"},
        ),
        TimelineEntry(
            case=case_a,
            kind=Kind.DOCUMENT,
            at=at,
            actor=cw_a,
            detail={"event": "added", "type": "birth_certificate"},
        ),
        TimelineEntry(
            case=case_a, kind=Kind.ENCOUNTER, at=at, actor=cw_a, detail={"hotspot": 12.5}
        ),
        TimelineEntry(case=case_a, kind=Kind.FAMILY, at=at, actor=cw_a, detail=["not", "a dict"]),
    ]
    with translation.override(language):
        by_template = _draw(
            '{% include "children/partials/timeline_lines.html" %}', entries=entries, case=case_a
        )
        drawn = _draw(
            "{% load case_page_tags %}{% timeline_lines entries case 4 as lines %}"
            "{{ lines.recent }}|{{ lines.all }}",
            entries=entries,
            case=case_a,
        )
        first_four = _draw(
            '{% include "children/partials/timeline_lines.html" %}',
            entries=entries[:4],
            case=case_a,
        )
    assert drawn == f"{first_four}|{by_template}"
    assert "&lt;b&gt;&amp;" in by_template


@pytest.mark.parametrize("language", ["fa", "en"])
def test_a_blank_form_drawn_once_reads_as_the_include_and_a_bound_one_shows_its_errors(language):
    include = '{% include "children/partials/fields.html" with fields=form %}'
    tag = "{% load case_page_tags %}{% blank_form_fields form %}"
    with translation.override(language):
        blank = _draw(include, form=ClosureRequestForm())
        assert _draw(tag, form=ClosureRequestForm()) == blank
        assert _draw(tag, form=ClosureRequestForm()) == blank  # the kept copy
        bound = ClosureRequestForm(data={"reason": "nonsense"})
        assert _draw(tag, form=bound) == _draw(include, form=bound) != blank
        field = '{% include "includes/form_field.html" with field=form.comment %}'
        drawn = "{% load case_page_tags %}{% blank_form_field form 'comment' %}"
        assert _draw(drawn, form=ClosureDecisionForm()) == _draw(field, form=ClosureDecisionForm())
    with translation.override("en" if language == "fa" else "fa"):
        assert _draw(tag, form=ClosureRequestForm()) != blank
