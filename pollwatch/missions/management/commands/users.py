"""Logins: an administrator, or a person with a role in one mission."""

import secrets

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from pollwatch.accounts.roles import Role
from pollwatch.missions.logins import AccountRefused, create_user
from pollwatch.missions.models import Mission

ROLE_NAMES = {role.value.replace(" ", "-"): role for role in Role}


class Command(BaseCommand):
    help = "Create logins. A role other than administrator belongs to one mission."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create a login; its password is shown once")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=sorted(ROLE_NAMES))
        create.add_argument("--mission", help="the mission's slug (every role but administrator)")
        create.add_argument(
            "--member", help="the full name of an existing member to give the login to"
        )
        listing = actions.add_parser("list", help="list the logins of a mission")
        listing.add_argument("--mission", required=True)

    def handle(self, *args, **options):
        if options["action"] == "create":
            self._create(options)
        else:
            self._list(options)

    def _create(self, options):
        role = ROLE_NAMES[options["role"]]
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"the user name {options['username']!r} is taken")
        mission = _mission(options["mission"]) if options["mission"] else None
        member = _member(mission, options["member"]) if options["member"] else None
        password = secrets.token_urlsafe(12)
        try:
            create_user(options["username"], password, role, mission=mission, member=member)
        except AccountRefused as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{options['username']}\t{password}\n(the password is shown once)")

    def _list(self, options):
        mission = _mission(options["mission"])
        for member in mission.members.filter(user__isnull=False).select_related("user"):
            self.stdout.write(f"{member.user.username}\t{member.get_role_display()}\t{member}")


def _mission(slug: str) -> Mission:
    mission = Mission.objects.filter(slug=slug).first()
    if mission is None:
        known = ", ".join(Mission.objects.values_list("slug", flat=True)) or "none yet"
        raise CommandError(f"no mission {slug!r} (missions: {known})")
    return mission


def _member(mission, full_name: str):
    if mission is None:
        raise CommandError("--member needs --mission")
    found = list(mission.members.filter(full_name=full_name, user__isnull=True))
    if len(found) != 1:
        raise CommandError(
            f"{len(found)} members of {mission.slug} named {full_name!r} without a login; "
            "name exactly one"
        )
    return found[0]
