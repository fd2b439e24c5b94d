"""Referrals over the API: the inbox and sent lists (the pages' filters), one referral (the
receiver reads only what it shares, AC-04), sending one, and answering one."""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from children.access import get_case_for_user, get_referral_for_user
from children.forms.referrals import (
    CompleteForm,
    DeclineForm,
    ReferralForm,
    ReferralServiceForm,
)
from children.selectors.referrals import referral_inbox, referral_outbox, referrals_visible_to
from children.services.referrals import (
    referral_accept,
    referral_complete,
    referral_consent_for,
    referral_decline,
    referral_send,
)
from core.permissions import Perm, has_permission
from ngos.selectors import organisations_for_referral

from ..base import ApiView, form_errors
from ..scopes import Scope
from ..serializers.referrals import (
    ReferralAnswerSerializer,
    ReferralSendSerializer,
    ReferralSerializer,
)

SCOPES = {"read": Scope.REFERRALS_READ, "write": Scope.REFERRALS_WRITE}


class ReferralListView(ApiView):
    """`box=received` (the inbox, the default) or `box=sent`."""

    scopes = SCOPES
    access_rule = "permission:case.view,referral.answer"
    required_perms = (Perm.CASE_VIEW, Perm.REFERRAL_ANSWER)

    @extend_schema(
        parameters=[OpenApiParameter("box", enum=["received", "sent"])],
        responses=ReferralSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        filters = request.query_params.copy()
        box = filters.pop("box", ["received"])[-1]
        selector = referral_outbox if box == "sent" else referral_inbox
        referral_filter = selector(user=request.user, filters=filters or None)
        if referral_filter.is_bound and not referral_filter.is_valid():
            return form_errors(referral_filter.form)
        return self.paginated(referral_filter.qs, ReferralSerializer)


class ReferralDetailView(ApiView):
    scopes = SCOPES
    access_rule = "object"

    @extend_schema(responses=ReferralSerializer)
    def get(self, request: Request, pk: int) -> Response:
        referral = get_referral_for_user(request.user, pk)
        return Response(ReferralSerializer(referral, context={"request": request}).data)


class ReferralSendView(ApiView):
    """Refer a case: the same checks as the page (consent, receiver, service, AC-05)."""

    scopes = SCOPES
    access_rule = "object"

    @extend_schema(request=ReferralSendSerializer, responses={201: ReferralSerializer})
    def post(self, request: Request, pk: int) -> Response:
        case = get_case_for_user(request.user, pk, action=None, perm=Perm.REFERRAL_SEND)
        service_form = ReferralServiceForm(request.data)
        if not service_form.is_valid():
            return form_errors(service_form)
        service = service_form.cleaned_data["service"]
        consent = referral_consent_for(case)
        allow_override = consent is None and has_permission(request.user, Perm.CONSENT_OVERRIDE)
        form = ReferralForm(
            request.data,
            organisations=organisations_for_referral(
                user=request.user, service=service, province=case.province_id
            ),
            allow_override=allow_override,
        )
        if not form.is_valid():
            return form_errors(form)
        referral = referral_send(
            by=request.user,
            case=case,
            to_organisation=form.cleaned_data["to_organisation"],
            service=service,
            data=form.referral_data(),
            consent_override_reason=form.cleaned_data.get("consent_override_reason", ""),
        )
        return Response(
            ReferralSerializer(referral, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


class ReferralAnswerView(ApiView):
    """The receiver accepts, declines (with a reason) or records the outcome."""

    scopes = SCOPES
    access_rule = "object"

    @extend_schema(request=ReferralAnswerSerializer, responses={200: ReferralSerializer})
    def post(self, request: Request, pk: int) -> Response:
        referral = get_referral_for_user(request.user, pk, action=None)
        if (
            not has_permission(request.user, Perm.REFERRAL_ANSWER)
            or referral.to_organisation_id != request.user.membership.organisation_id
        ):
            raise PermissionDenied
        answer = request.data.get("answer") if hasattr(request.data, "get") else None
        if answer == "accept":
            referral = referral_accept(by=request.user, referral=referral)
        elif answer == "decline":
            form = DeclineForm(request.data)
            if not form.is_valid():
                return form_errors(form)
            referral = referral_decline(
                by=request.user, referral=referral, reason=form.cleaned_data["reason"]
            )
        elif answer == "complete":
            complete = CompleteForm(request.data)
            if not complete.is_valid():
                return form_errors(complete)
            referral = referral_complete(
                by=request.user,
                referral=referral,
                completed=complete.cleaned_data["completed"],
                notes=complete.cleaned_data["notes"],
            )
        else:
            return Response({"answer": ["accept, decline or complete"]}, status=400)
        if not referrals_visible_to(request.user).filter(pk=referral.pk).exists():
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ReferralSerializer(referral, context={"request": request}).data)
