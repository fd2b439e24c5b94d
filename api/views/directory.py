"""The directory (organisations and services) and resolutions: no child in any of them."""

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.access import get_for_user_or_404
from core.permissions import Perm
from meetings.access import get_resolution_for_user
from meetings.selectors import resolution_tracker
from ngos.models import Service
from ngos.selectors import organisation_directory, organisations_in_directory

from ..base import ApiView, form_errors
from ..scopes import Scope
from ..serializers.directory import OrganisationSerializer, ResolutionSerializer, ServiceSerializer

DIRECTORY = {"read": Scope.DIRECTORY_READ}
RESOLUTIONS = {"read": Scope.RESOLUTIONS_READ}


class OrganisationListView(ApiView):
    scopes = DIRECTORY
    access_rule = "permission:directory.view"
    required_perms = (Perm.DIRECTORY_VIEW,)

    @extend_schema(responses=OrganisationSerializer(many=True))
    def get(self, request: Request) -> Response:
        directory = organisation_directory(user=request.user, filters=request.query_params)
        if directory.is_bound and not directory.is_valid():
            return form_errors(directory.form)
        return self.paginated(directory.qs, OrganisationSerializer)


class OrganisationDetailView(ApiView):
    scopes = DIRECTORY
    access_rule = "object"

    @extend_schema(responses=OrganisationSerializer)
    def get(self, request: Request, pk: int) -> Response:
        organisation = get_for_user_or_404(
            request.user, organisations_in_directory(user=request.user), pk=pk
        )
        return Response(OrganisationSerializer(organisation).data)


class ServiceListView(ApiView):
    scopes = DIRECTORY
    access_rule = "signed_in"

    @extend_schema(responses=ServiceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(ServiceSerializer(Service.objects.all(), many=True).data)


class ResolutionListView(ApiView):
    scopes = RESOLUTIONS
    access_rule = "signed_in"

    @extend_schema(responses=ResolutionSerializer(many=True))
    def get(self, request: Request) -> Response:
        tracker = resolution_tracker(user=request.user, filters=request.query_params)
        if tracker.is_bound and not tracker.is_valid():
            return form_errors(tracker.form)
        return self.paginated(tracker.qs, ResolutionSerializer)


class ResolutionDetailView(ApiView):
    scopes = RESOLUTIONS
    access_rule = "object"

    @extend_schema(responses=ResolutionSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(ResolutionSerializer(get_resolution_for_user(request.user, pk)).data)
