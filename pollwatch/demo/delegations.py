"""The international mission's make-up and mandate: who leads it, who sent whom, and on what terms.

The lead organisation's delegation takes the mission's staff and one observer of
every team; the other observer of each team comes from a parliamentary assembly
or from an association of election officials, so that every team mixes two
delegations. The invitation, the memorandum with the election commission and
its accreditation decision are recorded as the core team records them.
"""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.missions.models import Member, Mission, Organisation
from pollwatch.missions.services import (
    add_delegation,
    assign_to_delegation,
    organisation_named,
    record_document,
    set_delegation_head,
    set_lead_organisation,
)

LEAD = ("Observers Without Borders (fictional)", "OWB", Organisation.Kind.INTERGOVERNMENTAL)
ASSEMBLY = (
    "Parliamentary Assembly of the Northern Council (fictional)",
    "PANC",
    Organisation.Kind.PARLIAMENT,
)
OFFICIALS = (
    "Association of Election Officials (fictional)",
    "AEO",
    Organisation.Kind.NGO,
)
COMMISSION = "the Central Election Commission of Veloria"
STAFF_ROLES = (Member.Role.HEAD_OF_MISSION, Member.Role.CORE_TEAM, Member.Role.COORDINATOR)


def build_demo_delegations(mission: Mission) -> None:
    """Give ``mission`` its lead organisation, three delegations and its mandate documents."""
    lead = _organisation(*LEAD)
    set_lead_organisation(mission, lead)
    delegations = [
        add_delegation(mission, _organisation(*spec)) for spec in (LEAD, ASSEMBLY, OFFICIALS)
    ]
    staff = list(mission.members.filter(role__in=STAFF_ROLES).order_by("role", "full_name"))
    coordinators = [m for m in staff if m.role == Member.Role.COORDINATOR]
    # Two coordinators come with the assembly's delegation, one with the officials'.
    sent: dict[int, list[Member]] = {delegation.pk: [] for delegation in delegations}
    sent[delegations[1].pk] += coordinators[:2]
    sent[delegations[2].pk] += coordinators[2:3]
    sent[delegations[0].pk] += [m for m in staff if m not in coordinators[:3]]
    for index, (first, second) in enumerate(_team_pairs(mission)):
        sent[delegations[0].pk].append(first)
        sent[delegations[1 + index % 2].pk].append(second)
    for delegation in delegations:
        assign_to_delegation(delegation, sent[delegation.pk])
        set_delegation_head(delegation, _head(sent[delegation.pk]))
    _record_mandate(mission)


def _organisation(name: str, short_name: str, kind: str) -> Organisation:
    organisation = organisation_named(name, kind=kind, short_name=short_name)
    # The country's builder made the lead organisation before it had a kind.
    if (organisation.kind, organisation.short_name) != (kind, short_name):
        organisation.kind, organisation.short_name = kind, short_name
        organisation.save(update_fields=["kind", "short_name"])
    return organisation


def _team_pairs(mission: Mission) -> list[tuple[Member, Member]]:
    pairs = []
    for team in mission.teams.order_by("code"):
        members = list(team.members.filter(role=Member.Role.OBSERVER).order_by("full_name"))
        if len(members) >= 2:
            pairs.append((members[0], members[1]))
    return pairs


def _head(members: list[Member]) -> Member | None:
    """The most senior member sent: head of mission, then core team, then coordinator."""
    rank: dict[str, int] = {
        role: position for position, role in enumerate((*STAFF_ROLES, Member.Role.OBSERVER))
    }
    ranked = sorted(members, key=lambda m: (rank.get(m.role, len(rank)), m.full_name))
    if not ranked:
        return None
    return Member.objects.get(pk=ranked[0].pk)


def _record_mandate(mission: Mission) -> None:
    record_document(
        mission,
        kind="invitation",
        title="Letter of invitation to observe the presidential election",
        issued_by="the Ministry of Foreign Affairs of Veloria",
        issued_on=datetime.date(2026, 7, 15),
        reference="MFA/EO/112",
    )
    record_document(
        mission,
        kind="agreement",
        title=f"the Memorandum of Understanding with {COMMISSION}",
        issued_by=COMMISSION,
        issued_on=datetime.date(2026, 9, 1),
        reference="MoU 2026/7",
    )
    record_document(
        mission,
        kind="accreditation_decision",
        title="Decision on the accreditation of international observers",
        issued_by=COMMISSION,
        issued_on=datetime.date(2026, 10, 16),
        reference="CEC 214/2026",
        upload=SimpleUploadedFile(
            "decision.pdf", one_page_pdf("Decision CEC 214/2026: observers accredited")
        ),
    )


def one_page_pdf(line: str) -> bytes:
    """A valid one-page PDF showing ``line`` (ASCII), written without a PDF library."""
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    body = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n%s\nendobj\n" % (number, content)
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(body)
