"""Sending the product's mail: one way to render a message and send it, one retry policy.

A message is a template set under one name: `<name>_subject.txt`, `<name>_body.txt` and, unless
the message is plain text, `<name>_body.html`. It is rendered in the recipient's language, since
the request that caused it (if any) may have been in another.

Mail goes out from Celery tasks (or `on_commit`), never inside a request's transaction; a task
that sends mail declares `@shared_task(bind=True, **MAIL_RETRY)` so a mail server that is down
is tried again later and nothing else is.
"""

from collections.abc import Mapping
from smtplib import SMTPException
from typing import Any, TypedDict

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

# What an unreachable or refusing mail server raises: worth trying again.
MAIL_ERRORS: tuple[type[Exception], ...] = (OSError, SMTPException)


class RetryOptions(TypedDict):
    autoretry_for: tuple[type[Exception], ...]
    retry_backoff: bool
    max_retries: int


# Backoff so a server that is down for a while is not hammered; five tries, then Celery logs it.
MAIL_RETRY: RetryOptions = {"autoretry_for": MAIL_ERRORS, "retry_backoff": True, "max_retries": 5}


def site_url(path: str) -> str:
    """The absolute address of `path` on this site, for a link in a message."""
    site: str = settings.SITE_URL
    return site.rstrip("/") + path


def send_templated_mail(
    *, to: str, template: str, context: Mapping[str, Any], language: str, html: bool = True
) -> None:
    """Render `template`'s subject and body in `language` and send them to the address `to`.

    Raises one of `MAIL_ERRORS` when the server cannot take the message.
    """
    with translation.override(language):
        # A header cannot hold a line break, and templates end with one.
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        body_html = render_to_string(f"{template}_body.html", context) if html else None
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [to])
    if body_html is not None:
        message.attach_alternative(body_html, "text/html")
    message.send()
