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


def test_hotspot_summary_defaults_to_the_last_90_days(client_as, cw_a):
    import datetime

    from django.utils import timezone

    from children import services
    from tests.factories import province

    def log(days_ago, hotspot):
        services.encounter_log(
            by=cw_a,
            organisation=cw_a.membership.organisation,
            data={
                "occurred_at": timezone.now() - datetime.timedelta(days=days_ago),
                "province": province("tehran"),
                "city": "تهران",
                "district": "",
                "hotspot": hotspot,
                "activity": "regular_visit",
                "observations": "",
                "follow_up_needed": False,
            },
        )

    log(10, "میدان انقلاب")
    log(200, "پل گیشا")
    client = client_as(cw_a)
    recent = {row["hotspot"] for row in client.get(reverse("children:hotspots")).context["rows"]}
    assert recent == {"میدان انقلاب"}
    everything = client.get(reverse("children:hotspots"), {"date_from": "1400/01/01"}).context[
        "rows"
    ]
    assert {row["hotspot"] for row in everything} == {"میدان انقلاب", "پل گیشا"}
