from io import StringIO

from django.core.management import call_command

from pollwatch.accounts.models import DeviceToken, token_digest


def test_issue_and_revoke_tokens(observer_north):
    out = StringIO()
    call_command("tokens", "issue", "obs-north", "--name", "phone", stdout=out)
    token = out.getvalue().split()[0]
    stored = DeviceToken.objects.get()
    assert stored.digest == token_digest(token) and token not in stored.digest
    call_command("tokens", "revoke", "obs-north", stdout=StringIO())
    assert not DeviceToken.objects.active().exists()
