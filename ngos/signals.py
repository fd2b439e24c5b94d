"""Signals ngos sends so other apps can act on its changes without ngos depending on them."""

from django.dispatch import Signal

# A member is being deactivated: sent inside the deactivation's transaction, after the leaver's
# user row is locked and before it is marked inactive. Keyword arguments: `by` (who deactivates),
# `membership`, `leaver` (the user) and `reassign_to` (an active caseworker or manager of the
# same organisation, already checked, or None). A receiver that gives the leaver's open cases to
# `reassign_to` returns how many it moved (the audit row records the total) and writes its own
# audit rows; one that raises rolls the whole deactivation back. children connects one.
member_deactivating = Signal()
