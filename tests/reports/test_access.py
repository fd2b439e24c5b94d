"""AC-07 for reports and dashboards: one role × endpoint table; provincial officers see their
province only; asking for and rebuilding reports needs a CSRF token (AC-09)."""

import re
import uuid

import pytest
import time_machine
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from core.permissions import Role
from core.persian import to_persian_digits
from reports import periods
from reports.models import Report
from reports.services import report_request
from reports.summary import refresh_summaries
from reports.suppression import SUPPRESSED
from reports.templatetags.report_tags import figure
from tests.factories import member, province
from tests.second_factor import verify_session

from .data import MEHR, Q2, Q3, make_case, tehran

ABAN = periods.month(1405, 8)
WEEK = periods.from_key("W1405-08-30")


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(tehran(2026, 11, 28, 10), tick=False):
        yield


def ready_report(kind, period, organisation=None, province=None):
    """A finished report row with small stand-in files (the builds have tests of their own)."""
    run = uuid.uuid4()
    report = Report.objects.create(
        kind=kind,
        period_key=period.key,
        period_start=period.start,
        period_end=period.end,
        organisation=organisation,
        **({"province": province} if province else {}),
        status=Report.Status.READY,
        run_id=run,
        built_run_id=run,
        built_at=timezone.now(),
        data={"title": "t", "subtitle": "s", "tables": [], "summary": {}},
    )
    report.xlsx.name = default_storage.save(f"reports/test/{run}.xlsx", ContentFile(b"PK\x03\x04"))
    report.pdf.name = default_storage.save(f"reports/test/{run}.pdf", ContentFile(b"%PDF-1.7"))
    report.save()
    return report


@pytest.fixture
def reports(org_a, org_b):
    return {
        "aggregate": ready_report(Report.Kind.MONTHLY_REFERRALS, ABAN),
        "backlog_a": ready_report(Report.Kind.WEEKLY_BACKLOG, WEEK, org_a),
        "backlog_b": ready_report(Report.Kind.WEEKLY_BACKLOG, WEEK, org_b),
    }


def url_for(endpoint, reports):
    name, _sep, rest = endpoint.partition(":")
    if name == "dashboard":
        return reverse("reports:national_dashboard")
    if name == "export":
        return reverse("reports:national_export", args=[rest])
    if name == "list":
        return reverse("reports:report_list")
    if name == "overdue_referrals":
        return reverse("reports:overdue_referrals")
    report = reports[name]
    if rest:
        return reverse("reports:report_file", args=[report.pk, rest])
    return reverse("reports:report_detail", args=[report.pk])


OFFICE = {"cw_a": 403, "mgr_a": 403, "mgr_b": 403, "min_officer": 200, "adm": 403}
AGGREGATE = {"cw_a": 403, "mgr_a": 404, "mgr_b": 404, "min_officer": 200, "adm": 403}
BACKLOG_A = {"cw_a": 403, "mgr_a": 200, "mgr_b": 404, "min_officer": 404, "adm": 403}
MATRIX = [
    ("dashboard", OFFICE),
    ("export:xlsx", OFFICE),
    ("export:csv", OFFICE),
    ("overdue_referrals", OFFICE),
    ("list", {"cw_a": 403, "mgr_a": 200, "mgr_b": 200, "min_officer": 200, "adm": 403}),
    ("aggregate", AGGREGATE),
    ("aggregate:xlsx", AGGREGATE),
    ("aggregate:pdf", AGGREGATE),
    ("backlog_a", BACKLOG_A),
    ("backlog_a:xlsx", BACKLOG_A),
    ("backlog_a:pdf", BACKLOG_A),
]


@pytest.mark.parametrize(
    ("endpoint", "who", "status"),
    [(endpoint, who, status) for endpoint, table in MATRIX for who, status in table.items()],
)
def test_role_by_endpoint(endpoint, who, status, request, client_as, reports):
    user = request.getfixturevalue(who)
    response = client_as(user).get(url_for(endpoint, reports))
    assert response.status_code == status


