"""Re-run a plan's draw from its revealed seed and frozen snapshot: `python manage.py plan_verify PLAN`."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from foodcredit.planning import selectors
from foodcredit.planning.models import Plan


class Command(BaseCommand):
    help = "Verify a published plan: seed commitment, snapshot hash, and identical objects and inspectors."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("plan", type=int, help="the plan id")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = Plan.objects.filter(pk=options["plan"]).select_related("snapshot").first()
        if plan is None:
            raise CommandError(f"no plan {options['plan']}")
        if not plan.seed_revealed:
            raise CommandError("the plan has not been drawn: its seed is not revealed yet")
        result = selectors.plan_verify(plan=plan)
        lines = [
            f"plan {plan.pk} v{plan.version} «{plan.name}»: {result.tasks} tasks",
            f"seed commitment sha256({plan.seed}) = {plan.seed_commitment}: {'ok' if result.seed_matches else 'MISMATCH'}",
            f"snapshot sha256 = {plan.snapshot_sha256}: {'ok' if result.snapshot_matches else 'MISMATCH'}",
            f"objects: {'identical' if result.objects_match else 'DIFFERENT'}",
            f"inspectors: {'identical' if result.inspectors_match else 'DIFFERENT'}",
        ]
        self.stdout.write("\n".join(lines))
        if not result.ok:
            raise CommandError("verification failed")
        self.stdout.write(self.style.SUCCESS("verified"))
