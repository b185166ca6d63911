"""The language switcher and each user's own language: pages, menu and findings follow them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pollwatch.accounts.models import Profile, preferred_language
from pollwatch.forms.services import publish_form_version
from tests.builders import CHECKLIST
from tests.conftest import PASSWORD
from tests.findings.builders import add_stations, report

MENU = {
    "en": ("Mission overview", "Log out", "Change language"),
    "ru": ("Обзор миссии", "Выйти", "Сменить язык"),
    "tr": ("Misyona genel bakış", "Çıkış yap", "Dili değiştir"),
}
FINDINGS = {
    "en": "in 30% of the 10 polling stations observed (not drawn at random",
    "ru": "на 30% из 10 наблюдавшихся участков (участки выбраны не случайно",
    "tr": "gözlemlenen 10 sandığın %30 kadarında (rastgele seçilmedi",
}


@pytest.fixture
def observed(mission, election):
    """Ten stations observed by hand, three of them assessed bad."""
    voting = publish_form_version({**CHECKLIST, "code": "voting"})
    team = mission.teams.get(code="T1")
    for index, station in enumerate(add_stations(election, "N1", 10, "N")):
        bad = index < 3
        answers = {
            "secrecy": "no" if bad else "yes",
            "stuffing": "yes" if bad else "no",
            "overall": "bad" if bad else "good",
        }
        report(mission, voting, station, answers, team=team)


def dashboard(client, mission):
    return client.get(reverse("findings:dashboard", args=[mission.slug]))


def home(client) -> str:
    return client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("language", ["ru", "tr"])
def test_the_language_cookie_translates_the_menu_and_the_findings(
    client, core_team, mission, observed, language
):
    client.force_login(core_team)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = home(client)
    assert f'<html lang="{language}"' in page
    for label in MENU[language]:
        assert label in page
    findings = dashboard(client, mission).content.decode()
    assert FINDINGS[language] in findings
    assert FINDINGS["en"] not in findings


def test_english_is_the_default(client, core_team, mission, observed):
    client.force_login(core_team)
    for label in MENU["en"]:
        assert label in home(client)
    assert FINDINGS["en"] in dashboard(client, mission).content.decode()


def test_the_switcher_saves_the_choice_of_a_signed_in_user(client, core_team):
    client.force_login(core_team)
    response = client.post(reverse("set_language"), {"language": "tr", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert preferred_language(core_team.pk) == "tr"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "tr"


def test_a_users_language_follows_them_to_a_new_browser(client, core_team):
    Profile.objects.create(user=core_team, language="ru")
    client.force_login(core_team)  # no cookie, no Accept-Language
    page = home(client)
    assert '<html lang="ru"' in page and "Выйти" in page


def test_the_users_language_wins_over_the_browsers(client, core_team):
    Profile.objects.create(user=core_team, language="tr")
    client.force_login(core_team)
    page = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Çıkış yap" in page


def test_the_switcher_works_before_login_and_saves_nothing(client, core_team):
    response = client.post(reverse("set_language"), {"language": "ru", "next": "/login/"})
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ru"
    page = client.get(reverse("login")).content.decode()
    assert "Войти" in page and "Сменить язык" in page
    assert not Profile.objects.exists()


def test_an_unknown_language_is_not_saved(client, core_team):
    client.force_login(core_team)
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})
    assert preferred_language(core_team.pk) == ""


def test_the_observer_form_speaks_the_observers_language(client, observer_north):
    Profile.objects.create(user=observer_north, language="ru")
    client.force_login(observer_north)
    page = client.get(reverse("intake:observe")).content.decode()
    assert '"language": "ru"' in page or "&quot;language&quot;: &quot;ru&quot;" in page
    assert "Отправить" in page


def test_signing_in_applies_the_users_language(client, core_team):
    Profile.objects.create(user=core_team, language="tr")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ru"
    login = {"username": core_team.username, "password": PASSWORD}
    assert client.post(reverse("login"), login).status_code == 302
    page = home(client)
    assert '<html lang="tr"' in page and "Çıkış yap" in page


def test_a_page_costs_no_query_for_the_users_language(client, core_team):
    Profile.objects.create(user=core_team, language="ru")
    client.force_login(core_team)
    with CaptureQueriesContext(connection) as captured:
        assert "Выйти" in home(client)
    assert not [q for q in captured.captured_queries if "accounts_profile" in q["sql"]]