@pytest.mark.parametrize("endpoint", [endpoint for endpoint, _table in MATRIX])
def test_anonymous_goes_to_sign_in(endpoint, reports):
    response = Client().get(url_for(endpoint, reports))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_outsiders_get_the_same_404_as_for_a_missing_report(client_as, mgr_b, reports):
    client = client_as(mgr_b)
    other = client.get(url_for("backlog_a", reports))
    missing = client.get(reverse("reports:report_detail", args=[reports["backlog_a"].pk + 999]))
    assert other.status_code == missing.status_code == 404


def test_the_list_shows_each_reader_only_their_reports(client_as, min_officer, mgr_a, reports):
    officer = client_as(min_officer).get(reverse("reports:report_list"))
    assert list(officer.context["reports"]) == [reports["aggregate"]]
    manager = client_as(mgr_a).get(reverse("reports:report_list"))
    assert list(manager.context["reports"]) == [reports["backlog_a"]]
    # And each may ask only for their own kinds.
    kinds = [k for k, _label in manager.context["form"].fields["kind"].choices]
    assert kinds == [Report.Kind.WEEKLY_BACKLOG]
    kinds = [k for k, _label in officer.context["form"].fields["kind"].choices]
    assert Report.Kind.WEEKLY_BACKLOG not in kinds and len(kinds) == 3


def test_a_manager_asking_for_a_backlog_gets_their_own_organisation(client_as, mgr_a, org_a):
    response = client_as(mgr_a).post(
        reverse("reports:report_ask"), {"kind": "weekly_backlog", "period": WEEK.key}
    )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report_detail", args=[report.pk])
    assert report.organisation == org_a


def test_a_manager_cannot_ask_for_an_aggregate_report(client_as, mgr_a):
    response = client_as(mgr_a).post(
        reverse("reports:report_ask"), {"kind": "monthly_referrals", "period": ABAN.key}
    )
    assert response.status_code == 400
    assert not Report.objects.exists()


def test_an_officer_asks_for_a_report_and_a_mismatched_period_is_refused(client_as, min_officer):
    client = client_as(min_officer)
    wrong = client.post(
        reverse("reports:report_ask"), {"kind": "quarterly_summary", "period": ABAN.key}
    )
    assert wrong.status_code == 400
    response = client.post(
        reverse("reports:report_ask"), {"kind": "monthly_referrals", "period": ABAN.key}
    )
    assert response.status_code == 302
    assert Report.objects.get().requested_by == min_officer


def test_rebuild_of_another_organisations_backlog_is_404(client_as, mgr_b, reports):
    url = reverse("reports:report_rebuild", args=[reports["backlog_a"].pk])
    assert client_as(mgr_b).post(url).status_code == 404
    reports["backlog_a"].refresh_from_db()
    assert reports["backlog_a"].status == Report.Status.READY


def test_rebuild_queues_a_new_run(client_as, min_officer, reports):
    report = reports["aggregate"]
    response = client_as(min_officer).post(reverse("reports:report_rebuild", args=[report.pk]))
    assert response.status_code == 302
    old_run = report.run_id
    report.refresh_from_db()
    assert report.status == Report.Status.QUEUED and report.run_id != old_run
    assert report.has_content  # the previous files stay readable meanwhile


def test_caseworkers_cannot_ask_or_rebuild(client_as, cw_a, reports):
    client = client_as(cw_a)
    ask = client.post(reverse("reports:report_ask"), {"kind": "weekly_backlog", "period": WEEK.key})
    assert ask.status_code == 403
    rebuild = client.post(reverse("reports:report_rebuild", args=[reports["backlog_a"].pk]))
    assert rebuild.status_code == 403


