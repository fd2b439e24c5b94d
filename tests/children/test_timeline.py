"""The timeline's first line, the registration, is read from the case rather than stored."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from children.models import TimelineEntry
from children.selectors.cases import TIMELINE_LINES, case_timeline

from .conftest import by_testid


def test_the_registration_is_the_last_line_with_who_and_when(case_a, cw_a):
    lines = case_timeline(case_a)
    assert [line.kind for line in lines] == [TimelineEntry.Kind.REGISTERED]
    assert (lines[0].actor, lines[0].at) == (cw_a, case_a.created_at)
    assert lines[0].pk is None  # not a stored line


def test_a_long_timeline_shows_its_newest_lines_only(case_a, cw_a):
    TimelineEntry.objects.bulk_create(
        TimelineEntry(case=case_a, kind=TimelineEntry.Kind.NOTE, actor=cw_a)
        for _ in range(TIMELINE_LINES)
    )
    lines = case_timeline(case_a)
    assert len(lines) == TIMELINE_LINES
    assert TimelineEntry.Kind.REGISTERED not in {line.kind for line in lines}


def test_the_case_page_shows_the_registration_and_who_registered(client_as, case_a, cw_a):
    response = client_as(cw_a).get(reverse("children:case_detail", args=[case_a.pk]))
    (line,) = by_testid(response, "timeline")
    assert str(TimelineEntry.Kind.REGISTERED.label) in line
    assert str(cw_a) in line


@pytest.mark.django_db(transaction=True)
def test_the_migration_removes_the_stored_registration_lines(case_a):
    before, after = (
        ("children", "0013_unindexed_writer_keys"),
        ("children", "0014_registration_line_read_from_case"),
    )
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    try:
        executor.migrate([before])  # backwards: each case gets its stored line again
        assert TimelineEntry.objects.filter(case=case_a, kind="registered").count() == 1
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([after])
        assert not TimelineEntry.objects.filter(kind="registered").exists()
        assert [line.kind for line in case_timeline(case_a)] == ["registered"]
    finally:
        # Back to the latest schema: the tests after this one in the process need it.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
