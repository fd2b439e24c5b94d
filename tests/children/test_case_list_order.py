"""Cases that share their creation time, as an import's do, each show once across the pages of
the case list and of a search: the id breaks the tie (children/models/cases.py)."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from children.models import Case
from children.views import cases as case_views

FAMILIES = ["حسینی", "کریمی", "احمدی", "رضایی", "نادری", "صالحی", "مرادی"]


@pytest.fixture
def imported_at_once(register, cw_a):
    """Seven children named محمد and seven named علی, all with one creation time."""
    made = [
        register(cw_a, given_name=name, family_name=f) for f in FAMILIES for name in ("محمد", "علی")
    ]
    Case.objects.filter(pk__in=[case.pk for case in made]).update(
        created_at=timezone.now() - datetime.timedelta(days=3)
    )
    return made


def _pages(client, params, page_size=3):
    shown = []
    with mock.patch.object(case_views, "PAGE_SIZE", page_size):
        for number in range(1, 8):
            response = client.get(reverse("children:case_list"), {**params, "page": number})
            assert response.status_code == 200
            page = response.context["page"]
            if page.number != number:
                break
            shown += [case.pk for case in page.object_list]
    return shown


@pytest.mark.parametrize("params", [{}, {"q": "محمد"}, {"q": "علی حسینی"}])
def test_each_case_of_one_creation_time_shows_once_across_the_pages(
    client_as, cw_a, imported_at_once, params
):
    shown = _pages(client_as(cw_a), params)

    assert len(shown) == len(set(shown))
    if not params:
        assert shown == sorted((case.pk for case in imported_at_once), reverse=True)
    else:
        assert shown  # the search finds them, each once
