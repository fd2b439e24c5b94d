"""The application's database role owns nothing and only appends to the audit log (LG-03).

Issue 18, finding 4: the application connected as the owner of the audit table, so TRUNCATE
emptied it and the append-only trigger could be switched off from application code. The first
test shows that an owner can still do both; the others open a real connection as a freshly
created login role given the application's rights by `grant_app_role`, the way the web process
connects in production, and show what it may and may not do. SET ROLE would prove nothing,
since RESET ROLE gives the owner back.
"""

import contextlib
import secrets
from collections.abc import Iterator

import pghistory
import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from psycopg import sql

from children import services
from children.models import Case
from core import dbroles
from core.devstack.product import split_roles
from core.models import AuditEvent, AuditExportCase, User
from imports.models import ImportJob
from imports.services import import_job_create, import_job_run
from reports.summary import refresh_summaries
from tests.children.conftest import CONSENT, identity
from tests.children.test_imports import FA, csv_bytes, good_rows
from tests.factories import province

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = psycopg.errors.InsufficientPrivilege


@pytest.fixture
def app_role() -> Iterator[tuple[str, str]]:
    """A login role made by `grant_app_role` for this test, dropped afterwards (roles belong to
    the whole server, which other databases share)."""
    role = f"koodak_app_test_{secrets.token_hex(4)}"
    password = secrets.token_urlsafe(16)
    call_command("grant_app_role", role=role, password=password, verbosity=0)
    try:
        yield role, password
    finally:
        with connection.cursor() as cursor:
            cursor.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            cursor.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def connect_as(role: tuple[str, str]) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=settings["NAME"],
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=role[0],
        password=role[1],
        autocommit=True,
    )


@contextlib.contextmanager
def django_as(role: tuple[str, str]) -> Iterator[None]:
    """Django's own connection, logged in as `role` for the block: the application at work."""
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict.update(USER=role[0], PASSWORD=role[1])
    try:
        yield
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == role[0]
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)


def an_audit_row() -> AuditEvent:
    return AuditEvent.objects.create(action=AuditEvent.Action.VIEW, object_type="test.thing")


def test_finding_4_the_owner_can_empty_the_audit_table_and_switch_its_trigger_off():
    """Why the application must not be the owner: the owner's TRUNCATE passes the row trigger,
    and the owner may disable the trigger and then rewrite rows."""
    event = an_audit_row()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER ALL")
            cursor.execute("UPDATE core_auditevent SET action = 'login' WHERE id = %s", [event.pk])
            cursor.execute("ALTER TABLE core_auditevent ENABLE TRIGGER ALL")
            cursor.execute("TRUNCATE core_auditevent CASCADE")
            cursor.execute("SELECT count(*) FROM core_auditevent")
            assert cursor.fetchone()[0] == 0
        transaction.set_rollback(True)
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.VIEW


def test_the_application_role_appends_to_the_audit_log(app_role):
    with connect_as(app_role) as conn:
        conn.execute(
            "INSERT INTO core_auditevent (at, actor_username, role, action, object_type, "
            "object_id, path, detail) VALUES (now(), 'x', '', 'view', 'test.thing', '1', '', '{}')"
        )
        assert conn.execute("SELECT count(*) FROM core_auditevent").fetchone()[0] == 1


def test_the_application_role_cannot_update_delete_or_truncate_the_audit_log(app_role):
    event = an_audit_row()
    statements = [
        "UPDATE core_auditevent SET action = 'login'",
        "DELETE FROM core_auditevent",
        "TRUNCATE core_auditevent",
        "TRUNCATE core_auditevent CASCADE",
        "UPDATE core_auditexportcase SET case_id = 0",
        "DELETE FROM core_auditexportcase",
        "TRUNCATE core_auditexportcase",
    ]
    with connect_as(app_role) as conn:
        for statement in statements:
            with pytest.raises(REFUSED):
                conn.execute(statement)
        # pgtrigger's own way of skipping a trigger does not open the table either.
        conn.execute("SELECT set_config('pgtrigger.ignore', '{core_auditevent:*}', false)")
        with pytest.raises(REFUSED):
            conn.execute("UPDATE core_auditevent SET action = 'login'")
    assert AuditEvent.objects.get(pk=event.pk).action == AuditEvent.Action.VIEW


def test_the_application_role_cannot_switch_the_trigger_off_drop_or_alter_the_audit_log(app_role):
    an_audit_row()
    statements = [
        "ALTER TABLE core_auditevent DISABLE TRIGGER ALL",
        "ALTER TABLE core_auditevent DISABLE TRIGGER pgtrigger_append_only_6d6e0",
        "ALTER TABLE core_auditexportcase DISABLE TRIGGER ALL",
        "DROP TRIGGER pgtrigger_append_only_6d6e0 ON core_auditevent",
        "DROP TABLE core_auditevent CASCADE",
        "ALTER TABLE core_auditevent RENAME TO core_auditevent_old",
        "CREATE TABLE core_auditevent_copy (id int)",
        "SET session_replication_role = replica",
    ]
    with connect_as(app_role) as conn:
        for statement in statements:
            with pytest.raises((REFUSED, psycopg.errors.InsufficientPrivilege)):
                conn.execute(statement)
        owned = conn.execute(
            "SELECT count(*) FROM pg_class WHERE relowner = "
            "(SELECT oid FROM pg_roles WHERE rolname = current_user)"
        ).fetchone()[0]
        assert owned == 0
    assert AuditEvent.objects.count() == 1


