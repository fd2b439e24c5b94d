import datetime
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.utils import timezone

from children import services
from children.forms import section_form
from children.models import ANONYMOUS_FIELDS
from children.models.choices import ConsentGiver, ConsentScope, Documentation, Nationality, Sex
from core.jalali import format_date
from core.permissions import Role
from tests.factories import member, province

CONSENT = {
    "given_by": ConsentGiver.GUARDIAN,
    "given_by_name": "مادر",
    "given_on": datetime.date(2026, 11, 1),
    "scope": [ConsentScope.RECORD, ConsentScope.REFERRAL],
}


def identity(**overrides):
    data = {
        "given_name": "علی",
        "family_name": "رضایی",
        "father_name": "حسن",
        "sex": Sex.MALE,
        "birth_date": datetime.date(2014, 5, 1),
        "estimated_age": None,
        "nationality": Nationality.AFGHAN,
        "documentation": Documentation.AMAYESH,
        "id_number": "",
        "languages": ["dari"],
        "province": province("tehran"),
        "city": "تهران",
        "district": "۱۲",
        "phone": "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def register():
    """`register(user, **identity overrides)` registers a child in the user's organisation."""

    def make(user, **overrides):
        return services.case_register(
            by=user,
            organisation=user.membership.organisation,
            data=identity(**overrides),
            consent=dict(CONSENT),
        )

    return make


@pytest.fixture
def case_a(cw_a, register):
    return register(cw_a)


@pytest.fixture
def case_b(cw_b, register):
    return register(cw_b, given_name="زهرا", family_name="محمدی", father_name="رضا", sex=Sex.FEMALE)


@pytest.fixture
def cw_a2(org_a):
    """A second caseworker of organisation A."""
    return member("cw_a2", org_a, Role.CASEWORKER)


@pytest.fixture
def log_encounter():
    """`log_encounter(user, **fields)` logs an encounter in the user's organisation."""

    def make(user, *, cases=(), anonymous=None, **overrides):
        data = {
            "occurred_at": timezone.now() - datetime.timedelta(days=1),
            "province": province("tehran"),
            "city": "تهران",
            "district": "۱۲",
            "hotspot": "چهارراه ولیعصر",
            "activity": "regular_visit",
        }
        data.update(overrides)
        return services.encounter_log(
            by=user,
            organisation=user.membership.organisation,
            data=data,
            cases=cases,
            anonymous=anonymous,
        )

    return make


# --- POST bodies the pages send --------------------------------------------------------------


def jalali(day):
    """A date as the Persian page shows and a Persian keyboard types it: ۱۴۰۵/۰۹/۰۶."""
    return format_date(day, "fa")


def registration_post(assigned_to, **overrides):
    """What the registration form posts for a boy with a Jalali birth date in Persian digits."""
    data = {
        "given_name": "علی",
        "family_name": "رضایی",
        "father_name": "حسن",
        "sex": Sex.MALE,
        "birth_date": "۱۳۹۳/۰۲/۱۱",
        "estimated_age": "",
        "nationality": Nationality.AFGHAN,
        "documentation": Documentation.AMAYESH,
        "id_number": "",
        "languages": ["dari"],
        "province": province("tehran").pk,
        "city": "تهران",
        "district": "۱۲",
        "phone": "",
        "consent_given_by": ConsentGiver.GUARDIAN,
        "consent_given_by_name": "مادر",
        "consent_given_on": jalali(timezone.localdate()),
        "consent_scope": [ConsentScope.RECORD],
        "assigned_to": assigned_to.pk,
    }
    data.update(overrides)
    return data


def section_post(case, section, **changes):
    """What the section form posts when opened now on `case`, with `changes` typed in."""
    case.refresh_from_db()
    form = section_form(section, instance=case, initial={"version": case.version})
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            value = ""
        elif isinstance(value, datetime.date):
            value = value.isoformat()
        data[name] = value
    data.update(changes)
    return data


def encounter_post(**overrides):
    """What the encounter form posts: yesterday in Jalali with Persian digits, no counts."""
    data = {
        "date": jalali(timezone.localdate() - datetime.timedelta(days=1)),
        "time": "10:30",
        "activity": "regular_visit",
        "province": province("tehran").pk,
        "city": "تهران",
        "district": "۱۲",
        "hotspot": "چهارراه ولیعصر",
        "observations": "",
        **dict.fromkeys(ANONYMOUS_FIELDS.values(), ""),
    }
    data.update(overrides)
    return data


# --- Reading pages ------------------------------------------------------------------------------

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "wbr",
}


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict
    parent: "Node | None" = None
    children: list = field(default_factory=list)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def text(self):
        parts = []
        for child in self.children:
            parts.append(child.text() if isinstance(child, Node) else child)
        return " ".join(" ".join(parts).split())

    def classes(self):
        return self.attrs.get("class", "").split()

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#document", {})

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Node(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(response):
    builder = _TreeBuilder()
    builder.feed(response.content.decode())
    return builder.root


def by_testid(response, testid):
    """The text of every element with data-testid=`testid`."""
    return [
        node.text() for node in parse(response).iter() if node.attrs.get("data-testid") == testid
    ]


def field_errors(response, name):
    """Error messages shown in the block of the form field `name` (beside the field)."""
    root = parse(response)
    controls = [
        node
        for node in root.iter()
        if node.tag in ("input", "select", "textarea") and node.attrs.get("name") == name
    ]
    assert controls, f"no field named {name!r} on the page"
    block = next(
        node
        for node in controls[0].ancestors()
        if node.tag == "td" or (node.tag == "div" and "col-12" in node.classes())
    )
    return [node.text() for node in block.iter() if "invalid-feedback" in node.classes()]


def without_tokens(content, *ids):
    """The page with CSRF tokens removed and its own ids in addresses replaced (AC-01)."""
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", content.decode())
    for value in ids:
        text = text.replace(f"/{value}/", "/ID/")
    return text


def row_counts():
    """Rows per model, except the audit log and session bookkeeping that a denied request writes."""
    skip = {"core.auditevent", "sessions.session"}
    return {
        model._meta.label_lower: model.objects.count()
        for model in apps.get_models()
        if model._meta.label_lower not in skip
        and not model._meta.label_lower.startswith(("axes.", "pghistory."))
    }
