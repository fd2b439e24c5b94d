"""What an API token may be used for (AC-11): scopes, as data.

A token's scopes narrow what its organisation's role would allow; they never widen it. A
request signed in with the session has no token and so no scope limit: the user's role decides.
"""

from django.utils.translation import gettext_lazy as _


class Scope:
    CASES_READ = "cases:read"
    CASES_WRITE = "cases:write"
    REFERRALS_READ = "referrals:read"
    REFERRALS_WRITE = "referrals:write"
    DIRECTORY_READ = "directory:read"
    RESOLUTIONS_READ = "resolutions:read"
    AGGREGATES_READ = "aggregates:read"

    CHOICES = [
        (CASES_READ, _("Read cases, encounters, notes and follow-ups")),
        (CASES_WRITE, _("Register and update cases; add encounters, notes and follow-ups")),
        (REFERRALS_READ, _("Read referrals")),
        (REFERRALS_WRITE, _("Send and answer referrals")),
        (DIRECTORY_READ, _("Read the directory of organisations and services")),
        (RESOLUTIONS_READ, _("Read resolutions")),
        (AGGREGATES_READ, _("Read aggregate figures (suppressed)")),
    ]
    ALL = frozenset(key for key, _label in CHOICES)

    # A token for one organisation works on that organisation's cases; never national figures.
    FOR_ORGANISATION = frozenset(ALL - {AGGREGATES_READ})
    # A token for the ministry's systems reads de-identified things only.
    FOR_AGGREGATES = frozenset({AGGREGATES_READ, DIRECTORY_READ, RESOLUTIONS_READ})
