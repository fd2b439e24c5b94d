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
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import OuterRef, Subquery
from django.db.models.query import get_related_populators
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


# A user id no row has: where it stands in the compiled query's parameters, each request's goes.
_PLACEHOLDER_ID = -7_000_000_000_001


class _SignedInUserQuery:
    """`signed_in_users().get(pk=...)`, compiled to SQL once per process and database.

    Building and compiling that queryset cost about ten times what running it does, on every
    request. Django compiles it here once; each request runs the SQL with its user id and turns
    the row into objects as Django's own ModelIterable does (user, membership, organisation and
    the two annotations).
    """

    def __init__(self) -> None:
        self._compiled: dict[str, tuple[Any, ...]] = {}

    def _compile(self, alias: str) -> tuple[Any, ...]:
        compiled = self._compiled.get(alias)
        if compiled is None:
            query = signed_in_users().filter(pk=_PLACEHOLDER_ID).query
            compiler = query.get_compiler(using=alias)
            sql, params = compiler.as_sql()
            at = [i for i, param in enumerate(params) if param == _PLACEHOLDER_ID]
            if len(at) != 1:
                raise ImproperlyConfigured("The signed-in user's query takes its id only once.")
            klass_info = compiler.klass_info
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            init_list = [column[0].target.attname for column in compiler.select[start:end]]
            converters = compiler.get_converters([column[0] for column in compiler.select])
            compiled = (
                sql,
                list(params),
                at[0],
                compiler.select,
                klass_info,
                (start, end),
                init_list,
                dict(compiler.annotation_col_map),
                converters,
            )
            self._compiled[alias] = compiled
        return compiled

    def get(self, user_id: Any) -> Any:
        alias = router.db_for_read(get_user_model())
        sql, params, at, select, klass_info, (start, end), init_list, annotations, converters = (
            self._compile(alias)
        )
        params = list(params)
        params[at] = int(user_id)
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchmany(2)
        if len(rows) != 1:
            return None
        row = list(rows[0])
        for position, (functions, expression) in converters.items():
            for convert in functions:
                row[position] = convert(row[position], expression, connections[alias])
        user = klass_info["model"].from_db(alias, init_list, row[start:end])
        # Django 5.2's signature (the stubs already know 6.0's, which adds a fetch mode).
        for populator in get_related_populators(klass_info, select, alias):  # type: ignore[call-arg]
            populator.populate(row, user)
        for attribute, position in annotations.items():
            setattr(user, attribute, row[position])
        return user


_signed_in_user = _SignedInUserQuery()


class SignedInUserBackend(ModelBackend):
    """Django's ModelBackend, reading the signed-in user of each request in one query: the user
    row, the membership, the organisation and the confirmed second-factor devices (issue 21)."""

    def get_user(self, user_id: Any) -> Any:
        try:
            user = _signed_in_user.get(user_id)
        except (TypeError, ValueError):
            return None
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None
