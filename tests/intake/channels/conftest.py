import pytest

from pollwatch.intake.channels.sms.forms import sms_forms

OBSERVER_PHONE = "+995555123456"
RUSSIAN_PHONE = "+995555123457"


class RecordingGateway:
    """A stand-in for a real SMS gateway: keeps what it was asked to send."""

    name = "recording"
    sent: list[tuple[str, str]] = []
    fail_for: set[str] = set()

    def send(self, to, text):
        from pollwatch.intake.channels.sms.gateways.outbound import SentMessage

        if to in self.fail_for:
            raise ConnectionError("gateway timed out")
        RecordingGateway.sent.append((to, text))
        return SentMessage(message_id=f"rec-{len(RecordingGateway.sent)}", status="sent")


@pytest.fixture
def recording_gateway(settings):
    RecordingGateway.sent = []
    RecordingGateway.fail_for = set()
    settings.POLLWATCH_SMS_OUTBOUND = "tests.intake.channels.conftest.RecordingGateway"
    return RecordingGateway


@pytest.fixture
def sms_observer(observer_north):
    member = observer_north.member
    member.phone = OBSERVER_PHONE
    member.languages = "en"
    member.save()
    return member


@pytest.fixture
def russian_observer(observer_south):
    member = observer_south.member
    member.phone = RUSSIAN_PHONE
    member.languages = "ru, en"
    member.save()
    return member


@pytest.fixture
def sms_code(checklist):
    codes = {form.code: code for code, form in sms_forms().items()}
    return codes["station_check"]
