"""Bulk import of mission members from CSV or XLSX: all or nothing, line-numbered."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

import phonenumbers
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.scoping import member_organisation
from pollwatch.audit.services import log_action
from pollwatch.lib.tabular import RowProblem, TableRejected, read_table
from pollwatch.missions.models import Delegation, Member, Mission, Team
from pollwatch.missions.services import clear_heads_who_left

MEMBER_COLUMNS = (
    "full_name",
    "role",
    "nationality",
    "home_organisation",
    "languages",
    "email",
    "phone",
    "accreditation_status",
    "accreditation_number",
    "accreditation_valid_until",
    "team",
)
# Optional: the organisation (name or short name) whose delegation the member belongs to.
DELEGATION_COLUMN = "delegation"


@dataclass(frozen=True, slots=True)
class MemberImportOutcome:
    created: int
    updated: int
    teams_created: int

    def summary(self) -> str:
        return ngettext(
            "%(created)s member created, %(updated)s updated, %(teams)s teams created",
            "%(created)s members created, %(updated)s updated, %(teams)s teams created",
            self.created,
        ) % {"created": self.created, "updated": self.updated, "teams": self.teams_created}


# Every SMS's sender is normalised; phones send many, and parsing a number costs more
# than the rest of finding its observer.
@functools.lru_cache(maxsize=8192)
def normalise_phone(text: str) -> str:
    """Return the number in E.164 form; it must be written internationally (+country code)."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException as error:
        raise ValueError(
            _(
                "phone %(phone)s is not an international number (start it with + and the "
                "country code)"
            )
            % {"phone": repr(text)}
        ) from error
    if not phonenumbers.is_valid_number(number):
        raise ValueError(_("phone %(phone)s is not a valid number") % {"phone": repr(text)})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def import_members(
    mission: Mission,
    source: BinaryIO | str,
    *,
    filename: str | None = None,
    actor: User | None = None,
) -> MemberImportOutcome:
    """Create or update members (matched by e-mail, else by full name) and their teams.

    In a coalition, a coordinator sent by a member organisation imports only its
    people: those they create join it, and a row that matches someone another
    member sent is refused.
    """
    table = read_table(source, filename)
    for required in ("full_name", "role"):
        if table.column_index(required) is None:
            missing = _("missing required column %(column)s") % {"column": repr(required)}
            raise TableRejected([RowProblem(1, missing)])
    positions = {name: table.column_index(name) for name in MEMBER_COLUMNS}
    delegation_position = table.column_index(DELEGATION_COLUMN)
    delegations = DelegationNames(mission)
    records: list[tuple[int, dict[str, object]]] = []
    problems: list[RowProblem] = []
    for line, cells in table.rows:
        values = {
            name: (cells[i] if i is not None and i < len(cells) else "")
            for name, i in positions.items()
        }
        try:
            cleaned = _clean_member(values)
            if delegation_position is not None:
                text = cells[delegation_position] if delegation_position < len(cells) else ""
                cleaned[DELEGATION_COLUMN] = delegations.find(text)
            records.append((line, cleaned))
        except ValueError as error:
            problems.extend(RowProblem(line, reason) for reason in error.args[0])
    problems += _duplicates(records)
    delegation = member_organisation(actor) if actor is not None else None
    problems += _sent_by_other_members(mission, records, delegation)
    problems += _uncertified_grants(mission, records)
    if problems:
        raise TableRejected(problems)
    with transaction.atomic():
        outcome = _write_members(
            mission,
            [values for _, values in records],
            delegation=delegation,
            with_delegations=delegation_position is not None,
        )
        log_action(
            "missions.members_imported",
            actor=actor,
            target=mission,
            data={"file": filename or "", "created": outcome.created, "updated": outcome.updated},
        )
    return outcome


class DelegationNames:
    """The mission's delegations, found by their organisation's name or short name.

    Only delegations the mission already has are found: a file never creates
    organisations, so a misspelt name is reported instead of becoming a new one.
    """

    def __init__(self, mission: Mission) -> None:
        self.by_name: dict[str, list[Delegation]] = {}
        for delegation in mission.delegations.select_related("organisation"):
            organisation = delegation.organisation
            for name in {organisation.name.lower(), organisation.short_name.lower()} - {""}:
                self.by_name.setdefault(name, []).append(delegation)

    def find(self, text: str) -> Delegation | None:
        """The delegation ``text`` names; None for an empty cell; ValueError([reason]) else."""
        text = text.strip()
        if not text:
            return None
        found = self.by_name.get(text.lower(), [])
        if len(found) == 1:
            return found[0]
        if not found:
            reason = _(
                "delegation %(name)s is not a delegation of this mission; "
                "add it on the mission's delegations page first"
            ) % {"name": repr(text)}
        else:
            reason = _(
                "delegation %(name)s names more than one delegation (%(found)s); "
                "write the organisation's full name"
            ) % {
                "name": repr(text),
                "found": ", ".join(sorted(d.organisation.name for d in found)),
            }
        raise ValueError([reason])


def _clean_member(values: dict[str, str]) -> dict[str, object]:
    reasons: list[str] = []
    cleaned: dict[str, object] = dict(values)
    if not values["full_name"]:
        reasons.append(_("%(column)s is empty") % {"column": "full_name"})
    role = values["role"].strip().lower().replace(" ", "_")
    if role not in Member.Role.values:
        reasons.append(
            _("role %(role)s is not one of %(roles)s")
            % {"role": repr(values["role"]), "roles": ", ".join(Member.Role.values)}
        )
    cleaned["role"] = role
    status = (values["accreditation_status"] or Member.Accreditation.NOT_REQUESTED).lower()
    if status not in Member.Accreditation.values:
        reasons.append(
            _("accreditation_status %(status)s is not one of %(statuses)s")
            % {
                "status": repr(values["accreditation_status"]),
                "statuses": ", ".join(Member.Accreditation.values),
            }
        )
    cleaned["accreditation_status"] = status
    for check in (_clean_email, _clean_phone, _clean_valid_until):
        try:
            check(values, cleaned)
        except ValueError as error:
            reasons.append(str(error))
    if reasons:
        raise ValueError(reasons)
    return cleaned


