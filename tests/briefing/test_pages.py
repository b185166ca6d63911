"""The briefing's pages: the core team writes modules and tests, members read and take them."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from pollwatch.accounts.roles import Role
from pollwatch.briefing.models import BriefingModule, QuizAttempt
from pollwatch.briefing.services import add_module_file, take_quiz
from pollwatch.missions.logins import create_user
from tests.briefing.conftest import QUIZ, RIGHT
from tests.conftest import mission_on

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def stranger(election):
    """An observer of another mission on the same election."""
    other = mission_on(election, "other", {"X": "N1"})
    return create_user("stranger", "pw-long-enough-1", Role.OBSERVER, mission=other)


def test_the_core_team_writes_a_module_uploads_its_test_and_gives_the_answers(client, core_team):
    client.force_login(core_team)
    created = client.post(
        "/missions/test-mission/briefing/new/",
        {
            "title_en": "Counting",
            "title_tr": "Sayım",
            "text_en": "Stay to the end.",
            "required": "on",
            "order": 2,
        },
    )
    module = BriefingModule.objects.get()
    assert created.url == f"/briefing/{module.pk}/edit/"
    assert module.title == {"en": "Counting", "tr": "Sayım"} and module.required
    upload = SimpleUploadedFile("test.json", json.dumps(QUIZ).encode())
    client.post(f"/briefing/{module.pk}/test/edit/", {"action": "upload", "file": upload})
    module.refresh_from_db()
    assert module.quiz["code"] == "secrecy_test" and not module.has_quiz
    answers = {
        "action": "answers",
        "answer-may_touch_ballots": "no",
        "answer-who_decides": "chair",
        "answer-rights": ["watch", "copy"],
        "pass_mark": 70,
    }
    client.post(f"/briefing/{module.pk}/test/edit/", answers)
    module.refresh_from_db()
    assert module.answers == RIGHT and module.pass_mark == 70 and module.has_quiz


def test_a_test_file_with_problems_is_refused_with_each_problem_shown(client, core_team, module):
    client.force_login(core_team)
    upload = SimpleUploadedFile("test.json", b'{"definition": {"code": 1}}')
    page = client.post(f"/briefing/{module.pk}/test/edit/", {"action": "upload", "file": upload})
    assert 'class="errorlist"' in page.content.decode()
    module.refresh_from_db()
    assert module.quiz["code"] == "secrecy_test"


def test_an_observer_reads_the_module_in_their_language_with_english_for_the_rest(
    client, observer_north, module
):
    client.force_login(observer_north)
    page = client.get(f"/briefing/{module.pk}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Тайна голосования" in page and "Никогда не трогайте бюллетени." in page
    turkish = client.get(f"/briefing/{module.pk}/", HTTP_ACCEPT_LANGUAGE="tr").content.decode()
    assert "Never touch a ballot." in turkish


def test_a_failed_test_shows_which_questions_were_wrong_but_not_their_answers(
    client, observer_north, module
):
    client.force_login(observer_north)
    url = f"/briefing/{module.pk}/test/"
    answered = client.post(
        url, {"may_touch_ballots": "yes", "who_decides": "observer", "rights": ["watch", "copy"]}
    )
    assert answered.url == url
    page = client.get(url).content.decode()
    wrong = page[page.index('class="wrong"') : page.index("</ul>", page.index('class="wrong"'))]
    assert "May an observer touch ballots?" in wrong and "Who decides" in wrong
    assert "What may an observer do?" not in wrong
    assert "Not passed: 33% (60% passes)" in page
    assert "Take the test again" in page
    client.post(
        url, {"may_touch_ballots": "no", "who_decides": "chair", "rights": ["watch", "copy"]}
    )
    page = client.get(url).content.decode()
    assert "You passed with 100%" in page and "You are certified." in page
    assert QuizAttempt.objects.filter(member=observer_north.member).count() == 2


def test_files_are_checked_by_their_bytes_and_served_only_to_the_mission(
    client, core_team, observer_north, stranger, module
):
    client.force_login(core_team)
    refused = client.post(
        f"/briefing/{module.pk}/edit/",
        {"upload_file": "1", "file": SimpleUploadedFile("guide.pdf", b"<html><script>x</script>")},
    )
    assert "a briefing file is a PDF" in refused.content.decode()
    assert not module.files.exists()
    stored = add_module_file(module, io.BytesIO(PDF), filename="handbook.pdf")
    client.force_login(observer_north)
    download = client.get(f"/briefing/files/{stored.pk}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content) == PDF
    client.force_login(stranger)
    assert client.get(f"/briefing/files/{stored.pk}/").status_code == 404
    assert client.get(f"/briefing/{module.pk}/").status_code == 404
    assert client.post(f"/briefing/{module.pk}/test/", RIGHT).status_code == 404


def test_the_overview_filters_sorts_and_exports_who_is_briefed(
    client, core_team, observer_north, observer_south, module
):
    take_quiz(module, observer_north.member, RIGHT)
    client.force_login(core_team)
    url = "/missions/test-mission/briefing/overview/"
    waiting = client.get(url, {"certified": "not_certified"}).content.decode()
    assert "Obs-South" in waiting and "Obs-North" not in waiting
    rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get(url, {"format": "csv", "sort": "-modules_passed"}).streaming_content
                ).decode()
            )
        )
    )
    assert rows[0]["full_name"] == "Obs-North"
    assert (rows[0]["modules_read"], rows[0]["modules_passed"], rows[0]["certified"]) == (
        "1",
        "1",
        "yes",
    )
    south = next(row for row in rows if row["full_name"] == "Obs-South")
    assert south["certified"] == "no" and south["accreditation_status"] == "not_requested"


def test_while_no_module_is_required_the_overview_counts_everyone_certified(
    client, core_team, observer_north, module
):
    module.required = False
    module.save()
    client.force_login(core_team)
    url = "/missions/test-mission/briefing/overview/"
    assert "Obs-North" in client.get(url, {"certified": "certified"}).content.decode()
    assert "Obs-North" not in client.get(url, {"certified": "not_certified"}).content.decode()
