"""Writing validated children rows: all or nothing, in one transaction (RE-01).

COPY puts the rows into a TEMP staging table, then one ``INSERT … SELECT`` creates the new cases
(case numbers reserved as one block per Jalali year) and gives each a Consent, and one
``UPDATE … FROM`` changes the existing cases that differ (with an "updated" timeline line each).
A new case's "registered" line is read from the case itself, not stored. Search columns
are computed in Python by ``search_values``, the same function the forms use, because a
key computed in SQL would drift from ``core.persian``. The caller holds the transaction and the
organisation's import lock.
"""

import json
import threading
import uuid
from functools import lru_cache

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from core.jalali import to_jalali

from .. import labour_law
from ..models import Case, Consent
from ..models.cases import BULK_HISTORY_SETTING
from ..models.choices import CaseStatus, ConsentGiver, ConsentScope
from ..services.case_numbers import reserve_case_numbers
from ..services.cases import refresh_search_fields, search_values
from ..services.labour import labour_flags_refresh
from .columns import CASE_FIELDS
from .households import spread_to_households

SEARCH_FIELDS = (
    "search_name",
    "search_compact",
    "search_father",
    "search_phonetic",
    "search_father_phonetic",
    "search_digits",
    "birth_year",
)
# The Labour Law flags (children/labour_law.py, docs/adr/0035), computed per row in Python like
# the search keys; the flags are staged as one comma-separated text.
LABOUR_FIELDS = ("labour_flags", "labour_flags_recheck_on")
# Staged per row: the file's fields, then what the loader computes.
STAGED = (
    "row_no",
    "case_id",
    "action",
    "case_number",
    *(("province_id" if f == "province" else f) for f in CASE_FIELDS),
    "estimated_age_on",
    *SEARCH_FIELDS,
    *LABOUR_FIELDS,
)
_FIELD_COLUMNS = {f.name: f.column for f in Case._meta.concrete_fields}


def _after_staging():
    """A seam for tests: a fault injected here must leave zero rows behind."""


def _history_context(cursor, by, job_id):
    """Label this transaction's row history with the import, and write new rows' history here.

    pghistory's row triggers read two settings inside BEGIN … EXCEPTION blocks: unset, every row
    opens and aborts a subtransaction, and past 64 of them every visibility check slows down
    (10,000 rows took 27 s). With the settings present the triggers still cost ~0.2 ms a row, so
    the insert triggers of Case and Consent carry a WHEN clause on ``BULK_HISTORY_SETTING``:
    while it is on (this transaction's insert statement only) they are not even queued, and
    ``_insert_new`` writes the same event rows set-based. Updates keep their triggers.
    """
    context_id = str(uuid.uuid4())
    metadata = json.dumps({"user": by.pk, "import_job": job_id, "app": "children.import"})
    cursor.execute(
        "SELECT set_config('pghistory.context_id', %s, true), "
        "set_config('pghistory.context_metadata', %s, true)",
        [context_id, metadata],
    )
    cursor.execute(
        "INSERT INTO pghistory_context (id, metadata, created_at, updated_at) "
        "VALUES (%s, %s::jsonb, now(), now())",
        [context_id, metadata],
    )
    return context_id


def _bulk_history_sql(on):
    return "SELECT set_config(%s, %s, true)", [BULK_HISTORY_SETTING, "on" if on else ""]


def _event_insert(model, source, context_id, now):
    """SQL and params that copy the rows of CTE ``source`` into ``model``'s pghistory events."""
    event = apps.get_model(model._meta.app_label, f"{model.__name__}Event")
    columns, expressions, params = [], [], []
    for field in event._meta.concrete_fields:
        if field.name == "pgh_id":
            continue
        columns.append(field.column)
        if field.name == "pgh_created_at":
            expressions.append("%s")
            params.append(now)
        elif field.name == "pgh_label":
            expressions.append("'insert'")
        elif field.name == "pgh_obj":
            expressions.append(f"{source}.id")
        elif field.name == "pgh_context":
            expressions.append("%s::uuid")
            params.append(context_id)
        else:
            expressions.append(f"{source}.{field.column}")
    # Names from the models only.
    sql = f"INSERT INTO {event._meta.db_table} ({', '.join(columns)}) SELECT {', '.join(expressions)} FROM {source}"  # noqa: S608, E501
    return sql, params


