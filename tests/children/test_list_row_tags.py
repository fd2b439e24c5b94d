"""The encounter list's and the referral lists' rows are what their template loops gave before
they were written in Python (children/templatetags/list_row_tags.py): the models' display
values in either language, `{% url %}`, the Jalali filters, everything escaped; and the rows
read without filters are the FilterSet's rows, the organisation's only."""

import datetime

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from children import services
from children.models import ANONYMOUS_FIELDS, Case, Encounter, Referral
from children.models.choices import Activity, ReferralState
from children.selectors.list_rows import EncounterRow, ReferralRow
from core.models import Province, User
from ngos.models import Organisation, Service

# The referral tests' fixtures: a case of A with consent, receivers B and C, sending.
from .test_referrals import child, cw_c, education, org_c, receivers, send, verify  # noqa: F401

# The rows as children/encounter_list.html drew them until issue 21.
ENCOUNTER_LOOP = """{% load i18n persian_dates %}\
{% translate "Hotspot" as l_hotspot %}{% translate "District" as l_district %}\
{% translate "Activity" as l_activity %}{% translate "Children not registered" as l_anonymous %}\
{% translate "Caseworker" as l_caseworker %}
      {% for encounter in page %}
      <tr>
        <td class="text-nowrap stack-title"><a href="{% url 'children:encounter_detail' \
encounter.pk %}">{{ encounter.occurred_at|jdatetime }}</a></td>
        <td class="stack-wide" data-label="{{ l_hotspot }}"><bdi>{{ encounter.hotspot }}</bdi>\
<div class="small text-body-secondary">{{ encounter.province }} <span class="sep" \
aria-hidden="true"></span> {{ encounter.city }}</div></td>
        <td data-label="{{ l_district }}">{{ encounter.district|default:"—" }}</td>
        <td data-label="{{ l_activity }}">{{ encounter.get_activity_display }}\
{% if encounter.follow_up_needed %} <span class="badge text-bg-warning">\
{% translate "Follow-up" %}</span>{% endif %}</td>
        <td data-label="{{ l_anonymous }}">{{ encounter.anonymous_total|localdigits }}</td>
        <td data-label="{{ l_caseworker }}"><bdi>{{ encounter.caseworker }}</bdi></td>
      </tr>
      {% endfor %}"""
ENCOUNTER_TAG = """{% load list_row_tags %}
      {% encounter_rows page %}"""

# The rows as children/referrals/inbox.html drew them until issue 21.
REFERRAL_LOOP = """{% load i18n persian_dates %}\
{% translate "Sent on" as l_sent %}{% if box == "inbox" %}{% translate "From" as l_other %}\
{% else %}{% translate "To" as l_other %}{% endif %}{% translate "Service" as l_service %}\
{% translate "State" as l_state %}{% translate "Answer due" as l_due %}\
{% translate "Overdue" as l_overdue %}
      {% for referral in page %}
      <tr data-testid="referral-row">
        <td class="text-nowrap" data-label="{{ l_sent }}">{{ referral.sent_at|jdate }}</td>
        <td class="stack-wide" data-label="{{ l_other }}"><bdi>{% if box == "inbox" %}\
{{ referral.from_organisation }}{% else %}{{ referral.to_organisation }}{% endif %}</bdi></td>
        <td class="stack-title">
          {% if box == "sent" %}<a href="{{ referral.url }}"><bdi>{{ referral.case.full_name }}\
</bdi></a>
          {% elif referral.shared %}<a href="{{ referral.url }}" data-testid="open-referral"><bdi>\
{{ referral.case.given_name }} {{ referral.case.family_name }}</bdi></a>
          {% else %}<span class="text-body-secondary">{% translate "No longer shared" %}</span>\
{% endif %}
        </td>
        <td data-label="{{ l_service }}">{{ referral.service }}</td>
        <td data-label="{{ l_state }}"><span class="badge {% if referral.state == 'sent' %}\
text-bg-primary{% elif referral.state == 'accepted' %}text-bg-info{% elif referral.state == \
'completed' %}text-bg-success{% elif referral.state == 'not_completed' %}text-bg-warning\
{% else %}text-bg-secondary{% endif %}" data-testid="referral-state">\
{{ referral.get_state_display }}</span>{% if referral.is_overdue %} <span class="badge \
text-bg-danger" data-testid="referral-overdue">{{ l_overdue }}</span>{% endif %}
</td>
        <td class="text-nowrap" data-label="{{ l_due }}">{% if referral.state == "sent" %}\
{{ referral.answer_due_at|jdate }}{% else %}—{% endif %}</td>
      </tr>
      {% endfor %}"""
