import pytest
from django.contrib.auth.hashers import identify_hasher
from django.test import override_settings
from django.urls import reverse

from tests.conftest import PASSWORD


def test_passwords_are_hashed_with_argon2(db, settings):
    from django.contrib.auth.models import User

    from pollwatch import settings as production

    settings.PASSWORD_HASHERS = production.PASSWORD_HASHERS
    user = User.objects.create_user("argon", password=PASSWORD)
    assert identify_hasher(user.password).algorithm == "argon2"
    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_pages_require_login(client, election):
    response = client.get(reverse("registry:election", args=[election.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failed_logins_lock_the_account(client, observer_north):
    for _ in range(3):
        client.post(reverse("login"), {"username": "obs-north", "password": "wrong"})
    response = client.post(reverse("login"), {"username": "obs-north", "password": PASSWORD})
    assert response.status_code == 429
    assert b"Too many failed logins" in response.content


def test_correct_password_logs_in(client, observer_north):
    response = client.post(reverse("login"), {"username": "obs-north", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")


@pytest.mark.parametrize("user_fixture", ["observer_north", "analyst", "coordinator_north"])
def test_django_admin_is_for_administrators_only(client, request, user_fixture):
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get("/admin/").status_code == 302


def test_administrator_reaches_django_admin(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/").status_code == 200
