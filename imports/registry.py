"""The kinds of import, by code. Each app registers its own kinds in ``AppConfig.ready``, so the
upload form, the pages, the command and the service find them here without importing the apps
that define them (ADR 0012)."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .kinds import ImportKind

_kinds: "dict[str, ImportKind]" = {}


def register(*kinds: "ImportKind") -> None:
    """Add ``kinds`` (``ImportKind`` instances). Two kinds with one code are a programming error;
    the same kind again (an app set up twice, as some test tools do) replaces itself."""
    for kind in kinds:
        known = _kinds.get(kind.code)
        if known is not None and type(known) is not type(kind):
            raise ValueError(f"Two import kinds have the code {kind.code!r}.")
        _kinds[kind.code] = kind


def all_kinds() -> "dict[str, ImportKind]":
    """{code: kind}, in the order the upload page lists them (``ImportKind.order``)."""
    ordered = sorted(_kinds.values(), key=lambda kind: kind.order)
    return {kind.code: kind for kind in ordered}


def get_kind(code: str) -> "ImportKind":
    return _kinds[code]
