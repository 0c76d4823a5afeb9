from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from cchc.demo.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_exists, seed_demo
from cchc.demo.removal import seed_refusals


class Command(BaseCommand):
    help = (
        "Load the administrative units and the Hà Nội demo data through the actions "
        "(first run only), then print the demo accounts. Refuses with DEBUG off or on a "
        "database that holds data other than the demo's, unless --i-know is given; "
        "manage.py remove_demo takes the demo out again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--i-know",
            action="store_true",
            help="seed even with DEBUG off or next to data that is not the demo's",
        )
        shown = parser.add_mutually_exclusive_group()
        shown.add_argument(
            "--no-accounts", action="store_true", help="do not print the demo accounts"
        )
        shown.add_argument(
            "--accounts-only",
            action="store_true",
            help="only print the demo accounts (`make run` ends its start-up with them)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["accounts_only"]:
            self._seed(i_know=options["i_know"])
        if not options["no_accounts"]:
            self._print_accounts()

    def _seed(self, *, i_know: bool) -> None:
        if demo_exists():
            self.stdout.write("Demo data already present.")
        else:
            refusals = seed_refusals()
            if refusals and not i_know:
                raise CommandError(
                    "The demo was not seeded: "
                    + "; ".join(refusals)
                    + ". The demo's accounts share a published password: never seed it into "
                    "a production database. Add --i-know to seed anyway."
                )
            call_command("load_admin_units", legacy=True, stdout=self.stdout, stderr=self.stderr)
            seed_demo()
            self.stdout.write(self.style.SUCCESS("Hà Nội demo data created."))

    def _print_accounts(self) -> None:
        if not demo_exists():
            return
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<18} {description}")
        self.stdout.write("")
