"""My work's lists are what their `{% for %}` loops gave before they were written in Python
(children/templatetags/my_work_tags.py): in either language, for a manager and a caseworker,
with every branch of a row taken and every value escaped."""

import datetime

import pytest
from django.template import engines
from django.utils import translation

# The words the page and its partials read with `{% translate ... as %}` before the loops.
WORDS = (
    '{% load i18n persian_dates %}{% translate "Overdue" as t_overdue %}'
    '{% translate "to" as t_to %}{% translate "last contact" as t_last_contact %}'
    '{% translate "Mark done" as t_mark_done %}{% translate "Reason" as t_reason %}'
    '{% translate "Asked by" as t_asked_by %}'
    '{% translate "Comment (needed to send back)" as t_comment %}'
    '{% translate "Approve closing" as t_approve %}{% translate "Send back" as t_send_back %}'
)
# The loops as children/my_work.html, partials/my_plan_actions.html and partials/approvals.html
# drew them until issue 21 (their `{% empty %}` stays in the templates).
FOLLOW_UPS = """{% for followup in follow_ups %}
        <li><a class="work-link" href="{{ followup.url }}"><bdi>{{ followup.case_name }}</bdi></a>
          <div>{% if followup.due_on < today %}<span class="badge text-bg-danger">{{ t_overdue }}</span> {% endif %}{{ followup.due_on|jdate }} <span class="sep" aria-hidden="true"></span> {{ followup.kind_label }}{% if whole_organisation %} <span class="sep" aria-hidden="true"></span> <bdi>{{ followup.responsible_name }}</bdi>{% endif %}</div></li>
        {% endfor %}"""
INCOMING = """{% for referral in incoming %}<li><a class="work-link" href="{{ referral.url }}">{{ referral.service }}</a>
          <div>{% if referral.is_overdue %}<span class="badge text-bg-danger">{{ t_overdue }}</span> {% endif %}<bdi>{{ referral.from_organisation }}</bdi> <span class="sep" aria-hidden="true"></span> {{ referral.sent_at|jdate }}</div></li>
        {% endfor %}"""
OUTGOING = """{% for referral in outgoing %}<li><a class="work-link" href="{{ referral.url }}"><bdi>{{ referral.case_name }}</bdi></a>
          <div>{% if referral.is_overdue %}<span class="badge text-bg-danger">{{ t_overdue }}</span> {% endif %}<span class="flow-arrow" aria-hidden="true"></span><span class="visually-hidden">{{ t_to }}</span> <bdi>{{ referral.to_organisation }}</bdi> <span class="sep" aria-hidden="true"></span> {{ referral.service }}</div></li>
        {% endfor %}"""
UNSEEN = """{% for case in unseen %}<li><a class="work-link" href="{{ case.url }}"><bdi>{{ case.case_name }}</bdi></a>
          <div><span dir="ltr">{{ case.case_number }}</span> <span class="sep" aria-hidden="true"></span> {{ t_last_contact }}: {{ case.last_contact_on|jdate }}{% if whole_organisation %} <span class="sep" aria-hidden="true"></span> <bdi>{{ case.assigned_to }}</bdi>{% endif %}</div></li>
        {% endfor %}"""
PLAN_ACTIONS = """{% for action in plan_actions.actions %}
      <li data-testid="plan-action-{{ action.pk }}"><a class="work-link" href="{{ action.url }}#plan"><bdi>{{ action.case_name }}</bdi></a>
        <div>{% if action.target_date < plan_actions.today %}<span class="badge text-bg-danger">{{ t_overdue }}</span> {% endif %}{{ action.target_date|jdate }} <span class="sep" aria-hidden="true"></span> <span class="text-break">{{ action.description }}</span>{% if action.has_service %} <span class="sep" aria-hidden="true"></span> {{ action.service }}{% endif %}</div>
        {% if plan_actions.can_mark_done %}
        <form method="post" action="{{ action.status_url }}" class="mt-1">
          <input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">
          <input type="hidden" name="status" value="done">
          <input type="hidden" name="back" value="my_work">
          <button class="btn btn-sm btn-outline-success" data-testid="plan-action-done">{{ t_mark_done }}</button>
        </form>
        {% endif %}
      </li>
      {% endfor %}"""
