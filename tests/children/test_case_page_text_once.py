"""What the case page makes once a process instead of once a request (issue 21): choice labels,
section labels, addresses and the index of sections. Each must read as what it replaces, in
both languages, and follow a change of language at once."""

import datetime

import pytest
from django.db.models import Prefetch
from django.template import Context, engines
from django.urls import reverse
from django.utils import translation

from children.forms import (
    SECTIONS,
    ClosureDecisionForm,
    ConsentForm,
    FamilyAddForm,
    GoalForm,
    NoteForm,
    PlanActionStatusForm,
    ReopenForm,
)
from children.models import Assessment, Case, Consent, PlanAction, PlanGoal, TimelineEntry
from children.models.referrals import FollowUp, Referral
from children.presenters import section_rows
from children.templatetags import case_page_tags
from children.templatetags.case_page_tags import (
    BlankForm,
    assessment_needs,
    case_url,
    choice_label,
)
from tests.factories import service

LANGUAGES = ["fa", "en"]

CHOICE_FIELDS = [
    (TimelineEntry, "kind"),
    (FollowUp, "kind"),
    (FollowUp, "status"),
    (Case, "status"),
    (Consent, "given_by"),
    (Assessment, "health"),
    (Referral, "state"),
]


@pytest.mark.parametrize(("model", "name"), CHOICE_FIELDS)
def test_a_choice_label_is_the_models_display_in_either_language(model, name):
    field = model._meta.get_field(name)
    values = [value for value, _label in field.flatchoices] + ["not-a-choice", ""]
    for language in LANGUAGES + LANGUAGES:  # fa, en, then fa again: no language sticks
        with translation.override(language):
            for value in values:
                instance = model(**{field.attname: value})
                display = getattr(instance, f"get_{name}_display")()
                assert choice_label(instance, name, language) == display
                assert type(choice_label(instance, name, language)) is type(display)


def test_the_two_languages_give_different_labels():
    entry = TimelineEntry(kind=TimelineEntry._meta.get_field("kind").flatchoices[0][0])
    with translation.override("fa"):
        persian = choice_label(entry, "kind", "fa")
    with translation.override("en"):
        english = choice_label(entry, "kind", "en")
    assert persian != english


def test_the_template_filter_reads_the_active_language():
    template = engines["django"].from_string(
        '{% load case_page_tags %}{{ case|choice_label:"status" }}'
    )
    case = Case(status=Case._meta.get_field("status").flatchoices[0][0])
    for language in LANGUAGES:
        with translation.override(language):
            assert template.render({"case": case}) == str(case.get_status_display())


def test_assessment_needs_read_as_the_models():
    assessment = Assessment(
        education="high", health="low", family="medium", economic="high", protection="low"
    )
    for language in LANGUAGES:
        with translation.override(language):
            expected = [(d, str(label), level) for d, label, level in assessment.needs()]
            got = [(d, str(label), level) for d, label, level in assessment_needs(assessment)]
            assert got == expected


@pytest.mark.parametrize(
    ("viewname", "ids"),
    [
        ("children:case_duplicates", [7]),
        ("children:case_add_note", [123456]),
        ("children:consent_withdraw", [12, 34]),
        ("children:plan_action_status", [5, 987654321]),
        ("children:followup_outcome", [1, 2]),
    ],
)
def test_case_url_is_the_url_tag(viewname, ids):
    assert case_url(viewname, *ids) == reverse(viewname, args=ids)
    assert case_url(viewname, *ids) == reverse(viewname, args=ids)  # the second, kept


@pytest.mark.django_db
def test_section_labels_follow_the_language(case_a):
    for language in LANGUAGES + LANGUAGES:
        with translation.override(language):
            for _key, (_title, form_class) in SECTIONS.items():
                fields = form_class.base_fields
                expected = [str(fields[name].label) for name in form_class._meta.fields]
                assert [label for label, _value in section_rows(case_a, form_class)] == expected


def _index_as_the_template_wrote_it(sections, is_closed):
    template = engines["django"].engine.get_template("children/partials/case_index.html")
    return template.render(Context({"sections": sections, "is_closed": is_closed}))


