"""Our forms as XForms for ODK Collect and Enketo, generated with pyxform.

Each form gets one extra question before its sections, ``pollwatch_station``,
the polling station's code, since a paper-free device has no other way to
say where it reports from: a list of the observer's assigned stations when
there are any, else a text field. It also gets ``pollwatch_end``, which ODK
fills itself with the time the form was finished, zone included: the report's
device time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from django.db import DatabaseError
from django.utils.translation import gettext_lazy
from lxml import etree
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from pollwatch.forms.languages import language_column
from pollwatch.forms.models import FormVersion
from pollwatch.forms.xlsform import xlsform_sheets
from pollwatch.intake.definitions import definition_for
from pollwatch.lib.in_language import in_language
from pollwatch.registry.models import Election

STATION_FIELD = "pollwatch_station"
# ODK fills it with the time the form was finished, with the phone's zone.
END_FIELD = "pollwatch_end"
XHTML = "http://www.w3.org/1999/xhtml"
XFORMS = "http://www.w3.org/2002/xforms"
JAVAROSA = "http://openrosa.org/javarosa"
STATION_LABEL = gettext_lazy("Polling station code")


class XFormUnbuildable(Exception):
    """A form version that cannot be turned into an XForm; the message says why."""

    def __init__(self, form_code: str, reason: str):
        self.form_code = form_code
        self.reason = reason
        super().__init__(f"form {form_code} cannot be served to ODK: {reason}")


@dataclass(frozen=True, slots=True)
class XForm:
    form_id: str
    version: int
    title: str
    xml: str

    @property
    def md5(self) -> str:
        return hashlib.md5(self.xml.encode("utf-8"), usedforsecurity=False).hexdigest()


def xform_for(
    version: FormVersion, election: Election, stations: tuple[tuple[str, str], ...] = ()
) -> XForm:
    """The XForm of ``version`` bound to ``election``'s ballot options.

    ``stations`` (code, name) become the choices of the station question.
    Raises :class:`XFormUnbuildable` when the stored definition cannot be made an XForm.
    """
    if any(not code or code.split() != [code] for code, _ in stations):
        stations = ()  # a code XLSForm cannot take as a choice name; ask for it as text
    try:
        return _xform(version.form.code, version.version, version.digest, election, stations)
    except (XFormUnbuildable, DatabaseError):
        raise  # a database that fails is everyone's problem, not this form's
    except Exception as error:
        # A stored definition may predate today's rules, and pyxform's failures are not
        # one documented class: whatever stops one form from being built is that form's
        # problem alone, reported as such.
        raise XFormUnbuildable(version.form.code, f"{type(error).__name__}: {error}") from error


@lru_cache(maxsize=128)
def _xform(
    form_code: str,
    number: int,
    digest: str,
    election: Election,
    stations: tuple[tuple[str, str], ...],
) -> XForm:
    version, bound = definition_for(form_code, number, election)
    definition = bound.definition
    title = definition.title[definition.languages[0]]
    if version.xform:
        xml = imported_xform_for_devices(version.xform, form_code, number, stations)
        return XForm(form_id=form_code, version=number, title=title, xml=xml)
    sheets = xlsform_sheets(definition)
    question_type = "select_one pollwatch_stations" if stations else "text"
    station = {"type": question_type, "name": STATION_FIELD, "required": "yes"}
    columns = {
        language: f"label::{language_column(language, definition.language_names)}"
        for language in definition.languages
    }
    for language, column in columns.items():
        station[column] = in_language(STATION_LABEL, language)
    sheets["survey"].insert(0, station)
    sheets["survey"].append({"type": "end", "name": END_FIELD})
    for code, name in stations:
        row = {"list_name": "pollwatch_stations", "name": code}
        for column in columns.values():
            row[column] = f"{code} {name}"
        sheets["choices"].append(row)
    sheets["settings"][0]["version"] = str(number)
    try:
        xml = convert(sheets, warnings=[], pretty_print=True).xform
    except PyXFormError as error:
        raise XFormUnbuildable(form_code, f"pyxform: {error}") from error
    return XForm(form_id=form_code, version=number, title=title, xml=xml)


def imported_xform_for_devices(
    xml: str, form_code: str, number: int, stations: tuple[tuple[str, str], ...]
) -> str:
    """An imported XForm as devices get it: our id and version, and the two fields of ours.

    Everything else of the form stays as it was imported.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_blank_text=False)
    tree = etree.fromstring(xml.encode("utf-8"), parser)
    model = tree.find(f"{{{XHTML}}}head/{{{XFORMS}}}model")
    body = tree.find(f"{{{XHTML}}}body")
    if model is None or body is None:
        raise XFormUnbuildable(form_code, "the stored XForm has no model or no body")
    primary = next(i for i in model.findall(f"{{{XFORMS}}}instance") if i.get("id") is None)
    root = next(child for child in primary if isinstance(child.tag, str))
    root.set("id", form_code)
    root.set("version", str(number))
    namespace = etree.QName(root).namespace
    path = f"/{etree.QName(root).localname}"
    for name in (END_FIELD, STATION_FIELD):
        node = etree.Element(etree.QName(namespace, name) if namespace else name)
        root.insert(0, node)
    binds = [
        {"nodeset": f"{path}/{STATION_FIELD}", "type": "string", "required": "true()"},
        {
            "nodeset": f"{path}/{END_FIELD}",
            "type": "dateTime",
            f"{{{JAVAROSA}}}preload": "timestamp",
            f"{{{JAVAROSA}}}preloadParams": "end",
        },
    ]
    for attributes in binds:
        model.append(etree.Element(f"{{{XFORMS}}}bind", attributes))
    body.insert(0, _station_control(f"{path}/{STATION_FIELD}", stations))
    return etree.tostring(tree, xml_declaration=True, encoding="utf-8").decode("utf-8")


def _station_control(ref: str, stations: tuple[tuple[str, str], ...]) -> etree._Element:
    control = etree.Element(f"{{{XFORMS}}}{'select1' if stations else 'input'}", ref=ref)
    etree.SubElement(control, f"{{{XFORMS}}}label").text = in_language(STATION_LABEL, "en")
    for code, name in stations:
        item = etree.SubElement(control, f"{{{XFORMS}}}item")
        etree.SubElement(item, f"{{{XFORMS}}}label").text = f"{code} {name}"
        etree.SubElement(item, f"{{{XFORMS}}}value").text = code
    return control
