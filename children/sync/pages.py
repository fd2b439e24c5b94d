"""The offline shell and the service worker (RE-08, docs/adr/0032).

The shell is one page holding the forms a street day needs (log an encounter, register a child,
add a note, record a follow-up's outcome, correct a name) and empty places that the app fills
from the encrypted store. It holds no child's data itself, so the service worker may cache it:
while offline, My work, the encounter and registration pages and a case's page open as this
shell, which shows the same thing from the phone's copy.
"""

import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from core.access import public, require_permission
from core.permissions import Perm

from ..forms import EncounterForm, FollowUpOutcomeForm, NoteForm, RegistrationForm
from ..models import Case
from ..models.choices import AgeBand

# The static files the shell needs, cached by the worker under the release's version.
SHELL_STATIC = (
    "vendor/bootstrap/bootstrap.rtl.min.css",
    "vendor/bootstrap/bootstrap.min.css",
    "vendor/bootstrap/bootstrap.bundle.min.js",
    "vendor/htmx/htmx.min.js",
    "css/app.css",
    "css/lists.css",
    "css/case.css",
    "css/approvals.css",
    "img/favicon.svg",
    "js/forms.js",
    "js/offline-store.js",
    "js/offline-app.js",
    "js/offline-status.js",
    "js/offline-outbox.js",
    "js/offline-forms.js",
    "offline/manifest.webmanifest",
)


@lru_cache(maxsize=1)
def static_version() -> str:
    """A version of the static files the worker caches: it changes with any of them, so the next
    release replaces the phone's cache instead of serving last release's files."""
    digest = hashlib.sha256(settings.OFFLINE_RELEASE.encode())
    for name in SHELL_STATIC:
        digest.update(staticfiles_storage.url(name).encode())
        found = finders.find(name)
        if found:
            with open(found, "rb") as handle:
                digest.update(handle.read())
    return digest.hexdigest()[:12]


@public
def service_worker(request: HttpRequest) -> HttpResponse:
    """The worker, served from the site's root so that its scope is the whole site.

    Public because a browser checks for a new worker whether or not its user is signed in; the
    script holds no data, only addresses and the cache's version.
    """
    body = render_to_string(
        "children/offline/sw.js",
        {
            # JSON literals of our own values, written into the script as they are.
            "cache_name": json.dumps(f"koodak-static-{static_version()}"),
            "static_urls": json.dumps([staticfiles_storage.url(name) for name in SHELL_STATIC]),
            "shell_url": json.dumps(reverse("children:offline_app")),
        },
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


def _offline_text() -> dict[str, str]:
    """The sentences the app's script shows, translated here like every other string."""
    return {
        "queued": _("Saved on this phone. It is sent when the connection returns."),
        "synced": _("Everything made offline has arrived."),
        "needs_attention": _("Some items came back: they need your attention."),
        "signed_out": _(
            "You are signed out: the cases kept on this phone are deleted. Sign in to send what waits."
        ),
        "case_not_kept": _("This case is not kept on this phone."),
        "nothing_changed": _("Nothing was changed."),
        "case_number": _("Case number"),
        "father_name": _("Father's name"),
        "age": _("Age"),
        "sex": _("Sex"),
        "hotspot": _("Hotspot"),
        "next_followup": _("Next follow-up"),
        "field": _("Field"),
        "saved": _("Saved by someone else"),
        "yours": _("Yours"),
        "keep_saved": _("Keep the saved value"),
        "use_mine": _("Save mine over it"),
        "likely_duplicate": _("This child may already be registered:"),
        "elsewhere": _("at"),
        "different_child": _("It is a different child: register"),
        "same_child": _("It is the same child: discard"),
        "correct": _("Correct and send again"),
        "kind_encounter": _("Encounter"),
        "kind_registration": _("Registration"),
        "kind_note": _("Note"),
        "kind_followup_outcome": _("Follow-up outcome"),
        "kind_section_update": _("Name correction"),
        "status_conflict": _("changed by someone else meanwhile"),
        "status_refused": _("not accepted"),
        "status_needs_decision": _("possible duplicate"),
    }


@require_permission(Perm.OUTREACH_LOG)
def offline_app(request: HttpRequest) -> HttpResponse:
    user = request.user
    organisation = user.membership.organisation  # type: ignore[union-attr]
    encounter_form = EncounterForm(cases=Case.objects.none(), organisation=organisation)
    context = {
        "encounter_form": encounter_form,
        "registration_form": RegistrationForm(organisation=organisation, user=user),
        "note_form": NoteForm(),
        "outcome_form": FollowUpOutcomeForm(),
        "bands": AgeBand,
        "offline_text": _offline_text(),
    }
    return render(request, "children/offline/app.html", context)