@pytest.mark.parametrize("who", ["min_officer", "mgr_a"])
def test_posts_without_a_csrf_token_are_refused(who, request, reports):
    client = Client(enforce_csrf_checks=True)
    user = request.getfixturevalue(who)
    client.force_login(user)
    verify_session(client, user)
    report = reports["aggregate" if who == "min_officer" else "backlog_a"]
    ask = client.post(reverse("reports:report_ask"), {"kind": "weekly_backlog", "period": WEEK.key})
    rebuild = client.post(reverse("reports:report_rebuild", args=[report.pk]))
    assert ask.status_code == rebuild.status_code == 403
    assert Report.objects.count() == 3
    report.refresh_from_db()
    assert report.status == Report.Status.READY


def test_ask_and_rebuild_are_post_only(client_as, min_officer, reports):
    client = client_as(min_officer)
    assert client.get(reverse("reports:report_ask")).status_code == 405
    url = reverse("reports:report_rebuild", args=[reports["aggregate"].pk])
    assert client.get(url).status_code == 405


# --- Provincial officers ------------------------------------------------------------------------


@pytest.fixture
def provincial_officer(ministry):
    return member("min_rk", ministry, Role.MINISTRY_OFFICER, province=province("razavi-khorasan"))


def tiles(response):
    return {tile["measure"]: tile["value"] for tile in response.context["figures"]["tiles"]}


def test_a_provincial_officer_sees_only_their_province(client_as, provincial_officer, dataset):
    client = client_as(provincial_officer)
    response = client.get(reverse("reports:national_dashboard"), {"quarter": Q2.key})
    assert response.status_code == 200
    assert "province" not in response.context["filter_form"].fields
    assert response.context["is_national"] is False
    assert tiles(response)["registered"] == SUPPRESSED  # 3 children in Razavi Khorasan
    table_ids = [t["id"] for t in response.context["figures"]["tables"]]
    assert "provinces" not in table_ids
    # Asking for Tehran (or the nation) changes nothing.
    tehran_pk = province("tehran").pk
    other = client.get(
        reverse("reports:national_dashboard"), {"quarter": Q2.key, "province": tehran_pk}
    )
    assert tiles(other) == tiles(response)
    assert other.context["scope_label"] == response.context["scope_label"]
    export = client.get(
        reverse("reports:national_export", args=["csv"]),
        {"quarter": Q2.key, "province": tehran_pk},
    )
    assert province("razavi-khorasan").name_fa in export.content.decode()
    assert province("tehran").name_fa not in export.content.decode()


def test_a_national_officer_chooses_a_province_or_the_nation(client_as, min_officer, dataset):
    client = client_as(min_officer)
    national = client.get(reverse("reports:national_dashboard"), {"quarter": Q2.key})
    assert "province" in national.context["filter_form"].fields
    assert tiles(national)["registered"] == 19
    razavi = client.get(
        reverse("reports:national_dashboard"),
        {"quarter": Q2.key, "province": province("razavi-khorasan").pk},
    )
    assert tiles(razavi)["registered"] == SUPPRESSED
    default = client.get(reverse("reports:national_dashboard"))
    assert default.context["period"].key == "1405-Q3"  # the quarter under way: figures are live


def shown_tiles(response):
    """The tiles' figures as the page shows them."""
    return re.findall(r'<div class="fs-4 fw-semibold">(.*?)</div>', response.content.decode())


