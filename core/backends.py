"""The lockout's authentication backend: django-axes, with a refusal that cannot be timed (AU-05).

Axes refuses a locked-out username+address pair before any password is checked, so its answer
came back in a fraction of the time a wrong password takes, and the lock could be seen from the
outside. Here the refusal first hashes the typed password once, as Django's own backend does for
an unknown username, so a locked pair, an unknown user and a wrong password cost the same.
"""

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from django.contrib.auth import get_user_model
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
