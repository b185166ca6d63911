"""Area outlines from a GeoJSON file: stored on the areas, all or nothing, problems numbered."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from pollwatch.audit.models import AuditEvent
from pollwatch.registry.boundaries import BoundariesRejected, import_boundaries
from pollwatch.registry.models import Area


def square(lon: float, lat: float, size: float = 0.5) -> dict:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return {"type": "Polygon", "coordinates": [ring]}


def feature(code, geometry, key="code") -> dict:
    return {"type": "Feature", "properties": {key: code, "label": "x"}, "geometry": geometry}


def geojson_file(features, name="areas.geojson") -> io.BytesIO:
    buffer = io.BytesIO(json.dumps({"type": "FeatureCollection", "features": features}).encode())
    buffer.name = name
    return buffer


def outlined(election) -> dict[str, str]:
    areas = Area.objects.filter(election=election, geometry__isnull=False)
    return {area.code: area.geometry["type"] for area in areas}


def test_a_good_file_stores_each_outline_on_its_area(election):
    multi = {"type": "MultiPolygon", "coordinates": [square(44, 41)["coordinates"]]}
    count = import_boundaries(
        election, geojson_file([feature("N", square(44, 42)), feature("S1", multi)])
    )

    assert count == 2
    assert outlined(election) == {"N": "Polygon", "S1": "MultiPolygon"}
    north = election.areas.get(code="N")
    assert north.geometry == square(44, 42)
    assert AuditEvent.objects.filter(action="registry.boundaries_imported").count() == 1


def test_the_code_may_sit_in_another_property(election):
    import_boundaries(
        election,
        geojson_file([feature("N1", square(44, 42), key="ADM2_CODE")]),
        code_property="ADM2_CODE",
    )
    assert outlined(election) == {"N1": "Polygon"}


def test_a_bad_file_lists_every_problem_by_feature_and_stores_nothing(election):
    open_ring = square(44, 42)
    open_ring["coordinates"][0].pop()
    features = [
        feature("N", square(44, 42)),
        feature("ZZ", square(44, 42)),
        feature("S", {"type": "Point", "coordinates": [44, 42]}),
        feature("N", square(45, 42)),
        feature("", square(44, 42)),
        feature("S1", open_ring),
        feature("N2", square(200, 42)),
        "not a feature",
    ]

    with pytest.raises(BoundariesRejected) as rejected:
        import_boundaries(election, geojson_file(features))

    assert [str(problem) for problem in rejected.value.problems] == [
        "feature 2: unknown area 'ZZ'",
        "feature 3: the geometry must be a Polygon or a MultiPolygon",
        "feature 4: area 'N' again (first in feature 1)",
        "feature 5: no area code in properties.code",
        "feature 6: a ring must end at the position it starts from",
        "feature 7: a position is not [longitude, latitude] in degrees",
        "feature 8: not a GeoJSON Feature",
    ]
    assert outlined(election) == {}


def test_a_file_that_is_not_json_names_its_line(election):
    broken = io.BytesIO(b'{"type": "FeatureCollection",\n "features": [\n  {"type": }\n]}')
    with pytest.raises(BoundariesRejected) as rejected:
        import_boundaries(election, broken)
    problem = rejected.value.problems[0]
    assert problem.line == 3 and problem.place == "line 3"
    assert "not valid JSON" in problem.reason


@pytest.mark.parametrize(
    "content, reason",
    [
        (b'{"type": "Feature"}', "the file must hold a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "the FeatureCollection has no features"),
        (b"\xff\xfe\x00", "the file is not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "not valid JSON: nested too deeply"),
    ],
)
def test_a_file_without_features_is_refused_whole(election, content, reason):
    with pytest.raises(BoundariesRejected) as rejected:
        import_boundaries(election, io.BytesIO(content))
    assert [problem.reason for problem in rejected.value.problems] == [reason]


def test_a_later_file_replaces_the_outlines_it_names_and_keeps_the_others(election):
    import_boundaries(
        election, geojson_file([feature("N", square(44, 42)), feature("S", square(44, 40))])
    )
    import_boundaries(election, geojson_file([feature("N", square(10, 10))]))
    assert election.areas.get(code="N").geometry == square(10, 10)
    assert election.areas.get(code="S").geometry == square(44, 40)


def test_the_upload_page_shows_the_numbered_problems(client, administrator, election):
    client.force_login(administrator)
    url = reverse("registry:boundaries_upload", args=[election.slug])
    bad = geojson_file([feature("N", square(44, 42)), feature("ZZ", square(44, 42))])

    response = client.post(url, {"file": bad, "code_property": "code"})

    body = response.content.decode()
    assert response.status_code == 200
    assert "feature 2" in body and "unknown area &#x27;ZZ&#x27;" in body
    assert outlined(election) == {}


def test_the_upload_page_saves_a_good_file(client, administrator, election):
    client.force_login(administrator)
    url = reverse("registry:boundaries_upload", args=[election.slug])

    response = client.post(url, {"file": geojson_file([feature("N", square(44, 42))])}, follow=True)

    assert "1 area outline saved." in response.content.decode()
    assert outlined(election) == {"N": "Polygon"}


def test_the_election_page_links_the_upload_for_those_who_may_import(
    client, administrator, election
):
    client.force_login(administrator)
    page = client.get(reverse("registry:election", args=[election.slug])).content.decode()
    assert reverse("registry:boundaries_upload", args=[election.slug]) in page


def test_the_command_imports_a_file_and_reports_problems_by_feature(election, tmp_path):
    good = tmp_path / "areas.geojson"
    good.write_bytes(geojson_file([feature("N", square(44, 42))]).getvalue())
    bad = tmp_path / "bad.geojson"
    features = [feature("N", square(44, 42)), feature("Q", square(1, 1))]
    bad.write_bytes(geojson_file(features).getvalue())
    out = io.StringIO()

    call_command("areas", "boundaries", str(good), "--election", election.slug, stdout=out)
    with pytest.raises(CommandError, match="feature 2: unknown area 'Q'"):
        call_command("areas", "boundaries", str(bad), "--election", election.slug)

    assert out.getvalue().strip() == "1 area outlines imported"
    assert outlined(election) == {"N": "Polygon"}


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_byte_limit_is_refused_naming_the_limit(election):
    with pytest.raises(BoundariesRejected) as rejected:
        import_boundaries(election, geojson_file([feature("N", square(44, 42))] * 5))
    assert "POLLWATCH_IMPORT_MAX_BYTES" in rejected.value.problems[0].reason
