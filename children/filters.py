"""django-filter FilterSets for the case list and the encounter list."""

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formfields import JalaliDateField
from core.models import Province
from core.persian import to_latin_digits, to_persian_digits

from .models import Case, Encounter
from .models.choices import Activity, CaseStatus, LabourFlag, RiskLevel, Sex
from .selectors.cases import search_cases


class JalaliDateFilter(django_filters.DateFilter):
    field_class = JalaliDateField


def _colleagues(request):
    if (
        request is None
        or not request.user.is_authenticated
        or request.user.membership_or_none is None
    ):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            membership__organisation_id=request.user.membership.organisation_id,
            api_token__isnull=True,  # API tokens' service accounts are not colleagues (AC-11)
        )
        .order_by("first_name", "last_name")
        # Only what an option shows (User.__str__): every list page renders them all.
        .only("first_name", "last_name", "username")
    )


class CaseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), empty_label=_("All"), choices=CaseStatus.choices
    )
    risk_level = django_filters.ChoiceFilter(
        label=_("Risk level"), empty_label=_("All"), choices=RiskLevel.choices
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), empty_label=_("All"), choices=Sex.choices)
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), empty_label=_("All"), queryset=Province.objects.all()
    )
    assigned_to = django_filters.ModelChoiceFilter(
        label=_("Caseworker"), empty_label=_("All"), queryset=_colleagues
    )
    # The stored flags (children/labour_law.py, docs/adr/0035): a column, not the rules in SQL.
    labour_flag = django_filters.ChoiceFilter(
        label=_("Labour Law"),
        empty_label=_("All"),
        choices=LabourFlag.choices,
        method="filter_labour_flag",
    )

    class Meta:
        model = Case
        fields = ["q", "status", "risk_level", "sex", "province", "assigned_to", "labour_flag"]

    def filter_labour_flag(self, queryset, name, value):
        return queryset.filter(labour_flags__contains=[value])

    def filter_search(self, queryset, name, value):
        return search_cases(queryset, value)


class EncounterFilter(django_filters.FilterSet):
    date_from = JalaliDateFilter(label=_("From"), field_name="occurred_at", lookup_expr="date__gte")
    date_to = JalaliDateFilter(label=_("To"), field_name="occurred_at", lookup_expr="date__lte")
    province = django_filters.ModelChoiceFilter(
        label=_("Province"), empty_label=_("All"), queryset=Province.objects.all()
    )
    district = django_filters.CharFilter(label=_("District"), method="filter_district")
    caseworker = django_filters.ModelChoiceFilter(
        label=_("Caseworker"), empty_label=_("All"), queryset=_colleagues
    )
    activity = django_filters.ChoiceFilter(
        label=_("Activity"), empty_label=_("All"), choices=Activity.choices
    )

    class Meta:
        model = Encounter
        fields = ["date_from", "date_to", "province", "district", "caseworker", "activity"]

    def filter_district(self, queryset, name, value):
        # Districts are often numbers, typed in Persian or Latin digits: match either form.
        latin = to_latin_digits(value.strip())
        return queryset.filter(
            Q(district__icontains=latin) | Q(district__icontains=to_persian_digits(latin))
        )
