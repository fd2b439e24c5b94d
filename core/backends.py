"""Authentication backends: the lockout's, and the one that reads the signed-in user of a request.

The lockout's backend is django-axes, with a refusal that cannot be timed (AU-05).

Axes refuses a locked-out username+address pair before any password is checked, so its answer
came back in a fraction of the time a wrong password takes, and the lock could be seen from the
outside. Here the refusal first hashes the typed password once, as Django's own backend does for
an unknown username, so a locked pair, an unknown user and a wrong password cost the same.

`SignedInUserBackend` checks passwords as Django's ModelBackend does; what it changes is how a
signed-in request's user is read: in one query with what every page needs (issue 21).
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import OuterRef, Subquery
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):  # type: ignore[misc]
    def authenticate(
        self,
        request: HttpRequest,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        try:
            super().authenticate(request, username=username, password=password, **kwargs)
        except AxesBackendPermissionDenied:
            # The same hashing work as a failed check, with the default hasher (AU-05).
            get_user_model()().set_password(password)
            raise


# The ids of the user's confirmed authenticator app and recovery codes (None: none) when the
# request began, read with the user row (SignedInUserBackend) so that the second-factor checks of
# a page ask the database nothing more (AU-03). Read again on every request: a removed device
# or a changed role counts from the next one.
TOTP_DEVICE_AT_LOAD = "_second_factor_totp_id"
STATIC_DEVICE_AT_LOAD = "_second_factor_static_id"


def signed_in_users() -> Any:
    """The users as every page reads the signed-in one: with their membership and organisation
    (the navigation and every permission check read them) and their confirmed devices."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def first_confirmed(model: Any) -> Any:
        devices = model.objects.filter(user=OuterRef("pk"), confirmed=True).order_by("pk")
        return Subquery(devices.values("pk")[:1])

    return (
        get_user_model()
        ._default_manager.select_related("membership__organisation")
        .annotate(
            **{
                TOTP_DEVICE_AT_LOAD: first_confirmed(TOTPDevice),
                STATIC_DEVICE_AT_LOAD: first_confirmed(StaticDevice),
            }
        )
    )


class SignedInUserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user of each request in one query: the user
    row, the membership, the organisation and the confirmed second-factor devices (issue 21)."""

    def get_user(self, user_id: Any) -> Any:
        try:
            user = signed_in_users().get(pk=user_id)
        except ObjectDoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
