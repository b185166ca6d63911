"""What a printed badge shows, and where its QR code leads: the public check page."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from pollwatch.accreditation.models import Badge
from pollwatch.accreditation.photos import photo_data_uri


def check_url(badge: Badge, request: HttpRequest | None = None) -> str:
    """The absolute address of the badge's public check page.

    ``POLLWATCH_SITE_URL`` when set (a badge printed behind a proxy must still
    lead to the public address), else the address the request came to.
    """
    path = reverse("accreditation:check", args=[badge.code])
    if settings.POLLWATCH_SITE_URL:
        return settings.POLLWATCH_SITE_URL + path
    if request is None:
        raise ValueError("set POLLWATCH_SITE_URL to print badges outside a request")
    return request.build_absolute_uri(path)


def qr_code(url: str) -> str:
    """The QR code of ``url`` as an SVG data URI, black on white with its quiet zone."""
    return segno.make(url, error="m").svg_data_uri(scale=4, dark="#000", light="#fff")


@dataclass(frozen=True, slots=True)
class BadgeCard:
    badge: Badge
    name: str
    mission: str
    role: str
    accreditation_number: str
    valid_from: datetime.date
    valid_until: datetime.date
    photo: str
    qr_code: str
    check_url: str


def badge_card(badge: Badge, request: HttpRequest | None = None) -> BadgeCard:
    member = badge.member
    url = check_url(badge, request)
    return BadgeCard(
        badge=badge,
        name=member.full_name,
        mission=member.mission.name,
        role=str(member.get_role_display()),
        accreditation_number=member.accreditation_number,
        valid_from=badge.valid_from,
        valid_until=badge.valid_until,
        photo=photo_data_uri(badge.photo),
        qr_code=qr_code(url),
        check_url=url,
    )


def badge_cards(badges: Iterable[Badge], request: HttpRequest | None = None) -> list[BadgeCard]:
    return [badge_card(badge, request) for badge in badges]


def badges_pdf(cards: list[BadgeCard], title: str) -> bytes:
    """The badges, several to an A4 page, cut along their borders."""
    from weasyprint import CSS, HTML

    html = render_to_string("accreditation/badge_sheet.html", {"cards": cards, "title": title})
    stylesheet = str(finders.find("accreditation/badges.css"))
    return HTML(string=html).write_pdf(stylesheets=[CSS(filename=stylesheet)])
