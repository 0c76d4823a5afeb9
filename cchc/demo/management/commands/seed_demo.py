from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand

from cchc.demo.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, demo_exists, seed_demo


class Command(BaseCommand):
    help = (
        "Load the administrative units and the Hà Nội demo data through the actions "
        "(first run only), then print the demo accounts."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        if demo_exists():
            self.stdout.write("Demo data already present.")
        else:
            call_command("load_admin_units", legacy=True, stdout=self.stdout, stderr=self.stderr)
            seed_demo()
            self.stdout.write(self.style.SUCCESS("Hà Nội demo data created."))
        self.stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD}):")
        for username, description in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<18} {description}")
        self.stdout.write("")