def _column(name):
    return "province_id" if name == "province" else name


# Text columns are NOT NULL: an empty cell is stored as "".
_TEXT_FIELDS = frozenset(
    name
    for name in CASE_FIELDS
    if isinstance(Case._meta.get_field(name), models.CharField | models.TextField)
)


def _staged_row(row, today):
    values = row.values
    registered = values.get("registered_on")
    if row.action == "create" and registered is None:
        registered = today
    age = values.get("estimated_age")
    age_on = (registered or today) if age is not None else None
    out = [row.row, row.case_id, row.action, values.get("case_number")]
    for name in CASE_FIELDS:
        value = registered if name == "registered_on" else values.get(name)
        if value is None and name in _TEXT_FIELDS:
            value = ""
        out.append(value)
    out.append(age_on)
    out.extend(
        search_values(
            given_name=values.get("given_name"),
            family_name=values.get("family_name") or "",
            father_name=values.get("father_name") or "",
            numbers=(values.get("id_number"), values.get("phone"), values.get("guardian_phone")),
            birth_date=values.get("birth_date"),
            estimated_age=age,
            age_on=age_on,
        )
    )
    out.extend(
        _labour_values(
            values.get("birth_date"), age, age_on, registered, values.get("work_type") or "", today
        )
    )
    return out


@lru_cache(maxsize=1 << 15)
def _labour_values(birth_date, estimated_age, estimated_age_on, registered_on, work_type, today):
    """(flags as staged text, recheck date) of a new row, cached: files repeat birth dates and
    types of work. The file has no hours or hazards (they are filled in on the case page)."""
    flags, recheck = labour_law.case_values(
        _LabourInputs(birth_date, estimated_age, estimated_age_on, registered_on, work_type),
        today,
    )
    return ",".join(flags), recheck


class _LabourInputs:
    """A staged row's values as labour_law.case_values reads a case."""

    work_hours_per_week = None
    hazards = ()

    def __init__(self, birth_date, estimated_age, estimated_age_on, registered_on, work_type):
        self.birth_date = birth_date
        self.estimated_age = estimated_age
        self.estimated_age_on = estimated_age_on
        self.registered_on = registered_on
        self.work_type = work_type


