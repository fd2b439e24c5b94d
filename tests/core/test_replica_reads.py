"""Reads on a replica (docs/adr/0040): dashboards and exports read there, writes and case pages
stay on the primary. The tests' replica is Django's test mirror: the test database through a
second connection, so the routing is real and the data is there once committed."""

import pytest
from django.db import connections
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.replica import REPLICA, ReplicaRouter, replica_reads
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db(transaction=True, databases=["default", REPLICA])

routing_on = override_settings(DATABASE_REPLICA=REPLICA)


def _model(label):
    from django.apps import apps

    return apps.get_model(label)


def test_without_a_replica_every_read_stays_on_the_primary():
    with replica_reads():
        assert ReplicaRouter().db_for_read(_model("children.Case")) is None


@routing_on
def test_reads_go_to_the_replica_only_within_the_block_and_never_for_who_signs_in():
    router = ReplicaRouter()
    assert router.db_for_read(_model("children.Case")) is None
    with replica_reads():
        assert router.db_for_read(_model("children.Case")) == REPLICA
        assert router.db_for_read(_model("reports.Report")) == REPLICA
        assert router.db_for_read(_model("core.User")) is None
        assert router.db_for_read(_model("sessions.Session")) is None
        assert router.db_for_write(_model("children.Case")) == "default"


@routing_on
def test_a_read_inside_a_transaction_on_the_primary_stays_there():
    from django.db import transaction

    with replica_reads(), transaction.atomic():
        assert ReplicaRouter().db_for_read(_model("children.Case")) is None


def test_nothing_is_migrated_on_the_replica():
    assert ReplicaRouter().allow_migrate(REPLICA, "children") is False
    assert ReplicaRouter().allow_migrate("default", "children") is None


@routing_on
def test_the_ministry_dashboard_reads_from_the_replica(client_as, min_officer):
    client = client_as(min_officer)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(reverse("reports:national_dashboard"))
    assert response.status_code == 200
    assert len(replica.captured_queries) > 0


@routing_on
def test_a_case_export_reads_from_the_replica_and_holds_the_committed_case(client_as, mgr_a):
    case = CaseFactory(organisation=mgr_a.membership.organisation, assigned_to=mgr_a)
    client = client_as(mgr_a)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(reverse("children:case_export_csv"))
        body = b"".join(response.streaming_content) if response.streaming else response.content
    assert response.status_code == 200
    assert case.case_number in body.decode("utf-8-sig")
    assert any("children_case" in query["sql"] for query in replica.captured_queries)


@routing_on
def test_a_case_page_and_its_writes_stay_on_the_primary(client_as, cw_a):
    case = CaseFactory(organisation=cw_a.membership.organisation, assigned_to=cw_a)
    client = client_as(cw_a)
    with CaptureQueriesContext(connections[REPLICA]) as replica:
        response = client.get(reverse("children:case_detail", args=[case.pk]))
    assert response.status_code == 200
    assert replica.captured_queries == []


def test_the_production_settings_keep_the_replica():
    """Production redefines DATABASES from its own variables: the replica must survive that."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "x" * 64,
        "ALLOWED_HOSTS": "koodak.example.org",
        "DATABASE_URL": "postgres://koodak@primary:5432/koodak",
        "DATABASE_REPLICA_URL": "postgres://koodak@replica:5432/koodak",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
    }
    probe = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.DATABASE_REPLICA, s.DATABASES['replica']['HOST'], s.DATABASE_ROUTERS[0])"
    )
    done = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["replica", "replica", "core.replica.ReplicaRouter"]
