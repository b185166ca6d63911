"""``pollwatch audit seal|verify|head``: the audit trail's hash chain from a terminal."""

from __future__ import annotations

import json
import logging
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections

from pollwatch.audit.chain import chain_head, seal_events, verify_chain
from pollwatch.audit.record_checks import record_checks

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Seal the audit trail into its hash chain, verify the chain, or show its head."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        seal = actions.add_parser("seal", help="chain every event not sealed yet")
        seal.add_argument(
            "--every",
            type=float,
            metavar="SECONDS",
            help="keep sealing at this interval until stopped (beside the web server)",
        )
        verify = actions.add_parser(
            "verify",
            help="recompute the chain and check each report's first answers against the digest "
            "in its audit entry; exit 1 naming the first event that does not match",
        )
        verify.add_argument(
            "--head", help="a chain digest kept from earlier, which the chain must still contain"
        )
        actions.add_parser("head", help="print the newest link as JSON")

    def handle(self, *args, **options):
        if options["action"] == "seal":
            self._seal(options["every"])
        elif options["action"] == "verify":
            self._verify(options["head"])
        else:
            head = chain_head()
            self.stdout.write(json.dumps(head.as_dict() if head else None, indent=2))

    def _seal(self, every: float | None) -> None:
        if every is None:
            self.stdout.write(f"sealed {seal_events()} event(s)")
            return
        while True:
            try:
                seal_events()
            except DatabaseError:
                # A restarted or unreachable database: try again at the next interval.
                logger.exception("sealing the audit trail failed; retrying in %s s", every)
                close_old_connections()
            time.sleep(every)

    def _verify(self, expected_head: str | None) -> None:
        report = verify_chain(expected_head=expected_head)
        if report.mismatch is not None:
            raise CommandError(f"audit chain broken at {report.mismatch}", returncode=1)
        if report.expected_head_found is False:
            raise CommandError(
                f"the chain does not contain the head {expected_head}: the trail before it "
                "was changed, or it was never a head of this trail",
                returncode=1,
            )
        for check in record_checks():
            found = check.first_mismatch()
            if found is not None:
                raise CommandError(f"{check.failure}: {found}", returncode=1)
        head = report.head
        self.stdout.write(
            f"audit chain intact: {report.links} link(s)"
            + (f", head {head.sha256} sealed {head.sealed_at.isoformat()}" if head else "")
            + f"; {report.unsealed} event(s) not sealed yet"
        )
