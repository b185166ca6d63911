import hashlib
import io
import json
import zipfile

import pytest
from django.urls import reverse
from pypdf import PdfReader

from pollwatch.audit.models import AuditEvent
from pollwatch.statements.method import method_paragraph
from pollwatch.statements.mission_facts import mission_coverage
from pollwatch.statements.models import PublishedVersionLocked, StatementVersion
from pollwatch.statements.references import ReferenceError, find_references
from pollwatch.statements.services import (
    StatementError,
    publish,
    render_version,
    save_draft,
    start_new_version,
)

CALM = {"summary": "The mission observed the election.", "mission": "{method}"}
CLAIM = {
    "summary": "Voting proceeded without a single violation in all polling stations.",
    "mission": "{method}",
}


@pytest.fixture
def draft(make_draft):
    return make_draft(CALM)


def test_references_are_parsed_and_bad_ones_named():
    refs = find_references(
        "a {share:voting.ballot_stuffing=yes} b {assessment:voting=bad,very_bad} {method}"
    )
    assert [(r.kind, r.form, r.question, r.phase, r.values) for r in refs] == [
        ("share", "voting", "ballot_stuffing", "", ("yes",)),
        ("assessment", "", "", "voting", ("bad", "very_bad")),
        ("method", "", "", "", ()),
    ]
    with pytest.raises(ReferenceError, match="unknown kind 'shares'"):
        find_references("{shares:voting.x=yes}")
    with pytest.raises(ReferenceError, match=r"write it as \{share:form.question=answer\}"):
        find_references("{share:voting}")


def test_saving_a_draft_with_a_bad_reference_is_refused(draft, administrator):
    with pytest.raises(StatementError, match="unknown kind"):
        save_draft(draft, {"summary": "{nonsense}"}, actor=administrator)


def test_method_paragraph_for_a_non_random_mission(mission):
    coverage = mission_coverage(mission)
    text = method_paragraph(coverage, "en")
    assert "observed 0 of the 3 polling stations" in text
    assert "were not chosen at random" in text
    assert "cannot be generalised to the country" in text
    russian = method_paragraph(coverage, "ru")
    assert "отобраны не случайно" in russian and "0 из 3" in russian


def test_method_paragraph_for_a_random_mission(mission):
    from pollwatch.deployment.models import DeploymentPlan

    DeploymentPlan.objects.create(
        mission=mission,
        is_random=True,
        seed=7,
        description=("3 stations drawn at random, stratified by region; seed 7"),
    )
    text = method_paragraph(mission_coverage(mission), "en")
    assert "chosen at random from the official list" in text
    assert "seed 7" in text and "95% confidence" in text


def test_publishing_freezes_text_and_data_with_digests(draft, administrator):
    published = publish(draft, actor=administrator)
    assert published.status == StatementVersion.Status.PUBLISHED
    assert "were not chosen at random" in published.rendered["mission"]
    expected = hashlib.sha256(
        json.dumps(
            published.rendered, sort_keys=True, ensure_ascii=False, separators=(",", ":")
        ).encode()
    ).hexdigest()
    assert published.text_digest == expected
    with pytest.raises(PublishedVersionLocked):
        published.sections = {"summary": "changed"}
        published.save()
    event = AuditEvent.objects.get(action="statements.published")
    assert event.data["text_digest"] == published.text_digest


def test_later_data_never_alters_a_published_statement(draft, administrator, mission):
    published = publish(draft, actor=administrator)
    frozen = dict(published.rendered)
    mission.election.stations.update(registered_voters=5)
    assert render_version(StatementVersion.objects.get(pk=published.pk)).sections == frozen


def test_flagged_claims_need_a_recorded_confirmation(draft, administrator):
    save_draft(draft, CLAIM, actor=administrator)
    flagged = render_version(draft).check.flagged
    assert flagged and "without a single violation" in flagged[0].claim.sentence.text
    with pytest.raises(StatementError, match="flagged 1 sentence"):
        publish(draft, actor=administrator)
    published = publish(draft, actor=administrator, confirm_flags=True)
    assert published.flags_confirmed
    event = AuditEvent.objects.get(action="statements.published")
    assert event.data["flags_confirmed"] is True and event.data["flagged_sentences"]


