"""Periodic housekeeping jobs. Thin: each calls one function and can be run twice safely."""

from celery import shared_task
from django.core.management import call_command


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
