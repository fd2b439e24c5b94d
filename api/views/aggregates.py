"""The ministry dashboard's figures over the API: slices of the same protected cube, so every
count from 1 to 4 is "<5" and complementary cells are hidden exactly as on the dashboard (AC-08).
A provincial officer's token or session gets its province only (AC-12)."""

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core import audit
from core.permissions import Perm
from reports.selectors.national import ALL, START, period_cube
from reports.views.national import DashboardFilter, current_quarter, officer_province

from ..base import ApiView, form_errors
from ..scopes import Scope


class FigureSerializer(serializers.Serializer):
    measure = serializers.CharField()
    province = serializers.CharField(help_text='A province id, or "all" for the nation.')
    dimension = serializers.CharField(allow_blank=True)
    category = serializers.CharField(allow_blank=True)
    value = serializers.CharField(help_text='A count, "<5" (1 to 4) or "*" (hidden).')


class AggregatesSerializer(serializers.Serializer):
    period = serializers.CharField()
    province = serializers.CharField()
    figures = FigureSerializer(many=True)


class AggregateView(ApiView):
    scopes = {"read": Scope.AGGREGATES_READ}
    access_rule = "permission:national.dashboard"
    required_perms = (Perm.NATIONAL_DASHBOARD,)

    @extend_schema(
        parameters=[
            OpenApiParameter("quarter", str, description="A quarter key, e.g. 1404-Q2"),
            OpenApiParameter("province", int),
        ],
        responses=AggregatesSerializer,
    )
    def get(self, request: Request) -> Response:
        fixed = officer_province(request.user)
        form = DashboardFilter(request.query_params or None, fixed_province=fixed)
        if form.is_bound and not form.is_valid():
            return form_errors(form)
        period = form.period() if form.is_bound else current_quarter()
        scope: Any = ALL
        if fixed is not None:
            scope = fixed.pk
        elif form.is_bound and form.cleaned_data.get("province") is not None:
            scope = form.cleaned_data["province"].pk
        cube = period_cube(period)
        figures = []
        for key, value in sorted(cube.values.items()):
            measure, province, dimension, category = key.split("|")
            if measure == START:
                continue  # never shown, only related (reports.selectors.national.START)
            if scope != ALL and province != str(scope):
                continue
            figures.append(
                {
                    "measure": measure,
                    "province": province,
                    "dimension": dimension,
                    "category": category,
                    "value": value,
                }
            )
        audit.record(
            audit.Action.VIEW,
            user=request.user,
            object_type="reports.dashboard",
            object_id=period.key,
            detail={"province": str(scope), "via": "api"},
        )
        return Response({"period": period.key, "province": str(scope), "figures": figures})
