"""Badges: printed with a QR code that leads to a public page saying whether they hold."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pollwatch.accreditation.models import Badge
from pollwatch.accreditation.services import grant_accreditation, issue_badge
from pollwatch.audit.models import AuditEvent
from tests.accreditation.test_services import png_upload


@pytest.fixture
def badge(observer_north, core_team):
    member = observer_north.member
    member.identity_document = "P1234567"
    member.email = "obs@example.org"
    member.phone = "+995555123456"
    member.save()
    grant_accreditation(member, number="ACC-007", actor=core_team)
    return issue_badge(member, actor=core_team)


def check_page(client, badge) -> str:
    client.logout()
    response = client.get(reverse("accreditation:check", args=[badge.code]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("today", "verdict"),
    [("2026-04-15", "VALID"), ("2026-03-01", "NOT YET VALID"), ("2026-06-01", "EXPIRED")],
)
def test_the_check_page_says_whether_the_badge_holds_today(
    client, badge, today, verdict, monkeypatch
):
    day = datetime.date.fromisoformat(today)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)
    page = check_page(client, badge)
    assert f">{verdict}</p>" in page
    assert "Obs-North" in page and "Test Mission" in page
    assert "2026-04-01" in page and "2026-05-05" in page


def test_a_revoked_badge_shows_as_revoked_on_the_check_page(client, badge, core_team):
    client.force_login(core_team)
    url = reverse("accreditation:badge", args=[badge.member.mission.slug, badge.pk])
    response = client.post(url, {"reason": "lost at the airport"})
    assert response.status_code == 302

    page = check_page(client, badge)
    assert ">REVOKED</p>" in page
    assert ">VALID</p>" not in page
    assert AuditEvent.objects.filter(
        action="accreditation.badge_revoked", actor=core_team, data__reason="lost at the airport"
    ).exists()


def test_the_check_page_shows_no_other_personal_data(client, badge):
    page = check_page(client, badge)
    for private in ("P1234567", "ACC-007", "obs@example.org", "+995555123456"):
        assert private not in page


def test_an_unknown_code_is_not_found(client, db):
    assert client.get(reverse("accreditation:check", args=["nothing-here"])).status_code == 404


def test_one_address_checking_too_often_is_slowed_down(client, badge, settings):
    from django.core.cache import cache

    cache.clear()
    settings.POLLWATCH_BADGE_CHECKS_PER_MINUTE = 3
    url = reverse("accreditation:check", args=[badge.code])
    answers = [client.get(url).status_code for _ in range(4)]
    cache.clear()
    assert answers == [200, 200, 200, 429]


def test_the_core_team_issues_a_badge_with_a_photo_from_the_members_page(
    client, core_team, observer_north
):
    member = observer_north.member
    grant_accreditation(member, number="ACC-007", actor=core_team)
    client.force_login(core_team)
    url = reverse("accreditation:member", args=[member.mission.slug, member.pk])

    response = client.post(url, {"action": "badge", "badge-photo": png_upload()})

    assert response.status_code == 302
    badge = Badge.objects.get(member=member)
    assert badge.photo
    assert 'src="data:image/png;base64,' in check_page(client, badge)


def test_granting_an_uncertified_member_says_why_on_the_page(
    client, core_team, observer_north, certification_rule
):
    certification_rule(lambda member: False)
    member = observer_north.member
    client.force_login(core_team)
    url = reverse("accreditation:member", args=[member.mission.slug, member.pk])

    response = client.post(url, {"action": "grant", "grant-number": "A-1"}, follow=True)

    assert "is not certified" in response.content.decode()
    member.refresh_from_db()
    assert member.accreditation_status == "not_requested"


def test_the_badge_sheet_prints_eight_badges_to_an_a4_page(client, mission, core_team):
    from pollwatch.missions.models import Member

    for number in range(9):
        member = Member.objects.create(
            mission=mission, full_name=f"Person {number}", role="observer"
        )
        grant_accreditation(member, number=f"N-{number}", actor=core_team)
        issue_badge(member, actor=core_team)
    client.force_login(core_team)

    page = client.get(reverse("accreditation:badges", args=[mission.slug])).content.decode()
    assert page.count('class="badge-card"') == 9
    assert page.count('src="data:image/svg+xml') == 9
    response = client.get(reverse("accreditation:badges_pdf", args=[mission.slug]))
    pdf = PdfReader(io.BytesIO(response.content))
    assert len(pdf.pages) == 2
    assert "Person 8" in pdf.pages[1].extract_text()
    assert "Person 7" in pdf.pages[0].extract_text()


def test_the_qr_code_leads_to_the_public_site_address_when_one_is_set(
    client, badge, core_team, settings
):
    settings.POLLWATCH_SITE_URL = "https://observe.example.org"
    client.force_login(core_team)
    url = reverse("accreditation:badge", args=[badge.member.mission.slug, badge.pk])

    page = client.get(url).content.decode()

    assert f'data-check-url="https://observe.example.org/badges/{badge.code}/"' in page
