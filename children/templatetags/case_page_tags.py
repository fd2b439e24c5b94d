"""What the case page renders once instead of once a row: its timeline lines and its blank forms.

The case page is the most requested page of the load test, and its template time went to
includes inside loops and to forms that are the same for every case (issue 21)."""

import datetime
import functools
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django import forms, template
from django.core.signals import setting_changed
from django.db import models
from django.urls import get_script_prefix, get_urlconf
from django.utils import timezone, translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from core.id_urls import id_url
from core.templatetags.form_tags import bootstrap
from core.templatetags.persian_dates import jdate, jdatetime_filter

from ..forms import FamilyAddForm
from ..models.workflow import NEED_DOMAINS

register = template.Library()

# Enough for the page's blank forms in both languages; cleared whole when full (a new day).
_BLANK_FORMS_KEPT = 64
_blank_forms: dict[tuple[str, type, str, str | None, datetime.date], SafeString] = {}


class BlankForm:
    """A blank form of `form_class` on the case page, built only if its drawing is not kept yet
    (`blank_form_fields`, `blank_form_field`, `blank_field`): nine forms were built on every
    case page only to be drawn the same way each time. Not callable, so a template reading it
    does not build the form either."""

    def __init__(self, form_class: type[forms.BaseForm]):
        self.form_class = form_class


@register.simple_tag(takes_context=True)
def blank_form_fields(context: template.Context, form: forms.BaseForm | BlankForm) -> SafeString:
    """`{% include "children/partials/fields.html" with fields=form %}` for a blank form, drawn
    once a language and a day for the whole process.

    Only for forms whose blank rendering depends on nothing but their class, the language and
    today's date (a default date): labels and choices written in the code, no rows read, no
    argument to the form. A bound form, or one given initial values or a prefix, is drawn every
    time, so errors and typed values always show."""
    return _blank(context, "children/partials/fields.html", form, "", lambda f: {"fields": f})


@register.simple_tag(takes_context=True)
def blank_form_field(
    context: template.Context, form: forms.BaseForm | BlankForm, name: str
) -> SafeString:
    """`{% include "includes/form_field.html" with field=form.name %}` for a blank form, drawn
    once a language and a day, on the terms of `blank_form_fields`."""
    return _blank(context, "includes/form_field.html", form, name, lambda f: {"field": f[name]})


def _blank(
    context: template.Context,
    partial: str,
    form: forms.BaseForm | BlankForm,
    name: str,
    values_of: Callable[[forms.BaseForm], dict[str, Any]],
) -> SafeString:
    if isinstance(form, BlankForm):
        form_class: type[forms.BaseForm] = form.form_class
        built: forms.BaseForm | None = None
    elif form.is_bound or form.initial or form.prefix:
        return _render(context, partial, **values_of(form))
    else:
        form_class, built = type(form), form
    if form_class.prefix:  # a prefix of the class's own: drawn every time, as a prefixed form
        return _render(context, partial, **values_of(built or form_class()))
    key = (partial, form_class, name, translation.get_language(), timezone.localdate())
    html = _blank_forms.get(key)
    if html is None:
        if len(_blank_forms) >= _BLANK_FORMS_KEPT:
            _blank_forms.clear()
        # In a context of its own: nothing of this request's page can end up in what is kept.
        partial_template = context.template.engine.get_template(partial)  # type: ignore[union-attr]
        values = values_of(built or form_class())
        html = _blank_forms[key] = partial_template.render(context.new(values))
    return html


@dataclass(frozen=True)
class BlankField:
    """What the case page's templates read of a blank form's field, as text: its label, the id
    its label points at, its control as `{{ field|bootstrap }}` draws it, and its choices."""

    id_for_label: str
    label: str
    control: SafeString
    choices: list[tuple[Any, str]]


_blank_fields: dict[tuple[type, str, str | None, datetime.date], BlankField] = {}


