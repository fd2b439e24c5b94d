from django.shortcuts import render

from core.access import require_permission
from core.permissions import Perm

from ..selectors.mywork import my_work as my_work_selector


@require_permission(Perm.CASE_VIEW)
def my_work(request):
    return render(request, "children/my_work.html", my_work_selector(user=request.user))