def _clean_email(values: dict[str, str], cleaned: dict[str, object]) -> None:
    if values["email"]:
        try:
            validate_email(values["email"])
        except ValidationError:
            raise ValueError(
                _("email %(email)s is not an e-mail address") % {"email": repr(values["email"])}
            ) from None
        cleaned["email"] = values["email"].lower()


def _clean_phone(values: dict[str, str], cleaned: dict[str, object]) -> None:
    if values["phone"]:
        cleaned["phone"] = normalise_phone(values["phone"])


def _clean_valid_until(values: dict[str, str], cleaned: dict[str, object]) -> None:
    text = values["accreditation_valid_until"]
    if not text:
        cleaned["accreditation_valid_until"] = None
        return
    try:
        cleaned["accreditation_valid_until"] = datetime.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(
            _("accreditation_valid_until %(value)s is not a date (YYYY-MM-DD)")
            % {"value": repr(text)}
        ) from None


def _duplicates(records: list[tuple[int, dict[str, object]]]) -> list[RowProblem]:
    problems: list[RowProblem] = []
    seen: dict[tuple[str, object], int] = {}
    for line, values in records:
        for key in ("email", "accreditation_number"):
            value = values[key]
            if value and (key, value) in seen:
                problems.append(
                    RowProblem(
                        line,
                        _("duplicate %(column)s %(value)s (first on line %(line)s)")
                        % {"column": key, "value": repr(value), "line": seen[(key, value)]},
                    )
                )
            seen.setdefault((key, value), line)
    return problems


def _sent_by_other_members(
    mission: Mission, records: list[tuple[int, dict[str, object]]], delegation: int | None
) -> list[RowProblem]:
    """Rows that would change, or name, another coalition member's people (none when unbounded)."""
    if delegation is None:
        return []
    match = _matcher(mission)
    return [
        RowProblem(
            line,
            _(
                "%(name)s was sent by another member organisation of the coalition: "
                "its coordinators or the core team change their record"
            )
            % {"name": values["full_name"]},
        )
        for line, values in records
        if _other_delegation(match(values), values, delegation)
    ]


def _other_delegation(member: Member | None, values: dict[str, object], delegation: int) -> bool:
    if member is not None and member.delegation_id != delegation:
        return True
    named = values.get(DELEGATION_COLUMN)
    return isinstance(named, Delegation) and named.pk != delegation


def _matcher(mission: Mission) -> Callable[[dict[str, object]], Member | None]:
    """Who a row is about: the member with its e-mail, else with its full name, if any."""
    existing = list(mission.members.all())
    by_email = {m.email: m for m in existing if m.email}
    by_name = {m.full_name: m for m in existing}
    return lambda values: (
        by_email.get(str(values["email"])) or by_name.get(str(values["full_name"]))
    )


def _uncertified_grants(
    mission: Mission, records: list[tuple[int, dict[str, object]]]
) -> list[RowProblem]:
    """Rows that would accredit a member the briefing has not certified.

    An accreditation granted before stays as it is; a file may not grant a new one,
    which only the accreditation service does, for certified members.
    """
    match = _matcher(mission)
    problems = []
    for line, values in records:
        if values["accreditation_status"] != Member.Accreditation.GRANTED:
            continue
        member = match(values)
        if member is not None and member.accreditation_status == Member.Accreditation.GRANTED:
            continue
        if not is_certified(member or Member(mission=mission)):
            problems.append(
                RowProblem(
                    line,
                    _(
                        "%(name)s is not certified: only members who passed the briefing "
                        "their mission requires can be accredited"
                    )
                    % {"name": values["full_name"]},
                )
            )
    return problems


def _write_members(
    mission: Mission,
    records: list[dict[str, object]],
    *,
    delegation: int | None,
    with_delegations: bool,
) -> MemberImportOutcome:
    """Create the missing teams, then create and update members in a few bulk writes.

    New people join the importing coordinator's member organisation unless the file names one.
    """
    codes = {str(values["team"] or "") for values in records} - {""}
    teams, teams_created = _teams_for(mission, codes)
    match = _matcher(mission)
    new, changed = [], []
    for values in records:
        team_code = str(values.pop("team") or "")
        member = match(values)
        if member is None:
            member = Member(mission=mission, delegation_id=delegation)
            new.append(member)
        else:
            changed.append(member)
        for name, value in values.items():
            setattr(member, name, value)
        if delegation is not None and member.delegation_id is None:
            member.delegation_id = delegation
        member.team = teams.get(team_code)
    Member.objects.bulk_create(new)
    fields = [*MEMBER_COLUMNS[:-1], "team"]
    if with_delegations:
        fields.append(DELEGATION_COLUMN)
    Member.objects.bulk_update(changed, fields, batch_size=500)
    if with_delegations:
        clear_heads_who_left(mission)
    return MemberImportOutcome(len(new), len(changed), teams_created)


def _teams_for(mission: Mission, codes: set[str]) -> tuple[dict[str, Team], int]:
    teams = {team.code: team for team in mission.teams.all()}
    missing = [Team(mission=mission, code=code) for code in sorted(codes - teams.keys())]
    for team in Team.objects.bulk_create(missing):
        teams[team.code] = team
    return teams, len(missing)
