"""Issue 16: the search keys an import computes per distinct name are those of the functions
themselves (core.persian), whatever the name and however often it repeats."""

import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from children.services.cases import search_values
from core.persian import compact, normalize, phonetic_key

# Persian and Arabic letters, the variants the keys fold, Latin, digits, spaces, ZWNJ, marks.
LETTERS = st.text(
    alphabet=st.sampled_from(list("ابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیيكةۀأإآؤئءّ ‌ـ۰۱٢3aAbMohz-'")),
    max_size=20,
)


@settings(max_examples=300, deadline=None)
@given(LETTERS, LETTERS, LETTERS)
def test_cached_keys_are_the_functions_keys(given_name, family_name, father_name):
    for _twice in range(2):  # the second call is answered from the caches
        values = search_values(
            given_name=given_name,
            family_name=family_name,
            father_name=father_name,
            numbers=("۰۹۱۲ ۱۲۳-۴۵۶۷", None, ""),
            birth_date=None,
            estimated_age=9,
            age_on=datetime.date(2026, 1, 1),
        )
        name = f"{given_name} {family_name}"
        assert values == (
            normalize(name),
            compact(name),
            normalize(father_name),
            phonetic_key(name),
            phonetic_key(father_name),
            "09121234567",
            2017,
        )
