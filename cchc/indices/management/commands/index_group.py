import json
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cchc.indices.models import Framework, TargetGroup


class Command(BaseCommand):
    help = (
        "Print the group (A, B, C or none) of an index percentage under the current framework: "
        "the latest published one (of --group, if given)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("percent", help="the index in percent, e.g. 89.58 or 89,58")
        parser.add_argument("--group", choices=TargetGroup.values, help="the target group")
        parser.add_argument("--json", action="store_true", help='print {"percent", "group"}')

    def handle(self, *args: Any, percent: str, **options: Any) -> None:
        try:
            value = Decimal(percent.strip().replace(",", "."))
        except InvalidOperation:
            raise CommandError(f"“{percent}” is not a number.") from None
        if not value.is_finite() or not 0 <= value <= 100:
            raise CommandError(f"{percent} is not a percentage between 0 and 100.")
        frameworks = Framework.objects.filter(status=Framework.Status.PUBLISHED)
        if options["group"]:
            frameworks = frameworks.filter(group=options["group"])
        framework = frameworks.order_by("-year", "-published_at").first()
        if framework is None:
            raise CommandError("No framework has been published yet.")
        group = framework.group_of(value)
        if options["json"]:
            self.stdout.write(json.dumps({"percent": float(value), "group": group}))
        else:
            self.stdout.write(
                f"{value}%: {f'group {group}' if group else 'no group'} ({framework})"
            )
