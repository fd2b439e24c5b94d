"""The case list's row labels are what the model's own display methods give, in either language."""

import pytest
from django.utils import translation

from children.models import Case
from children.models.choices import CaseStatus, RiskLevel
from children.templatetags.case_list_tags import risk_label, status_label


@pytest.mark.parametrize("language", ["fa", "en"])
def test_the_labels_are_the_models_display_values(language):
    with translation.override(language):
        for status in [*CaseStatus.values, "unknown"]:
            assert status_label(status) == Case(status=status).get_status_display()
        for risk in [*RiskLevel.values, "unknown"]:
            assert risk_label(risk) == Case(risk_level=risk).get_risk_level_display()
