"""An XForm (the XML that ODK Collect and Enketo read) as a pollwatch form definition.

The XForm stays the form's source of truth for devices; what is derived here is
what the server needs to check and analyse answers: questions with their types,
choices, groups, repeats, and the conditions it can evaluate itself. A part of
the form it cannot evaluate (an XPath outside pollwatch's subset, an external
choice list, a calculation) is marked as carried and listed in a warning: the
device still applies it, and it is never a reason to refuse the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException

from pollwatch.forms.definition import PHASES, FormDefinitionError, load_definition
from pollwatch.forms.definition_rules import YES_NO, rule_errors
from pollwatch.forms.languages import language_code_and_name, language_name
from pollwatch.forms.xpath import XPathError, conjuncts, parse_xpath, read_bound, to_expression
from pollwatch.lib.catalogues import gettext as _

XFORMS = "http://www.w3.org/2002/xforms"
XHTML = "http://www.w3.org/1999/xhtml"
JAVAROSA = "http://openrosa.org/javarosa"
ODK = "http://www.opendatakit.org/xforms"
CONTROLS = {"input", "select1", "select", "upload", "trigger", "range", "rank", "secret"}
MEDIA = {"image": "photo", "audio": "audio", "video": "video"}
INPUT_TYPES = {
    "int": "integer",
    "integer": "integer",
    "decimal": "decimal",
    "date": "date",
    "time": "time",
    "dateTime": "datetime",
    "geopoint": "geopoint",
    "geotrace": "geotrace",
    "geoshape": "geoshape",
    "barcode": "barcode",
    "string": "text",
}
DEFAULT_PHASE = "voting"
DEFAULT_LANGUAGE = "en"
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
ITEXT = re.compile(r"""jr:itext\(\s*['"]([^'"]+)['"]\s*\)""")


def _cannot_derive(problem: str) -> str:
    return _("cannot derive a definition: %(problem)s") % {"problem": problem}


class XFormError(ValueError):
    """An XForm that cannot be read; ``errors`` says why, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass(frozen=True, slots=True)
class XFormRead:
    """What an XForm holds: its identity, the derived definition and what is carried."""

    form_id: str
    version: str
    title: str
    definition: dict[str, Any]
    warnings: tuple[str, ...]
    codes: dict[str, str] = field(default_factory=dict)


def read_xform(xml: str | bytes, *, code: str | None = None, phase: str | None = None) -> XFormRead:
    """The definition of ``xml``; ``XFormError`` when it is not an XForm at all.

    ``code`` and ``phase`` are pollwatch's own settings: by default the code comes
    from the form's id and the phase is ``voting``.
    """
    root = _parse(xml)
    reader = _Reader(root)
    return reader.read(code, phase)


def _parse(xml: str | bytes) -> Element:
    try:
        root = ElementTree.fromstring(xml)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise XFormError([_("not well-formed XML (%(error)s)") % {"error": error}]) from None
    if root.tag != f"{{{XHTML}}}html":
        raise XFormError([_("the root element is not h:html in the XHTML namespace")])
    return root


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


@dataclass(slots=True)
class _Section:
    code: str
    title: dict[str, str]
    ref: str
    repeat: bool = False
    within: str | None = None
    relevant: str = ""
    questions: list[dict[str, Any]] = field(default_factory=list)


