"""Outreach encounters over the API: the encounter list's filters, logging one, reading one."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from children import services
from children.access import encounters_visible_to, get_encounter_for_user
from children.filters import EncounterFilter
from children.forms.outreach import EncounterForm
from children.selectors.cases import cases_visible_to
from core.permissions import Perm

from ..base import ApiView, form_errors
from ..scopes import Scope
from ..serializers.cases import EncounterSerializer

SCOPES = {"read": Scope.CASES_READ, "write": Scope.CASES_WRITE}


class EncounterListView(ApiView):
    scopes = SCOPES
    access_rule = "permission:outreach.log"
    required_perms = (Perm.OUTREACH_LOG,)

    @extend_schema(responses=EncounterSerializer(many=True))
    def get(self, request: Request) -> Response:
        queryset = encounters_visible_to(request.user).prefetch_related("children")
        encounter_filter = EncounterFilter(request.query_params, queryset=queryset, request=request)
        if not encounter_filter.is_valid():
            return form_errors(encounter_filter.form)
        return self.paginated(encounter_filter.qs, EncounterSerializer)

    @extend_schema(request=EncounterSerializer, responses={201: EncounterSerializer})
    def post(self, request: Request) -> Response:
        organisation = request.user.membership.organisation
        form = EncounterForm(
            request.data, cases=cases_visible_to(request.user), organisation=organisation
        )
        if not form.is_valid():
            return form_errors(form)
        encounter = services.encounter_log(
            by=request.user,
            organisation=organisation,
            data=form.encounter_data(),
            cases=form.cleaned_data["cases"],
            anonymous=form.anonymous_counts(),
        )
        return Response(EncounterSerializer(encounter).data, status=status.HTTP_201_CREATED)


class EncounterDetailView(ApiView):
    scopes = SCOPES
    access_rule = "object"

    @extend_schema(responses=EncounterSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(EncounterSerializer(get_encounter_for_user(request.user, pk)).data)
