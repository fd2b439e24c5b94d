"""The case list's rows are what the template gave before they were written in Python: the
model's display methods in either language, `{% url %}` under any script prefix, `Case.age`,
everything escaped."""

import datetime

import pytest
from django.template import engines
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from children.models import Case
from children.models.choices import CaseStatus, LabourFlag, RiskLevel
from children.templatetags.case_list_tags import case_url, risk_label, status_label
from core.models import User

# The rows as children/case_list.html drew them until issue 21.
TEMPLATE_ROWS = """{% load i18n persian_dates labour_tags case_list_tags %}\
{% translate "Case number" as l_number %}{% translate "Father's name" as l_father %}\
{% translate "Age" as l_age %}{% translate "Status" as l_status %}\
{% translate "Risk level" as l_risk %}{% translate "Caseworker" as l_caseworker %}
      {% for case in page %}
      {% url 'children:case_detail' case.pk as case_url %}<tr>
        <td class="text-nowrap stack-wide" data-label="{{ l_number }}"><a href="{{ case_url }}" \
dir="ltr">{{ case.case_number }}</a></td>
        <td class="stack-title"><a href="{{ case_url }}"><bdi>{{ case.full_name }}</bdi></a>\
{% for label in case.labour_flags|labour_flag_labels %} <span class="badge text-bg-danger \
fw-normal" data-testid="case-labour-flag">{{ label }}</span>{% endfor %}</td>
        <td data-label="{{ l_father }}"><bdi>{{ case.father_name|default:"—" }}</bdi></td>
        <td data-label="{{ l_age }}">{{ case.age|localdigits }}</td>
        <td data-label="{{ l_status }}">{{ case.status|status_label }}</td>
        <td data-label="{{ l_risk }}">{% if case.risk_level %}<span class="badge \
risk-{{ case.risk_level }}">{{ case.risk_level|risk_label }}</span>{% else %}—{% endif %}</td>
        <td data-label="{{ l_caseworker }}"><bdi>{{ case.assigned_to }}</bdi></td>
      </tr>
      {% endfor %}"""
PYTHON_ROWS = """{% load case_list_tags %}
      {% for case in page %}
      {% case_row case today %}
      {% endfor %}"""


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_labels_are_the_models_display_values(language):
    with translation.override(language):
        for status in [*CaseStatus.values, "unknown"]:
            assert status_label(status) == Case(status=status).get_status_display()
        for risk in [*RiskLevel.values, "unknown"]:
            assert risk_label(risk) == Case(risk_level=risk).get_risk_level_display()


@pytest.mark.parametrize("prefix", ["/", "/koodak/", "/2147483647/"])
def test_the_case_address_is_what_reverse_gives(prefix):
    kept = get_script_prefix()
    set_script_prefix(prefix)
    try:
        for pk in [1, 42, 2147483647, 10**12]:
            assert case_url(pk) == reverse("children:case_detail", args=[pk])
    finally:
        set_script_prefix(kept)
    assert case_url(7) == reverse("children:case_detail", args=[7])


def _cases():
    worker = User(username="kw", first_name="<Ali>", last_name="O'Neil & co")
    yield Case(
        pk=1,
        case_number="TEH-NGO01-1405-00001",
        given_name="محمد",
        family_name="رضایی",
        father_name="حسن",
        status=CaseStatus.IN_PROGRESS,
        risk_level=RiskLevel.HIGH,
        labour_flags=[LabourFlag.UNDER_15, "retired-flag", LabourFlag.HAZARDOUS],
        birth_date=datetime.date(2014, 5, 1),
        assigned_to=worker,
    )
    yield Case(
        pk=2147483647,
        case_number="<b>\"x\" & 'y'</b>",
        given_name="<script>alert(1)</script>",
        family_name="",
        father_name="",
        status="unknown-status",
        risk_level="",
        labour_flags=[],
        estimated_age=9,
        estimated_age_on=datetime.date(2020, 1, 1),
        assigned_to=User(username="only-a-username"),
    )
    yield Case(
        pk=3,
        case_number="C-3",
        given_name="زهرا",
        status=CaseStatus.CLOSED,
        risk_level="<odd>",
        labour_flags=None,
        registered_on=datetime.date(2024, 3, 1),
        assigned_to=worker,
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_rows_are_what_the_template_drew(language):
    cases = list(_cases())
    engine = engines["django"]
    with translation.override(language):
        drawn = engine.from_string(TEMPLATE_ROWS).render({"page": cases})
        for today in (None, datetime.date.today()):
            written = engine.from_string(PYTHON_ROWS).render({"page": cases, "today": today})
            assert written == drawn
    assert "&lt;script&gt;" in written and "case-labour-flag" in written


def test_a_row_on_another_day_gives_the_age_on_that_day():
    case = Case(
        pk=1,
        case_number="C-1",
        birth_date=datetime.date(2014, 5, 1),
        status=CaseStatus.REGISTERED,
        assigned_to=User(username="kw"),
    )
    with translation.override("en"):
        html = (
            engines["django"]
            .from_string(PYTHON_ROWS)
            .render({"page": [case], "today": datetime.date(2024, 4, 30)})
        )
    assert '<td data-label="Age">9</td>' in html  # the day before the tenth birthday
