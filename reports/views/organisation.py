from django.shortcuts import render

from core.access import require_permission
from core.permissions import Perm


@require_permission(Perm.ORG_DASHBOARD)
def organisation_dashboard(request):
    return render(request, "reports/organisation_dashboard.html", {})