class ChildrenLoader:
    """Writes validated rows a chunk at a time inside the caller's transaction, which holds the
    organisation's import lock.

    Each chunk's new cases go in by one ``INSERT … SELECT`` run on a helper thread over the same
    connection (psycopg serialises its use), so that while PostgreSQL builds the rows and their
    index entries, this thread reads and checks the next chunk: the two cores work at once. The
    thread is always joined before anything else uses the connection and before the transaction
    ends; its error is raised here, as Django's. Changed cases are written at ``finish``.
    """

    def __init__(self, *, organisation, by, assigned_to, job_id):
        self.organisation = organisation
        self.by = by
        self.assigned_to = assigned_to
        self.job_id = job_id
        self.counts = {"created": 0, "updated": 0, "unchanged": 0}
        self.updated_ids = []
        self._thread = None
        self._error = None

    def __enter__(self):
        with connection.cursor() as cursor:
            context_id = _history_context(cursor, self.by, self.job_id)
            # The trigram indexes take new rows into their pending lists and merge them in
            # batches; bigger batches with more memory for this transaction merge fewer times.
            cursor.execute("SET LOCAL work_mem = '128MB'")
            cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
            # Foreign keys are checked as each chunk goes in, on the helper thread, rather than
            # all at commit on this one (about a million checks for 100,000 children).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            types = _staging_types()
            columns = ", ".join(f"{name} {types[name]}" for name in STAGED)
            # New rows and changed rows are staged apart, so the update statements read only the
            # few changed rows, not the whole (wide) file. Dropped at commit; dropped here too
            # for a caller whose outer transaction lives on.
            for table in ("import_stage", "import_stage_update"):
                cursor.execute(f"DROP TABLE IF EXISTS {table}")
                cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
        self._insert = _insert_sql(
            self.organisation, self.by, self.assigned_to, self.job_id, context_id
        )
        return self

    def __exit__(self, kind, error, traceback):
        # Never leave the thread running into the end of the transaction; an error already on
        # its way out wins over the thread's.
        self._wait(raise_error=kind is None)
        if kind is None:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them
        return False

    def prepare(self, rows):
        """Called before a chunk is matched with the database. Builds the staged rows of its
        likely new children (no case number) while the previous chunk's insert still runs,
        then waits for that insert: the match must not use the connection before the insert's
        error, if any, is raised."""
        today = timezone.localdate()
        for row in rows:
            if not row.values.get("case_number"):
                row.staged = _staged_row(row, today)
        self._wait()

    def add(self, rows):
        """Stage one chunk of ChildRows and start writing its new cases."""
        today = timezone.localdate()
        creates, updates = [], []
        years = {}
        for row in rows:
            if row.action == "create":
                staged = row.staged or _staged_row(row, today)
                year = _jalali_year(staged[_REGISTERED_AT])
                years[year] = years.get(year, 0) + 1
                creates.append((year, staged))
            elif row.action == "update":
                updates.append(_staged_row(row, today))
                self.updated_ids.append(row.case_id)
            else:
                self.counts["unchanged"] += 1
        # Everything above ran while the previous chunk's insert was busy in PostgreSQL.
        self._wait()
        numbers = {
            year: iter(block)
            for year, block in reserve_case_numbers(self.organisation, years).items()
        }
        for year, staged in creates:
            staged[_CASE_NUMBER_AT] = next(numbers[year])
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE import_stage")
            for table, staged_rows in (
                ("import_stage", (staged for _year, staged in creates)),
                ("import_stage_update", updates),
            ):
                with cursor.cursor.copy(f"COPY {table} ({', '.join(STAGED)}) FROM STDIN") as copy:
                    for staged in staged_rows:
                        copy.write_row(staged)
        _after_staging()
        if creates:
            self._start(self._insert)

    def finish(self, present_fields):
        """Wait for the last insert, write the changed cases; return the counts."""
        self._wait()
        if self.updated_ids:
            with connection.cursor() as cursor:
                # Statistics for the UPDATE … FROM join (a temp table has none).
                cursor.execute("ANALYZE import_stage_update")
                self.counts["updated"] = _update_existing(
                    cursor, present_fields, self.by, self.job_id
                )
                # A child in a family: the household and its other members follow.
                siblings = spread_to_households(cursor, present_fields, self.by, self.job_id)
                _refresh_search_of(cursor, [*self.updated_ids, *siblings])
            # From the whole rows, as the search keys: a file may lack some of the inputs.
            labour_flags_refresh(self.updated_ids)
        return dict(self.counts)

    def _start(self, statements):
        shared = connection.connection  # the psycopg connection of this transaction

        def run():
            try:
                with shared.cursor() as cursor:
                    for sql, params in statements:
                        cursor.execute(sql, params)
                        if sql is statements[_INSERT_AT][0]:
                            self.counts["created"] += cursor.rowcount
            except BaseException as error:  # raised on the caller's thread by _wait
                self._error = error

        self._thread = threading.Thread(target=run, name="children-import-insert", daemon=True)
        self._thread.start()

    def _wait(self, raise_error=True):
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        error, self._error = self._error, None
        if error is not None and raise_error:
            with connection.wrap_database_errors:
                raise error