@register.simple_tag
def blank_field(form: BlankForm, name: str) -> BlankField:
    """`{% blank_field note_form "body" as body %}`: the field `name` of a blank form, read once
    a language and a day for the process (on the terms of `blank_form_fields`), so that
    `{{ body.label }}`, `{{ body.id_for_label }}`, `{{ body.control }}` and `body.choices` read
    as `form.body.label`, `form.body.id_for_label`, `form.body|bootstrap` and
    `form.fields.body.choices` did."""
    key = (form.form_class, name, translation.get_language(), timezone.localdate())
    field = _blank_fields.get(key)
    if field is None:
        if len(_blank_fields) >= _BLANK_FORMS_KEPT:
            _blank_fields.clear()
        bound = form.form_class()[name]
        choices = getattr(bound.field, "choices", None) or []
        field = _blank_fields[key] = BlankField(
            id_for_label=bound.id_for_label,
            label=str(bound.label),
            control=bootstrap(bound),
            choices=[(value, str(label)) for value, label in choices],
        )
    return field


# A choice field's labels as text, for a field and a language: `get_FOO_display()` hashes every
# (value, label) pair of the field's choices, and so translates every label, on each call; the
# timeline's kinds are some thirty (issue 21). Fields and languages are few, and labels are
# written in the code, so nothing here goes stale.
_choice_labels: dict[tuple[models.Field, str | None], dict[Any, str]] = {}


def choice_label(instance: models.Model, name: str, language: str | None) -> Any:
    """`instance.get_<name>_display()` in `language` (the active language, read by the caller
    once for many rows): the same text, the labels made text once a process."""
    field = cast(models.Field, instance._meta.get_field(name))  # a choice field, not a relation
    labels = _choice_labels.get((field, language))
    if labels is None:
        labels = _choice_labels[(field, language)] = {
            make_hashable(value): str(label) for value, label in field.flatchoices
        }
    value = getattr(instance, field.attname)
    label = labels.get(make_hashable(value))
    return force_str(value, strings_only=True) if label is None else label


@register.filter(name="choice_label")
def choice_label_filter(instance: models.Model, name: str) -> Any:
    """`{{ case|choice_label:"status" }}`: `{{ case.get_status_display }}`, see `choice_label`."""
    return choice_label(instance, name, translation.get_language())


@register.filter
def assessment_needs(assessment: Any) -> list[tuple[str, Any, Any]]:
    """`assessment.needs()` (children/models/workflow.py), each level's label by `choice_label`."""
    language = translation.get_language()
    fields = assessment._meta
    return [
        (domain, fields.get_field(domain).verbose_name, choice_label(assessment, domain, language))
        for domain in NEED_DOMAINS
    ]


@functools.lru_cache(maxsize=128)
def _id_url_of(prefix: str, urlconf: str | None, viewname: str, arity: int) -> Callable[..., str]:
    return id_url(viewname, arity)


@register.simple_tag
def case_url(viewname: str, *ids: int) -> str:
    """`{% url viewname id ... %}` for integer ids, reversed once a process for each script
    prefix and URLconf (core/id_urls.py): the case page writes a dozen of these."""
    return _id_url_of(get_script_prefix(), get_urlconf(), viewname, len(ids))(*ids)


# The index of the case page's sections for a language, a closed case or not and the record
# sections' keys (whose titles are written in the code, children/forms SECTIONS).
_INDEXES_KEPT = 16
_indexes: dict[tuple[str | None, bool, tuple[str, ...]], SafeString] = {}


@register.simple_tag(takes_context=True)
def case_index(context: template.Context, sections: list[Any], is_closed: bool) -> SafeString:
    """children/partials/case_index.html, drawn once a process for each language, closed or
    open case and list of record sections: it holds only the sections' names."""
    keys = tuple(section[0] for section in sections)
    key = (translation.get_language(), bool(is_closed), keys)
    html = _indexes.get(key)
    if html is None:
        if len(_indexes) >= _INDEXES_KEPT:
            _indexes.clear()
        partial = context.template.engine.get_template("children/partials/case_index.html")  # type: ignore[union-attr]
        values = {"sections": sections, "is_closed": bool(is_closed)}
        html = _indexes[key] = partial.render(context.new(values))
    return html


