"""What children does when other apps change: connected in `ChildrenConfig.ready`."""

from .services import case_reassign_open


def reassign_open_cases_of_leaver(sender, *, by, leaver, reassign_to, **kwargs):
    """A deactivated member's open cases go to the colleague chosen (ngos.signals), in the
    deactivation's transaction, each with its own audit row; returns how many."""
    if reassign_to is None:
        return 0
    return case_reassign_open(by=by, from_user=leaver, to_user=reassign_to)