_CASE_NUMBER_AT = STAGED.index("case_number")
_REGISTERED_AT = STAGED.index("registered_on")
_INSERT_AT = 1  # of the statements _insert_sql returns


@lru_cache(maxsize=4096)
def _jalali_year(day):
    return to_jalali(day).year


def _staging_types():
    types = {"row_no": "integer", "case_id": "integer", "action": "text", "labour_flags": "text"}
    for name in STAGED:
        if name in types:
            continue
        field = Case._meta.get_field("province" if name == "province_id" else name)
        types[name] = "integer" if name == "province_id" else field.db_type(connection)
    return types


def _insert_sql(organisation, by, assigned_to, job_id, context_id):
    """[(sql, params)] that create the staged new cases: the insert between switching the row
    triggers off and on again (their history is written by the statement itself)."""
    staged = [c for c in STAGED if c not in ("row_no", "case_id", "action")]
    constants = {
        "organisation_id": organisation.pk,
        "status": CaseStatus.REGISTERED,
        "assigned_to_id": assigned_to.pk,
        "created_by_id": by.pk,
        "version": 1,
    }
    columns, expressions, params = [], [], []
    now = timezone.now()
    for field in Case._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column == "labour_flags":
            expressions.append("string_to_array(s.labour_flags, ',')::varchar(16)[]")
        elif field.column in staged:
            expressions.append(f"s.{field.column}")
        elif field.column == "last_contact_on":
            expressions.append("s.registered_on")
        elif field.column in ("created_at", "updated_at"):
            expressions.append("%s")
            params.append(now)
        elif field.column in constants:
            expressions.append("%s")
            params.append(constants[field.column])
        else:
            expressions.append(f"%s::{field.db_type(connection)}")
            params.append(field.get_db_prep_save(field.get_default(), connection))
    # One statement: the new cases, their history events, consents and theirs; RETURNING hands
    # the new rows on, so nothing joins back. Column names come from the
    # models, never from the file; values are parameters.
    case_events, case_event_params = _event_insert(Case, "new", context_id, now)
    consent_events, consent_event_params = _event_insert(Consent, "consents", context_id, now)
    insert = (
        f"""
        WITH new AS (
            INSERT INTO children_case ({", ".join(columns)})
            SELECT {", ".join(expressions)} FROM import_stage s WHERE s.action = 'create'
            ORDER BY s.row_no
            RETURNING *
        ), case_events AS (
            {case_events}
        ), consents AS (
            INSERT INTO children_consent
                (case_id, given_by, given_by_name, given_on, scope, recorded_by_id, recorded_at,
                 withdrawal_reason, import_job_id)
            SELECT id, %s, '', %s, %s, %s, %s, '', %s FROM new
            RETURNING *
        ), schooling AS (
            -- The school status each new child came with, dated on its registration
            -- (docs/adr/0035).
            INSERT INTO children_schoolstatuschange
                (case_id, from_status, to_status, changed_on, recorded_by_id)
            SELECT id, '', school_status, registered_on, %s FROM new WHERE school_status <> ''
        )
        {consent_events}
        """,  # noqa: S608
        [
            *params,
            *case_event_params,
            ConsentGiver.OTHER,
            timezone.localdate(),
            [ConsentScope.RECORD],
            by.pk,
            now,
            job_id,
            by.pk,
            *consent_event_params,
        ],
    )
    return [_bulk_history_sql(True), insert, _bulk_history_sql(False)]


