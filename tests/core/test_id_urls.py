"""Row addresses built from one reverse() are the addresses {% url %} gives (core/id_urls.py)."""

import pytest
from django.urls import reverse, set_script_prefix

from core.id_urls import id_url


@pytest.fixture
def script_prefix():
    yield
    set_script_prefix("/")


@pytest.mark.parametrize("prefix", ["/", "/koodak/"])
def test_one_and_two_ids_give_what_reverse_gives(script_prefix, prefix):
    set_script_prefix(prefix)
    case, outcome = id_url("children:case_detail"), id_url("children:followup_outcome", 2)

    for pk in (1, 7, 987654321000, 12345):
        assert case(pk) == reverse("children:case_detail", args=[pk])
    assert outcome(3, 40) == reverse("children:followup_outcome", args=[3, 40])


def test_wrong_number_of_ids_is_refused():
    with pytest.raises(TypeError):
        id_url("children:followup_outcome", 2)(3)