def test_the_dashboards_html_is_kept_for_each_scope_apart(
    client_as, provincial_officer, min_officer, dataset
):
    url = reverse("reports:national_dashboard")
    national = client_as(min_officer).get(url, {"quarter": Q2.key})
    provincial = client_as(provincial_officer).get(url, {"quarter": Q2.key})
    again = client_as(min_officer).get(url, {"quarter": Q2.key})
    assert shown_tiles(national)[0] == to_persian_digits(19)
    assert 'data-testid="table-provinces"' in national.content.decode()
    assert shown_tiles(provincial)[0] == str(figure(SUPPRESSED))  # 3 in Razavi Khorasan
    assert 'data-testid="table-provinces"' not in provincial.content.decode()
    assert shown_tiles(again) == shown_tiles(national)
    client = client_as(min_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(url, {"quarter": Q2.key})
    assert english.context["LANGUAGE_CODE"] == "en"
    assert shown_tiles(english)[0] == "19"


def test_the_dashboards_html_changes_with_the_next_summary_refresh(
    client_as, min_officer, dataset, org_a, cw_a
):
    url = reverse("reports:national_dashboard")
    client = client_as(min_officer)
    assert shown_tiles(client.get(url, {"quarter": Q3.key}))[0] == to_persian_digits(5)
    for _i in range(5):
        make_case(org_a, cw_a, registered_on=MEHR)
    # Like every figure of the dashboard, counted at the last refresh.
    assert shown_tiles(client.get(url, {"quarter": Q3.key}))[0] == to_persian_digits(5)
    refresh_summaries()
    assert shown_tiles(client.get(url, {"quarter": Q3.key}))[0] == to_persian_digits(10)


def test_an_unknown_quarter_in_the_address_falls_back_to_the_quarter_under_way(
    client_as, min_officer
):
    response = client_as(min_officer).get(
        reverse("reports:national_dashboard"), {"quarter": "1399-Q9"}
    )
    assert response.status_code == 200
    assert response.context["period"].key == "1405-Q3"


# --- Audit and the progress partial -------------------------------------------------------------


def events(action, object_type):
    return list(
        AuditEvent.objects.filter(action=action, object_type=object_type).values_list(
            "actor__username", "object_id", "detail"
        )
    )


def test_reading_an_identifiable_backlog_and_downloading_files_are_audited(
    client_as, mgr_a, min_officer, reports
):
    backlog, aggregate = reports["backlog_a"], reports["aggregate"]
    manager, officer = client_as(mgr_a), client_as(min_officer)
    manager.get(reverse("reports:report_detail", args=[backlog.pk]))
    officer.get(reverse("reports:report_detail", args=[aggregate.pk]))
    assert events("view", "reports.report") == [("mgr_a", str(backlog.pk), {})]
    content_of = b"".join(
        manager.get(reverse("reports:report_file", args=[backlog.pk, "pdf"])).streaming_content
    )
    assert content_of == b"%PDF-1.7"
    officer.get(reverse("reports:report_file", args=[aggregate.pk, "xlsx"]))
    assert sorted(events("export", "reports.report")) == sorted(
        [
            ("mgr_a", str(backlog.pk), {"format": "pdf"}),
            ("min", str(aggregate.pk), {"format": "xlsx"}),
        ]
    )
    officer.get(reverse("reports:national_export", args=["csv"]), {"quarter": "1405-Q2"})
    assert events("export", "reports.dashboard") == [
        ("min", "1405-Q2", {"format": "csv", "province": "all"})
    ]


def test_an_unknown_file_format_is_404(client_as, min_officer, reports):
    client = client_as(min_officer)
    report = reports["aggregate"]
    assert client.get(reverse("reports:report_file", args=[report.pk, "docx"])).status_code == 404
    assert client.get(reverse("reports:national_export", args=["pdf"])).status_code == 404


def test_a_report_without_files_yet_has_no_download(client_as, min_officer, db):
    report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    response = client_as(min_officer).get(reverse("reports:report_file", args=[report.pk, "pdf"]))
    assert response.status_code == 404


def test_the_progress_partial_polls_while_the_report_is_being_built(client_as, min_officer, db):
    report = report_request(kind=Report.Kind.MONTHLY_REFERRALS, period=ABAN)
    url = reverse("reports:report_detail", args=[report.pk])
    partial = client_as(min_officer).get(url, headers={"HX-Request": "true"})
    html = partial.content.decode()
    assert "<html" not in html
    assert f'hx-get="{url}"' in html
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.READY, built_at=timezone.now(), progress=100
    )
    html = client_as(min_officer).get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-get" not in html


def test_the_dashboard_says_when_figures_are_not_computed_yet(client_as, min_officer):
    response = client_as(min_officer).get(reverse("reports:national_dashboard"))
    assert response.status_code == 200
    assert response.context["refresh"] is None
    assert all(tile["value"] == 0 for tile in response.context["figures"]["tiles"])