@pytest.mark.parametrize("is_closed", [False, True])
def test_the_index_kept_reads_as_the_partial_for_each_language_and_state(is_closed):
    sections = [(key, title, "", "") for key, (title, _form) in SECTIONS.items()]
    page = engines["django"].from_string(
        "{% load case_page_tags %}{% case_index sections is_closed %}"
    )
    case_page_tags._indexes.clear()
    drawn = {}
    for language in LANGUAGES + LANGUAGES:
        with translation.override(language):
            html = page.render({"sections": sections, "is_closed": is_closed})
            assert html == _index_as_the_template_wrote_it(sections, is_closed)
            drawn[language] = html
    assert drawn["fa"] != drawn["en"]
    with translation.override("en"):
        other_state = page.render({"sections": sections, "is_closed": not is_closed})
        assert other_state == _index_as_the_template_wrote_it(sections, not is_closed)
    assert other_state != drawn["en"]


BLANK_FIELDS = [
    (NoteForm, "body"),
    (GoalForm, "goal"),
    (ReopenForm, "reason"),
    (FamilyAddForm, "case_number"),
    (PlanActionStatusForm, "status"),
]


def _draw(source, **values):
    return engines["django"].from_string(source).render(values)


@pytest.mark.parametrize(("form_class", "name"), BLANK_FIELDS)
def test_a_blank_field_reads_as_the_forms_field_in_either_language(form_class, name):
    as_the_form = (
        "{% load form_tags %}{{ form.NAME.id_for_label }}|{{ form.NAME.label }}|"
        "{{ form.NAME|bootstrap }}|{% for v, l in form.fields.NAME.choices %}{{ v }}={{ l }};"
        "{% endfor %}"
    ).replace("NAME", name)
    kept = (
        "{% load case_page_tags %}{% blank_field form NAME as f %}{{ f.id_for_label }}|"
        "{{ f.label }}|{{ f.control }}|{% for v, l in f.choices %}{{ v }}={{ l }};{% endfor %}"
    ).replace("NAME", f'"{name}"')
    drawn = {}
    for language in LANGUAGES + LANGUAGES:
        with translation.override(language):
            html = _draw(kept, form=BlankForm(form_class))
            assert html == _draw(as_the_form, form=form_class())
            drawn[language] = html
    assert drawn["fa"] != drawn["en"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_blank_form_not_built_draws_as_a_built_one(language):
    include = '{% include "children/partials/fields.html" with fields=form %}'
    tag = "{% load case_page_tags %}{% blank_form_fields form %}"
    field = '{% include "includes/form_field.html" with field=form.comment %}'
    field_tag = "{% load case_page_tags %}{% blank_form_field form 'comment' %}"
    with translation.override(language):
        case_page_tags._blank_forms.clear()
        assert _draw(tag, form=BlankForm(ConsentForm)) == _draw(include, form=ConsentForm())
        assert _draw(tag, form=BlankForm(ConsentForm)) == _draw(include, form=ConsentForm())
        case_page_tags._blank_forms.clear()
        assert _draw(tag, form=ConsentForm()) == _draw(tag, form=BlankForm(ConsentForm))
        expected = _draw(field, form=ClosureDecisionForm())
        assert _draw(field_tag, form=BlankForm(ClosureDecisionForm)) == expected


def test_a_blank_form_is_not_built_by_the_template_reading_it():
    built = []

    class Counted(NoteForm):
        def __init__(self, *args, **kwargs):
            built.append(1)
            super().__init__(*args, **kwargs)

    form = BlankForm(Counted)
    with translation.override("en"):
        _draw("{% load case_page_tags %}{{ form }}{% blank_field form 'body' as b %}", form=form)
        _draw("{% load case_page_tags %}{% blank_field form 'body' as b %}{{ b.label }}", form=form)
    assert len(built) == 1  # once, for the first drawing; the second is the kept one


# children/partials/workflow_cards.html's loops over the plan, as they were before
# case_page_tags.plan_goal_rows wrote them: the reference for the Python.
GOALS_LOOP = "{% load i18n persian_dates %}" + (
    "    {% for goal in goals %}\n"
    '    <div class="mb-3">\n'
    '      <div class="fw-semibold">{{ goal.goal }} <span class="badge text-bg-light border">{{ goal.get_status_display }}</span></div>\n'
    '      <ul class="list-unstyled small ms-2 mb-1">\n'
    "        {% for action in goal.actions.all %}\n"
    '        <li class="d-flex flex-wrap gap-2 align-items-center mb-1">\n'
    '          <span>{{ action.description }}{% if action.service %} <span class="sep" aria-hidden="true"></span> {{ action.service }}{% endif %} <span class="sep" aria-hidden="true"></span> <bdi>{{ action.responsible }}</bdi>{% if action.target_date %} <span class="sep" aria-hidden="true"></span> {{ action.target_date|jdate }}{% endif %}</span>\n'
    "          {% if can.case_edit and not case.is_closed %}\n"
    '          <form method="post" action="{% url \'children:plan_action_status\' case.pk action.pk %}" class="d-flex gap-1">\n'
    "            {% csrf_token %}\n"
    '            <select name="status" class="form-select form-select-sm" aria-label="{% translate \'Status\' %}">{% for value, label in action_status_form.fields.status.choices %}<option value="{{ value }}"{% if value == action.status %} selected{% endif %}>{{ label }}</option>{% endfor %}</select>\n'
    '            <button class="btn btn-sm btn-outline-secondary">{% translate "Save" %}</button>\n'
    "          </form>\n"
    '          {% else %}<span class="badge text-bg-light border">{{ action.get_status_display }}</span>{% endif %}\n'
    "        </li>\n"
    '        {% empty %}<li class="text-body-secondary">{% translate "No actions yet." %}</li>{% endfor %}\n'
    "      </ul>\n"
    '      {% if can.case_edit and not case.is_closed %}<a class="small" href="{% url \'children:plan_action_add\' case.pk goal.pk %}">{% translate "Add an action" %}</a>{% endif %}\n'
    "    </div>\n"
    '    {% empty %}<p class="small text-body-secondary">{% translate "No goals yet." %}</p>{% endfor %}'
)
GOALS_TAG = (
    "{% load i18n case_page_tags %}    {% plan_goal_rows goals case %}{% if not goals %}"
    '<p class="small text-body-secondary">{% translate "No goals yet." %}</p>{% endif %}'
)


def _goals_of(case):
    return list(
        case.plan_goals.order_by("pk").prefetch_related(
            Prefetch(
                "actions", queryset=PlanAction.objects.select_related("responsible", "service")
            )
        )
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_plan_goals_written_in_python_read_as_the_template_loops(language, cw_a, case_a):
    with_actions = PlanGoal.objects.create(
        case=case_a, goal='Learn <to> read & "write"', created_by=cw_a
    )
    PlanGoal.objects.create(case=case_a, goal="No action yet", created_by=cw_a, status="done")
    PlanAction.objects.create(
        goal=with_actions,
        description="Enrol <b>at</b> 'school'",
        service=service("education"),
        responsible=cw_a,
        target_date=datetime.date(2026, 3, 21),
        status="in_progress",
    )
    PlanAction.objects.create(goal=with_actions, description="Buy books", responsible=cw_a)
    goals = _goals_of(case_a)
    for can_edit, closed in [(True, False), (False, False), (True, True)]:
        case_a.status = "closed" if closed else "open"
        values = {"goals": goals, "case": case_a, "can": {"case_edit": can_edit}}
        values["csrf_token"] = "tok<en>"
        with translation.override(language):
            expected = _draw(GOALS_LOOP, **values, action_status_form=PlanActionStatusForm())
            kept = BlankForm(PlanActionStatusForm)
            assert _draw(GOALS_TAG, **values, action_status_form=kept) == expected
        assert ("<form" in expected) is (can_edit and not closed)
    with translation.override(language):
        assert _draw(GOALS_TAG, goals=[], case=case_a, can={}) == _draw(
            GOALS_LOOP, goals=[], case=case_a, can={}
        )