CLOSURES = """{% for closure in approvals.closures %}
      <li class="approval-item" data-testid="approval-closure">
        <div class="approval-what">
          <a href="{{ closure.url }}"><bdi>{{ closure.case_name }}</bdi></a>
          <span class="sep" aria-hidden="true"></span> <span dir="ltr">{{ closure.case_number }}</span>
        </div>
        <div class="small">
          {{ t_reason }}: <strong>{{ closure.reason_label }}</strong>{% if closure.note %} <span class="sep" aria-hidden="true"></span> {{ closure.note }}{% endif %}
        </div>
        <div class="small text-body-secondary">
          {{ t_asked_by }} <bdi>{{ closure.requested_by }}</bdi> <span class="sep" aria-hidden="true"></span> {{ closure.requested_at|jdate }}
        </div>
        {% if closure.requested_by_id == approvals.user_id %}
        <p class="small text-body-secondary mb-0" data-testid="queue-own-closure">{% translate "You asked to close this case, so another manager or the organisation's second approver must approve it." %}</p>
        {% else %}
        <form method="post" action="{{ closure.decide_url }}" class="approval-decide">
          <input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">
          <input type="hidden" name="back" value="my_work">
          <label class="form-label small mb-1" for="approval-comment-{{ closure.pk }}">{{ t_comment }}</label>
          <textarea class="form-control form-control-sm" name="comment" id="approval-comment-{{ closure.pk }}" rows="1"></textarea>
          <div class="approval-buttons">
            <button class="btn btn-success" name="decision" value="approve" data-testid="queue-approve-closure">{{ t_approve }}</button>
            <button class="btn btn-outline-secondary" name="decision" value="return" data-testid="queue-return-closure">{{ t_send_back }}</button>
          </div>
        </form>
        {% endif %}
      </li>
      {% endfor %}"""
OVERRIDES = """{% for referral in approvals.overrides %}
      <li class="approval-item" data-testid="approval-override">
        <div class="approval-what">
          <a href="{{ referral.url }}"><bdi>{{ referral.case_name }}</bdi></a>
          <span class="sep" aria-hidden="true"></span> <span dir="ltr">{{ referral.case_number }}</span>
        </div>
        <div class="small">
          {{ referral.service }} <span class="flow-arrow" aria-hidden="true"></span><span class="visually-hidden">{% translate "to" %}</span> <bdi>{{ referral.to_organisation }}</bdi> <span class="sep" aria-hidden="true"></span> {{ referral.state_label }}
        </div>
        <div class="small text-body-secondary">
          {% translate "Reason for referring without consent" %}: {{ referral.consent_override_reason }}
          <span class="sep" aria-hidden="true"></span> <bdi>{{ referral.sent_by }}</bdi> <span class="sep" aria-hidden="true"></span> {{ referral.sent_at|jdate }}
        </div>
        {% if referral.override_approved_at %}
        <div class="small text-success-emphasis" data-testid="override-approved">{% translate "Override approved by" %} <bdi>{{ referral.override_approved_by }}</bdi> <span class="sep" aria-hidden="true"></span> {{ referral.override_approved_at|jdate }}</div>
        {% elif referral.sent_by_id == approvals.user_id %}
        <div class="small text-body-secondary" data-testid="queue-own-override">{% translate "You sent this referral without consent, so another manager or the organisation's second approver must approve the override." %}</div>
        {% endif %}
        <div class="approval-buttons">
          {% if not referral.override_approved_at and referral.sent_by_id != approvals.user_id %}
          <form method="post" action="{{ referral.approve_url }}">
            <input type="hidden" name="csrfmiddlewaretoken" value="{{ csrf }}">
            <button class="btn btn-success" data-testid="queue-approve-override">{% translate "Approve the override" %}</button>
          </form>
          {% endif %}
          <a class="btn btn-outline-primary" href="{{ referral.url }}" data-testid="queue-record-consent">{% translate "Record consent" %}</a>
        </div>
      </li>
      {% endfor %}"""

