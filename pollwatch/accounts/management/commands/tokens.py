from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from pollwatch.accounts.models import DeviceToken, TokenRefused
from pollwatch.audit.services import log_action


class Command(BaseCommand):
    help = "Device tokens with which observers' phones and scripts use the API."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        issue = actions.add_parser("issue", help="issue a token; it is shown once")
        issue.add_argument("username")
        issue.add_argument("--name", required=True, help="which device, e.g. 'team 4 phone'")
        revoke = actions.add_parser("revoke", help="revoke every token of a user")
        revoke.add_argument("username")
        listing = actions.add_parser("list", help="list a user's tokens")
        listing.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"no user {options['username']!r}")
        if options["action"] == "issue":
            try:
                device, token = DeviceToken.issue(user, options["name"])
            except TokenRefused as refused:
                raise CommandError(str(refused)) from None
            log_action("accounts.token_issued", target=device, data={"name": device.name})
            self.stdout.write(f"{token}\n(shown once; send it as 'Authorization: Bearer ...')")
        elif options["action"] == "revoke":
            for device in DeviceToken.objects.active().filter(user=user):
                device.revoke()
                log_action("accounts.token_revoked", target=device)
                self.stdout.write(f"revoked {device.name}")
        else:
            for device in DeviceToken.objects.filter(user=user):
                state = f"revoked {device.revoked_at:%Y-%m-%d}" if device.revoked_at else "active"
                self.stdout.write(f"{device.name}\t{device.created_at:%Y-%m-%d}\t{state}")