REFERRAL_TAG = """{% load list_row_tags %}
      {% referral_rows page box %}"""

MARKUP = "<b>\"x\" & 'y'</b>"
# 22:00 UTC is the next day in Tehran: the dates must be the local day.
LATE = datetime.datetime(2026, 3, 20, 22, 0, tzinfo=datetime.UTC)


def _encounters():
    """Encounters with their related objects, and the rows the list reads for them."""
    tehran = Province(name_fa="تهران", name_en="Tehran")
    no_english = Province(name_fa=MARKUP, name_en="")
    worker = User(username="kw", first_name="<Ali>", last_name="O'Neil & co")
    nameless = User(username="only-a-username")
    counts = dict.fromkeys(ANONYMOUS_FIELDS.values(), 0)
    yield (
        Encounter(
            pk=1,
            occurred_at=LATE,
            hotspot="چهارراه ولیعصر",
            city="تهران",
            district="۱۲",
            activity=Activity.REGULAR_VISIT,
            follow_up_needed=True,
            province=tehran,
            caseworker=worker,
            **{**counts, "anon_female_6_11": 3, "anon_male_15_17": 1200},
        ),
        ("تهران", "Tehran", "<Ali>", "O'Neil & co", "kw", 1203),
    )
    yield (
        Encounter(
            pk=2147483647,
            occurred_at=datetime.datetime(2025, 1, 1, 8, 5, tzinfo=datetime.UTC),
            hotspot=MARKUP,
            city=MARKUP,
            district="",
            activity="retired-activity",
            follow_up_needed=False,
            province=no_english,
            caseworker=nameless,
            **counts,
        ),
        (MARKUP, "", "", "", "only-a-username", 0),
    )


def _encounter_row(encounter, related):
    province_fa, province_en, first_name, last_name, username, total = related
    return EncounterRow(
        encounter.pk,
        encounter.occurred_at,
        encounter.hotspot,
        encounter.city,
        encounter.district,
        encounter.activity,
        encounter.follow_up_needed,
        province_fa,
        province_en,
        first_name,
        last_name,
        username,
        total,
    )


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_encounter_rows_are_what_the_template_drew(language):
    pairs = list(_encounters())
    encounters = [encounter for encounter, _ in pairs]
    rows = [_encounter_row(encounter, related) for encounter, related in pairs]
    assert [row.anonymous_total for row in rows] == [e.anonymous_total for e in encounters]
    engine = engines["django"]
    with translation.override(language):
        drawn = engine.from_string(ENCOUNTER_LOOP).render({"page": encounters})
        written = engine.from_string(ENCOUNTER_TAG).render({"page": rows})
    assert written == drawn
    assert "&lt;b&gt;" in written and "badge text-bg-warning" in written


def _referrals(now):
    """Referrals in every state (overdue or not, shared or not), and their rows."""
    sender = Organisation(name_fa="سازمان فرستنده", name_en="Sender & co")
    receiver = Organisation(name_fa=MARKUP, name_en="")
    service = Service(name_fa="آموزش", name_en="Education")
    odd_service = Service(name_fa=MARKUP, name_en="<i>")
    kinds = [
        (ReferralState.SENT, now - datetime.timedelta(days=1), True),  # overdue
        (ReferralState.SENT, now + datetime.timedelta(days=2), True),
        (ReferralState.ACCEPTED, now - datetime.timedelta(days=1), True),
        (ReferralState.COMPLETED, LATE, False),
        (ReferralState.NOT_COMPLETED, LATE, False),
        (ReferralState.DECLINED, LATE, False),
        (ReferralState.WITHDRAWN, LATE, False),
        ("retired-state", LATE, True),
    ]
    for index, (state, due, shared) in enumerate(kinds, start=1):
        case = Case(
            given_name=MARKUP if index % 2 else "علی", family_name="" if index == 3 else "رضایی"
        )
        referral = Referral(
            pk=index,
            state=state,
            sent_at=LATE - datetime.timedelta(days=index),
            answer_due_at=due,
            case=case,
            from_organisation=sender,
            to_organisation=receiver,
            service=odd_service if index == 2 else service,
        )
        referral.shared = shared
        referral.url = reverse("children:referral_detail", args=[referral.pk])
        yield referral


