"""Celery tasks for case work. Thin: each calls one service, which is safe to run twice."""

from celery import shared_task

from .services import followups


@shared_task
def mark_overdue_follow_ups():
    return followups.followups_mark_overdue()


@shared_task
def send_daily_digests():
    return followups.digests_send()
