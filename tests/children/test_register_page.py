"""The registration page after a failed save or a likely duplicate (issue 17): the summary of
errors and the duplicate warning come first, with what is needed to act on them."""

import pytest
from django.urls import reverse

from children.models import Case
from children.models.choices import Sex

from .conftest import by_testid, parse, registration_post

pytestmark = pytest.mark.django_db


def _post(client, data):
    return client.post(reverse("children:case_register"), data)


def _error_summary_links(response):
    root = parse(response)
    summary = next(node for node in root.iter() if node.attrs.get("data-testid") == "error-summary")
    return [node.attrs["href"] for node in summary.iter() if node.tag == "a"], root


def test_a_failed_save_lists_each_error_at_the_top_with_a_link_to_its_field(client_as, cw_a):
    response = _post(
        client_as(cw_a),
        registration_post(cw_a, given_name="", birth_date="۱۴۰۴/۱۲/۳۱", consent_scope=[]),
    )

    assert response.status_code == 200 and not Case.objects.exists()
    links, root = _error_summary_links(response)
    assert links == ["#id_given_name", "#id_birth_date", "#id_consent_scope_0"]
    ids = {node.attrs.get("id") for node in root.iter()}
    assert all(link[1:] in ids for link in links)
    # Each control in error says so to a screen reader, and which message explains it.
    given = next(node for node in root.iter() if node.attrs.get("name") == "given_name")
    assert given.attrs.get("aria-invalid") == "true"
    assert given.attrs.get("aria-describedby") == "id_given_name-error"
    assert "id_given_name-error" in ids
    # The summary comes before the form.
    order = [node.attrs.get("data-testid") for node in root.iter() if node.attrs.get("data-testid")]
    assert order.index("error-summary") < order.index("register-form")


def test_a_page_without_errors_has_no_summary(client_as, cw_a):
    response = client_as(cw_a).get(reverse("children:case_register"))

    assert by_testid(response, "error-summary") == []


def test_the_duplicate_warning_shows_age_and_sex_and_confirms_at_the_top(client_as, cw_a):
    client = client_as(cw_a)
    _post(client, registration_post(cw_a))

    response = _post(client, registration_post(cw_a))

    assert Case.objects.count() == 1
    details = by_testid(response, "duplicate-match-details")
    case = Case.objects.get()
    assert len(details) == 1
    assert case.get_sex_display() in details[0]
    root = parse(response)
    confirm = next(
        node for node in root.iter() if node.attrs.get("data-testid") == "confirm-not-duplicate"
    )
    assert confirm.attrs["form"] == "register-form" and confirm.attrs["type"] == "submit"
    order = [node.attrs.get("data-testid") for node in root.iter() if node.attrs.get("data-testid")]
    assert order.index("confirm-not-duplicate") < order.index("register-form")
    # The form carries the confirmation, so the button registers the second child.
    hidden = next(node for node in root.iter() if node.attrs.get("name") == "confirm_not_duplicate")
    assert hidden.attrs.get("value") in ("on", "True")


def test_the_age_of_a_match_is_shown_in_years(client_as, cw_a):
    client = client_as(cw_a)
    _post(client, registration_post(cw_a, sex=Sex.MALE))

    response = _post(client, registration_post(cw_a))

    age = Case.objects.get().age()
    assert any(
        str(age) in text or _persian(age) in text
        for text in by_testid(response, "duplicate-match-details")
    )


def _persian(number):
    return str(number).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
