"""The case page's plan read with compiled queries, and its family card and stepper kept per
language (issue 21): each must read as what it replaces, and nothing of one case, user or
request may show on another's page."""

import datetime

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from children.forms import FamilyAddForm
from children.models import PlanAction, PlanGoal
from children.presenters_workflow import STEPS, plan_goals, progress
from children.selectors.families import Family
from children.templatetags import case_page_tags
from children.templatetags.case_page_tags import BlankForm
from tests.factories import service

LANGUAGES = ["fa", "en"]


def _draw(source, **values):
    return engines["django"].from_string(source).render(values)


@pytest.mark.django_db
def test_plan_goals_read_as_the_prefetching_queryset(cw_a, case_a):
    first = PlanGoal.objects.create(case=case_a, goal="First", created_by=cw_a)
    PlanGoal.objects.create(case=case_a, goal="Second, no action", created_by=cw_a)
    later = PlanGoal.objects.create(case=case_a, goal="Third", created_by=cw_a)
    for goal, description, day in [
        (first, "late", datetime.date(2026, 5, 1)),
        (first, "undated", None),
        (first, "early", datetime.date(2026, 1, 1)),
        (later, "only", None),
    ]:
        PlanAction.objects.create(
            goal=goal,
            description=description,
            responsible=cw_a,
            service=service("education") if day else None,
            target_date=day,
        )
    expected = list(
        case_a.plan_goals.prefetch_related(
            Prefetch(
                "actions", queryset=PlanAction.objects.select_related("responsible", "service")
            )
        )
    )
    education = str(service("education"))
    goals = plan_goals(case_a)
    assert [g.pk for g in goals] == [g.pk for g in expected]
    with CaptureQueriesContext(connection) as read:
        for goal, reference in zip(goals, expected, strict=True):
            actions = list(goal.actions.all())
            assert [a.pk for a in actions] == [a.pk for a in reference.actions.all()]
            for action in actions:
                assert action.goal is goal and goal.case is case_a
                assert str(action.responsible) == str(cw_a)
                assert str(action.service or "") in ("", education)
    assert len(read) == 0  # every action, responsible and service was read with the goals
    PlanGoal.objects.filter(case=case_a).delete()
    assert plan_goals(case_a) == []


def test_the_kept_stepper_reads_as_the_partial_for_each_state():
    partial = '{% include "children/partials/progress.html" %}'
    kept = "{% load case_page_tags %}{% progress_card progress %}"
    for language in LANGUAGES + LANGUAGES:  # fa, en, then fa again: no language sticks
        with translation.override(language):
            for status in STEPS:
                for assessed in (True, False):
                    case = type("C", (), {"status": status})()
                    steps = progress(case, assessed=assessed, planned=not assessed)
                    assert _draw(kept, progress=steps) == _draw(partial, progress=steps)


class _Case:
    def __init__(self, pk):
        self.pk = pk


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("can_edit", [True, False])
def test_the_kept_family_card_reads_as_the_partial(language, can_edit):
    partial = '{% load case_page_tags %}{% include "children/partials/family_card.html" %}'
    kept = "{% load case_page_tags %}{% family_card %}"
    with translation.override(language):
        # Two cases and two tokens one after the other: the second page shows its own.
        for pk, token in [(7, "tokenOne"), (123456, "token<Two>")]:
            values = {
                "case": _Case(pk),
                "family": Family(household=None),
                "can": {"case_edit": can_edit},
                "csrf_token": token,
                "family_add_form": BlankForm(FamilyAddForm),
            }
            html = _draw(kept, **values)
            assert html == _draw(partial, **values)
            assert str(case_page_tags._STAND_IN_CASE_ID) not in html
            assert case_page_tags._STAND_IN_TOKEN not in html
            if can_edit:
                assert f"sibling_of={pk}" in html and "token&lt;Two&gt;" in html or pk == 7


def test_a_family_with_siblings_elsewhere_is_drawn_not_kept():
    partial = '{% load case_page_tags %}{% include "children/partials/family_card.html" %}'
    kept = "{% load case_page_tags %}{% family_card %}"
    values = {
        "case": _Case(9),
        "family": Family(household=None, elsewhere=["Another <NGO>"]),
        "can": {"case_edit": True},
        "csrf_token": "tok",
        "family_add_form": BlankForm(FamilyAddForm),
    }
    with translation.override("en"):
        html = _draw(kept, **values)
        assert html == _draw(partial, **values)
        assert "Another &lt;NGO&gt;" in html
        # The next empty family does not show it.
        values["family"] = Family(household=None)
        assert "NGO" not in _draw(kept, **values)
