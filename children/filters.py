"""django-filter FilterSets for the case list and the encounter list, and the filters the
referral lists share with them."""

import copy
import datetime
from collections import OrderedDict
from functools import partial
from typing import Any

import django_filters
from django.contrib.auth import get_user_model
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.constants import EMPTY_VALUES

from core.compiled import CompiledRows
from core.formfields import JalaliDateField
from core.i18n import localised
from core.models import Province
from core.persian import to_latin_digits, to_persian_digits
from core.quickchoices import LazyQuerySet, RowChoiceField
from ngos.models import Service

from .models import Case, Encounter
from .models.choices import Activity, CaseStatus, LabourFlag, RiskLevel, Sex
from .selectors.cases import first_rank_matches, search_cases


class JalaliDateFilter(django_filters.DateFilter):
    field_class = JalaliDateField


class LocalDayFilter(JalaliDateFilter):
    """A date-time column on or after (``gte``) or on or before (``lte``) a local day.

    Compared as a range of instants from the day's local midnight, never as the column's local
    date in SQL: the index that leads with the column then serves it (issue 21). Local midnight
    is the first instant of the day even on the nights Tehran's clocks moved (until 2022).
    """

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        try:
            if self.lookup_expr == "gte":
                bound = {f"{self.field_name}__gte": _local_midnight(value)}
            else:
                next_day = value + datetime.timedelta(days=1)
                bound = {f"{self.field_name}__lt": _local_midnight(next_day)}
        except OverflowError:  # a day at the ends of the calendar: compare the local date
            bound = {f"{self.field_name}__date__{self.lookup_expr}": value}
        return self.get_method(qs)(**bound)


class RowChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter drawn from rows (core/quickchoices.py); ``label_fields`` and
    ``label_from_row`` go to its RowChoiceField.

    ``rows(request)``, when given, reads the options' rows as the queryset (``queryset`` or
    ``queryset(request)``) would give them, from a query compiled once per process: building
    and compiling the choice queries was most of the filter form's cost (issue 21)."""

    field_class = RowChoiceField

    def __init__(self, *args, rows=None, **kwargs):
        self.rows = rows
        super().__init__(*args, **kwargs)

    def get_queryset(self, request):
        if self.rows is None:
            return super().get_queryset(request)
        # Made only to check a chosen value: the options come from `rows`.
        return LazyQuerySet(lambda: super(RowChoiceFilter, self).get_queryset(request))

    @property
    def field(self):
        if self.rows is not None and not hasattr(self, "_field"):
            request, rows = self.get_request(), self.rows
            self.extra["rows"] = lambda: rows(request)
        return super().field


# Each FilterSet's form class, made once per process (below).
_FORM_CLASSES: dict[type, type] = {}


def _own_copy(filter_):
    """A filter for one FilterSet: what django-filter's deep copy gives a request, without
    copying the labels, choices and querysets no request changes. Its own `extra` (`field`
    writes the queryset and rows there), its own queryset (never one whose rows another
    request read), and its method bound to itself, so that it finds its own FilterSet's."""
    copied = copy.copy(filter_)
    copied.extra = dict(filter_.extra)
    if isinstance(getattr(filter_, "queryset", None), QuerySet):
        copied.queryset = filter_.queryset.all()
    if filter_.method is not None:
        copied.method = filter_.method
    return copied


class _FiltersCopiedOneByOne(OrderedDict):
    """A FilterSet's `base_filters`, whose deep copy (django-filter's, on every FilterSet made)
    copies each filter as `_own_copy` does: the deep copy of the filters' querysets, choices
    and lazy labels was most of making a FilterSet (issue 21)."""

    def __deepcopy__(self, memo):
        return OrderedDict((name, _own_copy(filter_)) for name, filter_ in self.items())


class RowFilterSet(django_filters.FilterSet):
    """A FilterSet whose form class is made once per process, not on every request: making it
    builds every filter's field (issue 21). The class is made without a request; each form is
    given its request's options and choosable values (the RowChoiceFilters' rows and querysets)
    when it is made, so one user's colleagues never reach another's form. Its filters are
    copied one by one for each FilterSet, not deeply (`_own_copy`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_filters"), _FiltersCopiedOneByOne):
            cls.base_filters = _FiltersCopiedOneByOne(cls.base_filters)
        super().__init__(*args, **kwargs)

    def get_form_class(self):
        cls = type(self)
        if cls not in _FORM_CLASSES:
            without_request = cls(queryset=self.queryset)
            _FORM_CLASSES[cls] = super(RowFilterSet, without_request).get_form_class()
        return _FORM_CLASSES[cls]

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, filter_ in self.filters.items():
                if isinstance(filter_, RowChoiceFilter) and filter_.rows is not None:
                    field = form.fields[name]
                    field.queryset = filter_.get_queryset(self.request)
                    field.rows = partial(filter_.rows, self.request)
        return self._form


def unfiltered(filterset):
    """A FilterSet unbound, or whose form is valid and gives no filter a value: its `qs` is then
    its queryset as given (every filter passes an empty value by), so a list may count it with
    a query compiled once (issue 21)."""
    if not filterset.is_bound:
        return True
    form = filterset.form
    return form.is_valid() and all(value in EMPTY_VALUES for value in form.cleaned_data.values())


def _local_midnight(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _organisation_id(request):
    """The user's organisation, or None (no request, signed out, no membership)."""
    if (
        request is None
        or not request.user.is_authenticated
        or request.user.membership_or_none is None
    ):
        return None
    return request.user.membership.organisation_id