class TimelineLines:
    """The case timeline's lines as HTML, each drawn once: the first few for the recent
    activity card and all of them for the timeline card."""

    def __init__(self, lines: list[str], recent: int):
        self.recent = mark_safe("".join(lines[:recent]))  # noqa: S308 (escaped as drawn)
        self.all = mark_safe("".join(lines))  # noqa: S308


@register.simple_tag(takes_context=True)
def timeline_lines(
    context: template.Context, entries: list[Any], case: Any, recent: int
) -> TimelineLines:
    """`{% timeline_lines timeline case 4 as lines %}`: `lines.recent` is the first `recent`
    lines and `lines.all` every line, as children/partials/timeline_lines.html writes them.

    Most lines say only what happened (a kind, a section, a hotspot): those are written here,
    the template's markup in Python, for a template costs more than such a line. A line about a
    referral, a transfer or a document, or with details of another shape, is the template's."""
    language = translation.get_language()
    return TimelineLines(
        [_timeline_line(context, entry, case, language) for entry in entries], recent
    )


# children/partials/timeline_lines.html's loop body, for a line its `else` branch writes.
_LINE = (
    '\n          <li>\n            <div class="text-body-secondary">{}{}</div>'
    "\n            <div>{}</div>\n          </li>\n\n          "
)
_ACTOR = ' <span class="sep" aria-hidden="true"></span> <bdi>{}</bdi>'


def _timeline_line(context: template.Context, entry: Any, case: Any, language: str | None) -> str:
    detail = entry.detail
    plain = (
        isinstance(detail, dict)
        and not detail.get("referral")
        and not detail.get("transfer")
        and entry.kind != "document"
        and isinstance(detail.get("hotspot", ""), str)
    )
    if not plain:
        return _render(context, "children/partials/timeline_lines.html", entries=[entry])
    actor = entry.actor
    membership = getattr(actor, "membership", None) if actor else None
    who = (
        _ACTOR.format(conditional_escape(str(actor)))
        if membership is not None and membership.organisation_id == case.organisation_id
        else ""
    )
    what: list[str] = [conditional_escape(str(choice_label(entry, "kind", language)))]
    if detail.get("section"):
        what += [": ", conditional_escape(str(entry.section_title))]
    if detail.get("hotspot"):
        what += [": <bdi>", conditional_escape(detail["hotspot"]), "</bdi>"]
    return _LINE.format(conditional_escape(jdatetime_filter(entry.at)), who, "".join(what))


