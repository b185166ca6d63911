"""The vendored XForm engine renders an XForm under the application's CSP, from this origin only.

The test page lives here, not in the app: it loads the engine the app serves
(``pollwatch/static/vendor/enketo/``), renders an XForm made by pyxform, and
gives back the instance XML. Every request to another origin is refused and
recorded, so the engine is shown to need nothing a service worker could not cache.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pyxform.xls2xform import convert

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGE_DIR = Path(__file__).resolve().parent / "webform"
XLSFORM = """
| survey |
| | type | name | label | required | relevant | constraint | calculation |
| | text | observer | Your name | yes | | | |
| | select_one yesno | problems | Were there problems? | yes | | | |
| | begin_repeat | incident | Incident | | ${problems} = 'yes' | | |
| | text | what | What happened | yes | | | |
| | integer | minutes | Minutes lost | | | . >= 0 | |
| | end_repeat | | | | | | |
| | calculate | incidents | | | | | count(${incident}) |
| choices |
| | list_name | name | label |
| | yesno | yes | Yes |
| | yesno | no | No |
| settings |
| | form_id | form_title |
| | engine_check | Engine check |
"""
CONTENT_TYPES = {".html": "text/html", ".js": "text/javascript", ".xml": "text/xml"}


def engine_check_xform() -> str:
    return convert(xlsform=XLSFORM, warnings=[], file_type=".md").xform


def serve_test_page(page, origin: str, csp: str, xform: str) -> list[str]:
    """Serve the test page under ``/webform-test/`` with ``csp``; refuse other origins."""
    elsewhere: list[str] = []

    def only_this_origin(route):
        if route.request.url.startswith(origin):
            route.fallback()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    def test_page(route):
        name = route.request.url.rsplit("/", 1)[-1]
        body = xform if name == "form.xml" else (PAGE_DIR / name).read_text(encoding="utf-8")
        route.fulfill(
            body=body,
            headers={
                "Content-Type": CONTENT_TYPES[Path(name).suffix],
                "Content-Security-Policy": csp,
            },
        )

    page.route("**/*", only_this_origin)
    page.route(f"{origin}/webform-test/*", test_page)
    return elsewhere


def test_the_vendored_engine_fills_a_repeat_under_the_app_csp(page, live_server, client):
    csp = client.get("/login/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    elsewhere = serve_test_page(page, live_server.url, csp, engine_check_xform())

    page.goto("/webform-test/page.html")
    expect(page.locator("body[data-state=ready]")).to_be_attached()

    repeat = page.locator(".or-repeat")
    page.locator('input[name="/data/observer"]').fill("Ana")
    page.locator('input[name="/data/problems"][value="no"]').check()
    expect(repeat.first).to_be_hidden()
    page.locator('input[name="/data/problems"][value="yes"]').check()
    expect(repeat.first).to_be_visible()
    repeat.nth(0).locator('input[name="/data/incident/what"]').fill("Queue outside")
    repeat.nth(0).locator('input[name="/data/incident/minutes"]').fill("20")
    page.locator(".add-repeat-btn").click()
    repeat.nth(1).locator('input[name="/data/incident/what"]').fill("Ink ran out")
    # Enketo takes a value on "change", which a browser fires when the field loses focus.
    page.keyboard.press("Tab")

    assert page.evaluate("window.webformTest.handle.validate()") is True
    instance = ET.fromstring(page.evaluate("window.webformTest.handle.instanceXml()"))
    assert instance.findtext("observer") == "Ana"
    assert [entry.findtext("what") for entry in instance.findall("incident")] == [
        "Queue outside",
        "Ink ran out",
    ]
    assert instance.find("incident").findtext("minutes") == "20"
    assert instance.findtext("incidents") == "2"
    assert page.evaluate("window.webformTest.violations") == []
    assert errors == []
    assert elsewhere == []


def ready_test_page(page, live_server, client, xform: str = "") -> None:
    csp = client.get("/login/")["Content-Security-Policy"]
    serve_test_page(page, live_server.url, csp, xform or engine_check_xform())
    page.goto("/webform-test/page.html")
    expect(page.locator("body[data-state=ready]")).to_be_attached()


GEOJSON = """{"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": 7,
   "properties": {"id": "ignored", "title": "Main hall", "voters": 1200, "note": null},
   "geometry": {"type": "Point", "coordinates": [36.82, -1.29, 1650]}},
  {"type": "Feature", "properties": {"id": "road", "open": true},
   "geometry": {"type": "LineString", "coordinates": [[36.8, -1.2], [36.9, -1.3]]}},
  {"type": "Feature", "properties": {"id": "yard"},
   "geometry": {"type": "Polygon", "coordinates": [
     [[36.8, -1.2], [36.9, -1.2], [36.9, -1.3], [36.8, -1.2]], [[1, 1], [2, 2], [1, 1]]]}}
]}"""


def test_a_geojson_attachment_becomes_items_as_the_odk_specification_reads_it(
    page, live_server, client
):
    ready_test_page(page, live_server, client)
    xml = page.evaluate(
        """async (text) => {
          const webform = await import('/static/vendor/enketo/webform.js');
          const { id, xml } = webform.externalInstance('places', 'places.geojson', text);
          return [id, new XMLSerializer().serializeToString(xml)];
        }""",
        GEOJSON,
    )
    assert xml == [
        "places",
        "<root>"
        "<item><title>Main hall</title><voters>1200</voters><id>7</id>"
        "<geometry>-1.29 36.82 1650 0</geometry></item>"
        "<item><id>road</id><open>true</open>"
        "<geometry>-1.2 36.8 0 0; -1.3 36.9 0 0</geometry></item>"
        "<item><id>yard</id>"
        "<geometry>-1.2 36.8 0 0; -1.2 36.9 0 0; -1.3 36.9 0 0; -1.2 36.8 0 0</geometry></item>"
        "</root>",
    ]


PRELOADS = """
| survey |
| | type | name | label |
| | deviceid | device | |
| | uri:deviceid | device_uri | |
| | username | user | |
| | uri:username | user_uri | |
| | uri:email | email_uri | |
| | text | remark | Remark |
| settings |
| | form_id | form_title |
| | preloads | Preloads |
"""


def test_uri_property_preloads_take_the_session_values_written_as_uris(page, live_server, client):
    xform = convert(xlsform=PRELOADS, warnings=[], file_type=".md").xform
    assert 'jr:preloadParams="uri:deviceid"' in xform
    ready_test_page(page, live_server, client, xform)
    # The page rendered the form without a session; render it again with one.
    result = page.evaluate(
        """async (xform) => {
          const webform = await import('/static/vendor/enketo/webform.js');
          const element = document.createElement('div');
          document.body.appendChild(element);
          const session = { deviceid: 'example.org:AbCd1234EfGh5678', username: 'ana' };
          const handle = await webform.renderXForm(element, xform, { session });
          return [handle.loadErrors, handle.instanceXml()];
        }""",
        xform,
    )
    load_errors, instance_xml = result
    assert load_errors == []
    instance = ET.fromstring(instance_xml)
    assert instance.findtext("device") == "example.org:AbCd1234EfGh5678"
    assert instance.findtext("device_uri") == "example.org:AbCd1234EfGh5678"
    assert instance.findtext("user") == "ana"
    assert instance.findtext("user_uri") == "username:ana"
    # No e-mail address in the session: left empty rather than made up.
    assert instance.findtext("email_uri") == ""


CHOICE_TEXT = """
| survey |
| | type | name | label::English (en) | label::Français (fr) | calculation |
| | select_one size | size | Size | Taille | |
| | calculate | size_text | | | jr:itext(instance('size')/root/item[name = ${size}]/itextId) |
| choices |
| | list_name | name | label::English (en) | label::Français (fr) |
| | size | s | Small | Petit |
| | size | l | Large | Grand |
| settings |
| | form_id | form_title | default_language |
| | choice_text | Choice text | Français (fr) |
"""
# Renders the XForm in a language (none: the form's default), chooses `l`, gives the instance.
CHOOSE_LARGE = """async ([xform, language]) => {
  const webform = await import('/static/vendor/enketo/webform.js');
  const element = document.createElement('div');
  document.body.appendChild(element);
  const handle = await webform.renderXForm(element, xform, language ? { language } : {});
  const large = element.querySelector('input[name="/data/size"][value="l"]');
  if (large) {
    large.checked = true;
    large.dispatchEvent(new Event('change', { bubbles: true }));
  }
  const result = [handle.loadErrors, handle.instanceXml()];
  handle.destroy();
  return result;
}"""


@pytest.mark.parametrize(("language", "text"), [("en", "Large"), ("fr", "Grand"), (None, "Grand")])
def test_jr_itext_in_a_calculation_gives_the_choice_text_in_the_forms_language(
    page, live_server, client, language, text
):
    xform = convert(xlsform=CHOICE_TEXT, warnings=[], file_type=".md").xform
    assert "jr:itext(instance('size')" in xform
    ready_test_page(page, live_server, client, xform)
    load_errors, instance_xml = page.evaluate(CHOOSE_LARGE, [xform, language])
    assert load_errors == []
    assert ET.fromstring(instance_xml).findtext("size_text") == text


QUESTION_NAMED_MODEL = """
| survey |
| | type | name | label | relevant |
| | text | model | Model of the ballot box | |
| | text | serial | Serial number | ${model} != '' |
| settings |
| | form_id | form_title |
| | ballot_boxes | Ballot boxes |
"""


def test_a_question_named_model_leaves_the_instance_sent_the_forms_own(page, live_server, client):
    xform = convert(xlsform=QUESTION_NAMED_MODEL, warnings=[], file_type=".md").xform
    ready_test_page(page, live_server, client, xform)
    page.locator('input[name="/data/model"]').fill("BX-2")
    page.keyboard.press("Tab")
    page.locator('input[name="/data/serial"]').fill("0042")
    page.keyboard.press("Tab")
    # As the observer's page sends it: without the questions that do not apply.
    sent = ET.fromstring(
        page.evaluate("window.webformTest.handle.form.getDataStr({ irrelevant: false })")
    )
    assert (sent.tag, sent.get("id")) == ("data", "ballot_boxes")
    assert (sent.findtext("model"), sent.findtext("serial")) == ("BX-2", "0042")
