"""Staff of an organisation: the list, invitations, roles, deactivation with reassignment, and
the page where an invited person chooses a password."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import public, require_permission
from core.permissions import Perm, has_permission
from core.refusals import refusal_as_message, refusal_on_form

from ..access import (
    get_membership_for_staff_management,
    get_organisation_for_staff_management,
    get_organisation_for_staff_view,
)
from ..forms import (
    InvitationSetPasswordForm,
    SecondApproverForm,
    StaffDeactivateForm,
    StaffEditForm,
    StaffInviteForm,
)
from ..selectors import (
    approvers_of,
    needs_a_manager,
    reassignment_candidates,
    second_approver_candidates,
    staff_of,
)
from ..services import (
    invitation_accept,
    second_approver_set,
    staff_change_role,
    staff_deactivate,
    staff_invite,
    staff_invite_resend,
    staff_reactivate,
)
from ..tokens import invitation_tokens


@require_permission(Perm.ORG_VIEW_STAFF)
def staff_list(request, pk):
    organisation = get_organisation_for_staff_view(request.user, pk)
    return render(
        request,
        "ngos/staff_list.html",
        {
            "organisation": organisation,
            "staff": staff_of(organisation=organisation),
            "needs_manager": needs_a_manager(organisation=organisation),
            "can_manage": has_permission(
                request.user, Perm.ORG_MANAGE_STAFF, organisation=organisation
            ),
        },
    )


@require_permission(Perm.ORG_MANAGE_STAFF)
def staff_invite_view(request, pk):
    organisation = get_organisation_for_staff_management(request.user, pk)
    form = StaffInviteForm(
        request.POST or None,
        by_administrator=has_permission(request.user, Perm.USERS_MANAGE_ALL),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            membership = staff_invite(
                by=request.user, organisation=organisation, data=form.cleaned_data
            )
            messages.success(
                request,
                _("An invitation has been sent to %(email)s.") % {"email": membership.user.email},
            )
            return redirect("ngos:staff_list", pk=organisation.pk)
    return render(request, "ngos/staff_invite.html", {"organisation": organisation, "form": form})


@require_permission(Perm.ORG_MANAGE_STAFF)
def staff_edit(request, pk, member_pk):
    organisation, membership = get_membership_for_staff_management(request.user, pk, member_pk)
    form = StaffEditForm(
        request.POST or None,
        instance=membership,
        by_administrator=has_permission(request.user, Perm.USERS_MANAGE_ALL),
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            staff_change_role(
                by=request.user,
                membership=membership,
                role=form.cleaned_data["role"],
                title=form.cleaned_data["title"],
                province=form.cleaned_data.get("province"),
            )
            messages.success(request, _("The role has been saved."))
            return redirect("ngos:staff_list", pk=organisation.pk)
    return render(
        request,
        "ngos/staff_edit.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


@require_permission(Perm.ORG_MANAGE_STAFF)
def second_approver(request, pk):
    """Name the organisation's second approver (docs/adr/0038)."""
    organisation = get_organisation_for_staff_management(request.user, pk)
    candidates = second_approver_candidates(organisation=organisation)
    users = get_user_model().objects.filter(membership__in=candidates)
    current = candidates.filter(second_approver=True).first()
    form = SecondApproverForm(
        request.POST or None,
        candidates=users,
        initial={"second_approver": current.user_id if current else None},
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            chosen = second_approver_set(
                by=request.user,
                organisation=organisation,
                user=form.cleaned_data["second_approver"],
            )
            if chosen is None:
                messages.success(request, _("No second approver is named."))
            else:
                messages.success(
                    request,
                    _("%(name)s may now approve closures and consent overrides.")
                    % {"name": chosen.user.get_full_name() or chosen.user.username},
                )
            return redirect("ngos:second_approver", pk=organisation.pk)
    return render(
        request,
        "ngos/second_approver.html",
        {
            "organisation": organisation,
            "form": form,
            "approvers": approvers_of(organisation=organisation),
        },
    )


@require_permission(Perm.ORG_MANAGE_STAFF)
def staff_deactivate_view(request, pk, member_pk):
    organisation, membership = get_membership_for_staff_management(request.user, pk, member_pk)
    form = StaffDeactivateForm(
        request.POST or None, candidates=reassignment_candidates(membership=membership)
    )
    if request.method == "POST" and form.is_valid():
        with refusal_on_form(form):
            moved = staff_deactivate(
                by=request.user,
                membership=membership,
                reassign_to=form.cleaned_data.get("reassign_to"),
            )
            messages.success(
                request,
                _("%(name)s has been deactivated. Open cases reassigned: %(count)s.")
                % {
                    "name": membership.user.get_full_name() or membership.user.username,
                    "count": moved,
                },
            )
            return redirect("ngos:staff_list", pk=organisation.pk)
    return render(
        request,
        "ngos/staff_deactivate.html",
        {"organisation": organisation, "membership": membership, "form": form},
    )


def _post_action(request, pk, member_pk, service, done):
    organisation, membership = get_membership_for_staff_management(request.user, pk, member_pk)
    with refusal_as_message(request):
        service(by=request.user, membership=membership)
        messages.success(request, done)
    return redirect("ngos:staff_list", pk=organisation.pk)


@require_permission(Perm.ORG_MANAGE_STAFF)
@require_POST
def staff_reactivate_view(request, pk, member_pk):
    return _post_action(
        request, pk, member_pk, staff_reactivate, _("The account can sign in again.")
    )


@require_permission(Perm.ORG_MANAGE_STAFF)
@require_POST
def staff_resend_view(request, pk, member_pk):
    return _post_action(
        request, pk, member_pk, staff_invite_resend, _("A new invitation has been sent.")
    )


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """Django's reset-confirm flow (the token leaves the address bar before the form shows),
    with the invitation's own tokens, which last 72 hours and work once."""

    template_name = "ngos/invitation_accept.html"
    token_generator = invitation_tokens
    form_class = InvitationSetPasswordForm
    success_url = reverse_lazy("login")
    post_reset_login = False

    def form_valid(self, form):
        user = invitation_accept(user=form.user, password=form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        messages.success(
            self.request,
            _("Your password is set. Sign in with your username, %(username)s.")
            % {"username": user.get_username()},
        )
        return HttpResponseRedirect(self.get_success_url())


invitation_accept_view = public(InvitationAcceptView.as_view())
