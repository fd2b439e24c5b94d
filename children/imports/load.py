"""Writing validated children rows: all or nothing, in one transaction (RE-01).

COPY puts the rows into a TEMP staging table, then one ``INSERT … SELECT`` creates the new cases
(case numbers reserved as one block per Jalali year), one more gives each a Consent and a
timeline line, and one ``UPDATE … FROM`` changes the existing cases that differ. Search columns
are computed in Python by ``search_values``, the same function the forms use, because a
key computed in SQL would drift from ``core.persian``. The caller holds the transaction and the
organisation's import lock.
"""

import json
import uuid

from django.apps import apps
from django.db import connection, models
from django.utils import timezone

from core.jalali import to_jalali

from ..models import Case, Consent
from ..models.cases import BULK_HISTORY_SETTING
from ..models.choices import CaseStatus, ConsentGiver, ConsentScope
from ..services.cases import refresh_search_fields, search_values
from .columns import CASE_FIELDS

SEARCH_FIELDS = ("search_name", "search_compact", "search_father", "search_digits", "birth_year")
# Staged per row: the file's fields, then what the loader computes.
STAGED = (
    "row_no",
    "case_id",
    "action",
    "case_number",
    *(("province_id" if f == "province" else f) for f in CASE_FIELDS),
    "estimated_age_on",
    *SEARCH_FIELDS,
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


def _bulk_history(cursor, on):
    cursor.execute("SELECT set_config(%s, %s, true)", [BULK_HISTORY_SETTING, "on" if on else ""])


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


def reserve_case_numbers(organisation, years):
    """{jalali year: [case numbers]} for ``years`` = {year: how many}; one upsert per year."""
    prefix = organisation.home_province.abbreviation or "IRN"
    numbers = {}
    with connection.cursor() as cursor:
        for year, count in sorted(years.items()):
            cursor.execute(
                """
                INSERT INTO children_casenumbersequence (organisation_id, jalali_year, last)
                VALUES (%s, %s, %s)
                ON CONFLICT (organisation_id, jalali_year)
                DO UPDATE SET last = children_casenumbersequence.last + EXCLUDED.last
                RETURNING last
                """,
                [organisation.pk, year, count],
            )
            (last,) = cursor.fetchone()
            numbers[year] = [
                f"{prefix}-{organisation.code}-{year}-{n:05d}"
                for n in range(last - count + 1, last + 1)
            ]
    return numbers


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
    return out


def load_children(*, preview, organisation, by, assigned_to, job_id, progress=None):
    """Write ``preview.rows``; return {"created", "updated", "unchanged"}. Call inside atomic()."""
    today = timezone.localdate()
    creates = [row for row in preview.rows if row.action == "create"]
    updates = [row for row in preview.rows if row.action == "update"]
    years, year_of = {}, {}  # registration dates repeat: convert each to Jalali once
    for row in creates:
        day = row.values.get("registered_on") or today
        row.values["registered_on"] = day
        if day not in year_of:
            year_of[day] = to_jalali(day).year
        years[year_of[day]] = years.get(year_of[day], 0) + 1
    numbers = {
        year: iter(block) for year, block in reserve_case_numbers(organisation, years).items()
    }
    for row in creates:
        row.values["case_number"] = next(numbers[year_of[row.values["registered_on"]]])

    with connection.cursor() as cursor:
        context_id = _history_context(cursor, by, job_id)
        # The trigram indexes take new rows into their pending lists and merge them in batches;
        # bigger batches with more memory for this one transaction merge far fewer times.
        cursor.execute("SET LOCAL work_mem = '128MB'")
        cursor.execute("SET LOCAL gin_pending_list_limit = '32MB'")
        types = _staging_types()
        columns = ", ".join(f"{name} {types[name]}" for name in STAGED)
        # New rows and changed rows are staged apart, so the update statements read only the
        # few changed rows, not the whole (wide) file. Dropped at commit; dropped here too for a
        # caller whose outer transaction lives on.
        for table, rows in (("import_stage", creates), ("import_stage_update", updates)):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"CREATE TEMP TABLE {table} ({columns}) ON COMMIT DROP")
            with cursor.cursor.copy(f"COPY {table} ({', '.join(STAGED)}) FROM STDIN") as copy:
                for count, row in enumerate(rows, start=1):
                    copy.write_row(_staged_row(row, today))
                    if progress and count % 10000 == 0:
                        progress(count)
        if updates:
            # Statistics for the UPDATE … FROM join (a temp table has none).
            cursor.execute("ANALYZE import_stage_update")
        _after_staging()
        # Changed cases first: their few index entries go in while the trigram indexes' pending
        # lists are short; after the big insert each statement would merge the whole lists.
        updated = _update_existing(cursor, preview.present_fields, by, job_id) if updates else 0
        if updates:
            _refresh_search_of(cursor, [row.case_id for row in updates])
        _bulk_history(cursor, True)
        created = _insert_new(cursor, organisation, by, assigned_to, job_id, context_id)
        # Later writes in this transaction are tracked by the triggers again.
        _bulk_history(cursor, False)
    return {
        "created": created,
        "updated": updated,
        "unchanged": sum(1 for row in preview.rows if row.action == "unchanged"),
    }


def _staging_types():
    types = {"row_no": "integer", "case_id": "integer", "action": "text"}
    for name in STAGED:
        if name in types:
            continue
        field = Case._meta.get_field("province" if name == "province_id" else name)
        types[name] = "integer" if name == "province_id" else field.db_type(connection)
    return types


def _insert_new(cursor, organisation, by, assigned_to, job_id, context_id):
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
        if field.column in staged:
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
    # One statement: the new cases, their history events, consents (and theirs) and timeline
    # lines; RETURNING hands the new rows on, so nothing joins back. Column names come from the
    # models, never from the file; values are parameters.
    case_events, case_event_params = _event_insert(Case, "new", context_id, now)
    consent_events, consent_event_params = _event_insert(Consent, "consents", context_id, now)
    cursor.execute(
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
        ), consent_events AS (
            {consent_events}
        )
        INSERT INTO children_timelineentry (case_id, kind, at, actor_id, detail)
        SELECT case_id, 'registered', %s, %s, %s::jsonb FROM consents
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
            *consent_event_params,
            now,
            by.pk,
            json.dumps({"import": job_id}),
        ],
    )
    created = cursor.rowcount
    return created


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


def _refresh_search_of(cursor, case_ids):
    """Recompute the search keys of the updated cases from their whole rows (a file may lack
    some of the inputs) and write only those that changed: one COPY and one UPDATE … FROM,
    where bulk_update's CASE per row and field grows with the square of the rows."""
    columns = ", ".join(SEARCH_FIELDS)
    cursor.execute("DROP TABLE IF EXISTS import_search")
    cursor.execute(
        "CREATE TEMP TABLE import_search (id bigint, search_name text, search_compact text, "
        "search_father text, search_digits text, birth_year smallint) ON COMMIT DROP"
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
        f"(s.search_name, s.search_compact, s.search_father, s.search_digits, s.birth_year) "
        f"FROM import_search s WHERE c.id = s.id AND ({', '.join('c.' + n for n in SEARCH_FIELDS)}) "
        f"IS DISTINCT FROM ({', '.join('s.' + n for n in SEARCH_FIELDS)})"
    )
