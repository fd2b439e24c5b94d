"""`manage.py grant_app_role`: give the application's database role its rights, as the owner.

Run with DATABASE_OWNER_URL set (the owner) and DATABASE_URL naming the application role; `migrate`
does the same at its end. Creates the role if it is missing, sets its password from DATABASE_URL,
and leaves it owning nothing, with only SELECT and INSERT on the append-only tables (LG-03).
"""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import dbroles


class Command(BaseCommand):
    help = "Create or update the application's database role and grant it its rights (LG-03)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--role", default="", help="Role name (default: DATABASE_URL's user).")
        parser.add_argument(
            "--password", default="", help="Its password (default: DATABASE_URL's password)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"] or dbroles.app_role()
        password = options["password"] or (
            None if options["role"] else dbroles.app_password() or None
        )
        try:
            tables = dbroles.grant(role, password=password)
        except dbroles.RoleError as error:
            raise CommandError(str(error)) from None
        if options["verbosity"]:
            self.stdout.write(
                f"{role}: ordinary rights on the tables; only SELECT and INSERT on "
                f"{len(tables)} append-only tables."
            )
