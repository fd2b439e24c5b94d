"""The organisation dashboard's rows written in Python (issue 21): the same HTML as the template
loops they replace, values escaped, and the period select kept per day, language and choice."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from core.templatetags.form_tags import bootstrap
from reports.templatetags import organisation_tags
from reports.views.organisation import PeriodForm

TODAY = datetime.date(2026, 11, 28)
# Labels as the page may meet them: plain, lazy, already safe, and with markup to escape.
LABELS = ["ساده", gettext_lazy("Total"), mark_safe("<b>safe</b>"), 'a <x> & "q"']


def _render(text, **context):
    return Template("{% load persian_dates organisation_tags %}" + text).render(Context(context))


@pytest.fixture(params=["fa", "en"])
def language(request):
    with translation.override(request.param):
        yield request.param


def test_month_rows_are_the_loops_html(language):
    months = [
        {"year_month": 140500 + n, "label": label, "count": 1234 * n}
        for n, label in enumerate(LABELS)
    ]
    loop = _render(
        """{% for row in months %}
              <tr data-testid="month-{{ row.year_month }}"><td>{{ row.label }}</td><td class="text-end">{{ row.count|localdigits }}</td></tr>
            {% endfor %}""",
        months=months,
    )

    assert _render("{% month_rows months %}", months=months) == loop


def test_closure_rows_are_the_loops_html_a_closure_without_reason_included(language):
    rows = [{"reason": f"r{n}", "label": label, "count": n} for n, label in enumerate(LABELS)]
    rows.append({"reason": "", "label": "No reason recorded", "count": 7})
    loop = _render(
        """{% for row in rows %}
              <tr data-testid="closure-{{ row.reason|default:'none' }}"><td>{{ row.label }}</td><td class="text-end">{{ row.count|localdigits }}</td></tr>
            {% endfor %}""",
        rows=rows,
    )

    html = _render("{% closure_rows rows %}", rows=rows)

    assert html == loop and 'data-testid="closure-none"' in html


def test_outcome_rows_are_the_loops_html(language):
    rows = [{"key": f"k{n}", "label": label, "count": n * 1000} for n, label in enumerate(LABELS)]
    loop = _render(
        """{% for row in rows %}<tr data-testid="follow-up-{{ row.key }}"><td>{{ row.label }}</td><td class="text-end">{{ row.count|localdigits }}</td></tr>{% endfor %}""",
        rows=rows,
    )

    assert _render("{% outcome_rows rows %}", rows=rows) == loop


def test_referral_state_rows_are_the_loops_html(language):
    states = [
        {"state": f"s{n}", "label": label, "out": n * 1001, "in": n}
        for n, label in enumerate(LABELS)
    ]
    urls = {"referral_sent": "/sent/?a&b", "referral_inbox": "/inbox/"}
    loop = _render(
        """{% for row in referral_states %}
              <tr data-testid="referral-state-{{ row.state }}"><td>{{ row.label }}</td>
                <td class="text-end"><a href="{{ urls.referral_sent }}?state={{ row.state }}">{{ row.out|localdigits }}</a></td>
                <td class="text-end"><a href="{{ urls.referral_inbox }}?state={{ row.state }}">{{ row.in|localdigits }}</a></td></tr>
            {% endfor %}""",
        referral_states=states,
        urls=urls,
    )

    html = _render(
        "{% referral_state_rows referral_states urls.referral_sent urls.referral_inbox %}",
        referral_states=states,
        urls=urls,
    )

    assert html == loop


def test_risk_heads_are_the_loops_html(language):
    columns = [{"risk": f"r{n}", "label": label} for n, label in enumerate(LABELS)]
    columns.append({"risk": "", "label": "Not assessed"})
    loop = _render(
        """{% for column in columns %}<th scope="col" class="small">{% if column.risk %}<a href="{{ url }}?risk_level={{ column.risk }}">{{ column.label }}</a>{% else %}{{ column.label }}{% endif %}</th>{% endfor %}""",
        columns=columns,
        url="/cases/",
    )

    assert _render("{% risk_heads columns url %}", columns=columns, url="/cases/") == loop


@pytest.mark.parametrize("data", [None, {"period": "90d"}, {"period": "m140508"}, {"period": ""}])
def test_the_period_select_is_bootstraps_html_in_each_language(data):
    organisation_tags._PERIOD_SELECTS.clear()
    for language in ("fa", "en", "fa"):
        with translation.override(language):
            for _twice in range(2):
                form = PeriodForm(data, today=TODAY)
                form.chosen_period()
                fresh = bootstrap(PeriodForm(data, today=TODAY)["period"])

                assert organisation_tags.period_select(form["period"], TODAY) == fresh


def test_the_period_select_follows_the_day_and_keeps_no_bad_choice():
    organisation_tags._PERIOD_SELECTS.clear()
    with translation.override("en"):
        for today in (TODAY, TODAY + datetime.timedelta(days=40)):
            form = PeriodForm(None, today=today)

            assert organisation_tags.period_select(form["period"], today) == bootstrap(
                PeriodForm(None, today=today)["period"]
            )
        bad = PeriodForm({"period": "<script>"}, today=TODAY)
        html = organisation_tags.period_select(bad["period"], TODAY)

    assert "is-invalid" in html
    assert len(organisation_tags._PERIOD_SELECTS) == 2


def test_a_chart_is_the_included_templates_html(language):
    # The template the tag replaced (reports/organisation/_chart.html), as it was.
    included = Template(
        "{% comment %}A chart.{% endcomment %}\n"
        '<div class="dashboard-chart mb-3"><canvas data-chart="{{ chart_id }}" role="img" '
        'aria-label="{{ title }}"></canvas></div>\n'
        "{{ spec|json_script:chart_id }}\n"
    )
    spec = {"type": "bar", "labels": ["</script>", "ب & <c>"], "datasets": [{"data": [1, 2]}]}
    for title in ('Cases "closed" & <open>', mark_safe("<i>safe</i>"), gettext_lazy("Total")):
        context = {"spec": spec, "chart_id": "chart-x-data", "title": title}

        assert _render("{% chart spec chart_id title %}", **context) == included.render(
            Context(context)
        )
