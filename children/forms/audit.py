"""The filters of a case's audit trail (LG-05): a date range, a person and an action."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField
from core.models import AuditEvent, User


class CaseAuditFilterForm(forms.Form):
    since = JalaliDateField(label=_("From"), required=False)
    until = JalaliDateField(label=_("To"), required=False)
    actor: "forms.ModelChoiceField[User]" = forms.ModelChoiceField(
        label=_("User"), queryset=User.objects.none(), required=False, empty_label=_("All")
    )
    action = forms.ChoiceField(label=_("Action"), required=False)

    def __init__(self, *args, actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = actors
        self.fields["action"].choices = [("", _("All")), *AuditEvent.Action.choices]

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    def selection(self):
        """The selector's keyword arguments from the valid fields (all empty if none are)."""
        data = self.cleaned_data if self.is_valid() else {}
        actor = data.get("actor")
        return {
            "since": data.get("since"),
            "until": data.get("until"),
            "actor_id": actor.pk if actor else None,
            "action": data.get("action") or "",
        }