def _colleagues_of(organisation_id):
    users = get_user_model().objects
    # API tokens' service accounts are not colleagues (AC-11). Written as NOT EXISTS, not as a
    # left join filtered on NULL: for that one the planner guessed 25 users kept and read every
    # user of the country in a nested loop (16 ms at national scale; 1.4 ms this way, issue 21).
    service_account = users.filter(pk=OuterRef("pk"), api_token__isnull=False)
    return (
        users.filter(membership__organisation_id=organisation_id)
        .exclude(Exists(service_account))
        .order_by("first_name", "last_name", "pk")
    )


def _colleagues(request):
    organisation_id = _organisation_id(request)
    if organisation_id is None:
        return get_user_model().objects.none()
    return _colleagues_of(organisation_id)


_USER_LABEL_FIELDS = ("first_name", "last_name", "username")
_PROVINCE_LABEL_FIELDS = ("name_fa", "name_en")
# The option rows, as RowChoiceIterator reads them from the querysets above.
_COLLEAGUE_ROWS = CompiledRows(
    get_user_model(),
    lambda key, organisation: _colleagues_of(organisation).values_list("pk", *_USER_LABEL_FIELDS),
)
_PROVINCE_ROWS = CompiledRows(
    Province, lambda key: Province.objects.values_list("pk", *_PROVINCE_LABEL_FIELDS)
)


_SERVICE_LABEL_FIELDS = ("name_fa", "name_en")
# A service is chosen by its code (the address keeps it: ?service=education).
_SERVICE_ROWS = CompiledRows(
    Service, lambda key: Service.objects.values_list("code", *_SERVICE_LABEL_FIELDS)
)


def _colleague_rows(request):
    organisation_id = _organisation_id(request)
    if organisation_id is None:
        return []
    return _COLLEAGUE_ROWS.rows(None, organisation=organisation_id)


def _province_rows(request):
    return _PROVINCE_ROWS.rows(None)


def _user_label(first_name, last_name, username):
    """What str(user) gives (core.models.User.__str__), from the row."""
    return f"{first_name} {last_name}".strip() or username


def _service_rows(request):
    return _SERVICE_ROWS.rows(None)


def service_filter():
    """The service, by its code, its options drawn from rows (the referral lists' filter)."""
    return RowChoiceFilter(
        label=_("Service"),
        to_field_name="code",
        queryset=Service.objects.all(),
        label_fields=_SERVICE_LABEL_FIELDS,
        label_from_row=localised,
        rows=_service_rows,
    )


def _province_filter():
    return RowChoiceFilter(
        label=_("Province"),
        empty_label=_("All"),
        queryset=Province.objects.all(),
        label_fields=_PROVINCE_LABEL_FIELDS,
        label_from_row=localised,
        rows=_province_rows,
    )


def _caseworker_filter():
    """The user's colleagues (service accounts left out), drawn from rows."""
    return RowChoiceFilter(
        label=_("Caseworker"),
        empty_label=_("All"),
        queryset=_colleagues,
        label_fields=_USER_LABEL_FIELDS,
        label_from_row=_user_label,
        rows=_colleague_rows,
    )


class CaseFilter(RowFilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    status = django_filters.ChoiceFilter(
        label=_("Status"), empty_label=_("All"), choices=CaseStatus.choices
    )
    risk_level = django_filters.ChoiceFilter(
        label=_("Risk level"), empty_label=_("All"), choices=RiskLevel.choices
    )
    sex = django_filters.ChoiceFilter(label=_("Sex"), empty_label=_("All"), choices=Sex.choices)
    province = _province_filter()
    assigned_to = _caseworker_filter()
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

    def first_rank_matches(self):
        """The search's first-rank matches under the other filters, newest first
        (children/selectors/cases.py); None when the search is not by name."""
        if not self.form.is_valid():
            return None
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != "q":
                queryset = self.filters[name].filter(queryset, value)
        return first_rank_matches(queryset, self.form.cleaned_data.get("q"))


class EncounterFilter(RowFilterSet):
    date_from = LocalDayFilter(label=_("From"), field_name="occurred_at", lookup_expr="gte")
    date_to = LocalDayFilter(label=_("To"), field_name="occurred_at", lookup_expr="lte")
    # Options read as rows and written in Python: the hotspot page and the list draw this form
    # on every view (issue 21).
    province = _province_filter()
    district = django_filters.CharFilter(label=_("District"), method="filter_district")
    caseworker = _caseworker_filter()
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
