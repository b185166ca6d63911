"""The audit trail's hash chain: sealing, verifying, and catching changes made behind its back."""

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from pollwatch.audit.chain import (
    GENESIS,
    chain_head,
    content_digest,
    json_digest,
    link_digest,
    seal_events,
    verify_chain,
)
from pollwatch.audit.models import AuditEvent, AuditSeal
from pollwatch.audit.services import log_action


def _drop_append_only_triggers() -> None:
    """What an owner of the database can do: the test rolls it back afterwards."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER audit_event_no_change ON audit_auditevent")
            cursor.execute("DROP TRIGGER audit_seal_no_change ON audit_auditseal")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_seal_no_update")


def _change_by_sql(sql: str, params) -> None:
    _drop_append_only_triggers()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _verify_fails_naming(event_id: int, **options) -> str:
    with pytest.raises(CommandError) as failed:
        call_command("audit", "verify", **options)
    assert failed.value.returncode == 1
    assert f"event {event_id})" in str(failed.value)
    return str(failed.value)


@pytest.fixture
def sealed_events(db):
    events = [log_action("test.step", data={"step": n, "note": "é ✓"}) for n in range(5)]
    assert seal_events() == 5
    return events


def test_every_event_is_sealed_once_in_id_order_with_its_digests(sealed_events):
    links = list(AuditSeal.objects.order_by("position"))
    assert [link.event_id for link in links] == [event.pk for event in sealed_events]
    assert [link.position for link in links] == [1, 2, 3, 4, 5]
    previous = GENESIS
    for link, event in zip(links, sealed_events, strict=True):
        stored = AuditEvent.objects.get(pk=event.pk)
        assert link.content_sha256 == content_digest(stored)
        assert link.previous_sha256 == previous
        assert link.sha256 == link_digest(previous, link.content_sha256)
        previous = link.sha256
    assert seal_events() == 0
    head = chain_head()
    assert head.position == 5 and head.sha256 == previous and head.event_id == sealed_events[-1].pk


def test_later_events_extend_the_chain_and_verify_passes(sealed_events, capsys):
    first_head = chain_head()
    log_action("test.later")
    assert verify_chain().unsealed == 1
    assert seal_events() == 1
    assert chain_head().position == 6
    call_command("audit", "verify", head=first_head.sha256)
    assert "audit chain intact: 6 link(s)" in capsys.readouterr().out


def test_a_changed_event_is_named_by_verify(sealed_events):
    changed = sealed_events[2]
    _change_by_sql(
        "UPDATE audit_auditevent SET target_label = 'quietly edited' WHERE id = %s", [changed.pk]
    )
    message = _verify_fails_naming(changed.pk)
    assert "link 3" in message and "content does not match" in message
    report = verify_chain()
    assert not report.intact and report.mismatch.event_id == changed.pk


def test_resealing_a_changed_event_breaks_the_links_after_it(sealed_events):
    changed = sealed_events[1]
    _change_by_sql(
        "UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"step": 99}', changed.pk]
    )
    forged = content_digest(AuditEvent.objects.get(pk=changed.pk))
    before = AuditSeal.objects.get(position=1).sha256
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditseal SET content_sha256 = %s, sha256 = %s WHERE event_id = %s",
            [forged, link_digest(before, forged), changed.pk],
        )
    # The forger recomputed their own link, but the next one still points at the old digest.
    assert "does not follow" in _verify_fails_naming(sealed_events[2].pk)


def test_a_removed_event_is_found(sealed_events):
    gone = sealed_events[3]
    _change_by_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [gone.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [gone.pk])
    with pytest.raises(CommandError, match="link 4 is missing"):
        call_command("audit", "verify")


def test_a_cut_off_end_is_caught_by_a_head_kept_from_before(sealed_events):
    kept = chain_head().sha256
    last = sealed_events[-1]
    _change_by_sql("DELETE FROM audit_auditseal WHERE event_id = %s", [last.pk])
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [last.pk])
    call_command("audit", "verify")  # what is left is a consistent chain ...
    with pytest.raises(CommandError, match="does not contain the head") as failed:
        call_command("audit", "verify", head=kept)  # ... but not the one published before
    assert failed.value.returncode == 1


def test_an_empty_trail_verifies(db, capsys):
    call_command("audit", "verify")
    assert "0 link(s)" in capsys.readouterr().out
    call_command("audit", "head")
    assert capsys.readouterr().out.strip() == "null"


def test_the_demo_database_verifies_and_a_changed_report_is_named(db, settings, tmp_path, capsys):
    settings.DATA_DIR = tmp_path
    call_command("demo", stations=300)
    call_command("audit", "verify")
    out = capsys.readouterr().out
    assert "audit chain intact" in out and "; 0 event(s) not sealed yet" in out
    report_event = AuditEvent.objects.filter(action="intake.submission_received").order_by("id")[7]
    _change_by_sql(
        "UPDATE audit_auditevent SET target_label = target_label || ' ' WHERE id = %s",
        [report_event.pk],
    )
    _verify_fails_naming(report_event.pk)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_sealers_make_one_consistent_chain():
    writers, per_writer, failures = 4, 40, []

    def write(n: int) -> None:
        try:
            for i in range(per_writer):
                log_action("test.concurrent", data={"writer": n, "i": i})
        except Exception as error:  # a thread's failure must fail the test
            failures.append(error)
        finally:
            connections.close_all()

    stop = threading.Event()

    def seal() -> None:
        try:
            while not stop.is_set():
                seal_events(batch=7)
        except Exception as error:
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    sealers = [threading.Thread(target=seal) for _ in range(2)]
    for thread in threads + sealers:
        thread.start()
    for thread in threads:
        thread.join()
    stop.set()
    for thread in sealers:
        thread.join()
    seal_events()
    assert not failures
    report = verify_chain()
    assert report.intact and report.unsealed == 0
    assert report.links == AuditEvent.objects.count() == writers * per_writer
    assert AuditSeal.objects.values("event").distinct().count() == writers * per_writer


def _stored_answers_digest(key: str) -> str:
    from pollwatch.intake.models import Submission

    return json_digest(Submission.objects.get(key=key).answers)


def test_a_reports_event_carries_the_digest_of_its_stored_answers(observer_north, checklist):
    from tests.intake.test_services import send, submission

    sent = submission(checklist)
    receipt = send(observer_north, sent)
    event = AuditEvent.objects.get(
        action="intake.submission_received", target_id=str(receipt.submission_id)
    )
    assert event.data["answers_sha256"] == _stored_answers_digest(sent["key"])
    seal_events()
    assert verify_chain().intact


def test_each_report_of_a_batch_has_its_own_event_with_its_answers_digest(
    observer_north, checklist
):
    from pollwatch.intake.batch import receive_batch
    from tests.intake.test_batch import submission

    items = [submission(checklist, station=code) for code in ("001", "002", "003")]
    receive_batch(items, user=observer_north)
    events = AuditEvent.objects.filter(action="intake.submission_received").order_by("id")
    assert [e.data["key"] for e in events] == [item["key"] for item in items]
    assert [e.data["answers_sha256"] for e in events] == [
        _stored_answers_digest(i["key"]) for i in items
    ]


def test_verify_still_reads_an_event_written_for_a_whole_batch(observer_north, checklist):
    """Batches once wrote one event with a digest per key; those events are kept and checked."""
    from tests.intake.test_services import send, submission

    sent = [submission(checklist) for _ in range(2)]
    for item in sent:
        send(observer_north, item)
    call_command("audit", "verify")
    event = log_action(
        "intake.batch_received",
        data={
            "keys": [item["key"] for item in sent],
            # The second report's answers as they are not stored.
            "answers_sha256": [_stored_answers_digest(sent[0]["key"]), json_digest({})],
        },
    )
    with pytest.raises(CommandError, match=f"event {event.pk}: .*{sent[1]['key']}"):
        call_command("audit", "verify")


def _change_first_answers(key: str) -> None:
    from pollwatch.intake.models import SubmissionRevision

    revision = SubmissionRevision.objects.get(submission__key=key, number=1)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE intake_submissionrevision SET answers = %s WHERE id = %s",
            ['{"overall": "good"}', revision.pk],
        )


def test_verify_names_a_report_whose_first_answers_changed(observer_north, checklist):
    from tests.intake.test_services import send, submission

    sent = [submission(checklist) for _ in range(3)]
    receipts = [send(observer_north, item) for item in sent]
    seal_events()
    call_command("audit", "verify")
    _change_first_answers(sent[1]["key"])
    event = AuditEvent.objects.get(target_id=str(receipts[1].submission_id))
    with pytest.raises(CommandError, match=f"event {event.pk}: the first answers of report") as e:
        call_command("audit", "verify")
    assert e.value.returncode == 1 and sent[1]["key"] in str(e.value)


def test_verify_names_a_changed_report_of_a_batch(observer_north, checklist):
    from pollwatch.intake.batch import receive_batch
    from tests.intake.test_batch import submission

    items = [submission(checklist, station=code) for code in ("001", "002", "003")]
    receive_batch(items, user=observer_north)
    call_command("audit", "verify")
    _change_first_answers(items[2]["key"])
    with pytest.raises(CommandError, match=items[2]["key"]):
        call_command("audit", "verify")
