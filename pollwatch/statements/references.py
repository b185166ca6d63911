"""Figure references in statement text, such as ``{share:voting.ballot_stuffing=yes}``.

A reference names a finding; the text shows the finding computed from the data
("in 4% (95% CI 2–7%) of 412 polling stations observed") and is recomputed
until the statement is published. The kinds:

- ``{share:FORM.QUESTION=VALUE[,VALUE...]}``: share of stations observed with
  one of these answers;
- ``{assessment:PHASE=VALUE[,VALUE...]}``: the overall assessment of a phase,
  e.g. ``{assessment:voting=bad,very_bad}``;
- ``{ratio:FORM.NUMERATOR/DENOMINATOR}``: the share one number counted at
  each station is of another, over the stations observed, e.g.
  ``{ratio:opening.women_members/members_present}``;
- ``{method}``: the method and coverage paragraph.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from pollwatch.lib.catalogues import gettext as _

REFERENCE = re.compile(r"\{(?P<kind>[a-z]+)(?::(?P<body>[^{}]*))?\}")
KINDS = ("share", "assessment", "ratio", "method")
SHARE_BODY = re.compile(r"^(?P<form>[A-Za-z_]\w*)\.(?P<question>[A-Za-z_]\w*)=(?P<values>[\w,]+)$")
ASSESSMENT_BODY = re.compile(r"^(?P<phase>[a-z_]+)=(?P<values>[\w,]+)$")
RATIO_BODY = re.compile(
    r"^(?P<form>[A-Za-z_]\w*)\.(?P<numerator>[A-Za-z_]\w*)/(?P<denominator>[A-Za-z_]\w*)$"
)


class ReferenceError(ValueError):
    """A reference that cannot be understood; the message names it and says why."""


@dataclass(frozen=True, slots=True)
class Reference:
    raw: str
    kind: str
    form: str = ""
    question: str = ""
    phase: str = ""
    values: tuple[str, ...] = ()
    denominator: str = ""


def parse_reference(match: re.Match[str]) -> Reference:
    kind, body, raw = match["kind"], (match["body"] or "").strip(), match[0]
    if kind not in KINDS:
        raise ReferenceError(
            _("%(reference)s: unknown kind %(kind)s; use one of %(kinds)s")
            % {"reference": raw, "kind": repr(kind), "kinds": ", ".join(KINDS)}
        )
    if kind == "method":
        return Reference(raw=raw, kind=kind)
    if kind == "ratio":
        return _ratio_reference(raw, body)
    if kind == "share":
        parsed = SHARE_BODY.match(body)
        if parsed is None:
            raise ReferenceError(
                _("%(reference)s: write it as {share:form.question=answer}") % {"reference": raw}
            )
        return Reference(
            raw=raw,
            kind=kind,
            form=parsed["form"],
            question=parsed["question"],
            values=tuple(v for v in parsed["values"].split(",") if v),
        )
    parsed = ASSESSMENT_BODY.match(body)
    if parsed is None:
        raise ReferenceError(
            _("%(reference)s: write it as {assessment:phase=bad,very_bad}") % {"reference": raw}
        )
    return Reference(
        raw=raw,
        kind=kind,
        phase=parsed["phase"],
        values=tuple(v for v in parsed["values"].split(",") if v),
    )


def _ratio_reference(raw: str, body: str) -> Reference:
    parsed = RATIO_BODY.match(body)
    if parsed is None:
        raise ReferenceError(
            _("%(reference)s: write it as {ratio:form.question/question}") % {"reference": raw}
        )
    return Reference(
        raw=raw,
        kind="ratio",
        form=parsed["form"],
        question=parsed["numerator"],
        denominator=parsed["denominator"],
    )


def find_references(text: str) -> list[Reference]:
    return [parse_reference(match) for match in REFERENCE.finditer(text)]


def render_text(text: str, resolve: Callable[[Reference], str]) -> str:
    """Replace every reference with what ``resolve`` makes of it."""
    return REFERENCE.sub(lambda match: resolve(parse_reference(match)), text)
