"""The second factor (AU-03) and no back door through Django admin (AC-10)."""

import time
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from core import second_factor
from core.models import AuditEvent
from core.permissions import Perm, Role, has_permission
from ngos.models import Membership, Organisation
from tests.factories import TEST_PASSWORD
from tests.second_factor import code_for_key, current_code, give_device

VERIFY = reverse("second_factor_verify")
ENROL = reverse("second_factor_enrol")


def signed_in_without_code(user):
    client = Client()
    client.force_login(user)
    return client


def actions(*names):
    return list(AuditEvent.objects.filter(action__in=names).values_list("action", flat=True))


@pytest.mark.parametrize("who", ["mgr_a", "min_officer", "adm"])
def test_each_role_that_needs_it_is_sent_to_the_code_page_before_any_data_page(request, who):
    user = request.getfixturevalue(who)
    give_device(user)
    client = signed_in_without_code(user)
    for page in ("/", reverse("children:case_list"), reverse("reports:national_dashboard")):
        response = client.get(page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(VERIFY), page
        assert unquote(response["Location"]).endswith("next=" + page)


def test_the_api_answers_an_unconfirmed_session_with_403_not_a_sign_in_page(mgr_a):
    give_device(mgr_a)
    client = signed_in_without_code(mgr_a)
    response = client.get("/api/v1/cases/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


@pytest.mark.parametrize("who", ["mgr_a", "min_officer", "adm"])
def test_a_user_whose_role_needs_it_and_who_has_none_is_sent_to_set_it_up(request, who):
    client = signed_in_without_code(request.getfixturevalue(who))
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL)


def test_the_roles_that_need_it_are_data_in_the_permissions():
    needing = {key for key, role in Role.DEFINITIONS.items() if role.second_factor}
    assert needing == {Role.ORG_MANAGER, Role.MINISTRY_OFFICER, Role.ADMINISTRATOR}


def test_a_caseworker_is_asked_only_after_choosing_to_set_it_up(cw_a):
    client = signed_in_without_code(cw_a)
    assert client.get("/").status_code == 200
    give_device(cw_a)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)


def test_a_caseworker_sets_it_up_from_the_second_factor_page_and_is_asked_from_then_on(cw_a):
    client = signed_in_without_code(cw_a)
    page = client.get(reverse("second_factor")).content.decode()
    assert ENROL in page
    client.get(ENROL)
    key = client.session[second_factor.PENDING_KEY]
    assert client.post(ENROL, {"code": code_for_key(key)}).status_code == 302
    assert client.get("/").status_code == 200  # verified in this session
    later = signed_in_without_code(cw_a)
    assert later.get("/")["Location"].startswith(VERIFY)


def test_new_recovery_codes_replace_the_old_ones_and_are_audited(client_as, mgr_a):
    old = second_factor.make_recovery_codes(mgr_a)
    client = client_as(mgr_a)
    response = client.post(reverse("second_factor"))
    assert response["Location"] == reverse("second_factor_codes")
    new = set(StaticToken.objects.filter(device__user=mgr_a).values_list("token", flat=True))
    assert len(new) == second_factor.RECOVERY_CODES and not new & set(old)
    event = AuditEvent.objects.get(action="second_factor_enrolled")
    assert event.detail == {"recovery_codes": second_factor.RECOVERY_CODES, "replaced": True}


def test_before_the_code_only_sign_out_the_language_switch_and_the_factor_pages_answer(mgr_a):
    give_device(mgr_a)
    client = signed_in_without_code(mgr_a)
    assert client.get(VERIFY).status_code == 200
    assert client.post(reverse("switch_language"), {"language": "en"}).status_code == 302
    for name in ("second_factor", "second_factor_codes", "password_change", "home"):
        response = client.get(reverse(name))
        assert response["Location"].startswith(VERIFY), name
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get("/")["Location"].startswith(reverse("login"))


