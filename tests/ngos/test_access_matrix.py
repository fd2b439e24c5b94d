"""AC-07 for the organisation pages: one role × endpoint table of expected answers."""

import pytest
from django.urls import reverse

# endpoint name -> {who: status}; "own" is organisation A (of cw_a and mgr_a), "other" is B.
MATRIX = [
    ("ngos:directory", None, {"cw_a": 200, "mgr_a": 200, "min_officer": 200, "adm": 200}),
    ("ngos:coverage", None, {"cw_a": 403, "mgr_a": 403, "min_officer": 200, "adm": 200}),
    ("ngos:detail", "other", {"cw_a": 200, "mgr_a": 200, "min_officer": 200, "adm": 200}),
    ("ngos:profile_edit", "own", {"cw_a": 403, "mgr_a": 200, "min_officer": 403, "adm": 200}),
    ("ngos:profile_edit", "other", {"cw_a": 403, "mgr_a": 404, "min_officer": 403, "adm": 200}),
    ("ngos:history", "own", {"cw_a": 403, "mgr_a": 200, "min_officer": 200, "adm": 200}),
    ("ngos:history", "other", {"cw_a": 403, "mgr_a": 404, "min_officer": 200, "adm": 200}),
    ("ngos:verify", "other", {"cw_a": 403, "mgr_a": 403, "min_officer": 200, "adm": 403}),
    ("ngos:suspend", "other", {"cw_a": 403, "mgr_a": 403, "min_officer": 200, "adm": 403}),
    ("ngos:staff_list", "own", {"cw_a": 403, "mgr_a": 200, "min_officer": 404, "adm": 200}),
    ("ngos:staff_list", "other", {"cw_a": 403, "mgr_a": 404, "min_officer": 404, "adm": 200}),
    ("ngos:staff_invite", "own", {"cw_a": 403, "mgr_a": 200, "min_officer": 403, "adm": 200}),
    ("ngos:staff_invite", "other", {"cw_a": 403, "mgr_a": 404, "min_officer": 403, "adm": 200}),
    ("ngos:second_approver", "own", {"cw_a": 403, "mgr_a": 200, "min_officer": 403, "adm": 200}),
    ("ngos:second_approver", "other", {"cw_a": 403, "mgr_a": 404, "min_officer": 403, "adm": 200}),
]


@pytest.mark.parametrize(
    ("name", "whose", "who", "status"),
    [(name, whose, who, status) for name, whose, table in MATRIX for who, status in table.items()],
)
def test_role_by_endpoint(name, whose, who, status, request, client_as, org_a, org_b, cw_b):
    user = request.getfixturevalue(who)
    args = [] if whose is None else [(org_a if whose == "own" else org_b).pk]
    assert client_as(user).get(reverse(name, args=args)).status_code == status
