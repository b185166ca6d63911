"""The public statement's open data package: a valid Frictionless package with the audit head."""

import hashlib
import io
import json
import zipfile

import frictionless
import pytest
from django.urls import reverse
from openpyxl import load_workbook

from pollwatch.audit.chain import chain_head, verify_chain
from pollwatch.audit.models import AuditSeal
from pollwatch.statements.services import create_statement, publish

TEXT = {
    "summary": '=HYPERLINK("http://example.org") The mission observed the election.',
    "mission": "{method} Voting proceeded without a single violation in all polling stations.",
}


@pytest.fixture
def published(make_draft, administrator):
    return publish(make_draft(TEXT), actor=administrator, confirm_flags=True)


def _download(client, version, fmt):
    response = client.get(reverse("statements:download", args=[version.statement_id, 1, fmt]))
    assert response.status_code == 200
    return response


def _package(client, version, folder):
    archive = zipfile.ZipFile(io.BytesIO(_download(client, version, "zip").content))
    archive.extractall(folder)
    return json.loads((folder / "datapackage.json").read_text()), archive


def test_the_package_is_valid_for_frictionless_with_schemas_and_digests(
    client, published, tmp_path
):
    descriptor, archive = _package(client, published, tmp_path)
    report = frictionless.validate(tmp_path / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    tables = {r["path"]: r for r in descriptor["resources"] if r.get("schema")}
    assert set(tables) == {"figures.csv", "coverage.csv", "claims.csv", "criteria.csv"}
    for resource in descriptor["resources"]:
        content = archive.read(resource["path"])
        assert resource["hash"] == f"sha256:{hashlib.sha256(content).hexdigest()}"
        assert resource["bytes"] == len(content)
    assert "statement.xlsx" in {r["path"] for r in descriptor["resources"]}
    claims = frictionless.Resource(
        str(tmp_path / "claims.csv"),
        schema=frictionless.Schema.from_descriptor(tables["claims.csv"]["schema"]),
    ).read_rows()
    assert any(row["supported"] is False for row in claims)


def test_a_changed_file_fails_frictionless_validation(client, published, tmp_path):
    _package(client, published, tmp_path)
    figures = tmp_path / "claims.csv"
    figures.write_text(figures.read_text().replace("without", "with"))
    assert not frictionless.validate(tmp_path / "datapackage.json").valid


def test_the_package_holds_the_audit_chain_head_at_publication(client, published, tmp_path):
    descriptor, _ = _package(client, published, tmp_path)
    head = descriptor["audit_chain_head"]
    assert head == published.data["audit_chain_head"]
    link = AuditSeal.objects.get(sha256=head["sha256"])
    assert link.position == head["position"] and link.event_id == head["event_id"]
    # Everything recorded before publication is sealed, and the chain still runs through it.
    assert verify_chain(expected_head=head["sha256"]).intact


def test_the_workbook_has_every_table_and_never_a_formula(client, published):
    content = _download(client, published, "xlsx").content
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["about", "figures", "coverage", "claims", "criteria"]
    about = dict(workbook["about"].iter_rows(min_row=2, values_only=True))
    assert about["audit chain head at publication"] == published.data["audit_chain_head"]["sha256"]
    cells = [c for sheet in workbook for row in sheet.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]


def test_the_public_page_shows_the_head_at_publication_and_now(
    client, published, observer_north, checklist
):
    from pollwatch.audit.chain import seal_events
    from tests.intake.test_services import send, submission

    send(observer_north, submission(checklist))
    seal_events()
    page = client.get(published.get_public_url()).content.decode()
    assert published.data["audit_chain_head"]["sha256"] in page
    assert (
        chain_head().sha256 in page
        and chain_head().sha256 != published.data["audit_chain_head"]["sha256"]
    )


def test_a_statement_published_before_the_chain_still_makes_a_valid_package(published, tmp_path):
    from pollwatch.statements.open_data import data_package

    del published.data["audit_chain_head"]  # as stored before the chain existed
    zipfile.ZipFile(io.BytesIO(data_package(published))).extractall(tmp_path)
    descriptor = json.loads((tmp_path / "datapackage.json").read_text())
    assert "audit_chain_head" not in descriptor
    assert frictionless.validate(tmp_path / "datapackage.json").valid


def test_the_missions_public_page_lists_what_it_published_and_the_head_now(
    client, published, mission, administrator
):
    create_statement(mission, title="Unpublished draft", actor=administrator)
    page = client.get(reverse("statements:public_mission", args=[mission.slug]))
    text = page.content.decode()
    assert page.status_code == 200
    assert "Preliminary statement" in text and "Unpublished draft" not in text
    assert chain_head().sha256 in text
    assert published.get_public_url() in text


def test_a_mission_that_published_nothing_has_no_public_page(client, mission):
    assert client.get(reverse("statements:public_mission", args=[mission.slug])).status_code == 404
