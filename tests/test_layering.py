"""The apps' layering (docs/architecture.md), enforced: a new import that crosses a layer fails
here with the chain of modules that crosses it. The contracts live in pyproject.toml."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_the_layers(monkeypatch):
    monkeypatch.chdir(ROOT)
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert exit_code == 0, "an import crosses the layers; the report above names it"


def test_reports_read_children_only_through_its_reporting_selectors():
    """reports reads children through children.selectors.reporting alone (docs/architecture.md),
    so a change to children's models has one place to look at in reports."""
    import grimp

    graph = grimp.build_graph("reports", "children", cache_dir=None)
    door = {"children.selectors", "children.selectors.reporting"}
    crossings = sorted(
        (importer, imported)
        for importer in graph.find_descendants("reports") | {"reports"}
        for imported in graph.find_modules_directly_imported_by(importer)
        if imported.split(".")[0] == "children" and imported not in door
    )
    assert crossings == []
