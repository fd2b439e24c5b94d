"""The lists' counts without filters come from queries compiled once per process (issue 21):
still only the organisation's rows, and a row added shows in the next request's count."""

from django.urls import reverse

from children.selectors.referrals import referral_inbox


def _count(client, name, **params):
    response = client.get(reverse(name), params)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def test_the_case_list_counts_its_organisations_cases_at_once(
    client_as, mgr_a, cw_a, cw_b, register
):
    client = client_as(mgr_a)
    register(cw_b, given_name="زهرا")  # another organisation's: never counted
    assert _count(client, "children:case_list") == 0
    register(cw_a)
    register(cw_a, given_name="رضا")
    assert _count(client, "children:case_list") == 2
    assert _count(client, "children:case_list", page="2") == 2
    assert _count(client, "children:case_list", status="closed") == 0
    register(cw_a, given_name="مهدی")
    assert _count(client, "children:case_list") == 3


def test_the_encounter_list_counts_its_organisations_encounters_at_once(
    client_as, cw_a, cw_b, log_encounter
):
    client = client_as(cw_a)
    log_encounter(cw_b)
    log_encounter(cw_a)
    assert _count(client, "children:encounter_list") == 1
    log_encounter(cw_a, activity="emergency")
    assert _count(client, "children:encounter_list") == 2
    assert _count(client, "children:encounter_list", activity="emergency") == 1


def test_the_referral_inbox_counts_as_its_rows(client_as, mgr_a):
    client = client_as(mgr_a)
    expected = referral_inbox(user=mgr_a).qs.count()
    assert _count(client, "children:referral_inbox") == expected
    assert _count(client, "children:referral_inbox", state="sent") == expected


def test_each_organisation_gets_its_own_colleagues_from_the_shared_form_class(
    client_as, mgr_a, cw_a, mgr_b, cw_b
):
    """The filter forms' class is made once (children/filters.py RowFilterSet); each form is
    given its own request's colleagues."""
    for name in ("children:case_list", "children:encounter_list"):
        for _ in range(2):
            for user, own, other in ((mgr_a, cw_a, cw_b), (mgr_b, cw_b, cw_a)):
                html = client_as(user).get(reverse(name)).content.decode()
                assert f'<option value="{own.pk}"' in html
                assert f'<option value="{other.pk}"' not in html
