"""Reading an XForm instance (the XML ODK Collect or Enketo submits) into answers.

ODK writes a time of day with seconds and the phone's zone, ``07:30:00.000+03:00``.
The answer kept is the clock time the observer saw, ``07:30``, as every channel
stores it; the offset is read too, so that a phone set to another zone than the
election's is noticed rather than silently dropped (see docs/channels.md).
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from pollwatch.forms.definition import FormDefinition
from pollwatch.intake.channels.openrosa.xforms import END_FIELD, STATION_FIELD

# HH:MM, optional seconds and fraction, optional zone: Z or ±HH:MM (or ±HHMM).
ODK_TIME = re.compile(
    r"(?P<clock>\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?"
    r"(?P<zone>Z|(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2}))?"
)


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
    device_time: datetime.datetime | None = None

    root: Element | None = field(default=None, compare=False, repr=False)

    def answers(self, definition: FormDefinition) -> dict[str, Any]:
        """Answers by question code, found at each question's path in the instance.

        A repeat's answers are a list of entries, each a dict of its own answers;
        a time is the clock time shown on the phone.
        """
        if self.root is None:
            return {}
        return _answers_below(self.root, definition, None, _Children())

    def time_offsets(self, definition: FormDefinition) -> list[tuple[str, datetime.timedelta]]:
        """(clock time, offset) of each time answer outside repeats that was sent with its zone."""
        if self.root is None:
            return []
        children = _Children()
        times = [
            clock_time(_text_at(self.root, section.path_of(question), children))
            for section in definition.sections
            if section.within is None and not section.repeat
            for question in section.questions
            if question.type == "time"
        ]
        return [(clock, offset) for clock, offset in times if offset is not None]


def clock_time(value: str) -> tuple[str, datetime.timedelta | None]:
    """The clock time ``HH:MM`` of a time answer and its UTC offset (None when unsent).

    Text that is not an ODK time is returned whole, for validation to refuse by name.
    """
    value = value.strip()
    match = ODK_TIME.fullmatch(value)
    if match is None:
        return value, None
    if match["zone"] is None:
        return match["clock"], None
    if match["zone"] == "Z":
        return match["clock"], datetime.timedelta(0)
    offset = datetime.timedelta(hours=int(match["hours"]), minutes=int(match["minutes"]))
    return match["clock"], -offset if match["sign"] == "-" else offset


def _answers_below(
    node: Element, definition: FormDefinition, within: str | None, children: _Children
) -> dict[str, Any]:
    """The answers of the sections directly ``within`` a repeat (None: the form's top)."""
    answers: dict[str, Any] = {}
    for section in definition.sections:
        # An entry holds the repeat's own questions as well as the sections within it.
        own = section.code == within
        if section.within != within and not own:
            continue
        if section.repeat and not own:
            entries = children.at(node, section.path)
            answers[section.code] = [
                _answers_below(entry, definition, section.code, children) for entry in entries
            ]
            continue
        for question in section.questions:
            if question.type == "note":
                continue
            value = _text_at(node, section.path_of(question), children)
            if value.strip():
                answers[question.code] = clock_time(value)[0] if question.type == "time" else value
    return answers


class _Children:
    """The elements below an element by their path of local names, listed once per
    instance read.

    A form's questions are looked up one path at a time; walking the tree again for
    each of them made reading an instance cost more than validating it.
    """

    def __init__(self) -> None:
        # By id: elements are not hashable by content, and the tree outlives this.
        self._below: dict[int, dict[str, list[Element]]] = {}

    def at(self, node: Element, path: str) -> list[Element]:
        """The elements at ``path`` below ``node``, by local names (instances vary in
        namespaces), in document order."""
        below = self._below.get(id(node))
        if below is None:
            below = {}
            _list_below(node, "", below)
            self._below[id(node)] = below
        return below.get(path, [])


def _list_below(node: Element, prefix: str, below: dict[str, list[Element]]) -> None:
    # Depth first, so that the elements of each path are in document order.
    for child in node:
        path = prefix + _local(child.tag)
        below.setdefault(path, []).append(child)
        _list_below(child, path + "/", below)


def _text_at(node: Element, path: str, children: _Children) -> str:
    elements = children.at(node, path)
    return (elements[0].text or "").strip() if elements else ""


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def read_instance(xml: bytes, *, header_instance_id: str = "") -> Instance:
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise InstanceUnreadable(
            _("the submission is not well-formed XML (%(error)s)") % {"error": error}
        ) from None
    form_id = root.get("id", "")
    if not form_id:
        raise InstanceUnreadable(_("the instance has no form id attribute on its root element"))
    version = root.get("version", "")
    values = _leaf_values(root)
    instance_id = values.get("instanceID", "") or header_instance_id
    if not instance_id:
        raise InstanceUnreadable(_("the instance has no meta/instanceID"))
    return Instance(
        form_id=form_id,
        version=int(version) if version.isdigit() else None,
        instance_id=instance_id.strip(),
        deprecated_id=values.get("deprecatedID", "").strip(),
        station=values.get(STATION_FIELD, "").strip(),
        values=values,
        device_time=_zoned_time(values.get(END_FIELD, "")),
        root=root,
    )


def _zoned_time(text: str) -> datetime.datetime | None:
    """A timestamp with its UTC offset; None for one without, or unreadable.

    The phone's time only orders and checks a report, so a bad one is dropped
    rather than the report refused for it.
    """
    try:
        parsed = parse_datetime(text.strip())
        if parsed is None or parsed.utcoffset() is None:
            return None
        parsed.astimezone(datetime.UTC)  # near year 1 or 9999 an offset overflows
    except (ValueError, OverflowError):
        return None
    return parsed


def _leaf_values(root: Element) -> dict[str, str]:
    """Text of every element without children, by local name (codes are unique per form)."""
    values = {}
    for element in root.iter():
        if len(element) == 0:
            values[element.tag.rsplit("}", 1)[-1]] = (element.text or "").strip()
    return values
