"""The directory's filters. Text is compared through the search keys of `core.persian`, so Arabic
and Persian letters, ZWNJ and spaces, and digit forms all find the same organisation."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.models import Province
from core.persian import compact, normalize

from .models import Focus, Organisation, Service, StaffLanguage, VerificationStatus


class _LabelledModelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class _NameChoiceFilter(django_filters.ModelChoiceFilter):
    field_class = _LabelledModelChoiceField


def name_search(queryset, text):
    """Organisations whose name, code or registration number matches `text`, however typed.

    Every typed word must appear (in any order), or the whole text without spaces must: the
    stored key holds both forms (see `Organisation.refresh_search_keys`).
    """
    words = normalize(text).split()
    if not words:
        return queryset
    every_word = Q()
    for word in words:
        every_word &= Q(search_name__contains=word)
    return queryset.filter(every_word | Q(search_name__contains=compact(text)))


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    province = _NameChoiceFilter(
        label=_("Province"),
        queryset=Province.objects.all(),
        method="filter_province",
        empty_label=_("All"),
    )
    city = django_filters.CharFilter(label=_("City"), method="filter_city")
    service = _NameChoiceFilter(
        label=_("Service"),
        queryset=Service.objects.all(),
        to_field_name="code",
        method="filter_service",
        empty_label=_("All"),
    )
    focus = django_filters.ChoiceFilter(
        label=_("Focus"), choices=Focus.choices, method="filter_focus", empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=Organisation.Kind.choices, empty_label=_("All")
    )
    verification = django_filters.ChoiceFilter(
        label=_("Verification"),
        choices=VerificationStatus.choices,
        method="filter_verification",
        empty_label=_("All"),
    )
    language = django_filters.ChoiceFilter(
        label=_("Language spoken"),
        choices=StaffLanguage.choices,
        method="filter_language",
        empty_label=_("All"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "province", "city", "service", "focus", "kind", "verification", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Provinces in the reader's alphabet, not the database's Persian order.
        field = self.form.fields["province"]
        field.choices = [("", _("All"))] + [
            (p.pk, p.name) for p in sorted(Province.objects.all(), key=lambda p: p.name)
        ]

    def filter_name(self, queryset, name, value):
        return name_search(queryset, value)

    def filter_province(self, queryset, name, value):
        return queryset.operating_in(value) if value else queryset

    def filter_city(self, queryset, name, value):
        key = normalize(value)
        return queryset.filter(search_cities__contains=key) if key else queryset

    def filter_service(self, queryset, name, value):
        return queryset.offering(value) if value else queryset

    def filter_focus(self, queryset, name, value):
        return queryset.filter(focus__contains=[value]) if value else queryset

    def filter_verification(self, queryset, name, value):
        return queryset.with_verification_status(value)

    def filter_language(self, queryset, name, value):
        return queryset.filter(languages__contains=[value]) if value else queryset
