from django.urls import reverse
from django.utils import translation

from pollwatch.accounts.models import remember_language
from pollwatch.registry.models import PollingStation
from tests.conftest import csv_file


def test_search_by_code_and_name(client, administrator, election):
    client.force_login(administrator)
    url = reverse("registry:election", args=[election.slug])
    by_name = client.get(url, {"q": "library"}).context["page"].object_list
    assert [s.code for s in by_name] == ["003"]
    by_code = client.get(url, {"q": "002"}).context["page"].object_list
    assert [s.code for s in by_code] == ["002"]


def test_filter_by_area_includes_areas_below(client, administrator, election):
    client.force_login(administrator)
    north = election.areas.get(code="N")
    page = client.get(
        reverse("registry:election", args=[election.slug]), {"area": north.pk}
    ).context["page"]
    assert [s.code for s in page.object_list] == ["001", "002"]


def test_pagination_and_sorting(client, administrator, election):
    import_text = "code,name,area,registered_voters\n" + "".join(
        f"{100 + i},S{i},N1,{i}\n" for i in range(120)
    )
    from pollwatch.registry.importing import import_stations

    import_stations(election, csv_file(import_text))
    client.force_login(administrator)
    url = reverse("registry:election", args=[election.slug])
    page = client.get(url, {"sort": "-registered_voters", "page": 2}).context["page"]
    assert page.paginator.num_pages == 3
    voters = [s.registered_voters for s in page.object_list]
    assert voters == sorted(voters, reverse=True) and len(voters) == 50


def test_csv_export_of_the_visible_stations(client, coordinator_south, election):
    client.force_login(coordinator_south)
    response = client.get(reverse("registry:election", args=[election.slug]), {"format": "csv"})
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("code,name,address")
    assert [line.split(",")[0] for line in lines[1:]] == ["003"]


def test_upload_page_shows_every_problem_and_writes_nothing(client, administrator, election):
    client.force_login(administrator)
    upload = csv_file("code,name,area,registered_voters\n500,A,N1,x\n501,B,Nowhere,3\n", "bad.csv")
    response = client.post(
        reverse("registry:station_upload", args=[election.slug]), {"file": upload}
    )
    problems = [(p.line, p.reason) for p in response.context["problems"]]
    assert problems == [
        (2, "registered_voters 'x' is not a whole number"),
        (3, "unknown area 'Nowhere'"),
    ]
    assert not PollingStation.objects.filter(code__in=["500", "501"]).exists()


def test_only_registry_managers_may_upload(client, coordinator_north, election):
    client.force_login(coordinator_north)
    response = client.get(reverse("registry:station_upload", args=[election.slug]))
    assert response.status_code == 403


def test_a_station_import_is_refused_in_the_importers_language(client, administrator, election):
    remember_language(administrator, "ru")
    client.force_login(administrator)
    upload = csv_file("code,name,area,registered_voters\n500,,N1,12\n", "bad.csv")
    response = client.post(
        reverse("registry:station_upload", args=[election.slug]), {"file": upload}
    )
    with translation.override("ru"):
        empty = translation.gettext("%(column)s is empty")
    assert empty != "%(column)s is empty", "the Russian catalogue lacks the text"
    problems = [(p.line, p.reason) for p in response.context["problems"]]
    assert problems == [(2, empty % {"column": "name"})]
    assert empty % {"column": "name"} in response.content.decode()