@register.simple_tag(takes_context=True)
def followup_rows(context: template.Context, follow_ups: list[Any], case: Any) -> SafeString:
    """The follow-ups card's rows, as children/partials/followups_card.html's loop over them
    wrote them (whitespace included), written in Python: the loop cost more than the rows."""
    if not follow_ups:
        return mark_safe("")
    e = conditional_escape
    manage = (context.get("can") or {}).get("followup_manage")
    outcome_url = _id_url_of(get_script_prefix(), get_urlconf(), "children:followup_outcome", 2)
    language = translation.get_language()
    rows = []
    for followup in follow_ups:
        badge = (
            f'<span class="badge text-bg-danger">{e(_("Overdue"))}</span>'
            if followup.is_overdue
            else f'<span class="badge text-bg-light border">'
            f"{e(str(choice_label(followup, 'status', language)))}</span>"
        )
        link = (
            f'<a href="{e(outcome_url(case.pk, followup.pk))}">{e(_("Record the outcome"))}</a>'
            if followup.status == "scheduled" and manage
            else ""
        )
        outcome = (
            f'<div class="text-body-secondary">{e(followup.outcome)}</div>'
            if followup.outcome
            else ""
        )
        rows.append(
            '\n      <li class="mb-1">'
            f"\n        {e(jdate(followup.due_on))}{_SEP}{e(str(choice_label(followup, 'kind', language)))}"
            f"{_SEP}<bdi>{e(str(followup.responsible))}</bdi>{_SEP.rstrip()}"
            f"\n        {badge}\n        {link}\n        {outcome}\n      </li>\n      "
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


_SEP = ' <span class="sep" aria-hidden="true"></span> '


def _render(context: template.Context, name: str, **values: Any) -> SafeString:
    """`name` rendered in the page's context with `values` added, as `{% include %}` does."""
    partial = context.template.engine.get_template(name)  # type: ignore[union-attr]
    with context.push(**values):
        return partial.render(context)


# children/partials/workflow_cards.html's plan: a goal, an action of a goal, as its loops wrote
# them (whitespace included). A `{% translate %}` literal is not escaped, as in the template.
_GOAL = (
    '\n    <div class="mb-3">\n      <div class="fw-semibold">{goal} <span class="badge'
    ' text-bg-light border">{status}</span></div>\n      <ul class="list-unstyled small ms-2'
    ' mb-1">\n        {actions}\n      </ul>\n      {add}\n    </div>\n    '
)
_ACTION = (
    '\n        <li class="d-flex flex-wrap gap-2 align-items-center mb-1">\n          <span>'
    "{description}{service}{sep}<bdi>{responsible}</bdi>{date}</span>\n          {status}\n"
    "        </li>\n        "
)
_ACTION_FORM = (
    '\n          <form method="post" action="{url}" class="d-flex gap-1">\n            {csrf}\n'
    '            <select name="status" class="form-select form-select-sm" aria-label="{label}">'
    "{options}</select>\n"
    '            <button class="btn btn-sm btn-outline-secondary">{save}</button>\n'
    "          </form>\n          "
)


@register.simple_tag(takes_context=True)
def plan_goal_rows(context: template.Context, goals: list[Any], case: Any) -> SafeString:
    """The case plan's goals with their actions (prefetched), and for who may edit an open case
    each action's status form and each goal's "Add an action" link: the markup
    children/partials/workflow_cards.html's loops wrote, written in Python."""
    if not goals:
        return mark_safe("")
    e = conditional_escape
    editable = bool((context.get("can") or {}).get("case_edit")) and not case.is_closed
    language = translation.get_language()
    # Outside the f-string below: xgettext does not look inside one, and the message would drop
    # out of the catalogue (shown in English on a Persian page).
    no_actions = _("No actions yet.")
    if editable:
        status_url = _id_url_of(
            get_script_prefix(), get_urlconf(), "children:plan_action_status", 2
        )
        add_url = _id_url_of(get_script_prefix(), get_urlconf(), "children:plan_action_add", 2)
        choices = blank_field(context["action_status_form"], "status").choices
        token = context.get("csrf_token")
        csrf = (
            format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
            if token and token != "NOTPROVIDED"  # noqa: S105 (as {% csrf_token %})
            else ""
        )
        status_label, save, add_label = _("Status"), _("Save"), _("Add an action")
    rows = []
    for goal in goals:
        actions = []
        for action in goal.actions.all():
            if editable:
                options = "".join(
                    f'<option value="{e(value)}"{" selected" if value == action.status else ""}>'
                    f"{e(label)}</option>"
                    for value, label in choices
                )
                status = _ACTION_FORM.format(
                    url=e(status_url(case.pk, action.pk)),
                    csrf=csrf,
                    label=status_label,
                    options=options,
                    save=save,
                )
            else:
                label = choice_label(action, "status", language)
                status = f'<span class="badge text-bg-light border">{e(label)}</span>'
            actions.append(
                _ACTION.format(
                    description=e(action.description),
                    service=f"{_SEP}{e(str(action.service))}" if action.service else "",
                    sep=_SEP,
                    responsible=e(str(action.responsible)),
                    date=f"{_SEP}{e(jdate(action.target_date))}" if action.target_date else "",
                    status=status,
                )
            )
        rows.append(
            _GOAL.format(
                goal=e(goal.goal),
                status=e(choice_label(goal, "status", language)),
                actions="".join(actions) or f'<li class="text-body-secondary">{no_actions}</li>',
                add=f'<a class="small" href="{e(add_url(case.pk, goal.pk))}">{add_label}</a>'
                if editable
                else "",
            )
        )
    return mark_safe("".join(rows))  # noqa: S308 (every value escaped above)


# The family card of a child without a household, a brother or a sister (nearly every case):
# drawn once per language, address prefix and "may edit", with stand-ins for the case's id and
# the CSRF token that each page replaces with its own (issue 21). The stand-in id is an int, so
# the card's addresses reverse; no translation holds it.
FAMILY_CARD = "children/partials/family_card.html"
_STAND_IN_CASE_ID = 2_147_480_647
_STAND_IN_TOKEN = "csrf" + secrets.token_hex(16)
_family_cards: dict[tuple[Any, ...], str] = {}


@dataclass(frozen=True)
class _StandInCase:
    pk: int = _STAND_IN_CASE_ID


@register.simple_tag(takes_context=True)
def family_card(context: template.Context) -> SafeString:
    """`{% include "children/partials/family_card.html" %}`, kept for an empty family. A family
    with a household, siblings or relatives elsewhere is drawn every time."""
    family, case = context.get("family"), context["case"]
    token = context.get("csrf_token")
    if (
        family is None
        or family.household
        or family.siblings
        or family.elsewhere
        or not token
        or str(token) == "NOTPROVIDED"
    ):
        return _render(context, FAMILY_CARD)
    can_edit = bool((context.get("can") or {}).get("case_edit"))
    key = (translation.get_language(), get_script_prefix(), get_urlconf(), can_edit)
    html = _family_cards.get(key)
    if html is None:
        if len(_family_cards) >= _BLANK_FORMS_KEPT:
            _family_cards.clear()
        partial = context.template.engine.get_template(FAMILY_CARD)  # type: ignore[union-attr]
        # In a context of its own that holds only the key and the stand-ins.
        values = {
            "can": {"case_edit": can_edit},
            "case": _StandInCase(),
            "family": family.__class__(household=None),
            "csrf_token": _STAND_IN_TOKEN,
            "family_add_form": BlankForm(FamilyAddForm),
        }
        html = _family_cards[key] = str(partial.render(context.new(values)))
    filled = html.replace(_STAND_IN_TOKEN, str(conditional_escape(token)))
    return mark_safe(filled.replace(str(_STAND_IN_CASE_ID), str(int(case.pk))))  # noqa: S308


# The workflow stepper (children/partials/progress.html): five steps, each current, done,
# skipped or ahead; drawn once per language and state of the steps.
PROGRESS = "children/partials/progress.html"
_progress_cards: dict[tuple[Any, ...], str] = {}


@register.simple_tag(takes_context=True)
def progress_card(context: template.Context, steps: list[dict[str, Any]]) -> SafeString:
    """`{% include "children/partials/progress.html" %}` with `progress` = `steps`, kept per
    language and steps (the stepper reads nothing else)."""
    key = (
        translation.get_language(),
        tuple(
            (str(step["label"]), step["done"], step["skipped"], step["current"]) for step in steps
        ),
    )
    html = _progress_cards.get(key)
    if html is None:
        if len(_progress_cards) >= _BLANK_FORMS_KEPT:
            _progress_cards.clear()
        partial = context.template.engine.get_template(PROGRESS)  # type: ignore[union-attr]
        html = _progress_cards[key] = str(partial.render(context.new({"progress": steps})))
    return mark_safe(html)  # noqa: S308 (drawn by the template, which escapes)


def _forget(**kwargs: Any) -> None:
    """Tests that change settings (addresses, languages) start afresh."""
    _family_cards.clear()
    _progress_cards.clear()


setting_changed.connect(_forget)