class _Reader:
    def __init__(self, root: Element):
        head = root.find(f"{{{XHTML}}}head")
        body = root.find(f"{{{XHTML}}}body")
        model = head.find(f"{{{XFORMS}}}model") if head is not None else None
        if head is None or body is None or model is None:
            raise XFormError([_("an XForm needs h:head with an XForms model, and h:body")])
        instances = model.findall(f"{{{XFORMS}}}instance")
        primary = next((i for i in instances if i.get("id") is None), None)
        if primary is None or len(primary) == 0:
            raise XFormError([_("the model has no primary instance with a root element")])
        self.body = body
        self.data = primary[0]
        self.root_path = "/" + _local(self.data.tag)
        self.title = (head.findtext(f"{{{XHTML}}}title") or "").strip()
        self.secondary = {i.get("id"): i for i in instances if i.get("id") is not None}
        self.binds = {bind.get("nodeset", ""): bind for bind in model.iter(f"{{{XFORMS}}}bind")}
        self.warnings: list[str] = []
        self.codes: dict[str, str] = {}  # absolute path -> code
        self.used: set[str] = set()
        self.lists: dict[str, list[dict[str, Any]]] = {}
        self.list_names: dict[str, str] = {}
        self.sections: list[_Section] = []
        self.seen_paths: set[str] = set()
        self._read_translations(model)

    # Languages and labels ------------------------------------------------------------

    def _read_translations(self, model: Element) -> None:
        self.texts: dict[str, dict[str, str]] = {}  # language code -> text id -> text
        self.language_names: dict[str, str] = {}
        itext = model.find(f"{{{XFORMS}}}itext")
        translations = itext.findall(f"{{{XFORMS}}}translation") if itext is not None else []
        default = None
        for translation in translations:
            language, name = language_code_and_name(translation.get("lang", ""))
            self.language_names[language] = name
            if translation.get("default") is not None and default is None:
                default = language
            texts = self.texts.setdefault(language, {})
            for text in translation.findall(f"{{{XFORMS}}}text"):
                value = _text_value(text)
                # pyxform writes "-" where a translation is missing
                texts[text.get("id", "")] = "" if value == "-" else value
        self.languages = list(self.texts) or [DEFAULT_LANGUAGE]
        if default is not None:
            self.languages.remove(default)
            self.languages.insert(0, default)
        if not self.texts:
            self.language_names = {DEFAULT_LANGUAGE: "English"}

    def label(self, element: Element | None, fallback: str) -> dict[str, str]:
        """Text in every language of the form; a missing translation falls back to the first."""
        if element is None:
            return {language: fallback for language in self.languages}
        match = ITEXT.search(element.get("ref", ""))
        if match is None:
            text = _inline_text(element) or fallback
            return {language: text for language in self.languages}
        texts = {language: self.texts[language].get(match[1], "") for language in self.languages}
        first = next((text for text in texts.values() if text), fallback)
        for language, text in texts.items():
            if not text:
                self.missing_translation(language, match[1])
        return {language: text or first for language, text in texts.items()}

    def missing_translation(self, language: str, text_id: str) -> None:
        self.warnings.append(
            _(
                "text %(text)s has no %(language)s translation; the form's first language is"
                " shown instead"
            )
            % {"text": repr(text_id), "language": self.language_names.get(language, language)}
        )

    # Paths and codes -----------------------------------------------------------------

    def code_for(self, path: str) -> str:
        """A code unique in the form for the node at ``path`` (its name when it can be)."""
        if path in self.codes:
            return self.codes[path]
        name = path.rsplit("/", 1)[-1]
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)
        if not NAME.fullmatch(base):
            base = f"q_{base}"
        self.codes[path] = self.reserve_code(base)
        return self.codes[path]

    def reserve_code(self, name: str) -> str:
        """A code for something that is not a node of the instance, such as the first section."""
        code, number = name, 2
        while code.lower() in self.used:
            code, number = f"{name}_{number}", number + 1
        self.used.add(code.lower())
        return code

    def relative(self, path: str, section: _Section | None) -> str:
        """``path`` below the root, or below the repeat it sits in."""
        repeat = self.enclosing_repeat(section)
        base = repeat.ref if repeat is not None else self.root_path
        return path[len(base) + 1 :] if path.startswith(base + "/") else path.lstrip("/")

    def section_path(self, section: _Section) -> str:
        """The section's path as its definition will say it (``.`` for the root)."""
        if section.ref == self.root_path:
            return "."
        return self.relative(section.ref, self.parent_of(section))

    def place(self, question: dict[str, Any], path: str, section: _Section) -> None:
        """Give ``question`` a ref where its path is not the one its section implies."""
        relative = self.relative(path, section)
        base = "." if section.repeat else self.section_path(section)
        implied = question["code"] if base == "." else f"{base}/{question['code']}"
        if relative != implied:
            question["ref"] = relative

    def enclosing_repeat(self, section: _Section | None) -> _Section | None:
        if section is None:
            return None
        if section.repeat:
            return section
        return self.section_by_code(section.within) if section.within else None

    def section_by_code(self, code: str) -> _Section | None:
        return next((s for s in self.sections if s.code == code), None)

    # Body ------------------------------------------------------------------------------

    def read(self, code: str | None, phase: str | None) -> XFormRead:
        form_id = self.data.get("id", "") or _local(self.data.tag)
        main = _Section(self.reserve_code("main"), self.label(None, self.title), self.root_path)
        self.sections.append(main)
        self.walk(self.body, main, "")
        self.add_hidden_fields(main)
        data = self.assemble(code or _form_code(form_id), phase or DEFAULT_PHASE)
        data = self.settle(data)
        return XFormRead(
            form_id=form_id,
            version=self.data.get("version", ""),
            title=self.title,
            definition=data,
            warnings=tuple(dict.fromkeys(self.warnings)),
            codes=dict(self.codes),
        )

    def walk(self, parent: Element, section: _Section, relevant: str) -> None:
        for element in parent:
            tag = _local(element.tag)
            if tag == "group":
                self.read_group(element, section)
            elif tag == "repeat":
                self.read_repeat(element, section, element.get("nodeset", ""))
            elif tag in CONTROLS:
                self.read_control(element, tag, section)

    def read_group(self, element: Element, section: _Section) -> None:
        ref = element.get("ref", "")
        repeat = next((e for e in element if _local(e.tag) == "repeat"), None)
        if repeat is not None and repeat.get("nodeset", "") in (ref, ""):
            self.read_repeat(repeat, section, repeat.get("nodeset", ref), element)
            return
        if not ref:  # a layout group without a node of its own
            self.walk(element, section, "")
            return
        self.seen_paths.add(ref)
        label = element.find(f"{{{XFORMS}}}label")
        child = _Section(
            self.code_for(ref),
            self.label(label, ref.rsplit("/", 1)[-1]),
            ref,
            within=self.inside_repeat(section),
            relevant=self.inherited_relevance(section, ref),
        )
        self.sections.append(child)
        self.walk(element, child, "")

    def read_repeat(
        self, element: Element, section: _Section, ref: str, group: Element | None = None
    ) -> None:
        self.seen_paths.add(ref)
        label = (group if group is not None else element).find(f"{{{XFORMS}}}label")
        child = _Section(
            self.code_for(ref),
            self.label(label, ref.rsplit("/", 1)[-1]),
            ref,
            repeat=True,
            within=self.inside_repeat(section),
            relevant=self.inherited_relevance(section, ref),
        )
        self.sections.append(child)
        self.walk(element, child, "")

    def inherited_relevance(self, parent: _Section, ref: str) -> str:
        """A group's relevance joined with its enclosing groups': hiding a group hides all in it.

        A group with no question of its own becomes no section, so its condition
        would otherwise be lost to the groups inside it.
        """
        own = self.bind_attr(ref, "relevant")
        inherited = parent.relevant
        if inherited and own:
            return f"({inherited}) and ({own})"
        return inherited or own

    def inside_repeat(self, section: _Section) -> str | None:
        repeat = self.enclosing_repeat(section)
        return repeat.code if repeat is not None else None

    def bind_attr(self, path: str, name: str) -> str:
        bind = self.binds.get(path)
        return "" if bind is None else (bind.get(name) or "").strip()

    def read_control(self, element: Element, tag: str, section: _Section) -> None:
        ref = element.get("ref") or element.get("bind") or ""
        if not ref.startswith(self.root_path + "/"):
            return
        self.seen_paths.add(ref)
        question = self.question(element, tag, ref, section)
        if question is not None:
            section.questions.append(question)

    def question(
        self, element: Element, tag: str, ref: str, section: _Section
    ) -> dict[str, Any] | None:
        bind = self.binds.get(ref)
        bind_type = _local(bind.get("type", "string")) if bind is not None else "string"
        kind = self.question_type(element, tag, bind, bind_type)
        name = ref.rsplit("/", 1)[-1]
        question: dict[str, Any] = {
            "code": self.code_for(ref),
            "type": kind,
            "label": self.label(element.find(f"{{{XFORMS}}}label"), name),
        }
        self.place(question, ref, section)
        hint = element.find(f"{{{XFORMS}}}hint")
        if hint is not None:
            question["guidance"] = self.label(hint, "")
            if not all(question["guidance"].values()):
                del question["guidance"]
        if kind in ("single_choice", "multiple_choice", "yes_no"):
            self.read_choices(element, question)
        self.read_bind(bind, question)
        return question

    def question_type(
        self, element: Element, tag: str, bind: Element | None, bind_type: str
    ) -> str:
        calculated = bind is not None and bind.get("calculate") is not None
        if tag == "select1":
            return "single_choice"
        if tag == "select":
            return "multiple_choice"
        if tag == "upload":
            media = (element.get("mediatype") or "").split("/", 1)[0]
            return MEDIA.get(media, "file")
        if tag in ("trigger", "rank"):
            return "carried"
        if calculated:
            return "calculate"
        readonly = bind is not None and (bind.get("readonly") or "").strip() == "true()"
        if readonly and bind_type == "string":
            return "note"
        if tag == "range":
            return "integer" if bind_type in ("int", "integer") else "decimal"
        return INPUT_TYPES.get(bind_type, "carried")

    def add_hidden_fields(self, main: _Section) -> None:
        """Calculations and other fields with a bind but no control, meta fields left out."""
        for path, bind in self.binds.items():
            if path in self.seen_paths or not path.startswith(self.root_path + "/"):
                continue
            if "/meta/" in path + "/":
                continue
            if bind.get(f"{{{JAVAROSA}}}preload") is not None:
                self.warnings.append(
                    _(
                        "metadata %(name)s skipped: the device fills it in and the report does"
                        " not keep it as an answer"
                    )
                    % {"name": repr(path.rsplit("/", 1)[-1])}
                )
                continue
            parent = self.section_of_path(path, main)
            bind_type = _local(bind.get("type", "string"))
            kind = "calculate" if bind.get("calculate") is not None else "carried"
            if kind == "carried" and bind_type in ("int", "decimal"):
                kind = INPUT_TYPES[bind_type]
            name = path.rsplit("/", 1)[-1]
            if self.is_group_node(path):
                continue
            question: dict[str, Any] = {
                "code": self.code_for(path),
                "type": kind,
                "label": {language: name for language in self.languages},
            }
            self.place(question, path, parent)
            self.read_bind(bind, question)
            parent.questions.append(question)

    def is_group_node(self, path: str) -> bool:
        return any(other.startswith(path + "/") for other in self.binds)

    def section_of_path(self, path: str, main: _Section) -> _Section:
        candidates = [s for s in self.sections if s.ref and path.startswith(s.ref + "/")]
        return max(candidates, key=lambda s: len(s.ref), default=main)

    # Choices -------------------------------------------------------------------------

    def read_choices(self, element: Element, question: dict[str, Any]) -> None:
        items = element.findall(f"{{{XFORMS}}}item")
        itemset = element.find(f"{{{XFORMS}}}itemset")
        if items:
            choices = [
                {
                    "code": (item.findtext(f"{{{XFORMS}}}value") or "").strip(),
                    "label": self.label(item.find(f"{{{XFORMS}}}label"), ""),
                }
                for item in items
            ]
            self.attach_list(question, question["code"], choices)
        elif itemset is not None:
            self.read_itemset(itemset, question)
        else:
            self.carry(question, "choices")

    def read_itemset(self, itemset: Element, question: dict[str, Any]) -> None:
        nodeset = itemset.get("nodeset", "")
        match = re.match(r"""\s*instance\(\s*['"]([^'"]+)['"]\s*\)([^\[]*)(\[.*\])?\s*$""", nodeset)
        if match is None:
            self.carry(question, "choices")
            return
        instance_id, predicate = match[1], match[3]
        if predicate:
            self.carry(question, "choice_filter")
        instance = self.secondary.get(instance_id)
        value_ref = _attr_of(itemset, "value") or "name"
        label_ref = _attr_of(itemset, "label") or "label"
        if instance is None or instance.get("src") or len(instance) == 0:
            question["open_choices"] = True
            self.carry(question, "choices")
            return
        choices = [self.item_choice(item, value_ref, label_ref) for item in instance[0]]
        self.attach_list(question, instance_id, choices)

    def item_choice(self, item: Element, value_ref: str, label_ref: str) -> dict[str, Any]:
        values = {_local(child.tag): (child.text or "").strip() for child in item}
        code = values.get(value_ref, "")
        if label_ref.startswith("jr:itext(") and values.get("itextId"):
            texts = {
                language: self.texts.get(language, {}).get(values["itextId"], "")
                for language in self.languages
            }
            first = next((text for text in texts.values() if text), code)
            return {"code": code, "label": {k: v or first for k, v in texts.items()}}
        text = values.get(label_ref, "") or code
        return {"code": code, "label": {language: text for language in self.languages}}

    def attach_list(
        self, question: dict[str, Any], name: str, choices: list[dict[str, Any]]
    ) -> None:
        usable = [c for c in choices if c["code"] and not re.search(r"\s", c["code"])]
        codes = [c["code"] for c in usable]
        # A single choice's value is sent whole and may hold spaces, which no code of a
        # pollwatch list does: such a list stays with the device, as an external one does.
        spaced = question["type"] == "single_choice" and len(usable) < len(
            [c for c in choices if c["code"]]
        )
        if not usable or spaced or len(set(codes)) != len(codes):
            question["open_choices"] = True
            self.carry(question, "choices")
            return
        if codes == list(YES_NO) and question["type"] == "single_choice" and name == "yes_no":
            question["type"] = "yes_no"
            return
        for choice in usable:
            choice["label"] = {k: v or choice["code"] for k, v in choice["label"].items()}
        question["choices"] = self.list_name(name, usable)

    def list_name(self, name: str, choices: list[dict[str, Any]]) -> str:
        base = re.sub(r"[^A-Za-z0-9_]", "_", name)
        if not NAME.fullmatch(base) or base == "yes_no":
            base = f"list_{base}"
        candidate, number = base, 2
        while candidate in self.lists and self.lists[candidate] != choices:
            candidate, number = f"{base}_{number}", number + 1
        self.lists[candidate] = choices
        return candidate

    # Binds -----------------------------------------------------------------------------

    def read_bind(self, bind: Element | None, question: dict[str, Any]) -> None:
        if bind is None:
            return
        required = (bind.get("required") or "").strip()
        if required == "true()":
            question["required"] = question["type"] not in ("note", "calculate", "carried")
            if not question["required"]:
                del question["required"]
        elif required not in ("", "false()"):
            self.carry(question, "required")
        if bind.get("calculate") is not None and question["type"] != "calculate":
            self.carry(question, "calculate")
            if question["type"] in ("single_choice", "multiple_choice"):
                # The device computes the choice, and nothing keeps it within the list.
                self.carry(question, "choices")
        relevant = (bind.get("relevant") or "").strip()
        if relevant:
            question["relevant_xpath"] = relevant
        constraint = (bind.get("constraint") or "").strip()
        if constraint:
            question["constraint_xpath"] = constraint
            message = bind.get(f"{{{JAVAROSA}}}constraintMsg")
            if message:
                question["constraint_message"] = self.message(message)

    def message(self, text: str) -> dict[str, str]:
        match = ITEXT.search(text)
        if match is None:
            return {language: text for language in self.languages}
        texts = {language: self.texts[language].get(match[1], "") for language in self.languages}
        first = next((t for t in texts.values() if t), match[1])
        return {language: t or first for language, t in texts.items()}

    def carry(self, item: dict[str, Any], part: str) -> None:
        carried = item.setdefault("carried", [])
        if part not in carried:
            carried.append(part)

    # Conditions ----------------------------------------------------------------------

    def condition(self, xpath: str, self_code: str | None = None) -> dict[str, Any] | None:
        """Our expression for ``xpath``, or None when it is outside the subset."""
        try:
            text = self.with_references(xpath)
            return to_expression(parse_xpath(text), self_code)
        except XPathError:
            return None

    def with_references(self, xpath: str) -> str:
        """Absolute paths to questions written as ``${code}``; other paths stay unreadable."""

        def replace(match: re.Match[str]) -> str:
            code = self.codes.get(match[0])
            if code is None:
                raise XPathError(f"{match[0]} is not a question")
            return f"${{{code}}}"

        return re.sub(rf"{re.escape(self.root_path)}(?:/[A-Za-z_][\w.-]*)+", replace, xpath)

    def translate_conditions(self, question: dict[str, Any]) -> list[dict[str, Any]]:
        """Relevance and constraint in our terms; what does not fit is carried."""
        checks: list[dict[str, Any]] = []
        relevant = question.pop("relevant_xpath", "")
        if relevant:
            expression = self.condition(relevant)
            if expression is None:
                self.carry(question, "relevant")
            else:
                question["relevant"] = expression
        constraint = question.pop("constraint_xpath", "")
        message = question.pop("constraint_message", None)
        if constraint and question["type"] == "calculate":
            # The device computes the value and checks it ("10" <= 25 reads as numbers
            # there); the server keeps a calculation as sent, its type unknown.
            self.carry(question, "constraint")
        elif constraint:
            checks = self.translate_constraint(question, constraint, message)
        return checks

    def translate_constraint(
        self, question: dict[str, Any], xpath: str, message: dict[str, str] | None
    ) -> list[dict[str, Any]]:
        bounds: dict[str, Any] = {}
        try:
            parts = conjuncts(parse_xpath(self.with_references(xpath)))
            rules = [
                to_expression(part, question["code"])
                for part in parts
                if not read_bound(part, question["type"], bounds)
            ]
        except XPathError:
            self.carry(question, "constraint")
            return []
        if bounds:
            if message and not rules:
                bounds["message"] = message
            question["constraint"] = bounds
        fallback = f"{question['code']}: constraint not met"
        text = message or {language: fallback for language in self.languages}
        codes = [f"{question['code']}_check{i}" for i in range(1, len(rules) + 1)]
        if len(rules) == 1:
            codes = [f"{question['code']}_check"]
        return [
            {"code": code, "question": question["code"], "rule": rule, "message": text}
            for code, rule in zip(codes, rules, strict=True)
        ]

    # Assembly --------------------------------------------------------------------------

    def assemble(self, code: str, phase: str) -> dict[str, Any]:
        sections: list[dict[str, Any]] = []
        checks: list[dict[str, Any]] = []
        for section in self.sections:
            if section.questions or section.repeat:
                sections.append(self.section_data(section))
                for question in section.questions:
                    checks += self.translate_conditions(question)
        data = {
            "format": 1,
            "code": code,
            "phase": phase if phase in PHASES else DEFAULT_PHASE,
            "title": self.label(None, self.title or code),
            "languages": self.languages,
            "sections": sections,
        }
        own_names = {
            code: name
            for code, name in self.language_names.items()
            if code in self.languages and name != language_name(code)
        }
        if own_names:
            data["language_names"] = own_names
        if self.lists:
            data["choice_lists"] = self.lists
        if checks:
            data["checks"] = checks
        return data

    def section_data(self, section: _Section) -> dict[str, Any]:
        data: dict[str, Any] = {"code": section.code, "title": section.title}
        if section.repeat:
            data["repeat"] = True
        if section.within:
            data["within"] = section.within
        path = self.section_path(section)
        if path != section.code:
            data["ref"] = path
        if section.relevant:
            expression = self.condition(section.relevant)
            if expression is None:
                data["carried"] = ["relevant"]
            else:
                data["relevant"] = expression
        data["questions"] = section.questions
        return data

    def parent_of(self, section: _Section) -> _Section | None:
        return self.section_by_code(section.within) if section.within else None

    def settle(self, data: dict[str, Any]) -> dict[str, Any]:
        """Carry what our rules refuse (a condition reading a later question, say)."""
        errors = rule_errors(data)
        while errors and self.carry_refused(data, errors[0]):
            errors = rule_errors(data)
        if errors:
            raise XFormError([_cannot_derive(error) for error in errors])
        try:
            load_definition(data)
        except FormDefinitionError as error:
            raise XFormError([_cannot_derive(e) for e in error.errors]) from None
        self.warn_carried(data)
        return data

    def carry_refused(self, data: dict[str, Any], error: str) -> bool:
        path = error.split(":", 1)[0]
        match = re.fullmatch(r"sections\[(\d+)\](?:\.questions\[(\d+)\])?\.relevant", path)
        if match is not None:
            item = data["sections"][int(match[1])]
            if match[2] is not None:
                item = item["questions"][int(match[2])]
            item.pop("relevant", None)
            self.carry(item, "relevant")
            return True
        match = re.fullmatch(r"checks\[(\d+)\]\.(rule|question)", path)
        if match is not None:
            check = data["checks"].pop(int(match[1]))
            for question in _questions(data):
                if question["code"] == check["question"]:
                    self.carry(question, "constraint")
            if not data["checks"]:
                del data["checks"]
            return True
        return False

    def warn_carried(self, data: dict[str, Any]) -> None:
        for section in data["sections"]:
            for part in section.get("carried", ()):
                self.warnings.append(
                    _("group %(code)s: its %(part)s is kept for devices")
                    % {"code": section["code"], "part": part}
                )
            for question in section["questions"]:
                for part in question.get("carried", ()):
                    self.warnings.append(
                        _(
                            "question %(code)s: its %(part)s is kept for devices, not checked"
                            " by the server"
                        )
                        % {"code": question["code"], "part": part}
                    )
                if question["type"] == "carried":
                    self.warnings.append(
                        _("question %(code)s: stored as text, not analysed")
                        % {"code": question["code"]}
                    )


def _questions(data: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for section in data["sections"]:
        yield from section["questions"]


def _text_value(text: Element) -> str:
    values = text.findall(f"{{{XFORMS}}}value")
    plain = [v for v in values if v.get("form") in (None, "long", "short")]
    chosen = plain[0] if plain else (values[0] if values else None)
    return _inline_text(chosen) if chosen is not None else ""


def _inline_text(element: Element) -> str:
    """An element's text with ``<output value="..."/>`` shown as its reference."""
    parts = [element.text or ""]
    for child in element:
        if _local(child.tag) == "output":
            value = child.get("value", "")
            parts.append("${" + value.rsplit("/", 1)[-1] + "}")
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _attr_of(itemset: Element, tag: str) -> str:
    child = itemset.find(f"{{{XFORMS}}}{tag}")
    return "" if child is None else child.get("ref", "")


def _form_code(form_id: str) -> str:
    code = re.sub(r"[^a-z0-9_]+", "_", form_id.lower()).strip("_")
    if not code or not code[0].isalpha():
        code = f"form_{code}".rstrip("_")
    return code[:64]
