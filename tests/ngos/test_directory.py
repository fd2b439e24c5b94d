"""The service directory: filters, Persian-normalised name search, referral choices, pages."""

import pytest
from django.urls import reverse

from core.persian import ZWNJ
from ngos.selectors import organisation_list, organisations_for_referral
from ngos.services import organisation_suspend
from tests.factories import OrganisationFactory, ServiceOfferingFactory, province, service


def names(queryset):
    return {organisation.code for organisation in queryset}


def test_filter_by_province_and_service_finds_only_matching_organisations(cw_a, sb_ngos):
    sb = province("sistan-baluchestan")
    found = organisation_list(user=cw_a, filters={"province": sb.pk, "service": "education"})
    assert names(found) == {"ZAH", "CHB", "ZAB"}


def test_verified_filter_leaves_out_unverified_and_suspended(min_officer, sb_ngos):
    organisation_suspend(by=min_officer, organisation=sb_ngos["chabahar"], reason="بازرسی")
    sb = province("sistan-baluchestan")
    found = organisation_list(
        user=min_officer,
        filters={"province": sb.pk, "service": "education", "verification": "verified"},
    )
    assert names(found) == {"ZAH"}
    suspended = organisation_list(user=min_officer, filters={"verification": "suspended"})
    assert names(suspended) == {"CHB"}
    unverified = organisation_list(
        user=min_officer, filters={"verification": "unverified", "province": sb.pk}
    )
    assert names(unverified) == {"ZAB"}


def test_provinces_of_operation_count_as_well_as_the_head_office(cw_a, org_a):
    org_a.provinces.set([province("sistan-baluchestan")])
    found = organisation_list(user=cw_a, filters={"province": province("sistan-baluchestan").pk})
    assert org_a in found


def test_filter_by_city_ignores_spelling_variants(cw_a, org_a, sb_ngos):
    org_a.cities = ["تهران", "کرج"]
    org_a.save()
    assert names(organisation_list(user=cw_a, filters={"city": "  زاهدان "})) == {"ZAH"}
    assert names(organisation_list(user=cw_a, filters={"city": "كرج"})) == {"NGOA"}  # Arabic kaf


def test_filter_by_focus_kind_and_language(cw_a, org_a, org_b, ministry):
    org_a.focus = ["migrants", "girls"]
    org_a.languages = ["persian", "dari"]
    org_a.save()
    assert names(organisation_list(user=cw_a, filters={"focus": "migrants"})) == {"NGOA"}
    assert names(organisation_list(user=cw_a, filters={"language": "dari"})) == {"NGOA"}
    assert names(organisation_list(user=cw_a, filters={"kind": "ministry"})) == {"MOI"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    [
        "علي",  # Arabic yeh
        "علی",
        "كودكان علی",  # Arabic kaf, words in another order
        "مردم نهاد",  # space where the name has a ZWNJ
        "مردمنهاد",  # no space at all
        f"مردم{ZWNJ}نهاد",
        "Ali children",  # the English name, any case
    ],
)
def test_persian_name_search_finds_every_way_of_typing_the_name(typed, client_as):
    from core.permissions import Role
    from tests.factories import member

    target = OrganisationFactory(
        code="ALI", name_fa=f"سازمان مردم{ZWNJ}نهاد کودکان علی", name_en="Ali Children's Trust"
    )
    other = OrganisationFactory(code="OTH", name_fa="انجمن دیگر", name_en="Another")
    user = member("searcher", other, Role.CASEWORKER)
    found = organisation_list(user=user, filters={"q": typed})
    assert names(found) == {target.code}


def test_search_by_registration_number_accepts_persian_digits(cw_a, org_b):
    org_b.registration_number = "1394-2207"
    org_b.save()
    assert names(organisation_list(user=cw_a, filters={"q": "۱۳۹۴-۲۲۰۷"})) == {"NGOB"}


def test_verified_organisations_come_first(cw_a, sb_ngos):
    codes = [o.code for o in organisation_list(user=cw_a, filters={"service": "education"})]
    assert codes.index("ZAB") == len(codes) - 1  # the only unverified one comes last


def test_referral_choices_offer_the_service_in_the_province_verified_first(cw_a, sb_ngos):
    choices = list(
        organisations_for_referral(
            user=cw_a, service="education", province=province("sistan-baluchestan")
        )
    )
    assert [o.code for o in choices][-1] == "ZAB"
    assert {o.code for o in choices} == {"ZAH", "CHB", "ZAB"}


def test_referral_choices_never_include_a_suspended_organisation(cw_a, min_officer, sb_ngos):
    organisation_suspend(by=min_officer, organisation=sb_ngos["zahedan"], reason="بازرسی")
    choices = organisations_for_referral(user=cw_a, service=service("education"))
    assert "ZAH" not in names(choices)
    assert "CHB" in names(choices)


def test_referral_choices_leave_out_the_users_own_organisation(cw_a, org_a):
    ServiceOfferingFactory(organisation=org_a, service=service("health"))
    assert org_a not in organisations_for_referral(user=cw_a, service="health")


@pytest.mark.django_db
def test_a_user_without_an_organisation_sees_an_empty_directory(django_user_model):
    loner = django_user_model.objects.create_user("loner", password="x" * 12)
    OrganisationFactory()
    assert not organisation_list(user=loner).exists()


@pytest.mark.parametrize("who", ["cw_a", "mgr_a", "min_officer", "adm"])
def test_every_role_can_open_the_directory_and_a_profile(who, request, client_as, sb_ngos):
    client = client_as(request.getfixturevalue(who))
    response = client.get(reverse("ngos:directory"), {"q": "زاهدان"})
    assert response.status_code == 200
    assert "انجمن کودکان زاهدان" in response.content.decode()
    detail = client.get(reverse("ngos:detail", args=[sb_ngos["zahedan"].pk]))
    assert detail.status_code == 200


@pytest.mark.django_db
def test_the_directory_needs_sign_in(client):
    response = client.get(reverse("ngos:directory"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_directory_page_lists_results_and_counts_them(client_as, min_officer, sb_ngos):
    sb = province("sistan-baluchestan")
    html = (
        client_as(min_officer)
        .get(
            reverse("ngos:directory"),
            {"province": sb.pk, "service": "education", "verification": "verified"},
        )
        .content.decode()
    )
    assert "انجمن کودکان زاهدان" in html and "جمعیت امداد چابهار" in html
    assert "انجمن مهر زابل" not in html and "خانه کودک تهران" not in html


def test_a_bad_filter_value_shows_the_page_with_no_results(client_as, cw_a, sb_ngos):
    response = client_as(cw_a).get(reverse("ngos:directory"), {"service": "no-such-service"})
    assert response.status_code == 200
    assert 'data-testid="directory-result"' not in response.content.decode()


def test_missing_organisation_is_a_404(client_as, cw_a):
    assert client_as(cw_a).get(reverse("ngos:detail", args=[987654])).status_code == 404


@pytest.mark.parametrize(
    "name", ["ngos:directory", "ngos:coverage", "ngos:detail", "ngos:history", "ngos:staff_list"]
)
def test_pages_render_in_english_too(name, client_as, adm, sb_ngos):
    client = client_as(adm)
    client.cookies["django_language"] = "en"
    args = [] if name in ("ngos:directory", "ngos:coverage") else [sb_ngos["zahedan"].pk]
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert '<html lang="en" dir="ltr">' in response.content.decode()
