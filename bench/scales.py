"""How much data each scale holds, and how targets follow the scale.

`national` is the scale a national deployment must hold (docs/performance.md); `small` is 1/100 of it and `tiny` (the smoke
test's) 1/1000, with floors so that even `tiny` has several organisations, a manager and
caseworkers in each, and every state of every workflow.

`double` is twice national (issue 21): a page whose cost grows with the nation, not with what
its user may see, shows up as a ratio between the two (`python -m bench --compare`). A bigger
nation has more organisations, not bigger ones: above national, the sizes of one organisation
and of one import file (PER_ORGANISATION) stay at their national values, so the large
organisation's manager and caseworkers see the same caseload at both scales.

Targets: an interactive page or call has a fixed latency target at every scale (a caseworker's
page must be fast however small the deployment). A job whose work grows with the data (the
overdue job, an import, an export, a report build) has its national target multiplied by the
scale's factor: 60 s over 1M follow-ups at national is 0.6 s over 10k at small.
"""

from dataclasses import dataclass

NATIONAL = {
    "organisations": 500,
    "users": 5_000,
    "cases": 200_000,
    "encounters": 2_000_000,
    "referrals": 400_000,
    "followups": 600_000,
    # "My work" for a manager of an organisation this size (open cases).
    "big_org_open_cases": 5_000,
    # The children import file of the import anchors.
    "import_rows": 100_000,
    "meetings": 300,
    "resolutions": 3_000,
}

FLOORS = {
    "organisations": 8,
    "users": 40,
    "cases": 200,
    "encounters": 2_000,
    "referrals": 400,
    "followups": 600,
    "big_org_open_cases": 20,
    "import_rows": 500,
    "meetings": 3,
    "resolutions": 10,
}

# Sizes of one organisation or one file, not of the nation.
PER_ORGANISATION = frozenset({"big_org_open_cases", "import_rows"})

FACTORS = {"double": 2.0, "national": 1.0, "small": 0.01, "tiny": 0.001}


@dataclass(frozen=True)
class Scale:
    name: str
    factor: float

    def count(self, key):
        factor = min(self.factor, 1.0) if key in PER_ORGANISATION else self.factor
        return max(FLOORS[key], round(NATIONAL[key] * factor))

    @property
    def counts(self):
        return {key: self.count(key) for key in NATIONAL}

    def target(self, national_seconds, *, scales_with_data):
        """The target at this scale: fixed for latency, proportional for data-sized work."""
        if national_seconds is None:
            return None
        return national_seconds * self.factor if scales_with_data else national_seconds


def get_scale(name):
    return Scale(name, FACTORS[name])
