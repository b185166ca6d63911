"""The core team retires, deletes and prunes modules; members' records are never lost."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from pollwatch.accounts.certification import is_certified
from pollwatch.audit.models import AuditEvent
from pollwatch.briefing.certification import required_modules_not_completed
from pollwatch.briefing.models import BriefingFile, BriefingModule, QuizAttempt
from pollwatch.briefing.services import (
    BriefingRefused,
    add_module_file,
    create_module,
    delete_module,
    mark_read,
    remove_module_file,
    restore_module,
    retire_module,
    take_quiz,
    update_module,
)
from tests.briefing.conftest import RIGHT

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture
def handbook(module):
    return add_module_file(module, io.BytesIO(PDF), filename="handbook.pdf", title="Handbook")


def _actions(target_id: int) -> set[str]:
    events = AuditEvent.objects.filter(target_id=str(target_id))
    return set(events.values_list("action", flat=True))


def test_a_module_nobody_used_is_deleted_with_its_files_and_audited(
    module, handbook, core_team, django_capture_on_commit_callbacks
):
    stored = Path(handbook.file.path)
    pk = module.pk
    with django_capture_on_commit_callbacks(execute=True):
        delete_module(module, actor=core_team)
    assert not BriefingModule.objects.filter(pk=pk).exists()
    assert not BriefingFile.objects.exists() and not stored.exists()
    event = AuditEvent.objects.get(action="briefing.module_deleted")
    assert event.target_id == str(pk) and event.actor == core_team
    assert event.data["title"] == "Secrecy of the vote"


@pytest.mark.parametrize("used_by", ["reading", "attempt"])
def test_a_module_someone_read_or_took_cannot_be_deleted_only_retired(
    module, observer_north, core_team, used_by
):
    if used_by == "reading":
        mark_read(module, observer_north.member)
    else:
        take_quiz(module, observer_north.member, {"may_touch_ballots": "yes"})
    with pytest.raises(BriefingRefused, match="retire it instead"):
        delete_module(module, actor=core_team)
    assert BriefingModule.objects.filter(pk=module.pk).exists()
    assert "briefing.module_deleted" not in _actions(module.pk)


def test_a_retired_module_is_not_required_and_its_attempts_are_kept(
    module, mission, observer_north, core_team
):
    member = observer_north.member
    other = create_module(mission, title={"en": "Counting"}, required=True, order=2)
    take_quiz(module, member, RIGHT)
    retire_module(other, actor=core_team)
    other.refresh_from_db()
    assert other.retired and not other.required
    assert required_modules_not_completed(member) == []
    member.refresh_from_db()
    assert is_certified(member)
    retire_module(module, actor=core_team)
    assert QuizAttempt.objects.filter(module=module, member=member).count() == 1
    with pytest.raises(BriefingRefused, match="retired"):
        take_quiz(module, member, RIGHT)
    restore_module(module, actor=core_team)
    module.refresh_from_db()
    assert not module.retired and not module.required
    assert {"briefing.module_retired", "briefing.module_restored"} <= _actions(module.pk)


def test_a_retired_module_stays_optional_when_edited(module, core_team):
    retire_module(module, actor=core_team)
    update_module(module, required=True, actor=core_team)
    module.refresh_from_db()
    assert module.retired and not module.required


def test_a_removed_file_leaves_the_module_and_the_storage(
    module, handbook, core_team, django_capture_on_commit_callbacks
):
    stored = Path(handbook.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        remove_module_file(handbook, actor=core_team)
    assert not BriefingFile.objects.exists() and not stored.exists()
    assert BriefingModule.objects.filter(pk=module.pk).exists()
    event = AuditEvent.objects.get(action="briefing.file_removed")
    assert event.data == {"module": module.pk, "name": "handbook.pdf"}
    assert event.actor == core_team


def test_the_core_team_deletes_an_unused_module_from_its_page_once_confirmed(
    client, core_team, module
):
    client.force_login(core_team)
    edit = client.get(f"/briefing/{module.pk}/edit/").content.decode()
    assert f'action="/briefing/{module.pk}/delete/"' in edit
    unconfirmed = client.post(f"/briefing/{module.pk}/delete/")
    assert unconfirmed.url == f"/briefing/{module.pk}/edit/"
    assert BriefingModule.objects.filter(pk=module.pk).exists()
    deleted = client.post(f"/briefing/{module.pk}/delete/", {"confirm": "on"})
    assert deleted.url == "/missions/test-mission/briefing/"
    assert not BriefingModule.objects.filter(pk=module.pk).exists()
    assert client.get(f"/briefing/{module.pk}/delete/").status_code == 405


def test_deleting_a_used_module_says_to_retire_it(client, core_team, observer_north, module):
    mark_read(module, observer_north.member)
    client.force_login(core_team)
    refused = client.post(f"/briefing/{module.pk}/delete/", {"confirm": "on"}, follow=True)
    assert "retire it instead" in refused.content.decode()
    assert f'action="/briefing/{module.pk}/delete/"' not in refused.content.decode()
    assert BriefingModule.objects.filter(pk=module.pk).exists()


def test_a_retired_module_is_hidden_from_members_and_marked_for_the_core_team(
    client, core_team, observer_north, module
):
    client.force_login(core_team)
    client.post(f"/briefing/{module.pk}/retire/", {"retired": "1"})
    module.refresh_from_db()
    assert module.retired
    listing = client.get("/missions/test-mission/briefing/").content.decode()
    assert "Secrecy of the vote" in listing and "retired" in listing
    client.force_login(observer_north)
    listing = client.get("/missions/test-mission/briefing/").content.decode()
    assert "Secrecy of the vote" not in listing
    assert client.get(f"/briefing/{module.pk}/").status_code == 404
    assert client.post(f"/briefing/{module.pk}/retire/", {"retired": "0"}).status_code == 403
    client.force_login(core_team)
    client.post(f"/briefing/{module.pk}/retire/", {"retired": "0"})
    module.refresh_from_db()
    assert not module.retired


def test_the_core_team_removes_a_file_once_confirmed(client, core_team, observer_north, handbook):
    url = f"/briefing/files/{handbook.pk}/remove/"
    client.force_login(observer_north)
    assert client.post(url, {"confirm": "on"}).status_code == 403
    client.force_login(core_team)
    edit = client.get(f"/briefing/{handbook.module_id}/edit/").content.decode()
    assert f'action="{url}"' in edit
    client.post(url)
    assert BriefingFile.objects.filter(pk=handbook.pk).exists()
    removed = client.post(url, {"confirm": "on"})
    assert removed.url == f"/briefing/{handbook.module_id}/edit/"
    assert not BriefingFile.objects.filter(pk=handbook.pk).exists()


def test_the_overview_counts_tests_out_of_the_modules_with_one_and_forgets_retired_ones(
    client, core_team, observer_north, mission, module
):
    reading = create_module(mission, title={"en": "Procedures"}, required=True, order=2)
    old = create_module(mission, title={"en": "Last year's rules"}, required=False, order=3)
    take_quiz(module, observer_north.member, RIGHT)
    mark_read(old, observer_north.member)
    retire_module(old, actor=core_team)
    client.force_login(core_team)
    page = client.get("/missions/test-mission/briefing/overview/", {"q": "Obs-North"})
    row = page.content.decode().rsplit("Obs-North", 1)[1].split("</tr>", 1)[0]
    assert "<td>1 / 2</td><td>1 / 1</td>" in row
    assert reading.pk


def test_a_retired_modules_files_are_no_longer_served_to_members(
    client, core_team, observer_north, module, handbook
):
    url = f"/briefing/files/{handbook.pk}/"

    def status() -> int:
        response = client.get(url)
        if response.status_code == 200:
            assert b"".join(response.streaming_content) == PDF
        return response.status_code

    client.force_login(observer_north)
    assert status() == 200
    retire_module(module, actor=core_team)

    assert status() == 404
    client.force_login(core_team)
    assert status() == 200