TAGS = {
    FOLLOW_UPS: "{% follow_up_rows follow_ups today whole_organisation %}",
    INCOMING: "{% incoming_referral_rows incoming %}",
    OUTGOING: "{% outgoing_referral_rows outgoing %}",
    UNSEEN: "{% unseen_case_rows unseen whole_organisation %}",
    PLAN_ACTIONS: "{% plan_action_rows plan_actions csrf %}",
    CLOSURES: "{% closure_rows approvals csrf %}",
    OVERRIDES: "{% override_rows approvals csrf %}",
}

TODAY = datetime.date(2026, 12, 7)
YESTERDAY = TODAY - datetime.timedelta(days=1)
TOMORROW = TODAY + datetime.timedelta(days=1)
# 23:30 UTC is the next day in Tehran: the date shown is the Tehran one.
SENT = datetime.datetime(2026, 12, 5, 23, 30, tzinfo=datetime.UTC)
NAME = """<b>"Ali" & 'Reza'</b>"""
USER = 7


def _context(whole_organisation: bool, can_mark_done: bool) -> dict:
    url = "/cases/1/?a=1&b=<2>"
    return {
        "today": TODAY,
        "whole_organisation": whole_organisation,
        "csrf": "token<&>",
        "follow_ups": [
            {
                "url": url,
                "case_name": NAME,
                "due_on": YESTERDAY,
                "kind_label": "Call & <visit>",
                "responsible_name": NAME,
            },
            {
                "url": "/f/2/",
                "case_name": "",
                "due_on": TODAY,
                "kind_label": "Visit",
                "responsible_name": "None",
            },
        ],
        "incoming": [
            {
                "url": url,
                "service": NAME,
                "is_overdue": True,
                "from_organisation": NAME,
                "sent_at": SENT,
            },
            {
                "url": "/r/3/",
                "service": "Health",
                "is_overdue": False,
                "from_organisation": "Org",
                "sent_at": SENT + datetime.timedelta(days=3),
            },
        ],
        "outgoing": [
            {
                "url": url,
                "case_name": NAME,
                "is_overdue": True,
                "to_organisation": NAME,
                "service": NAME,
            },
            {
                "url": "/c/4/",
                "case_name": "Sara",
                "is_overdue": False,
                "to_organisation": "Org",
                "service": "School",
            },
        ],
        "unseen": [
            {
                "url": url,
                "case_name": NAME,
                "case_number": "TEH-<NGO>-1405-00042",
                "last_contact_on": YESTERDAY,
                "assigned_to": NAME,
            },
            {
                "url": "/c/5/",
                "case_name": "Sara",
                "case_number": "TEH-NGO01-1405-00043",
                "last_contact_on": None,
                "assigned_to": "None",
            },
        ],
        "plan_actions": {
            "today": TODAY,
            "can_mark_done": can_mark_done,
            "actions": [
                {
                    "pk": 1234567,
                    "url": url,
                    "case_name": NAME,
                    "target_date": YESTERDAY,
                    "description": NAME,
                    "has_service": True,
                    "service": NAME,
                    "status_url": url,
                },
                {
                    "pk": 2,
                    "url": "/c/6/",
                    "case_name": "Sara",
                    "target_date": TOMORROW,
                    "description": "Call",
                    "has_service": False,
                    "service": None,
                    "status_url": "/s/2/",
                },
            ],
        },
        "approvals": {
            "user_id": USER,
            "closures": [
                {
                    "pk": 1,
                    "url": url,
                    "case_name": NAME,
                    "case_number": NAME,
                    "reason_label": NAME,
                    "note": NAME,
                    "requested_by": NAME,
                    "requested_by_id": 8,
                    "requested_at": SENT,
                    "decide_url": url,
                },
                {
                    "pk": 2,
                    "url": "/c/7/",
                    "case_name": "Sara",
                    "case_number": "N-2",
                    "reason_label": "Moved",
                    "note": "",
                    "requested_by": "Me",
                    "requested_by_id": USER,
                    "requested_at": SENT,
                    "decide_url": "/d/2/",
                },
                {
                    "pk": 3,
                    "url": "/c/8/",
                    "case_name": "Sara",
                    "case_number": "N-3",
                    "reason_label": "Moved",
                    "note": None,
                    "requested_by": "Other",
                    "requested_by_id": None,
                    "requested_at": SENT,
                    "decide_url": "/d/3/",
                },
            ],
            "overrides": [
                # Waiting for this user; approved already; sent by this user.
                {
                    "pk": 1,
                    "url": url,
                    "case_name": NAME,
                    "case_number": NAME,
                    "service": NAME,
                    "to_organisation": NAME,
                    "state_label": NAME,
                    "consent_override_reason": NAME,
                    "sent_by": NAME,
                    "sent_by_id": 8,
                    "sent_at": SENT,
                    "override_approved_at": None,
                    "override_approved_by": None,
                    "approve_url": url,
                },
                {
                    "pk": 2,
                    "url": "/c/9/",
                    "case_name": "Sara",
                    "case_number": "N-2",
                    "service": "Health",
                    "to_organisation": "Org",
                    "state_label": "Sent",
                    "consent_override_reason": "Danger",
                    "sent_by": "Me",
                    "sent_by_id": USER,
                    "sent_at": SENT,
                    "override_approved_at": SENT,
                    "override_approved_by": NAME,
                    "approve_url": "/o/2/",
                },
                {
                    "pk": 3,
                    "url": "/c/10/",
                    "case_name": "Sara",
                    "case_number": "N-3",
                    "service": "Health",
                    "to_organisation": "Org",
                    "state_label": "Sent",
                    "consent_override_reason": "Danger",
                    "sent_by": "Me",
                    "sent_by_id": USER,
                    "sent_at": SENT,
                    "override_approved_at": None,
                    "override_approved_by": None,
                    "approve_url": "/o/3/",
                },
            ],
        },
    }


