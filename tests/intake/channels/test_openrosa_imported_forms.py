"""Real public forms, imported, are served to ODK devices as imported, with our two fields."""

from __future__ import annotations

import warnings
from pathlib import Path
from xml.etree import ElementTree

import pytest

from pollwatch.forms.form_import import IMPORT_SUFFIXES, import_form
from pollwatch.forms.services import publish_imported_form

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parents[2] / "forms" / "corpus"
FORMS = sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in IMPORT_SUFFIXES)
XF = "{http://www.w3.org/2002/xforms}"
H = "{http://www.w3.org/1999/xhtml}"
LIST = "{http://openrosa.org/xforms/xformsList}"
HEADERS = {"HTTP_X_OPENROSA_VERSION": "1.0"}


def publish(path: Path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl and xlrd on some real workbooks
        imported = import_form(path.read_bytes(), path.name)
    return imported, publish_imported_form(imported)


def binds(xml: str | bytes) -> dict[str, dict[str, str]]:
    root = ElementTree.fromstring(xml)
    return {bind.get("nodeset"): dict(bind.attrib) for bind in root.iter(f"{XF}bind")}


@pytest.mark.parametrize("path", FORMS, ids=lambda p: p.name)
def test_an_imported_form_is_listed_and_served_as_imported(client, observer_token, path):
    imported, version = publish(path)
    code = version.form.code
    listing = client.get(f"/odk/{observer_token}/formList?formID={code}", **HEADERS)
    assert listing.status_code == 200
    [entry] = ElementTree.fromstring(listing.content).findall(f"{LIST}xform")
    assert entry.findtext(f"{LIST}formID") == code
    assert entry.findtext(f"{LIST}version") == str(version.version)
    served = client.get(f"/odk/{observer_token}/forms/{code}/form.xml")
    assert served.status_code == 200
    root = ElementTree.fromstring(served.content)
    model = root.find(f"{H}head/{XF}model")
    instance = next(i for i in model.findall(f"{XF}instance") if i.get("id") is None)[0]
    assert instance.get("id") == code and instance.get("version") == str(version.version)
    name = instance.tag.rsplit("}", 1)[-1]
    first_control = root.find(f"{H}body")[0]
    assert first_control.get("ref") == f"/{name}/pollwatch_station"
    original = binds(imported.xform)
    served_binds = binds(served.content)
    assert {key: served_binds[key] for key in original} == original
    assert set(served_binds) - set(original) == {
        f"/{name}/pollwatch_station",
        f"/{name}/pollwatch_end",
    }
