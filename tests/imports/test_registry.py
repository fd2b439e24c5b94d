"""The kinds each app registers when it starts (ADR 0012)."""

import pytest

from imports import registry
from imports.kinds import ImportKind
from imports.models import ImportJob


def test_every_app_registers_its_kinds_in_the_order_the_upload_page_lists_them():
    assert list(registry.all_kinds()) == [
        "children",
        "encounters",
        "organisations",
        "staff",
        "attendance",
    ]


def test_every_registered_kind_can_be_stored_on_a_job():
    assert set(registry.all_kinds()) == set(ImportJob.Kind.values)


def test_a_second_kind_with_a_taken_code_is_refused():
    class Impostor(ImportKind):
        code = "children"

    with pytest.raises(ValueError, match="children"):
        registry.register(Impostor())
    assert type(registry.get_kind("children")).__name__ == "ChildrenKind"


def test_the_same_kind_registered_again_replaces_itself():
    kind = registry.get_kind("staff")
    registry.register(type(kind)())
    assert list(registry.all_kinds())[3] == "staff"
