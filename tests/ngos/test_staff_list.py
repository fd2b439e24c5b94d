from django.urls import reverse


def test_manager_sees_own_staff(client_as, mgr_a, cw_a, cw_b):
    html = (
        client_as(mgr_a)
        .get(reverse("ngos:staff_list", args=[mgr_a.membership.organisation_id]))
        .content.decode()
    )
    assert "cw_a" in html and "cw_b" not in html


def test_outsider_manager_gets_404(client_as, mgr_b, org_a):
    assert client_as(mgr_b).get(reverse("ngos:staff_list", args=[org_a.pk])).status_code == 404


def test_caseworker_without_the_permission_gets_403(client_as, cw_a, org_a):
    assert client_as(cw_a).get(reverse("ngos:staff_list", args=[org_a.pk])).status_code == 403


def test_administrator_sees_any_organisations_staff(client_as, adm, cw_b, org_b):
    html = client_as(adm).get(reverse("ngos:staff_list", args=[org_b.pk])).content.decode()
    assert "cw_b" in html