def _update_existing(cursor, present_fields, by, job_id):
    fields = [_column(f) for f in present_fields if f not in ("case_number",)]
    if not fields:
        return 0
    sets = []
    for name in fields:
        if name == "registered_on":
            sets.append("registered_on = COALESCE(s.registered_on, c.registered_on)")
        elif name == "estimated_age":
            sets.append(
                "estimated_age_on = CASE WHEN c.estimated_age IS DISTINCT FROM s.estimated_age "
                "THEN s.estimated_age_on ELSE c.estimated_age_on END"
            )
            sets.append("estimated_age = s.estimated_age")
        else:
            sets.append(f"{name} = s.{name}")
    sets += ["version = c.version + 1", "updated_at = %s"]
    now = timezone.now()
    if "school_status" in fields:
        _record_school_changes(cursor, "import_stage_update", "s.school_status", by)
    cursor.execute(
        f"UPDATE children_case c SET {', '.join(sets)} FROM import_stage_update s "  # noqa: S608
        "WHERE c.id = s.case_id",
        [now],
    )
    updated = cursor.rowcount
    if updated:
        cursor.execute(
            """
            INSERT INTO children_timelineentry (case_id, kind, at, actor_id, detail)
            SELECT s.case_id, 'updated', %s, %s, %s::jsonb
            FROM import_stage_update s
            """,
            [now, by.pk, json.dumps({"import": job_id})],
        )
    return updated


def _record_school_changes(cursor, stage, new_status, by, where="TRUE"):
    """Keep each staged change of a case's school status, dated today (docs/adr/0035): one
    ``INSERT … SELECT`` before the cases are updated, while the old status is still there."""
    cursor.execute(
        f"""
        INSERT INTO children_schoolstatuschange
            (case_id, from_status, to_status, changed_on, recorded_by_id)
        SELECT c.id, c.school_status, {new_status}, %s, %s
        FROM children_case c JOIN {stage} s ON c.id = s.case_id
        WHERE c.school_status IS DISTINCT FROM {new_status} AND {where}
        """,  # noqa: S608 - constant names only
        [timezone.localdate(), by.pk if by is not None else None],
    )


def _refresh_search_of(cursor, case_ids):
    """Recompute the search keys of the updated cases from their whole rows (a file may lack
    some of the inputs) and write only those that changed: one COPY and one UPDATE … FROM,
    where bulk_update's CASE per row and field grows with the square of the rows."""
    columns = ", ".join(SEARCH_FIELDS)
    cursor.execute("DROP TABLE IF EXISTS import_search")
    cursor.execute(
        "CREATE TEMP TABLE import_search (id bigint, search_name text, search_compact text, "
        "search_father text, search_phonetic text, search_father_phonetic text, "
        "search_digits text, birth_year smallint) ON COMMIT DROP"
    )
    rows = []  # read before the COPY: the connection runs nothing else while copying
    for case in Case.objects.filter(pk__in=case_ids).iterator(chunk_size=2000):
        refresh_search_fields(case)
        rows.append([case.pk, *(getattr(case, name) for name in SEARCH_FIELDS)])
    with cursor.cursor.copy(f"COPY import_search (id, {columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(
        f"UPDATE children_case c SET ({columns}) = "  # noqa: S608 - constant column names
        f"({', '.join('s.' + n for n in SEARCH_FIELDS)}) "
        f"FROM import_search s WHERE c.id = s.id AND ({', '.join('c.' + n for n in SEARCH_FIELDS)}) "
        f"IS DISTINCT FROM ({', '.join('s.' + n for n in SEARCH_FIELDS)})"
    )


# --- Twins: rows of one file that are the same child (ADR 0019) ------------------------------


def _twin_search_row(row):
    """[id, *search columns] of a twin group's case as merged: ``row`` is (id, *CASE_FIELDS,
    estimated_age_on, registered_on), as ``refresh_search_fields`` reads a case."""
    case_id, *values = row
    fields = dict(zip((*CASE_FIELDS, "estimated_age_on", "registered_now"), values, strict=True))
    registered = fields.get("registered_on", fields["registered_now"])
    return [
        case_id,
        *search_values(
            given_name=fields["given_name"],
            family_name=fields["family_name"],
            father_name=fields["father_name"],
            numbers=(fields["id_number"], fields["phone"], fields["guardian_phone"]),
            birth_date=fields["birth_date"],
            estimated_age=fields["estimated_age"],
            age_on=fields["estimated_age_on"] or registered,
        ),
    ]


