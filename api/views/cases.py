"""Cases over the API: list (the case list's filters), register, read, update by section with a
version (a stale one is a 409 with both values, like the page), notes and follow-ups."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from children import services
from children.access import get_case_for_user
from children.filters import CaseFilter
from children.forms import SECTIONS, NoteForm, RegistrationForm, section_form
from children.forms.workflow import FollowUpForm, FollowUpOutcomeForm
from children.selectors.cases import cases_visible_to
from children.selectors.duplicates import likely_duplicates
from core import audit
from core.exceptions import Conflict
from core.permissions import Perm, has_permission

from ..base import ApiView, form_errors
from ..scopes import Scope
from ..serializers.cases import (
    CaseDetailSerializer,
    CaseRegisterSerializer,
    CaseSummarySerializer,
    FollowUpOutcomeSerializer,
    FollowUpSerializer,
    NoteSerializer,
    SectionUpdateSerializer,
    _plain,
    section_fields,
)

CASE_SCOPES = {"read": Scope.CASES_READ, "write": Scope.CASES_WRITE}


class CaseListView(ApiView):
    """The caller's organisation's cases, filtered like the case list page (AC-02)."""

    scopes = CASE_SCOPES
    access_rule = "permission:case.view"
    required_perms = (Perm.CASE_VIEW,)

    @extend_schema(responses=CaseSummarySerializer(many=True), parameters=[])
    def get(self, request: Request) -> Response:
        queryset = cases_visible_to(request.user).select_related("assigned_to", "province")
        case_filter = CaseFilter(request.query_params, queryset=queryset, request=request)
        if not case_filter.is_valid():
            return form_errors(case_filter.form)
        if case_filter.form.cleaned_data.get("q"):
            audit.record(
                audit.Action.VIEW,
                user=request.user,
                object_type="children.case",
                object_id="search",
            )
        return self.paginated(case_filter.qs, CaseSummarySerializer)

    @extend_schema(
        request=CaseRegisterSerializer,
        responses={
            201: CaseDetailSerializer,
            400: OpenApiResponse(description="Field errors"),
            409: OpenApiResponse(description="Likely duplicates: confirm_not_duplicate"),
        },
    )
    def post(self, request: Request) -> Response:
        if not has_permission(request.user, Perm.CASE_EDIT):
            raise PermissionDenied
        organisation = request.user.membership.organisation
        form = RegistrationForm(request.data, organisation=organisation, user=request.user)
        if not form.is_valid():
            return form_errors(form)
        duplicates = likely_duplicates(form.case_data())
        if duplicates and not form.cleaned_data["confirm_not_duplicate"]:
            own = [c.case.pk for c in duplicates if c.case.organisation_id == organisation.pk]
            elsewhere = sorted({str(c.case.organisation) for c in duplicates} - {str(organisation)})
            return Response(
                {
                    "detail": "likely_duplicates",
                    "own_cases": own,
                    "other_organisations": elsewhere,
                },
                status=status.HTTP_409_CONFLICT,
            )
        case = services.case_register(
            by=request.user,
            organisation=organisation,
            data=form.case_data(),
            consent=form.consent_data(),
            assigned_to=form.cleaned_data["assigned_to"],
        )
        return Response(CaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class CaseDetailView(ApiView):
    """One case; another organisation's case is the same 404 as a missing one (AC-01)."""

    scopes = CASE_SCOPES
    access_rule = "object"

    @extend_schema(responses=CaseDetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, perm=Perm.CASE_VIEW)
        return Response(CaseDetailSerializer(case).data)


