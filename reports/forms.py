from django import forms
from django.utils.translation import gettext_lazy as _

from . import periods
from .models import Report
from .services import PERIOD_KIND

RECENT = {periods.WEEK: 12, periods.MONTH: 24, periods.QUARTER: 12}
GROUP_LABELS = {
    periods.WEEK: _("Weeks"),
    periods.MONTH: _("Months"),
    periods.QUARTER: _("Quarters"),
}


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"))
    period = forms.ChoiceField(label=_("Period"))

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Report.Kind.choices)
        self.fields["kind"].choices = [(kind, labels[kind]) for kind in kinds]
        wanted = []
        for kind in kinds:
            if PERIOD_KIND[kind] not in wanted:
                wanted.append(PERIOD_KIND[kind])
        self.fields["period"].choices = [
            (GROUP_LABELS[kind], [(p.key, p.label()) for p in periods.recent(kind, RECENT[kind])])
            for kind in wanted
        ]

    def clean(self):
        cleaned = super().clean()
        kind, key = cleaned.get("kind"), cleaned.get("period")
        if kind and key:
            period = periods.from_key(key)
            if period.kind != PERIOD_KIND[kind]:
                self.add_error("period", _("Choose a period of the kind this report covers."))
            cleaned["period"] = period
        return cleaned
