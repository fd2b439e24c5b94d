"""Print the current second-factor code of a demo person (AU-03), so a new user can sign in to the
demo as a manager, ministry officer or administrator without an authenticator app.

It needs no database: the demo people and their one key are fixed in demo/people.py, so it works
from a second terminal beside `make run` (whose private database that terminal cannot see)."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import hotp

from core.permissions import Role

from ...people import DEMO_TOTP_KEY, USERS


class Command(BaseCommand):
    help = "Print the current one-time code of a demo user, e.g. `demo_code manager.a`."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not (settings.DEBUG or getattr(settings, "DEMO_SECOND_FACTOR", False)):
            raise CommandError("demo_code works only in the demo (DEBUG or DEMO_SECOND_FACTOR on).")
        needing = {
            name for name, *_rest, role, _province, _title in USERS if Role.get(role).second_factor
        }
        if username not in needing:
            raise CommandError(f"{username} is not a demo person who needs a code.")
        now = time.time()
        code = hotp(bytes.fromhex(DEMO_TOTP_KEY), int(now) // 30, digits=6)
        self.stdout.write(f"{code:06d}")
        self.stderr.write(f"(valid for about {30 - int(now) % 30 + 30} more seconds, once)")
