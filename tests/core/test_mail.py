"""core/mail.py: a message is rendered in its recipient's language, with or without HTML."""

from types import SimpleNamespace

from django.core import mail

from core.mail import MAIL_ERRORS, MAIL_RETRY, send_templated_mail, site_url

SARA = SimpleNamespace(get_full_name=lambda: "Sara", username="sara")


def _digest(language):
    send_templated_mail(
        to="sara@example.org",
        template="children/email/digest",
        language=language,
        html=False,
        context={"user": SARA, "counts": {"due_today": 2}, "url": "https://example.org/my-work/"},
    )
    return mail.outbox[-1]


def test_a_message_is_rendered_in_the_recipients_language(settings):
    settings.DEFAULT_FROM_EMAIL = "koodak@example.org"
    english, persian = _digest("en"), _digest("fa")
    assert english.subject == "Your work for today"
    assert persian.subject not in ("", english.subject) and "\n" not in persian.subject
    assert "۲" in persian.body and "2" in english.body
    assert english.to == ["sara@example.org"] and english.from_email == "koodak@example.org"
    assert english.alternatives == []


def test_a_message_with_html_carries_both_bodies():
    report = SimpleNamespace(get_kind_display="Backlog", period=SimpleNamespace(label="Aban"))
    send_templated_mail(
        to="sara@example.org",
        template="reports/email/ready",
        language="en",
        context={"reader": SARA, "report": report, "url": "https://example.org/r/1/"},
    )
    (message,) = mail.outbox
    assert message.subject == "Report ready: Backlog"
    ((html, kind),) = message.alternatives
    assert kind == "text/html" and "https://example.org/r/1/" in html
    assert "https://example.org/r/1/" in message.body


def test_mail_tasks_retry_on_a_failing_server_only():
    assert MAIL_RETRY == {"autoretry_for": MAIL_ERRORS, "retry_backoff": True, "max_retries": 5}
    assert issubclass(ConnectionRefusedError, MAIL_ERRORS)
    assert not issubclass(ValueError, MAIL_ERRORS)  # a bug in a template is not retried


def test_a_link_in_a_message_is_absolute_whether_or_not_the_site_address_ends_in_a_slash(settings):
    for address in ("https://koodak.example.org", "https://koodak.example.org/"):
        settings.SITE_URL = address
        assert site_url("/my-work/") == "https://koodak.example.org/my-work/"
