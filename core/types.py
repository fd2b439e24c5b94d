"""Names for types that annotations across the apps share.

The aliases are strings, so importing this module loads no model: it is safe anywhere, settings
and app configs included.
"""

from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from core.models import User

# Whoever a request or a task acts for: `request.user` before login is required.
AnyUser: TypeAlias = "User | AnonymousUser"