@pytest.mark.parametrize("language", ["fa", "en"])
@pytest.mark.parametrize("whole_organisation", [True, False])
@pytest.mark.parametrize("loop", list(TAGS))
def test_a_list_is_what_its_loop_gave(language, whole_organisation, loop):
    engine = engines["django"]
    context = _context(whole_organisation, can_mark_done=whole_organisation)
    with translation.override(language):
        expected = engine.from_string(WORDS + loop).render(context)
        written = engine.from_string("{% load my_work_tags %}" + TAGS[loop]).render(context)
    assert written == expected
    assert "<b>" not in written


@pytest.mark.parametrize("prefix", ["/", "/koodak/", "/2147483647/"])
def test_the_rows_addresses_are_what_reverse_gives_under_any_prefix(prefix):
    from django.urls import get_script_prefix, reverse, set_script_prefix

    from children.views.mywork import _addresses

    kept = get_script_prefix()
    set_script_prefix(prefix)
    try:
        assert _addresses("children:case_detail")(42) == reverse("children:case_detail", args=[42])
        assert _addresses("children:closure_decide", 2)(42, 7) == reverse(
            "children:closure_decide", args=[42, 7]
        )
    finally:
        set_script_prefix(kept)


@pytest.mark.parametrize(
    "value",
    ["محمد رضایی", "/cases/12/", "a & b", "<b>x</b>", 'say "hi"', "it's", 42, None, "", "&amp;"],
)
def test_a_value_is_escaped_as_html_escape_does(value):
    import html

    from children.templatetags.my_work_tags import _escape

    assert _escape(value) == html.escape(str(value))
