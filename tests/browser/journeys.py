"""The pages each user's journey reaches, found by following links as a person would.

Starting at the home page, a signed-in user follows the same-site links of every page (GET only,
no downloads, no Django admin) breadth first, and keeps one address per view: a case page stands
for every case page. On each page `check_page` measures what issue 17 asks of a phone: nothing
scrolls sideways and axe-core finds no serious or critical violation.
"""

from collections import deque
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import Resolver404, resolve
from playwright.sync_api import Error as PlaywrightError

# Views a journey never opens as a page: files, sign-out, and the language switch (a POST form).
SKIPPED_VIEWS = {
    "logout",
    "switch_language",
    "favicon",
    "healthz",
}
SKIPPED_WORDS = ("export", "download", "template", "file", "pdf", "xlsx", "csv", "errors", "print")
SERIOUS = {"serious", "critical"}
AXE_OPTIONS = {"resultTypes": ["violations"], "rules": {"target-size": {"enabled": True}}}
# Swagger UI's own widgets (the API docs for partner systems' developers, /api/docs/) are a
# third-party tool drawn by its script; axe checks the page around them, not their inside.
AXE_CONTEXT = {"exclude": [["#swagger-ui"]]}


@dataclass
class Finding:
    url: str
    language: str
    problem: str


@dataclass
class Crawl:
    pages: dict = field(default_factory=dict)  # view name → path
    findings: list = field(default_factory=list)


def view_name(path):
    try:
        match = resolve(urlsplit(path).path)
    except Resolver404:
        return None
    return match.view_name


def wanted(path):
    if not path.startswith("/") or path.startswith("//") or path.startswith("/admin/"):
        return False
    if path.startswith("/static/") or path.startswith("/media/"):
        return False
    name = view_name(path)
    if name is None or name.split(":")[-1] in SKIPPED_VIEWS:
        return False
    return not any(word in name or word in path for word in SKIPPED_WORDS)


def crawl(page, *, limit=60):
    """The journey's pages from the home page: {view name: path}."""
    pages, queue = {}, deque(["/"])
    while queue and len(pages) < limit:
        path = queue.popleft()
        name = view_name(path)
        if name in pages:
            continue
        try:
            response = page.goto(path)
        except PlaywrightError:  # a file the link did not announce as a download
            continue
        if (
            response is None
            or response.status != 200
            or urlsplit(page.url).path != urlsplit(path).path
        ):
            continue
        pages[name] = path
        links = page.eval_on_selector_all(
            "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
        )
        for link in links:
            link = link.split("#", 1)[0]
            if link and wanted(link) and view_name(link) not in pages:
                queue.append(link)
    return pages


def check_page(page, axe, path, language, width):
    """What is wrong with one page at this width: sideways scrolling, serious axe findings."""
    found = []
    response = page.goto(path)
    if response is None or response.status >= 400:
        return [Finding(path, language, f"answered {response and response.status}")]
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width + 1:
        found.append(Finding(path, language, f"scrolls sideways: {scroll} px in {width}"))
    wide = page.evaluate(
        """width => [...document.querySelectorAll('.table-responsive')]
            .filter(box => box.scrollWidth > box.clientWidth + 1)
            .map(box => box.scrollWidth)""",
        width,
    )
    if wide:
        found.append(Finding(path, language, f"a table scrolls sideways: {wide} px"))
    # target-size (WCAG 2.2 AA, 24 × 24 px) is off in axe by default; a phone needs it.
    result = axe.run(page, context=AXE_CONTEXT, options=AXE_OPTIONS)
    for violation in result.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [node["target"] for node in violation["nodes"][:3]]
            found.append(
                Finding(path, language, f"axe {violation['impact']} {violation['id']}: {targets}")
            )
    return found