def test_the_application_role_cannot_rewrite_row_history(app_role, cw_a):
    cw_a.first_name = "Changed"
    cw_a.save()
    history = sql.Identifier(User.pgh_event_model._meta.db_table)
    with connect_as(app_role) as conn:
        for statement in (
            sql.SQL("UPDATE {} SET first_name = 'x'").format(history),
            sql.SQL("DELETE FROM {}").format(history),
            sql.SQL("TRUNCATE {}").format(history),
        ):
            with pytest.raises(REFUSED):
                conn.execute(statement)
    assert User.pgh_event_model.objects.filter(first_name="Changed").exists()


def test_the_application_role_does_the_ordinary_work_of_a_case(app_role, cw_a):
    """Registering a child as the application role: case, consent, audit row, row history."""
    with django_as(app_role):
        case = services.case_register(
            by=cw_a,
            organisation=cw_a.membership.organisation,
            data=identity(),
            consent=dict(CONSENT),
        )
        # As in a request: pghistory's middleware opens a context, which its triggers upsert.
        with pghistory.context(user=cw_a.pk, url="/test/"):
            case.district = "۱۳"
            case.save()
            Case.objects.filter(pk=case.pk).update(city="ری")
        AuditExportCase.objects.create(event=an_audit_row(), case_id=case.pk)
        # The nightly dashboard rebuild: DELETE, temporary tables and ANALYZE of its own ones.
        refresh_summaries()
    assert Case.objects.get(pk=case.pk).city == "ری"
    assert AuditEvent.objects.filter(object_type="children.case", object_id=str(case.pk)).exists()
    assert pghistory.models.Context.objects.filter(metadata__url="/test/").exists()


def test_grant_refuses_to_make_the_owner_the_application_role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        owner = cursor.fetchone()[0]
    with pytest.raises(dbroles.RoleError):
        dbroles.grant(owner)


def test_every_pghistory_event_table_is_append_only():
    tables = dbroles.append_only_tables()
    assert {"core_auditevent", "core_auditexportcase", User.pgh_event_model._meta.db_table} <= set(
        tables
    )
    assert "pghistory_context" not in tables


def test_make_run_migrates_as_the_owner_and_runs_the_product_as_the_application_role():
    private = {"DATABASE_URL": "postgres://postgres@/koodak?host=%2Ftmp", "PATH": "/bin"}
    setup, product = split_roles(private, private=True)
    assert setup["DATABASE_OWNER_URL"] == private["DATABASE_URL"]
    assert (
        setup["DATABASE_URL"]
        == product["DATABASE_URL"]
        == "postgres://koodak_app@/koodak?host=%2Ftmp"
    )
    assert "DATABASE_OWNER_URL" not in product
    given = {"DATABASE_URL": "postgres://app:x@db/k", "DATABASE_OWNER_URL": "postgres://o:y@db/k"}
    setup, product = split_roles(given, private=False)
    assert setup == given and product == {"DATABASE_URL": "postgres://app:x@db/k"}
    single = {"DATABASE_URL": "postgres://someone@db/k"}
    assert split_roles(single, private=False) == (single, single)


def test_a_database_check_warns_when_the_application_connects_as_the_owner(app_role):
    assert [m.id for m in dbroles.check_app_role(databases=["default"])] == ["core.W026"]
    with django_as(app_role):
        assert dbroles.check_app_role(databases=["default"]) == []


def test_the_application_role_imports_a_children_file(app_role, adm, org_a, mgr_a):
    """The import's COPY into temporary tables, its ANALYZE and its writer thread, as the role."""
    province("tehran")
    with django_as(app_role):
        data = csv_bytes(FA, good_rows(3))
        job = import_job_create(by=adm, organisation=org_a, name="children.csv", data=data)
        job = import_job_run(job_id=job.pk)
    assert job.status == ImportJob.Status.DONE
    assert Case.objects.filter(organisation=org_a).count() == 3


def test_anonymising_may_clear_a_childs_name_from_history_and_nothing_else(app_role, cw_a):
    """RT-01 clears identity in the row history; every other column stays append-only."""
    case = services.case_register(
        by=cw_a, organisation=cw_a.membership.organisation, data=identity(), consent=dict(CONSENT)
    )
    history = sql.Identifier(Case.pgh_event_model._meta.db_table)
    with connect_as(app_role) as conn:
        cleared = conn.execute(
            sql.SQL("UPDATE {} SET given_name = '', family_name = '' WHERE pgh_obj_id = %s").format(
                history
            ),
            [case.pk],
        )
        assert cleared.rowcount >= 1
        for statement in (
            sql.SQL("UPDATE {} SET pgh_label = 'x'").format(history),
            sql.SQL("UPDATE {} SET status = 'closed'").format(history),
            sql.SQL("DELETE FROM {}").format(history),
        ):
            with pytest.raises(REFUSED):
                conn.execute(statement)
    assert not Case.pgh_event_model.objects.filter(pgh_obj_id=case.pk).exclude(given_name="")
