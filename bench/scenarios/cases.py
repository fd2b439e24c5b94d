"""The caseworker's case pages: the list with a filter and a search, the case page, and the
duplicate check run at registration."""

import math
import random
from unittest import mock

from django.urls import reverse

from children.models import Case
from children.selectors.cases import cases_visible_to, search_cases
from children.selectors.duplicates import likely_duplicates
from children.views import cases as case_views

from .. import names
from . import get_ok, scenario

SEARCH_TERM = "محمد"


@scenario("case list")
def case_list(ctx):
    """Case list of the large organisation's busiest caseworker: boys named محمد (a filter and a
    search term), page 1 and the last page, then the closed cases' last page (filter only).

    The view's page size is fixed (25). To check that the query count does not grow with the
    rows shown, page 1 is loaded once more with the module's PAGE_SIZE patched to 100.
    """
    user_pk = ctx.fixtures["big_org_caseworker_id"]
    client = ctx.client(user_pk)
    user = ctx.user(user_pk)
    url = reverse("children:case_list")
    search = {"sex": "male", "q": SEARCH_TERM}
    matches = search_cases(cases_visible_to(user).filter(sex="male"), SEARCH_TERM).count()
    last_page = max(1, math.ceil(matches / case_views.PAGE_SIZE))
    closed = cases_visible_to(user).filter(status="closed").count()
    closed_last = max(1, math.ceil(closed / case_views.PAGE_SIZE))

    def page_queries(page_size):
        with mock.patch.object(case_views, "PAGE_SIZE", page_size):
            return ctx.measure(
                f"case list: page size {page_size}",
                lambda: get_ok(client, url, search),
                min_runs=1,
                max_runs=1,
                time_box=0,
                warmup=0,
            ).queries

    q25, q100 = page_queries(25), page_queries(100)
    constant = q100 == q25
    growth = "" if constant else f"; queries grow with page size: {q25} at 25 rows, {q100} at 100"
    rows = [
        ctx.measure(
            "case list: filter + search, page 1",
            lambda: get_ok(client, url, search),
            target=0.100,
            extra_pass=constant,
            note=f"{matches:,} matches of {SEARCH_TERM} among boys{growth}",
        ),
        ctx.measure(
            "case list: filter + search, last page",
            lambda: get_ok(client, url, {**search, "page": last_page}),
            target=0.100,
            extra_pass=constant,
            note=f"page {last_page} of {matches:,} matches",
        ),
        ctx.measure(
            "case list: filter only, last page",
            lambda: get_ok(client, url, {"status": "closed", "page": closed_last}),
            target=0.100,
            note=f"page {closed_last} of {closed:,} closed cases",
        ),
    ]
    for row in rows[:2]:
        row.ratios["queries_100_vs_25_rows"] = q100 / q25 if q25 else None
    return rows


# The commonest names, each typed with one sound-alike letter (ح→ه, ز→ظ, ح→ه, ع→ا), and one in
# Latin letters: the phonetic match of issue 15 (docs/adr/0015) is what finds them.
SOUND_ALIKE_TERMS = ["مهمد", "ظهرا", "هسین رزایی", "الی", "Mohammad"]
P95_OVER_MEDIAN_TARGET = 1.5  # p95 under 150 ms where the median's target is 100 ms