def test_polling_the_progress_of_a_backlog_does_not_flood_the_audit_log(client_as, mgr_a, org_a):
    report = report_request(kind=Report.Kind.WEEKLY_BACKLOG, period=WEEK, organisation=org_a)
    client = client_as(mgr_a)
    url = reverse("reports:report_detail", args=[report.pk])
    for _poll in range(3):
        client.get(url, headers={"HX-Request": "true"})
    assert events("view", "reports.report") == []
    client.get(url)
    assert len(events("view", "reports.report")) == 1


# --- Provincial officers and the periodic reports (AC-12, issue 18 finding 8) --------------------

QUARTER = periods.from_key("1405-Q2")


@pytest.fixture
def quarterly(db):
    """The national quarterly summary and the Razavi Khorasan and Tehran copies, with files."""
    national = ready_report(Report.Kind.QUARTERLY_SUMMARY, QUARTER)
    razavi = ready_report(
        Report.Kind.QUARTERLY_SUMMARY, QUARTER, province=province("razavi-khorasan")
    )
    tehran_copy = ready_report(Report.Kind.QUARTERLY_SUMMARY, QUARTER, province=province("tehran"))
    return {"national": national, "razavi": razavi, "tehran": tehran_copy}


def test_finding_8_a_provincial_officer_cannot_download_the_national_quarterly_report(
    client_as, provincial_officer
):
    national = ready_report(Report.Kind.QUARTERLY_SUMMARY, QUARTER)
    client = client_as(provincial_officer)
    assert client.get(reverse("reports:report_file", args=[national.pk, "pdf"])).status_code == 404
    assert client.get(reverse("reports:report_file", args=[national.pk, "xlsx"])).status_code == 404
    assert national not in client.get(reverse("reports:report_list")).context["reports"]


def report_urls(report):
    return [
        reverse("reports:report_detail", args=[report.pk]),
        reverse("reports:report_file", args=[report.pk, "xlsx"]),
        reverse("reports:report_file", args=[report.pk, "pdf"]),
    ]


def test_a_provincial_officer_gets_404_for_the_national_quarterly_report_and_its_files(
    client_as, provincial_officer, reports, quarterly
):
    client = client_as(provincial_officer)
    for report in (quarterly["national"], quarterly["tehran"], reports["aggregate"]):
        for url in report_urls(report):
            assert client.get(url).status_code == 404, url
    for url in report_urls(quarterly["razavi"]):
        assert client.get(url).status_code == 200, url
    rebuild = client.post(reverse("reports:report_rebuild", args=[quarterly["national"].pk]))
    assert rebuild.status_code == 404


def test_a_provincial_officer_lists_and_asks_only_for_their_provinces_reports(
    client_as, provincial_officer, reports, quarterly
):
    client = client_as(provincial_officer)
    listed = client.get(reverse("reports:report_list"))
    assert list(listed.context["reports"]) == [quarterly["razavi"]]
    kinds = [k for k, _label in listed.context["form"].fields["kind"].choices]
    assert kinds == [Report.Kind.QUARTERLY_SUMMARY]
    previous = periods.from_key("1405-Q1")
    response = client.post(
        reverse("reports:report_ask"), {"kind": "quarterly_summary", "period": previous.key}
    )
    assert response.status_code == 302
    asked = Report.objects.get(period_key=previous.key)
    assert asked.province == province("razavi-khorasan")
    refused = client.post(
        reverse("reports:report_ask"), {"kind": "monthly_referrals", "period": ABAN.key}
    )
    assert refused.status_code == 400


def test_a_national_officer_does_not_see_the_provincial_copies(
    client_as, min_officer, reports, quarterly
):
    listed = client_as(min_officer).get(reverse("reports:report_list"))
    assert set(listed.context["reports"]) == {reports["aggregate"], quarterly["national"]}
