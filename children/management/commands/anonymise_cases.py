"""`manage.py anonymise_cases [--dry-run] [--today YYYY-MM-DD]`: the retention rule (RT-01) by
hand. With --dry-run it counts the closed cases the rule reaches, those a legal hold keeps and
those anonymised before, and changes nothing. Without it, it anonymises the cases it counted,
whatever RETENTION_ANONYMISE says (the setting is for the nightly job)."""

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser

from children.selectors.retention import Rule
from children.services.retention import retention_run


class Command(BaseCommand):
    help = "Anonymise closed cases past the retention rule (or count them with --dry-run)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count only; change nothing")
        parser.add_argument("--today", help="judge as on this day (YYYY-MM-DD; default: today)")

    def handle(self, *args: object, **options: object) -> None:
        today = None
        if options["today"]:
            try:
                today = datetime.date.fromisoformat(str(options["today"]))
            except ValueError as problem:
                raise CommandError(f"--today: {problem}") from problem
        rule = Rule.configured()
        run = retention_run(dry_run=bool(options["dry_run"]), today=today, rule=rule)
        self.stdout.write(
            f"rule: closed {rule.years_after_closure} years and past 18 + "
            f"{rule.years_after_adulthood} years"
        )
        self.stdout.write(f"due: {run.due}")
        self.stdout.write(f"kept by a legal hold: {run.held}")
        self.stdout.write(f"anonymised before: {run.anonymised_before}")
        if run.dry_run:
            self.stdout.write("dry run: nothing changed")
        else:
            self.stdout.write(f"anonymised now: {run.anonymised}")
