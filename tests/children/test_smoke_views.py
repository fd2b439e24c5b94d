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
