"""Inbound SMS through the one submission service: identify, parse, submit, reply."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.forms.validation import validate_answers
from pollwatch.intake import definitions
from pollwatch.intake.channels.sms import replies
from pollwatch.intake.channels.sms import services as sms_services
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import Channel, RawPayload, SmsMessage, Submission
from pollwatch.intake.services import SubmissionRejected, receive_submission, store_raw_payload

from .conftest import OBSERVER_PHONE, RUSSIAN_PHONE

pytestmark = pytest.mark.django_db


def sms(text, sender=OBSERVER_PHONE, message_id="", gateway="generic"):
    return receive_sms(InboundSms(gateway, sender=sender, text=text, message_id=message_id))


def test_sms_code_of_the_form(sms_code):
    assert sms_code == "SC"


def test_a_valid_report_is_stored_once_and_confirmed(sms_observer, sms_code):
    outcome = sms("sc 001 aa1 ab2 ac12 ad2", message_id="m1")
    submission = Submission.objects.get()
    assert submission.channel == "sms"
    assert submission.observer == sms_observer
    assert submission.station.code == "001"
    assert submission.answers == {
        "secrecy": "yes",
        "stuffing": "no",
        "voters": 12,
        "overall": "good",
    }
    assert outcome.message.status == SmsMessage.Status.ACCEPTED
    assert outcome.reply.startswith("Received: Station check, station 001.")
    payload = RawPayload.objects.get()
    assert payload.body == "sc 001 aa1 ab2 ac12 ad2"
    assert payload.status == RawPayload.Status.ACCEPTED


def test_a_gateway_retry_with_the_same_id_gets_the_first_reply(sms_observer, sms_code):
    first = sms("SC 001 AA1 AB2 AD2", message_id="m1")
    again = sms("SC 001 AA1 AB2 AD2", message_id="m1")
    assert again.redelivered
    assert again.reply == first.reply
    assert SmsMessage.objects.count() == 1
    assert Submission.objects.count() == 1


def test_a_message_left_stored_after_its_report_was_stored_is_answered_when_redelivered(
    sms_observer, sms_code
):
    # What a crash leaves when it loses the reply's update (committed without
    # waiting for the disk) after the report's own commit: the message still stored.
    first = sms("SC 001 AA1 AB2 AD2", message_id="m1")
    SmsMessage.objects.filter(pk=first.message.pk).update(
        status=SmsMessage.Status.STORED, reply="", submission=None, payload=None
    )

    again = sms("SC 001 AA1 AB2 AD2", message_id="m1")

    submission = Submission.objects.get()
    assert not again.redelivered
    assert again.message.pk == first.message.pk
    assert again.message.status == SmsMessage.Status.DUPLICATE
    assert again.reply.startswith("Already received")
    assert f"{submission.pk}" in again.reply
    stored = SmsMessage.objects.get()
    assert (stored.status, stored.submission_id) == (SmsMessage.Status.DUPLICATE, submission.pk)


def test_an_identical_message_resent_by_the_observer_is_answered_as_a_duplicate(
    sms_observer, sms_code
):
    sms("SC 001 AA1 AB2 AD2", message_id="m1")
    again = sms("sc  001 aa1 ab2 ad2 ", message_id="m2")
    assert again.message.status == SmsMessage.Status.DUPLICATE
    assert again.reply.startswith("Already received")
    assert Submission.objects.count() == 1


def test_a_resend_is_recognised_however_many_messages_came_after_the_first(sms_observer, sms_code):
    first = sms("SC 001 AA1 AB2 AD2", message_id="first")
    # Reports on the day: more than any fixed number of recent messages.
    for number in range(210):
        sms(f"SC 001 AA1 AB2 AC{number} AD2", message_id=f"m{number}")

    again = sms("SC 001 AA1 AB2 AD2", message_id="again")

    assert again.message.status == SmsMessage.Status.DUPLICATE
    assert again.message.submission_id == first.message.submission_id


def test_a_value_above_the_maximum_is_named_with_its_sms_code(sms_observer, sms_code):
    outcome = sms("SC 001 AA1 AB2 AC6000 AD2")
    assert outcome.message.status == SmsMessage.Status.INVALID
    assert "AC: 6000 is above the maximum 5000" in outcome.reply
    assert not Submission.objects.exists()


def test_a_value_above_the_stations_registered_voters_names_them_and_the_station(
    sms_observer, sms_code
):
    outcome = sms("SC 002 AA1 AB2 AC900 AD2")
    assert outcome.message.status == SmsMessage.Status.INVALID
    assert outcome.reply == (
        "Not received: AC: 900 is above the 800 registered voters at station 002. "
        "Please correct and send again."
    )
    assert not Submission.objects.exists()


def test_a_refused_message_is_validated_no_more_than_a_refused_api_report(
    sms_observer, sms_code, checklist, monkeypatch
):
    # The reply is built from the refusal's problems: the SMS channel validates
    # no more often than the submission service does for any other channel.
    calls = []

    def counted(*args, **kwargs):
        calls.append(args)
        return validate_answers(*args, **kwargs)

    monkeypatch.setattr(definitions, "validate_answers", counted)
    monkeypatch.setattr(sms_services, "validate_answers", counted, raising=False)
    outcome = sms("SC 002 AA1 AB2 AC900 AD2")
    assert "AC: 900 is above the 800 registered voters at station 002" in outcome.reply
    by_sms = len(calls)
    calls.clear()
    data = {
        "key": str(uuid.uuid4()),
        "form": "station_check",
        "version": checklist.version,
        "station": "002",
        "answers": {"secrecy": "yes", "stuffing": "no", "voters": 900, "overall": "good"},
    }
    payload = store_raw_payload(json.dumps(data), channel=Channel.API, user=sms_observer.user)
    with pytest.raises(SubmissionRejected):
        receive_submission(data, payload, user=sms_observer.user)
    assert by_sms == len(calls) >= 1


def test_the_station_bound_is_said_in_russian(russian_observer, sms_code):
    outcome = sms("SC 003 AA1 AB2 AC1000 AD2", sender=RUSSIAN_PHONE)
    assert outcome.reply.startswith(
        "Не принято: AC: 1000 больше 950 зарегистрированных избирателей на участке 003."
    )


def test_every_station_figure_has_words_in_every_reply_language():
    for language, catalogue in replies.CATALOGUE.items():
        missing = [name for name in STATION_FIGURES if f"figure.{name}" not in catalogue]
        assert missing == [], language


def test_missing_required_answers_are_listed(sms_observer, sms_code):
    outcome = sms("SC 001 AA1")
    assert "AB: is required" in outcome.reply
    assert "AD: is required" in outcome.reply


def test_an_unknown_station_is_named(sms_observer, sms_code):
    outcome = sms("SC 999 AA1 AB2 AD2")
    assert "there is no station 999" in outcome.reply


def test_replies_in_the_observers_language(russian_observer, sms_code):
    outcome = sms("SC 003 AA1 AB2 AC7000 AD2", sender=RUSSIAN_PHONE)
    assert outcome.reply.startswith("Не принято: AC: 7000 больше максимума 5000")
    accepted = sms("SC 003 AA1 AB2 AD2", sender=RUSSIAN_PHONE)
    assert accepted.reply.startswith("Принято: Station check, участок 003")


def test_nul_characters_from_a_gateway_are_stored_replaced(sms_observer, sms_code):
    outcome = sms("SC 001\x00 AA1", message_id="nul\x00id")
    assert SmsMessage.objects.get().text == "SC 001\ufffd AA1"
    assert outcome.reply.startswith("Not received")


def test_an_unknown_number_gets_a_polite_refusal_and_the_message_is_kept(sms_code):
    outcome = sms("SC 001 AA1 AB2 AD2", sender="+995555123999")
    assert outcome.message.status == SmsMessage.Status.UNKNOWN_SENDER
    assert "not registered" in outcome.reply
    assert SmsMessage.objects.get().text == "SC 001 AA1 AB2 AD2"
    assert not Submission.objects.exists()


def test_the_sender_is_matched_whatever_the_number_formatting(sms_observer, sms_code):
    outcome = sms("SC 001 AA1 AB2 AD2", sender="+995 555 12-34-56")
    assert outcome.message.sender == OBSERVER_PHONE
    assert outcome.message.status == SmsMessage.Status.ACCEPTED


def test_repeated_failures_from_a_number_are_throttled(sms_observer, sms_code, settings):
    settings.POLLWATCH_SMS_FAILURE_LIMIT = 3
    for attempt in range(3):
        assert sms(f"SC 001 ZZ{attempt}").message.status == SmsMessage.Status.INVALID
    throttled = sms("SC 001 AA1 AB2 AD2")
    assert throttled.message.status == SmsMessage.Status.THROTTLED
    assert "wait 15 minutes" in throttled.reply
    assert not Submission.objects.exists()


def test_a_replayed_correction_is_stored_even_when_the_number_is_throttled(
    sms_observer, sms_code, settings, coordinator_north
):
    settings.POLLWATCH_SMS_FAILURE_LIMIT = 1
    bad = sms("SC 001 AA1 AB7 AD2")
    outcome = receive_sms(
        InboundSms("console", sender=bad.message.sender, text="SC 001 AA1 AB2 AD2"),
        replay_of=bad.message,
        actor=coordinator_north,
    )
    assert outcome.message.status == SmsMessage.Status.ACCEPTED
    assert outcome.message.replay_of == bad.message
    assert Submission.objects.get().answers["stuffing"] == "no"


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(
        st.text(max_size=160),
        st.lists(
            st.sampled_from(["SC", "sc", "001", "AA", "AB", "1", "2", "9", '"', ",", " ", "7:3"]),
            max_size=12,
        ).map("".join),
    )
)
def test_random_garbage_never_raises_and_always_gets_a_reply(sms_observer, sms_code, text):
    outcome = sms(text)
    assert outcome.reply.strip()
    assert outcome.message.status != SmsMessage.Status.STORED


def test_a_message_off_the_syntax_is_kept_as_an_invalid_raw_payload(sms_observer, sms_code):
    sms("SC 001 AA1 AB7")
    payload = RawPayload.objects.get()
    assert payload.channel == "sms"
    assert payload.status == RawPayload.Status.INVALID
    assert payload.problems == [{"field": "AB", "reason": "AB: 7 is not a choice (1-2)"}]


def test_a_turkish_observer_of_the_mission_gets_turkish_replies(sms_observer, sms_code):
    sms_observer.languages = "tr"
    sms_observer.save()
    outcome = sms("SC 001 AA1 AB2 AD2")
    assert outcome.reply.startswith("Alındı: Station check, sandık 001. Teşekkürler.")