def test_enrolment_shows_a_qr_code_and_key_confirms_a_first_code_and_shows_recovery_codes_once(
    mgr_a,
):
    client = signed_in_without_code(mgr_a)
    page = client.get(ENROL + "?next=/cases/")
    body = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in body and 'data-testid="key-text"' in body
    assert not TOTPDevice.objects.filter(user=mgr_a).exists()  # opening the page writes nothing
    key = client.session[second_factor.PENDING_KEY]
    assert second_factor.key_as_text(key).replace(" ", "") in body.replace(" ", "")

    wrong = client.post(ENROL, {"code": "000000", "next": "/cases/"})
    assert wrong.status_code == 200
    assert actions("second_factor_failed") == ["second_factor_failed"]

    first = code_for_key(key)
    done = client.post(ENROL, {"code": first, "next": "/cases/"})
    assert done.status_code == 302
    assert done["Location"].startswith(reverse("second_factor_codes"))
    codes_page = client.get(done["Location"])
    shown = list(StaticToken.objects.filter(device__user=mgr_a).values_list("token", flat=True))
    assert len(shown) == second_factor.RECOVERY_CODES
    assert all(code in codes_page.content.decode() for code in shown)
    assert actions("second_factor_enrolled") == ["second_factor_enrolled"]
    # Shown once: opening the page again shows no codes.
    again = client.get(reverse("second_factor_codes"))
    assert again.status_code == 302
    # Verified in this session: the data pages open.
    assert client.get("/cases/").status_code == 200
    # The first code cannot be used again to sign in.
    other = signed_in_without_code(mgr_a)
    assert other.post(VERIFY, {"code": first}).status_code == 200
    assert other.get("/").status_code == 302


def test_a_code_works_once_and_a_replay_within_its_time_step_is_refused(mgr_a):
    give_device(mgr_a)
    code = current_code(mgr_a)
    first = signed_in_without_code(mgr_a)
    response = first.post(VERIFY, {"code": code, "next": "/cases/"})
    assert response.status_code == 302 and response["Location"] == "/cases/"
    assert first.get("/cases/").status_code == 200

    second = signed_in_without_code(mgr_a)
    replay = second.post(VERIFY, {"code": code})
    assert replay.status_code == 200
    assert "already used" in replay.content.decode() or "استفاده" in replay.content.decode()
    assert second.get("/").status_code == 302
    assert actions("second_factor_failed") == ["second_factor_failed"]


def test_persian_digits_are_accepted_in_a_code(mgr_a):
    give_device(mgr_a)
    persian = current_code(mgr_a).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    client = signed_in_without_code(mgr_a)
    assert client.post(VERIFY, {"code": persian}).status_code == 302
    assert client.get("/").status_code == 200


def test_a_recovery_code_works_once_and_its_use_is_audited(mgr_a):
    give_device(mgr_a)
    code = second_factor.make_recovery_codes(mgr_a)[0]
    client = signed_in_without_code(mgr_a)
    assert client.post(VERIFY, {"code": code.upper()}).status_code == 302
    assert client.get("/").status_code == 200
    used = AuditEvent.objects.get(action="recovery_code_used")
    assert used.actor == mgr_a and used.detail == {"left": second_factor.RECOVERY_CODES - 1}

    again = signed_in_without_code(mgr_a)
    assert again.post(VERIFY, {"code": code}).status_code == 200
    assert again.get("/").status_code == 302


def test_wrong_codes_are_audited_and_slow_the_next_try_down(mgr_a):
    give_device(mgr_a)
    client = signed_in_without_code(mgr_a)
    assert client.post(VERIFY, {"code": "123456"}).status_code == 200
    # Straight after a wrong code even the right one waits: django-otp's throttling.
    response = client.post(VERIFY, {"code": current_code(mgr_a)})
    assert response.status_code == 200
    assert client.get("/").status_code == 302
    device = TOTPDevice.objects.get(user=mgr_a)
    assert device.throttling_failure_count == 1
    failures = AuditEvent.objects.filter(action="second_factor_failed")
    assert failures.count() == 2
    assert {e.detail.get("reason") for e in failures} == {None, "throttled"}
    assert all(e.actor == mgr_a for e in failures)


def test_another_administrator_resets_a_lost_device_and_it_is_audited(client_as, adm, mgr_a):
    give_device(mgr_a)
    second_factor.make_recovery_codes(mgr_a)
    page = client_as(adm).get(reverse("second_factor_reset", args=[mgr_a.pk]))
    assert page.status_code == 200
    response = client_as(adm).post(reverse("second_factor_reset", args=[mgr_a.pk]))
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=mgr_a).exists()
    assert not StaticToken.objects.filter(device__user=mgr_a).exists()
    event = AuditEvent.objects.get(action="second_factor_reset")
    assert event.actor == adm and event.object_id == str(mgr_a.pk)
    assert event.detail == {"had_device": True}
    # The user sets it up again at the next page they open.
    assert signed_in_without_code(mgr_a).get("/")["Location"].startswith(ENROL)


