"""Reading an XForm instance (the XML ODK Collect or Enketo submits) into answers."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from pollwatch.forms.definition import FormDefinition
from pollwatch.intake.channels.openrosa.xforms import STATION_FIELD


class InstanceUnreadable(ValueError):
    """The submitted XML is not an instance of one of our forms."""


@dataclass(frozen=True, slots=True)
class Instance:
    form_id: str
    version: int | None
    instance_id: str
    deprecated_id: str
    station: str
    values: dict[str, str]

    def answers(self, definition: FormDefinition) -> dict[str, Any]:
        """Answers by question code; ODK's times carry seconds and a zone, ours do not."""
        answers: dict[str, Any] = {}
        for question in definition.questions():
            value = self.values.get(question.code, "")
            if not value.strip():
                continue
            answers[question.code] = value[:5] if question.type == "time" else value
        return answers


def read_instance(xml: bytes, *, header_instance_id: str = "") -> Instance:
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise InstanceUnreadable(f"the submission is not well-formed XML ({error})") from None
    form_id = root.get("id", "")
    if not form_id:
        raise InstanceUnreadable("the instance has no form id attribute on its root element")
    version = root.get("version", "")
    values = _leaf_values(root)
    instance_id = values.get("instanceID", "") or header_instance_id
    if not instance_id:
        raise InstanceUnreadable("the instance has no meta/instanceID")
    return Instance(
        form_id=form_id,
        version=int(version) if version.isdigit() else None,
        instance_id=instance_id.strip(),
        deprecated_id=values.get("deprecatedID", "").strip(),
        station=values.get(STATION_FIELD, "").strip(),
        values=values,
    )


def _leaf_values(root: Element) -> dict[str, str]:
    """Text of every element without children, by local name (codes are unique per form)."""
    values = {}
    for element in root.iter():
        if len(element) == 0:
            values[element.tag.rsplit("}", 1)[-1]] = (element.text or "").strip()
    return values
