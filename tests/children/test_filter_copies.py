"""The FilterSets copy their filters one by one, not deeply (children/filters.py, issue 21): each
FilterSet still has filters of its own, whose methods are its own, whose querysets no other
request read; and the referral lists' service select, drawn from rows, is the select Django
drew from the services (chosen by code, in the page's language)."""

import re

from django.http import QueryDict
from django.urls import reverse
from django.utils import translation

from children.filters import CaseFilter, EncounterFilter
from children.models import Case, Encounter, Referral
from children.selectors.referrals import ReferralFilter
from ngos.models import Service
from ngos.reference import ensure_services


def test_each_filterset_has_filters_of_its_own(db):
    first = CaseFilter(QueryDict("q=x"), queryset=Case.objects.all())
    second = CaseFilter(QueryDict("q=y"), queryset=Case.objects.none())
    for name, filter_ in first.filters.items():
        other = second.filters[name]
        assert filter_ is not other and filter_.extra is not other.extra
        assert filter_.parent is first and other.parent is second
        assert filter_.model is Case
        base = CaseFilter.base_filters[name]
        assert filter_ is not base and filter_.extra is not base.extra
    # A method filter calls its own FilterSet's method, not another's nor the class's.
    assert first.filters["q"].filter.method.__self__ is first
    assert second.filters["q"].filter.method.__self__ is second
    province = first.filters["province"]
    assert province.queryset is not CaseFilter.base_filters["province"].queryset
    assert province.queryset._result_cache is None


def test_a_filterset_filters_as_before(cw_a, log_encounter):
    log_encounter(cw_a, activity="emergency")
    log_encounter(cw_a, district="۷")
    queryset = Encounter.objects.all()
    for data, expected in (("", 2), ("activity=emergency", 1), ("district=7", 1)):
        filterset = EncounterFilter(QueryDict(data), queryset=queryset)
        assert filterset.qs.count() == expected
    assert not EncounterFilter(QueryDict("province=x"), queryset=queryset).is_valid()


def _service_select(client, language, **params):
    client.cookies["django_language"] = language
    response = client.get(reverse("children:referral_inbox"), params)
    assert response.status_code == 200
    match = re.search(r'<select name="service".*?</select>', response.content.decode(), re.S)
    assert match
    return match.group(0)


def test_the_service_select_is_the_services_by_code(client_as, mgr_b):
    ensure_services()
    client = client_as(mgr_b)
    for language in ("fa", "en"):
        select = _service_select(client, language)
        with translation.override(language):
            expected = [(service.code, str(service)) for service in Service.objects.all()]
        options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)
        assert options == [("", "---------"), *expected]
    chosen = _service_select(client, "fa", service="health")
    assert re.findall(r'<option value="([^"]*)" selected>', chosen) == ["health"]


def test_a_service_is_chosen_by_code_and_an_unknown_one_refused(db):
    services = ensure_services()
    queryset = Referral.objects.all()
    chosen = ReferralFilter(QueryDict("service=health"), queryset=queryset)
    assert chosen.is_valid()
    assert chosen.form.cleaned_data["service"] == services["health"]
    assert not ReferralFilter(QueryDict("service=nope"), queryset=queryset).is_valid()


def test_a_service_renamed_shows_at_once(client_as, mgr_b):
    client = client_as(mgr_b)
    health = ensure_services()["health"]
    assert "Medical care" not in _service_select(client, "en")
    health.name_en = "Medical care"
    health.save(update_fields=["name_en"])
    assert '<option value="health">Medical care</option>' in _service_select(client, "en")
