"""The ministry dashboard's filter reads its province options with compiled SQL (issue 21): the
same options, in the same order and language, as Django's own field over the provinces."""

import pytest
from django import forms
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from core.models import Province
from core.permissions import Role
from reports import periods
from reports.duty import duty_block_html
from reports.selectors.national import ALL, province_rows
from reports.views.national import DashboardFilter, current_quarter
from tests.factories import member, province

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_province_options_are_djangos_own(language):
    province("tehran")
    province("razavi-khorasan")
    plain = forms.ModelChoiceField(queryset=Province.objects.all(), empty_label="—")
    with translation.override(language):
        form = DashboardFilter({"province": str(province("tehran").pk)})
        field = form.fields["province"]
        field.empty_label = "—"
        assert [(str(value), str(label)) for value, label in field.choices] == [
            (str(value), str(label)) for value, label in plain.choices
        ]
        assert form.is_valid()
        assert form.cleaned_data["province"] == province("tehran")
        assert str(form["province"]).count("<option") == len(plain.choices)


def test_a_province_that_is_not_there_is_refused():
    form = DashboardFilter({"province": "999999"})
    assert not form.is_valid()
    assert "province" in form.errors


def _province_reads(queries):
    return [q for q in queries if 'FROM "core_province"' in q["sql"] and "WHERE" not in q["sql"]]


def test_the_dashboard_reads_the_provinces_once_and_shows_a_new_name_at_once(
    client_as, min_officer
):
    """The filter's options and the duty-to-report block share one read of the provinces a
    request (issue 21): a province renamed shows in both on the next page."""
    tehran = province("tehran")
    client = client_as(min_officer)
    client.cookies["django_language"] = "en"
    url = reverse("reports:national_dashboard")
    client.get(url)  # the figures' HTML, drawn and kept
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.status_code == 200
    assert len(_province_reads(captured.captured_queries)) == 1
    assert f'<option value="{tehran.pk}">{tehran.name_en}</option>' in page.content.decode()
    Province.objects.filter(pk=tehran.pk).update(name_en="Tehran (renamed)")
    html = client.get(url).content.decode()
    assert f'<option value="{tehran.pk}">Tehran (renamed)</option>' in html
    # The duty block drawn from the page's read is the one it draws reading them itself.
    with translation.override("en"):
        quarter = current_quarter()
        assert duty_block_html(quarter, ALL, province_rows()) == duty_block_html(quarter, ALL)


def test_a_provincial_officer_s_dashboard_reads_the_provinces_once(client_as, ministry):
    provincial_officer = member(
        "min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan")
    )
    client = client_as(provincial_officer)
    client.get(reverse("reports:national_dashboard"))  # the figures' HTML, drawn and kept
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("reports:national_dashboard"))
    assert page.status_code == 200
    assert "province" not in page.context["filter_form"].fields
    assert len(_province_reads(captured.captured_queries)) == 1


def test_periods_kept_by_the_process_are_the_periods_worked_out():
    """month, quarter, week and containing are kept per process (issue 21): the same values as
    worked out afresh, for every day of a year, whatever was asked before."""
    import datetime

    day = datetime.date(2026, 3, 1)
    for _ in range(400):
        for kind in (periods.WEEK, periods.MONTH, periods.QUARTER):
            kept = periods.containing(kind, day)
            fresh = periods.containing.__wrapped__(kind, day)
            assert kept == fresh
            assert kept.start <= day < kept.end
        day += datetime.timedelta(days=1)
    assert periods.quarter(1405, 3) == periods.quarter.__wrapped__(1405, 3)
    assert periods.month(1403, 12) == periods.month.__wrapped__(1403, 12)