def test_nobody_resets_their_own_second_factor(client_as, adm):
    client = client_as(adm)
    response = client.post(reverse("second_factor_reset", args=[adm.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=adm).exists()
    assert not AuditEvent.objects.filter(action="second_factor_reset").exists()


def test_only_administrators_reset_a_second_factor(client_as, mgr_a, cw_a):
    give_device(cw_a)
    response = client_as(mgr_a).post(reverse("second_factor_reset", args=[cw_a.pk]))
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=cw_a).exists()


def test_the_reset_link_is_on_the_staff_page_for_administrators(client_as, adm, org_a, mgr_a):
    page = client_as(adm).get(reverse("ngos:staff_edit", args=[org_a.pk, mgr_a.membership.pk]))
    assert reverse("second_factor_reset", args=[mgr_a.pk]) in page.content.decode()


# --- AC-10: Django admin --------------------------------------------------------------------


def test_django_admin_needs_the_second_factor(adm):
    give_device(adm)
    client = signed_in_without_code(adm)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY)
    # Signing in on admin's own page with the password alone does not open it either.
    anonymous = Client()
    anonymous.post(
        reverse("admin:login"), {"username": "adm", "password": TEST_PASSWORD, "next": "/admin/"}
    )
    assert anonymous.get("/admin/ngos/membership/").status_code == 302


def test_finding_3_an_administrator_cannot_make_himself_a_manager_in_django_admin(
    client_as, adm, org_a, ministry
):
    """Finding 3 as it happened: the administrator posts a change of his own membership in Django
    admin, to manager of an NGO. It is refused; his role and case access stay as they were."""
    client = client_as(adm)  # past the second factor: the admin pages open
    assert client.get("/admin/").status_code == 200
    membership = adm.membership
    change = reverse("admin:ngos_membership_change", args=[membership.pk])
    assert client.get(change).status_code == 200  # visible, read-only
    response = client.post(
        change,
        {
            "user": adm.pk,
            "organisation": org_a.pk,
            "role": Role.ORG_MANAGER,
            "title": "",
            "province": "",
        },
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert (membership.organisation_id, membership.role) == (ministry.pk, Role.ADMINISTRATOR)
    adm.refresh_from_db()
    assert not has_permission(adm, Perm.CASE_VIEW, organisation=org_a)
    assert client.get(reverse("children:case_list")).status_code == 403
    # Nor a second membership, nor deleting his own to start again.
    add = client.post(
        reverse("admin:ngos_membership_add"),
        {"user": adm.pk, "organisation": org_a.pk, "role": Role.ORG_MANAGER},
    )
    assert add.status_code == 403
    delete = client.post(
        reverse("admin:ngos_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert Membership.objects.filter(user=adm, role=Role.ADMINISTRATOR).exists()


def test_organisations_and_accounts_cannot_be_changed_in_django_admin(client_as, adm, org_a, cw_a):
    client = client_as(adm)
    response = client.post(
        reverse("admin:ngos_organisation_change", args=[org_a.pk]),
        {"name_fa": "تغییر", "name_en": "Changed", "code": "NGOA"},
    )
    assert response.status_code == 403
    assert Organisation.objects.get(pk=org_a.pk).name_en == "NGO A"
    # Nor an account's staff flags (a way to a second administrator without an audit row).
    user_change = client.post(
        reverse("admin:core_user_change", args=[cw_a.pk]),
        {"username": "cw_a", "is_staff": "on", "is_superuser": "on"},
    )
    assert user_change.status_code == 403
    cw_a.refresh_from_db()
    assert not cw_a.is_staff and not cw_a.is_superuser


def test_second_factor_keys_are_not_shown_in_django_admin(client_as, adm):
    client = client_as(adm)
    assert client.get("/admin/otp_totp/totpdevice/").status_code == 404
    assert client.get("/admin/otp_static/staticdevice/").status_code == 404


# --- The demo -------------------------------------------------------------------------------


def test_demo_code_prints_the_current_code_only_for_a_demo_person_with_the_demo_setting(
    settings, capsys
):
    from demo.people import DEMO_TOTP_KEY

    settings.DEMO_SECOND_FACTOR = True
    call_command("demo_code", "manager.a")
    now = int(time.time()) // 30
    printed = capsys.readouterr().out.strip()
    assert printed in {code_for_key(DEMO_TOTP_KEY, step) for step in (now - 1, now)}

    settings.DEMO_SECOND_FACTOR = False
    with pytest.raises(CommandError, match="demo"):
        call_command("demo_code", "manager.a")
    settings.DEMO_SECOND_FACTOR = True
    for not_demo in ("someone", "caseworker.a"):
        with pytest.raises(CommandError, match="demo"):
            call_command("demo_code", not_demo)


@pytest.mark.django_db
def test_the_demo_people_who_need_it_have_the_demo_key():
    from demo.people import DEMO_TOTP_KEY, seed_people
    from tests.conftest import load_reference_rows

    load_reference_rows()
    seed_people()
    keys = dict(TOTPDevice.objects.values_list("user__username", "key"))
    assert keys["manager.a"] == keys["ministry"] == keys["admin"] == DEMO_TOTP_KEY
    assert "caseworker.a" not in keys