def _referral_row(referral, box):
    other = referral.from_organisation if box == "inbox" else referral.to_organisation
    return ReferralRow(
        referral.pk,
        referral.sent_at,
        referral.answer_due_at,
        referral.state,
        referral.shared,
        referral.case.given_name,
        referral.case.family_name,
        referral.service.name_fa,
        referral.service.name_en,
        other.name_fa,
        other.name_en,
    )


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("box", ["inbox", "sent"])
def test_the_referral_rows_are_what_the_template_drew(language, box):
    referrals = list(_referrals(timezone.now()))
    rows = [_referral_row(referral, box) for referral in referrals]
    engine = engines["django"]
    with translation.override(language):
        context = {"page": referrals, "box": box}
        drawn = engine.from_string(REFERRAL_LOOP).render(context)
        written = engine.from_string(REFERRAL_TAG).render({"page": rows, "box": box})
    assert written == drawn
    assert written.count('data-testid="referral-overdue"') == 1
    assert "&lt;b&gt;" in written
    if box == "inbox":
        assert written.count('data-testid="open-referral"') == 4


def _rows(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response, response.context["page"].object_list


def test_the_encounter_list_without_filters_reads_the_organisations_rows(
    client_as, cw_a, cw_b, log_encounter
):
    """Read by queries compiled once (children/selectors/list_rows.py): the same rows, pages and
    order as through the FilterSet, never another organisation's, a new one at once."""
    now = timezone.now()
    for hours in range(30):
        log_encounter(cw_a, occurred_at=now - datetime.timedelta(hours=hours), hotspot=f"h{hours}")
    log_encounter(cw_b, occurred_at=now, hotspot="another organisation's")
    client = client_as(cw_a)
    for page in ("1", "2"):
        response, unfiltered = _rows(client, "children:encounter_list", page=page)
        _, filtered = _rows(client, "children:encounter_list", page=page, caseworker=cw_a.pk)
        assert unfiltered == filtered
        assert "another organisation" not in response.content.decode()
    assert [row.hotspot for row in unfiltered] == ["h25", "h26", "h27", "h28", "h29"]
    log_encounter(cw_a, occurred_at=now + datetime.timedelta(minutes=1), hotspot="newest")
    _, first = _rows(client, "children:encounter_list")
    assert first[0].hotspot == "newest" and len(first) == 25


def test_the_referral_inbox_without_filters_reads_the_organisations_rows(
    client_as, cw_a, cw_b, mgr_b, register, org_b, min_officer, request
):
    # By name: the fixtures are test_referrals' (imported above).
    a_case, caseworker_c, organisation_c, send_referral = (
        request.getfixturevalue(name) for name in ("child", "cw_c", "org_c", "send")
    )
    verify(organisation_c, min_officer)
    first = send_referral(a_case, to=org_b)
    other = register(cw_a, given_name="رضا")
    second = send_referral(other, to=org_b)
    send_referral(register(cw_a, given_name="مریم"), to=organisation_c)  # another receiver's
    services.referral_decline(by=cw_b, referral=first, reason="ظرفیت نداریم")
    client = client_as(mgr_b)
    response, unfiltered = _rows(client, "children:referral_inbox")
    _, filtered = _rows(client, "children:referral_inbox", service="education")
    assert unfiltered == filtered
    assert [(row.pk, row.shared) for row in unfiltered] == [(second.pk, True), (first.pk, False)]
    assert "مریم" not in response.content.decode()
    assert _rows(client_as(caseworker_c), "children:referral_inbox")[1][0].given_name == "مریم"
