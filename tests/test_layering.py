"""The apps' layering (docs/architecture.md), enforced: a new import that crosses a layer fails
here with the chain of modules that crosses it. The contracts live in pyproject.toml."""

from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_imports_keep_the_layers(monkeypatch):
    monkeypatch.chdir(ROOT)
    exit_code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    assert exit_code == 0, "an import crosses the layers; the report above names it"