@scenario("case search by sound")
def case_search_by_sound(ctx):
    """Case list of the large organisation's busiest caseworker searched with the commonest
    names misspelled by one sound-alike letter, or in Latin letters (one term per call, in turn):
    page 1, all matches ranked (exact written names, then the same key, then similarity)."""
    user_pk = ctx.fixtures["big_org_caseworker_id"]
    client = ctx.client(user_pk)
    user = ctx.user(user_pk)
    url = reverse("children:case_list")
    matches = {
        term: search_cases(cases_visible_to(user), term).count() for term in SOUND_ALIKE_TERMS
    }
    turn = iter(range(10**9))

    def search():
        get_ok(client, url, {"q": SOUND_ALIKE_TERMS[next(turn) % len(SOUND_ALIKE_TERMS)]})

    row = ctx.measure(
        "case list: search by sound, page 1",
        search,
        target=0.100,
        note="; ".join(f"{term}: {count:,}" for term, count in matches.items())
        + f"; p95 target {P95_OVER_MEDIAN_TARGET:g}x the median's",
    )
    if row.target_s is not None:
        row.passed = bool(row.passed) and row.p95_s <= P95_OVER_MEDIAN_TARGET * row.target_s
    return [row]


@scenario("case page")
def case_page(ctx):
    """The case page (identity, sections, timeline of 150+ lines, follow-ups, referrals, plan) of
    an open case of the large organisation, as its caseworker; the read is audited."""
    case_pk = ctx.fixtures["showcase_case_id"]
    case = Case.objects.get(pk=case_pk)
    client = ctx.client(case.assigned_to_id)
    url = reverse("children:case_detail", args=[case_pk])
    timeline = case.timeline.count()
    return [
        ctx.measure(
            "case page with timeline",
            lambda: get_ok(client, url),
            target=0.100,
            note=f"{timeline} timeline lines (50 shown), {case.follow_ups.count()} follow-ups",
        )
    ]


def _probe_data(case, rng):
    """What a caseworker registering the same child again would type: other spellings."""
    return {
        "given_name": names.variant(case.given_name, rng),
        "family_name": names.variant(case.family_name, rng)
        if rng.random() < 0.5
        else case.family_name,
        "father_name": case.father_name,
        "sex": case.sex,
        "birth_date": case.birth_date,
        "estimated_age": None if case.birth_date else case.age(),
        "id_number": "",
        "province": case.province_id,
    }


@scenario("duplicate check")
def duplicate_check(ctx):
    """`likely_duplicates` for 20 children typed again with other spellings (one per call, in
    turn), and for the most common name of the caseload (the worst case for trigram search), with
    and without a father's name."""
    rng = random.Random(7)
    cases = list(Case.objects.filter(pk__in=ctx.fixtures["duplicate_probe_case_ids"]))
    probes = [_probe_data(case, rng) for case in cases]
    common = {
        "given_name": "محمد",
        "family_name": "محمدی",
        "father_name": "علی",
        "sex": "male",
        "birth_date": None,
        "estimated_age": 12,
        "id_number": "",
        "province": ctx.fixtures["big_org_province_id"],
    }
    unknown_father = {**common, "father_name": ""}
    # The same child typed by ear: every name with one sound-alike letter (ح→ه, ع→ا).
    by_ear = {**common, "given_name": "مهمد", "family_name": "مهمدی", "father_name": "الی"}
    turn = iter(range(10**9))
    found = []

    def typical():
        result = likely_duplicates(probes[next(turn) % len(probes)])
        found.append(len(result))
        return None

    rows = [
        ctx.measure(
            "duplicate check: a child typed again",
            typical,
            target=0.200,
            note=f"{len(probes)} probes in turn",
        ),
        ctx.measure(
            "duplicate check: most common name",
            lambda: likely_duplicates(common) and None,
            target=0.200,
            note="محمد محمدی, son of علی",
        ),
        ctx.measure(
            "duplicate check: most common name, father unknown",
            lambda: likely_duplicates(unknown_father) and None,
            target=0.200,
            note="محمد محمدی, no father's name: only close names can be likely",
        ),
        ctx.measure(
            "duplicate check: most common name, typed by ear",
            lambda: likely_duplicates(by_ear) and None,
            target=0.200,
            note="مهمد مهمدی, son of الی: found by the phonetic key of محمد محمدی, son of علی",
        ),
    ]
    if found:
        rows[0].ratios["likely_matches_per_probe"] = sum(found) / len(found)
    return rows
