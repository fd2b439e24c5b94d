"""Print the current second-factor code of a demo person (AU-03), so a new user can sign in to the
demo as a manager, ministry officer or administrator without an authenticator app."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.second_factor import code_now

from ...people import DEMO_TOTP_KEY, is_demo_person


class Command(BaseCommand):
    help = "Print the current one-time code of a demo user, e.g. `demo_code manager.a`."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        if not (settings.DEBUG or getattr(settings, "DEMO_SECOND_FACTOR", False)):
            raise CommandError("demo_code works only in the demo (DEBUG or DEMO_SECOND_FACTOR on).")
        user = get_user_model().objects.filter(username=username).first()
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() if user else None
        if (
            user is None
            or not is_demo_person(user)
            or device is None
            or device.key != DEMO_TOTP_KEY
        ):
            raise CommandError(f"{username} is not a demo person with the demo key.")
        self.stdout.write(code_now(device))
