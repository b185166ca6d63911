"""The accreditation list sent to the host election commission, as CSV, XLSX or PDF.

Its columns are fixed (docs/accreditation.md): name, passport or ID number
(only where collected), nationality, delegation, areas, role, accreditation
number. Every format carries the same rows in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pollwatch.lib.downloads import csv_response, xlsx_response
from pollwatch.missions.models import Member, Mission
from pollwatch.registry.models import Area

COLUMNS = (
    gettext_lazy("name"),
    gettext_lazy("passport or ID number"),
    gettext_lazy("nationality"),
    gettext_lazy("delegation"),
    gettext_lazy("areas"),
    gettext_lazy("role"),
    gettext_lazy("accreditation number"),
)
FORMATS = ("csv", "xlsx", "pdf")


@dataclass(frozen=True, slots=True)
class ListRow:
    name: str
    identity_document: str
    nationality: str
    delegation: str
    areas: str
    role: str
    accreditation_number: str

    def cells(self) -> tuple[str, ...]:
        return (
            self.name,
            self.identity_document,
            self.nationality,
            self.delegation,
            self.areas,
            self.role,
            self.accreditation_number,
        )


def listed_members(mission: Mission, status: str = "") -> QuerySet[Member]:
    """The mission's members in the list, of one accreditation status when given."""
    members = mission.members.select_related("delegation__organisation").prefetch_related(
        Prefetch("areas", queryset=Area.objects.order_by("name")),
        Prefetch("team__areas", queryset=Area.objects.order_by("name")),
    )
    if status:
        members = members.filter(accreditation_status=status)
    return members.order_by("full_name", "pk")


def areas_of(member: Member) -> str:
    """The areas the member works in: their team's, or those they coordinate."""
    areas = list(member.areas.all())
    if not areas and member.team is not None:
        areas = list(member.team.areas.all())
    return "; ".join(area.name for area in areas)


def list_row(member: Member) -> ListRow:
    return ListRow(
        name=member.full_name,
        identity_document=member.identity_document,
        nationality=member.nationality,
        delegation=member.delegation.organisation.name if member.delegation else "",
        areas=areas_of(member),
        role=str(member.get_role_display()),
        accreditation_number=member.accreditation_number,
    )


def list_rows(members: Iterable[Member]) -> Iterator[tuple[str, ...]]:
    for member in members:
        yield list_row(member).cells()


def _header() -> list[str]:
    return [str(column) for column in COLUMNS]


def _filename(mission: Mission, status: str, extension: str) -> str:
    return f"{mission.slug}-accreditation{'-' + status if status else ''}.{extension}"


def list_response(mission: Mission, status: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    """The list as a download in ``fmt``, one of :data:`FORMATS`."""
    members = listed_members(mission, status)
    name = _filename(mission, status, fmt)
    if fmt == "csv":
        return csv_response(name, _header(), list_rows(members))
    if fmt == "xlsx":
        return xlsx_response(name, _header(), list_rows(members))
    if fmt == "pdf":
        response = HttpResponse(list_pdf(mission, status, members), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    raise ValueError(f"unknown list format {fmt!r}; the formats are {', '.join(FORMATS)}")


def list_pdf(mission: Mission, status: str, members: Iterable[Member]) -> bytes:
    from weasyprint import HTML

    status_label = dict(Member.Accreditation.choices).get(status, "")
    html = render_to_string(
        "accreditation/list_printable.html",
        {
            "mission": mission,
            "status_label": status_label or _("all statuses"),
            "header": _header(),
            "rows": list(list_rows(members)),
            "made_on": timezone.localdate(),
        },
    )
    return HTML(string=html).write_pdf()


def valid_status(status: str) -> str:
    """``status`` if it is an accreditation status, else "" (no filter)."""
    return status if status in Member.Accreditation.values else ""
