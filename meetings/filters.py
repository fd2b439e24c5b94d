"""The tracker's filters: status (as people see it, overdue included), organisation, due date,
working group."""

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField
from ngos.models import Organisation

from .models import Resolution, WorkingGroup


class JalaliDateFilter(django_filters.DateFilter):
    field_class = JalaliDateField


class ResolutionFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Resolution.DISPLAY_STATUSES, method="filter_status"
    )
    organisation = django_filters.ModelChoiceFilter(
        label=_("Responsible organisation"),
        queryset=Organisation.objects.all(),
        method="filter_organisation",
    )
    due_from = JalaliDateFilter(field_name="due_date", lookup_expr="gte", label=_("Due from"))
    due_to = JalaliDateFilter(field_name="due_date", lookup_expr="lte", label=_("Due by"))
    working_group = django_filters.ModelChoiceFilter(
        label=_("Working group"),
        field_name="meeting__working_group",
        queryset=WorkingGroup.objects.none(),
    )

    class Meta:
        model = Resolution
        fields: list[str] = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .selectors import working_groups_visible_to

        groups = working_groups_visible_to(user)
        self.filters["working_group"].queryset = groups
        self.filters["organisation"].queryset = Organisation.objects.filter(
            resolution_responsibilities__resolution__meeting__working_group__in=groups
        ).distinct()

    def filter_status(self, queryset, name, value):
        today = timezone.localdate()
        if value == Resolution.OVERDUE:
            return queryset.overdue(today)
        if value in Resolution.OPEN_STATUSES:
            return queryset.filter(status=value, due_date__gte=today)
        return queryset.filter(status=value)

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(responsibilities__organisation=value).distinct()
