"""The API's case list (issue 19): what a partner system or the app asks most, at the same
caseworker and data as the case-list page scenario."""

from django.conf import settings
from django.test import override_settings

from children.models.choices import CaseStatus

from . import get_ok, scenario
from .cases import SEARCH_TERM

URL = "/api/v1/cases/"
DEEP_PAGES = 20


@scenario("api case list")
def api_case_list(ctx):
    """Page 1 of the big organisation's cases over the API (session sign-in, JSON), with a filter,
    with a filter and a search, and a page reached by following the cursor DEEP_PAGES times: a
    cursor page is an index range, so it should cost what page 1 costs.

    The rate limits stay on (their cache round trip is part of each request) but are raised,
    so the timing loop is not refused for its own speed.
    """
    user_pk = ctx.fixtures["big_org_caseworker_id"]
    client = ctx.client(user_pk)
    limits = {**settings.RATE_LIMITS, "api": "1000000/m", "search": "1000000/m"}
    with override_settings(RATE_LIMITS=limits):
        url, pages = URL + "?page_size=50", 0
        for _page in range(DEEP_PAGES):
            following = get_ok(client, url).json()["next"]
            if not following:
                break
            url, pages = following, pages + 1
        deep = url
        return [
            ctx.measure(
                "api case list: page 1",
                lambda: get_ok(client, URL),
                target=0.100,
                note="50 cases, cursor pagination",
            ),
            ctx.measure(
                "api case list: filter, page 1",
                lambda: get_ok(client, URL, {"status": CaseStatus.REGISTERED, "sex": "male"}),
                target=0.100,
            ),
            ctx.measure(
                "api case list: filter + search, page 1",
                lambda: get_ok(client, URL, {"sex": "male", "q": SEARCH_TERM}),
                target=0.100,
                note=f"boys named {SEARCH_TERM}",
            ),
            ctx.measure(
                "api case list: a page deep in the list",
                lambda: get_ok(client, deep),
                target=0.100,
                note=f"page {pages + 1}, reached through the cursor",
            ),
        ]
