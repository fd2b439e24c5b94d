"""The lists' filter selects: their options are written once per list of options and process
(core/quickchoices.py), yet every request shows its own selection, today's colleagues and its
own language (issue 21)."""

import re

from django.urls import reverse

from core.permissions import Role
from tests.factories import member, province


def _select(client, url, name, language="fa", **params):
    client.cookies["django_language"] = language
    response = client.get(url, params)
    assert response.status_code == 200
    html = response.content.decode()
    match = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert match, name
    return match.group(0)


def _selected(select):
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_each_request_marks_only_its_own_colleague(client_as, cw_a, cw_a2):
    client = client_as(cw_a)
    url = reverse("children:encounter_list")

    first = _select(client, url, "caseworker", caseworker=cw_a2.pk)
    second = _select(client, url, "caseworker", caseworker=cw_a.pk)
    none = _select(client, url, "caseworker")
    again = _select(client, url, "caseworker", caseworker=cw_a2.pk)

    assert _selected(first) == [str(cw_a2.pk)]
    assert _selected(second) == [str(cw_a.pk)]
    assert _selected(none) == [""]
    assert again == first


def test_each_request_marks_only_its_own_filters_on_the_case_list(client_as, mgr_a, cw_a):
    client = client_as(mgr_a)
    url = reverse("children:case_list")
    khorasan = province("razavi-khorasan")

    chosen = _select(client, url, "assigned_to", assigned_to=cw_a.pk, province=khorasan.pk)
    assert _selected(chosen) == [str(cw_a.pk)]
    assert _selected(_select(client, url, "province", province=khorasan.pk)) == [str(khorasan.pk)]
    assert _selected(_select(client, url, "assigned_to", q="x")) == [""]
    assert _selected(_select(client, url, "province")) == [""]


def test_a_colleague_added_or_renamed_shows_at_once(client_as, cw_a, cw_a2, org_a):
    client = client_as(cw_a)
    url = reverse("children:encounter_list")
    for user, first_name in ((cw_a, "Ali"), (cw_a2, "Shirin")):
        user.first_name, user.last_name = first_name, "Karimi"
        user.save(update_fields=["first_name", "last_name"])
    before = _select(client, url, "caseworker")

    # The same colleagues in the same order, one name changed.
    cw_a2.first_name, cw_a2.last_name = "Shirin", "<Tavakoli>"
    cw_a2.save(update_fields=["first_name", "last_name"])
    renamed = _select(client, url, "caseworker")
    newcomer = member("cw_a3", org_a, Role.CASEWORKER)
    after = _select(client, url, "caseworker", caseworker=newcomer.pk)

    assert "Tavakoli" not in before and "cw_a3" not in before
    assert f'<option value="{cw_a2.pk}">Shirin &lt;Tavakoli&gt;</option>' in renamed
    assert "cw_a3" not in renamed
    assert f'<option value="{cw_a2.pk}">Shirin &lt;Tavakoli&gt;</option>' in after
    assert _selected(after) == [str(newcomer.pk)]


def test_the_languages_do_not_mix(client_as, cw_a):
    client = client_as(cw_a)
    url = reverse("children:encounter_list")
    khorasan = province("razavi-khorasan").pk

    pages = [
        _select(client, url, "province", lang, province=khorasan) for lang in ("fa", "en", "fa")
    ]

    assert pages[0] == pages[2]
    assert f'<option value="{khorasan}" selected>خراسان رضوی</option>' in pages[0]
    assert f'<option value="{khorasan}" selected>Razavi Khorasan</option>' in pages[1]
    assert '<option value="">All</option>' in pages[1]
    assert "Razavi" not in pages[0] and "All" not in pages[0]
