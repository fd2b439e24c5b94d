"""Django's message storage (a signed cookie, then the session), with the cookie's signer made once
per signing key rather than on every request.

Every page draws `includes/messages.html`, so every request builds the storage; Django's cookie
storage builds a `Signer` each time (importing SIGNING_BACKEND, deriving the cookie key), about
half of MessageMiddleware's cost (issue 21). A signer holds only its key, fallback keys, salt,
separator and algorithm, so one is shared by every request signed with the same settings; a
change of SECRET_KEY, its fallbacks or the backend makes a new one.
"""

import functools
from typing import Any

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core import signing


@functools.lru_cache(maxsize=8)
def _cookie_signer(salt: str, *signing_settings: object) -> signing.Signer:
    # `signing_settings` (_signing_settings(), read just before) key the cache: all that
    # `signing.get_cookie_signer` reads. Its fallback keys come as a one-use iterator; kept as a
    # list, since the signer now checks more than one cookie.
    signer = signing.get_cookie_signer(salt=salt)
    signer.fallback_keys = list(signer.fallback_keys)
    return signer


def _signing_settings() -> tuple[object, ...]:
    return settings.SIGNING_BACKEND, settings.SECRET_KEY, tuple(settings.SECRET_KEY_FALLBACKS)


class SharedSignerCookieStorage(CookieStorage):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # CookieStorage.__init__ is BaseStorage's and a new signer; the signer is the shared one.
        super(CookieStorage, self).__init__(*args, **kwargs)
        self.signer = _cookie_signer(self.key_salt, *_signing_settings())


class MessageStorage(FallbackStorage):
    """FallbackStorage: the cookie first, then the session, as Django's."""

    storage_classes = (SharedSignerCookieStorage, *FallbackStorage.storage_classes[1:])
