"""The one rule for text kept in Persian and English (core.i18n, core.models.BilingualNameMixin)."""

import pytest
from django.template import Context, Template
from django.utils import translation

from core.i18n import is_persian, localised
from meetings.models import WorkingGroup
from ngos.models import Organisation, Service
from tests.factories import province


def test_is_persian_follows_the_active_language_unless_told():
    with translation.override("en"):
        assert not is_persian()
        assert is_persian("fa")
    with translation.override("fa"):
        assert is_persian()
        assert not is_persian("en")


def test_localised_falls_back_to_persian_when_there_is_no_english():
    assert localised("تهران", "Tehran", "en") == "Tehran"
    assert localised("تهران", "Tehran", "fa") == "تهران"
    assert localised("انجمن", "", "en") == "انجمن"


@pytest.mark.django_db
def test_every_bilingual_model_names_itself_in_the_page_language():
    tehran = province("tehran")
    service = Service(name_fa="آموزش", name_en="Education")
    organisation = Organisation(name_fa="انجمن الف", name_en="")
    group = WorkingGroup(title_fa="کارگروه", title_en="Working group")
    with translation.override("en"):
        assert (tehran.name, service.name) == (tehran.name_en, service.name_en)
        assert organisation.name == "انجمن الف"  # no English name: the Persian one
        assert group.title == "Working group"
        assert tehran.name_in("fa") == tehran.name_fa
    with translation.override("fa"):
        assert (tehran.name, service.name, group.title) == (
            tehran.name_fa,
            service.name_fa,
            "کارگروه",
        )
        assert str(tehran) == tehran.name_fa


def test_the_template_tag_reads_a_values_row_in_the_page_language():
    template = Template("{% load persian_dates %}{% localised fa en %}")
    context = Context({"fa": "تهران", "en": "<Tehran>"})
    with translation.override("en"):
        assert template.render(context) == "&lt;Tehran&gt;"
    with translation.override("fa"):
        assert template.render(context) == "تهران"
