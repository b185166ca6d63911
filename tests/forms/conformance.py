"""The answer conformance table: one form, cases of instance values, and whether each is valid.

Both the server's validation and the browser's XForm engine are run against it,
so the two agree on what a valid answer is (see answer_conformance.json).
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from xml.etree import ElementTree

from pyxform.xls2xform import convert

TABLE = json.loads((Path(__file__).with_name("answer_conformance.json")).read_text("utf-8"))
XF = "{http://www.w3.org/2002/xforms}"
CASES = TABLE["cases"]


def conformance_xform() -> str:
    return convert(xlsform="\n".join(TABLE["xlsform"]), warnings=[], file_type=".md").xform


def case_instance(xform: str, case: dict) -> str:
    """The form's primary instance with the base answers and the case's values filled in."""
    values = TABLE["base"] | case["values"]
    model = ElementTree.fromstring(xform).find(f".//{XF}model")
    data = copy.deepcopy(model.find(f"{XF}instance")[0])
    for element in data.iter():
        name = element.tag.removeprefix(XF)
        if name in values:
            element.text = values[name]
    data.find(f"{XF}meta").find(f"{XF}instanceID").text = "uuid:conformance"
    ElementTree.register_namespace("", XF.strip("{}"))
    return ElementTree.tostring(data, encoding="unicode")