def test_new_version_starts_from_the_published_text(draft, administrator):
    publish(draft, actor=administrator)
    second = start_new_version(draft.statement, actor=administrator)
    assert second.number == 2 and second.sections == draft.sections


def test_public_page_and_downloads_need_no_login(client, draft, administrator):
    published = publish(draft, actor=administrator)
    url = published.get_public_url()
    page = client.get(url)
    assert page.status_code == 200 and "Preliminary statement" in page.content.decode()
    pdf = client.get(reverse("statements:download", args=[published.statement_id, 1, "pdf"]))
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Preliminary statement" in text and "0 of the 3 polling stations" in text
    package = client.get(reverse("statements:download", args=[published.statement_id, 1, "zip"]))
    archive = zipfile.ZipFile(io.BytesIO(package.content))
    descriptor = json.loads(archive.read("datapackage.json"))
    for resource in descriptor["resources"]:
        digest = hashlib.sha256(archive.read(resource["path"])).hexdigest()
        assert resource["hash"] == f"sha256:{digest}"
    assert descriptor["text_digest"] == published.text_digest


def test_drafts_are_not_public(client, draft):
    assert client.get(reverse("statements:public", args=[draft.statement_id, 1])).status_code == 404


def test_check_page(client, analyst):
    client.force_login(analyst)
    response = client.post(
        reverse("statements:check"),
        {
            "text": "The delegation visited several polling stations. There was not a single "
            "violation.",
            "stations_observed": 12,
            "stations_total": 5273,
            "selection": "not_random",
        },
    )
    result = response.context["result"]
    assert [c.supported for c in result.claims] == [False]
    assert any(c.name == "coverage_stated" for c in result.criteria)


def test_a_figure_that_cannot_be_computed_is_shown_and_blocks_publishing(draft, administrator):
    save_draft(draft, {"summary": "Seen {share:nosuchform.question=yes}."}, actor=administrator)
    rendered = render_version(draft)
    assert "figure unavailable" in rendered.sections["summary"]
    assert rendered.problems and "nosuchform" in rendered.problems[0]
    with pytest.raises(StatementError, match="some figures cannot be computed"):
        publish(draft, actor=administrator, confirm_flags=True)


def test_figures_are_recomputed_while_draft_and_frozen_when_published(
    draft, administrator, observer_north, checklist
):
    from tests.intake.test_services import send, submission

    save_draft(
        draft, {"voting": "Bad {share:station_check.overall=bad,very_bad}."}, actor=administrator
    )
    send(observer_north, submission(checklist, overall="bad"))
    first = render_version(draft).sections["voting"]
    assert "in 100% of the 1 polling station observed" in first
    send(observer_north, submission(checklist, station="002", overall="good"))
    second = render_version(draft).sections["voting"]
    assert "in 50% of the 2 polling stations observed" in second
    published = publish(draft, actor=administrator)
    send(observer_north, submission(checklist, station="003", overall="good"))
    assert render_version(published).sections["voting"] == second
    assert published.data["figures"][0]["base"] == 2


@pytest.mark.parametrize("is_random", [True, False])
@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_method_paragraph_never_trips_the_claim_check(mission, is_random, language):
    from pollwatch.deployment.models import DeploymentPlan
    from pollwatch.statements.statement_check import check_statement

    DeploymentPlan.objects.create(
        mission=mission,
        is_random=is_random,
        seed=3,
        description="3 stations drawn at random; seed 3",
    )
    coverage = mission_coverage(mission)
    text = method_paragraph(coverage, language)
    assert check_statement(text, coverage.as_facts()).flagged == ()


def test_rendering_reads_each_form_once_however_many_figures_quote_it(
    draft, administrator, observer_north, checklist
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.intake.test_services import send, submission

    text = (
        "Bad {share:station_check.overall=bad,very_bad}; good {share:station_check.overall=good};"
        " secrecy {share:station_check.secrecy=no}."
    )
    save_draft(draft, {"voting": text}, actor=administrator)
    send(observer_north, submission(checklist, overall="bad"))
    with CaptureQueriesContext(connection) as captured:
        render_version(draft)
    reads = [
        q["sql"]
        for q in captured.captured_queries
        if '"forms_formversion"."definition"' in q["sql"]
    ]
    assert sum("'station_check'" in sql for sql in reads) == 1
