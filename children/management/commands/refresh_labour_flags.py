"""Recompute every case's Labour Law flags (docs/adr/0035): after the rules in
children/labour_law.py change. The nightly job rechecks only the children who turned 15 or 18."""

from django.core.management.base import BaseCommand
from django.db import transaction

from children.services.labour import labour_flags_refresh


class Command(BaseCommand):
    help = "Recompute the Labour Law flags of every case and write the ones that changed."

    def handle(self, *args, **options):
        with transaction.atomic():
            changed = labour_flags_refresh()
        self.stdout.write(f"Labour Law flags changed on {changed} cases.")