class CaseSectionView(ApiView):
    """Change one section of a case from the version the caller read (RE-02)."""

    scopes = CASE_SCOPES
    access_rule = "object"

    @extend_schema(
        request=SectionUpdateSerializer,
        responses={
            200: CaseDetailSerializer,
            400: OpenApiResponse(description="Field errors"),
            409: OpenApiResponse(description="Stale version: the saved and your values"),
        },
    )
    def patch(self, request: Request, pk: int, section: str) -> Response:
        case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
        if section not in SECTIONS:
            raise Http404
        body = request.data if isinstance(request.data, dict) else {}
        values = body.get("values")
        if not isinstance(values, dict):
            return Response({"values": ["Give the section's fields to change."]}, status=400)
        fields = section_fields(section)
        unknown = sorted(set(values) - set(fields))
        # Fields of other sections, and organisation, owner or status, change nothing (AC-06).
        data: dict[str, Any] = {
            **_form_values(case, section),
            **{k: v for k, v in values.items() if k in fields},
            "version": body.get("version"),
        }
        form = section_form(section, data, instance=case)
        if not form.is_valid():
            return form_errors(form)
        try:
            services.case_section_save(
                by=request.user,
                case=case,
                section=section,
                data=form.section_data(),
                expected_version=form.cleaned_data["version"],
            )
        except Conflict as conflict:
            current = conflict.current
            changed = [
                name
                for name in fields
                if name in values and getattr(current, name) != form.cleaned_data.get(name)
            ]
            return Response(
                {
                    "detail": "conflict",
                    "version": current.version,
                    "saved": {name: _plain(getattr(current, name)) for name in changed},
                    "yours": {name: _plain(form.cleaned_data.get(name)) for name in changed},
                },
                status=status.HTTP_409_CONFLICT,
            )
        fresh = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_VIEW)
        response = Response(CaseDetailSerializer(fresh).data)
        if unknown:
            response["X-Ignored-Fields"] = ",".join(unknown)
        return response


def _form_values(case: Any, section: str) -> dict[str, Any]:
    """The section's saved values in the form's terms, so a partial update keeps the others.
    (Household answers of a child in a family live on the household: read them through the case's
    own attributes, which the section form also starts from.)"""
    form = section_form(section, instance=case)
    values = model_to_dict(case, fields=section_fields(section))
    for name in section_fields(section):
        initial = form.initial.get(name, values.get(name))
        values[name] = "" if initial is None else initial
    return values


class CaseNotesView(ApiView):
    scopes = CASE_SCOPES
    access_rule = "object"

    @extend_schema(responses=NoteSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, perm=Perm.CASE_VIEW)
        return self.paginated(case.notes.all(), NoteSerializer)

    @extend_schema(request=NoteSerializer, responses={201: NoteSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, action=None, perm=Perm.CASE_EDIT)
        form = NoteForm(request.data)
        if not form.is_valid():
            return form_errors(form)
        note = services.case_add_note(by=request.user, case=case, body=form.cleaned_data["body"])
        return Response(NoteSerializer(note).data, status=status.HTTP_201_CREATED)


class FollowUpListView(ApiView):
    scopes = CASE_SCOPES
    access_rule = "object"

    @extend_schema(responses=FollowUpSerializer(many=True))
    def get(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, perm=Perm.CASE_VIEW)
        return self.paginated(case.follow_ups.all(), FollowUpSerializer)

    @extend_schema(request=FollowUpSerializer, responses={201: FollowUpSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, action=None, perm=Perm.FOLLOWUP_MANAGE)
        form = FollowUpForm(request.data, organisation=case.organisation, user=request.user)
        if not form.is_valid():
            return form_errors(form)
        followup = services.followup_schedule(by=request.user, case=case, **form.cleaned_data)
        return Response(FollowUpSerializer(followup).data, status=status.HTTP_201_CREATED)


class FollowUpOutcomeView(ApiView):
    scopes = CASE_SCOPES
    access_rule = "object"

    @extend_schema(request=FollowUpOutcomeSerializer, responses={200: FollowUpSerializer})
    def post(self, request: Request, pk: int, followup_pk: int) -> Response:
        case = get_case_for_user(request.user, pk, action=None, perm=Perm.FOLLOWUP_MANAGE)
        followup = get_object_or_404(case.follow_ups, pk=followup_pk)
        form = FollowUpOutcomeForm(request.data)
        if not form.is_valid():
            return form_errors(form)
        followup = services.followup_record(
            by=request.user,
            followup=followup,
            done=form.cleaned_data["result"] == "done",
            outcome=form.cleaned_data["outcome"],
        )
        return Response(FollowUpSerializer(followup).data)
