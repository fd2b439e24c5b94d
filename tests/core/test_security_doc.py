"""docs/security.md cannot rot: the tests it names exist, and every id the code cites has a row."""

import ast
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "security.md"

ROW_ID = r"\b(?:AC|AU|SE|FU|LG|CF|RL|RE|RT)-\d\d\b"
# A row is a heading such as "### FU-04 · Exported cells never run as formulas".
ROW_HEADING = re.compile(rf"^### ({ROW_ID})", re.MULTILINE)
# A proof is written as tests/<path>.py::test_name (or ::Class::test_name).
TEST_REFERENCE = re.compile(r"\b(tests/[\w/]+\.py)((?:::\w+)+)")
# Generated or vendored trees, and migrations (they keep the comments of their day).
SKIPPED_DIRECTORIES = {"migrations", "node_modules", "mutants", "__pycache__"}


def doc_text():
    return DOC.read_text(encoding="utf-8")


def rows():
    return ROW_HEADING.findall(doc_text())


def defined_names(path):
    """Qualified names of the functions and classes a test module defines ("f", "Class::f")."""
    names = set()

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = prefix + child.name
                names.add(name)
                if isinstance(child, ast.ClassDef):
                    visit(child, name + "::")

    visit(ast.parse(path.read_text(encoding="utf-8")), "")
    return names


def python_files():
    for directory, subdirectories, files in os.walk(ROOT):
        subdirectories[:] = [
            name
            for name in subdirectories
            if not name.startswith(".") and name not in SKIPPED_DIRECTORIES
        ]
        for name in files:
            if name.endswith(".py"):
                yield Path(directory, name)


def test_each_row_appears_once():
    found = rows()
    assert found, "no rows found: the headings of docs/security.md changed shape"
    duplicated = sorted({row for row in found if found.count(row) > 1})
    assert duplicated == []


def test_every_test_the_doc_names_exists():
    references = TEST_REFERENCE.findall(doc_text())
    assert references, "no tests/...::test_name references found in docs/security.md"
    missing = []
    cache = {}
    for path, qualified in references:
        module = ROOT / path
        if not module.is_file():
            missing.append(f"{path}{qualified} (no such file)")
            continue
        if module not in cache:
            cache[module] = defined_names(module)
        if qualified.removeprefix("::") not in cache[module]:
            missing.append(f"{path}{qualified}")
    assert missing == [], "docs/security.md names tests that do not exist"


def test_every_id_cited_in_the_code_has_a_row():
    documented = set(rows())
    cited = {}
    for path in python_files():
        for code in re.findall(ROW_ID, path.read_text(encoding="utf-8")):
            cited.setdefault(code, path.relative_to(ROOT).as_posix())
    undocumented = {code: where for code, where in cited.items() if code not in documented}
    assert undocumented == {}, "add these rows to docs/security.md"