def write_twins(merges, organisation, by=None):
    """Give each twin group's case the values its later rows add: ``merges`` is
    [(case id or None, new case's number or None, {field: value})] from ``TwinIndex.merges``.
    Set-based, after the chunks: one COPY into a staging table and one ``UPDATE … FROM``, where
    each column takes the staged value only for the fields the group's rows add. The history
    triggers record each change under the import's context. Returns the number of cases changed.
    """
    if not merges:
        return 0
    types = _staging_types()
    columns = [_column(name) for name in CASE_FIELDS]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS import_twins")
        cursor.execute(
            "CREATE TEMP TABLE import_twins (case_id bigint, case_number text, sets text[], "
            + ", ".join(f"{column} {types[column]}" for column in columns)
            + ") ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY import_twins (case_id, case_number, sets, {', '.join(columns)}) FROM STDIN"
        ) as copy:
            for case_id, number, values in merges:
                copy.write_row(
                    [case_id, number, list(values), *(values.get(name) for name in CASE_FIELDS)]
                )
        # New cases are named by the number they were given.
        cursor.execute(
            "UPDATE import_twins s SET case_id = c.id FROM children_case c "
            "WHERE s.case_id IS NULL AND c.case_number = s.case_number AND c.organisation_id = %s",
            [organisation.pk],
        )
        merged = [
            f"CASE WHEN '{name}' = ANY(s.sets) THEN s.{column} ELSE c.{column} END"
            for name, column in zip(CASE_FIELDS, columns, strict=True)
        ]
        age_on = (
            "CASE WHEN 'estimated_age' = ANY(s.sets) "
            "THEN COALESCE(c.estimated_age_on, c.registered_on, %s) ELSE c.estimated_age_on END"
        )
        today = timezone.localdate()
        # The cases as they will be, read first: their search keys are computed here (the one
        # definition, ``search_values``) and written by the same UPDATE, not by a second one
        # over the same rows (each update of a case rewrites its six trigram index entries and
        # its history: about 1 s of PostgreSQL's time for 9,000 twins, issue 16).
        cursor.execute(
            f"SELECT c.id, {', '.join(merged)}, {age_on}, c.registered_on "  # noqa: S608
            "FROM children_case c JOIN import_twins s ON c.id = s.case_id",
            [today],
        )
        keys = [_twin_search_row(row) for row in cursor.fetchall()]
        search_columns = ", ".join(SEARCH_FIELDS)
        cursor.execute("DROP TABLE IF EXISTS import_twin_search")
        cursor.execute(
            "CREATE TEMP TABLE import_twin_search (id bigint, search_name text, "
            "search_compact text, search_father text, search_phonetic text, "
            "search_father_phonetic text, search_digits text, birth_year smallint) ON COMMIT DROP"
        )
        with cursor.cursor.copy(
            f"COPY import_twin_search (id, {search_columns}) FROM STDIN"
        ) as copy:
            for row in keys:
                copy.write_row(row)
        sets = [
            f"{column} = {expression}" for column, expression in zip(columns, merged, strict=True)
        ]
        sets += [
            f"estimated_age_on = {age_on}",
            "version = c.version + 1",
            "updated_at = %s",
            *(f"{name} = k.{name}" for name in SEARCH_FIELDS),
        ]
        _record_school_changes(
            cursor, "import_twins", "s.school_status", by, where="'school_status' = ANY(s.sets)"
        )
        # Column and field names come from the model, values from the staging tables.
        cursor.execute(
            f"UPDATE children_case c SET {', '.join(sets)} "  # noqa: S608
            "FROM import_twins s, import_twin_search k "
            "WHERE c.id = s.case_id AND k.id = c.id RETURNING c.id",
            [today, timezone.now()],
        )
        changed = [row[0] for row in cursor.fetchall()]
    labour_flags_refresh(changed)
    return len(changed)
