from django.urls import reverse


def test_case_pages_render_for_the_owner(client_as, cw_a, case_a):
    client = client_as(cw_a)
    for url in [
        reverse("children:case_list"),
        reverse("children:case_list") + "?q=علي",
        reverse("children:case_register"),
        reverse("children:case_detail", args=[case_a.pk]),
        reverse("children:case_duplicates", args=[case_a.pk]),
        reverse("children:encounter_list"),
        reverse("children:encounter_create"),
        reverse("children:hotspots"),
    ] + [
        reverse("children:case_edit_section", args=[case_a.pk, s])
        for s in ["identity", "household", "work", "schooling", "health"]
    ]:
        response = client.get(url)
        assert response.status_code == 200, url


def test_manager_reassigns_a_case_and_caseworker_cannot(client_as, mgr_a, cw_a, case_a, org_a):
    from tests.factories import member

    colleague = member("colleague_a", org_a, "caseworker")
    url = reverse("children:case_reassign", args=[case_a.pk])
    assert client_as(cw_a).post(url, {"assigned_to": colleague.pk}).status_code == 403
    assert client_as(mgr_a).post(url, {"assigned_to": colleague.pk}).status_code == 302
    case_a.refresh_from_db()
    assert case_a.assigned_to == colleague


def test_manager_cannot_reassign_to_another_organisations_worker(client_as, mgr_a, cw_b, case_a):
    client_as(mgr_a).post(
        reverse("children:case_reassign", args=[case_a.pk]), {"assigned_to": cw_b.pk}
    )
    case_a.refresh_from_db()
    assert case_a.assigned_to != cw_b
