"""The coded SMS syntax of a form: ``VT 1234 AA1 AB3 AC12``.

A message is the form's SMS code, the polling station's code, then pairs of a
question's SMS code and its answer. Question codes are two letters, the
section's letter then the question's letter within it (``AC`` is the third
question of the first section). Answers:

- yes/no: ``1`` yes, ``2`` no;
- one choice: the choice's number in the printed list;
- several choices: their numbers run together (``AB13``) when the list has at
  most nine choices, otherwise separated by dots (``AB1.12``);
- whole and decimal numbers as written (``AC12``, ``AD2.5`` or ``AD2,5``);
- time of day as ``HHMM`` or ``HH:MM`` (``AE0730``);
- text in double quotes (``AF"queue outside"``, a quote inside doubled), or
  without quotes when it ends the message.

Case does not matter, pairs may be separated by spaces, commas, semicolons,
dots or nothing at all (``VT 1234 AA1AB3``); a form code directly followed by the
station code is read when only one form code fits. Photo questions cannot be
answered by SMS.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pollwatch.forms.definition import FormDefinition, Question

LETTERS = string.ascii_uppercase
# The question types a message can answer; places, media, notes and values a device
# computes are left to the other channels.
BY_SMS = ("yes_no", "single_choice", "multiple_choice", "integer", "decimal", "time", "text")
SEPARATORS = " \t\r\n,;.#*"
NUMBER = re.compile(r"-?\d+(?:[.,:]\d+)*")
STATION = re.compile(r"[0-9A-Za-z][0-9A-Za-z\-/]*")
DIGITS_PREFIX = re.compile(r"\d[\d\-]*(?=[A-Za-z])")
TIME = re.compile(r"(\d{1,2})[:.]?(\d{2})")


class SmsSyntaxError(ValueError):
    """A message that does not follow the syntax; ``code`` names the pair at fault."""

    def __init__(self, reason: str, message: str, *, code: str = "", **details: Any):
        self.reason = reason
        self.code = code
        self.details = details
        super().__init__(f"{code}: {message}" if code else message)


@dataclass(frozen=True, slots=True)
class SmsQuestion:
    sms_code: str
    question: Question
    choices: tuple[str, ...]

    @property
    def code(self) -> str:
        return self.question.code


@dataclass(frozen=True, slots=True)
class SmsSyntax:
    """How one (bound) form version is written by SMS."""

    form_sms_code: str
    definition: FormDefinition
    questions: tuple[SmsQuestion, ...]

    def by_sms_code(self, sms_code: str) -> SmsQuestion | None:
        for item in self.questions:
            if item.sms_code == sms_code:
                return item
        return None

    def sms_code_of(self, question_code: str) -> str:
        for item in self.questions:
            if item.code == question_code:
                return item.sms_code
        return question_code


@dataclass(frozen=True, slots=True)
class ParsedSms:
    form_sms_code: str
    station: str
    answers: dict[str, Any]


def sms_form_codes(form_codes: Sequence[str]) -> dict[str, str]:
    """SMS codes for forms in creation order; an earlier form keeps its code.

    The code is the initials of the form code's words plus its trailing digits
    (``pvt_form1`` → ``PF1``), or the first two letters of a one-word code
    (``voting`` → ``VO``); on a clash, more letters of the code are added.
    """
    taken: dict[str, str] = {}
    for form_code in form_codes:
        candidate = _initials(form_code)
        letters = [c for c in form_code.upper() if c in LETTERS]
        extra = iter(letters[len(candidate) :] if len(letters) > len(candidate) else [])
        digits = re.search(r"\d+$", form_code)
        suffix = digits.group() if digits else ""
        while candidate + suffix in taken.values():
            candidate += next(extra, "X")
        taken[form_code] = candidate + suffix
    return taken


def _initials(form_code: str) -> str:
    words = [w for w in re.split(r"[_\-\s]+", re.sub(r"\d+$", "", form_code)) if w]
    if len(words) == 1:
        return words[0][:2].upper()
    return "".join(word[0] for word in words).upper()


def build_syntax(definition: FormDefinition, form_sms_code: str) -> SmsSyntax:
    """The SMS syntax of a definition already bound to its election's ballot options."""
    items = []
    for s_index, section in enumerate(definition.sections):
        if s_index >= len(LETTERS) or len(section.questions) > len(LETTERS):
            raise ValueError(f"form {definition.code!r} has too many questions for SMS codes")
        if section.repeat or section.within:
            continue  # a message has no entries: one answer per question
        for q_index, question in enumerate(section.questions):
            choices = definition.choice_codes(question)
            if not _answerable_by_sms(question, choices):
                continue
            items.append(
                SmsQuestion(
                    sms_code=LETTERS[s_index] + LETTERS[q_index],
                    question=question,
                    choices=choices,
                )
            )
    return SmsSyntax(form_sms_code.upper(), definition, tuple(items))


def _answerable_by_sms(question: Question, choices: Sequence[str]) -> bool:
    """A question of a type a message can carry; choices are sent by number, so a
    question whose choices come from a file the form does not hold is not."""
    if question.type not in BY_SMS:
        return False
    if question.type in ("single_choice", "multiple_choice"):
        return bool(choices) and not (question.open_choices or "choices" in question.carried)
    return True


# Writing ---------------------------------------------------------------------------------


def encode_message(syntax: SmsSyntax, station: str, answers: dict[str, Any]) -> str:
    """The SMS an observer would send for ``answers`` (parsed answers, as validation returns)."""
    parts = [syntax.form_sms_code, station]
    for item in syntax.questions:
        value = answers.get(item.code)
        if value is None or value == [] or value == "":
            continue
        parts.append(item.sms_code + encode_answer(item, value))
    return " ".join(parts)


def encode_answer(item: SmsQuestion, value: Any) -> str:
    kind = item.question.type
    if kind in ("yes_no", "single_choice"):
        return str(item.choices.index(value) + 1)
    if kind == "multiple_choice":
        numbers = [str(item.choices.index(choice) + 1) for choice in value]
        return ("" if len(item.choices) <= 9 else ".").join(numbers)
    if kind in ("integer", "decimal"):
        return format(Decimal(repr(value)) if isinstance(value, float) else Decimal(value), "f")
    if kind == "time":
        return value.replace(":", "")
    return '"' + str(value).replace('"', '""') + '"'


# Reading ---------------------------------------------------------------------------------


def split_form_code(text: str, form_sms_codes: Iterable[str]) -> tuple[str, int]:
    """The form code a message starts with, and where the rest begins."""
    start = _skip(text, 0)
    # The pattern matches every text, if only with an empty token.
    token_match = re.match(r"[0-9A-Za-z]*", text[start:])
    token = token_match.group().upper() if token_match else ""
    codes = {code.upper() for code in form_sms_codes}
    if token in codes:
        return token, start + len(token)
    fitting = [code for code in codes if token.startswith(code)]
    if len(fitting) == 1:
        return fitting[0], start + len(fitting[0])
    if not token:
        raise SmsSyntaxError("empty", "the message is empty")
    if len(fitting) > 1:
        raise SmsSyntaxError("ambiguous_form", "put a space after the form code", token=token)
    raise SmsSyntaxError("unknown_form", "unknown form code", token=token[:12])


def parse_message(text: str, syntax: SmsSyntax, start: int) -> ParsedSms:
    """Station and answers from the rest of a message whose form code ends at ``start``."""
    position = _skip(text, start)
    station, position = _read_station(text, position, syntax)
    answers: dict[str, Any] = {}
    position = _skip(text, position)
    while position < len(text):
        item, position = _read_code(text, position, syntax)
        if item.code in answers:
            raise SmsSyntaxError("repeated", "answered twice", code=item.sms_code)
        answers[item.code], position = _read_answer(text, position, item)
        position = _skip(text, position)
    return ParsedSms(syntax.form_sms_code, station, answers)


def _skip(text: str, position: int) -> int:
    while position < len(text) and text[position] in SEPARATORS:
        position += 1
    return position


def _read_station(text: str, position: int, syntax: SmsSyntax) -> tuple[str, int]:
    match = STATION.match(text, position)
    if match is None:
        raise SmsSyntaxError("no_station", "the station code is missing after the form code")
    digits = DIGITS_PREFIX.match(text, position)
    if digits is not None and syntax.by_sms_code(text[digits.end() : digits.end() + 2].upper()):
        # "VT1234AA1": the station's digits run straight into the first question code.
        return digits.group(), digits.end()
    return match.group(), match.end()


def _read_code(text: str, position: int, syntax: SmsSyntax) -> tuple[SmsQuestion, int]:
    code = text[position : position + 2].upper()
    if len(code) < 2 or not code.isalpha() or not code.isascii():
        raise SmsSyntaxError(
            "expected_code", "expected a question code here", code=text[position : position + 8]
        )
    item = syntax.by_sms_code(code)
    if item is None:
        raise SmsSyntaxError("unknown_code", "no question has this code", code=code)
    position += 2
    while position < len(text) and text[position] in " =:":
        position += 1
    return item, position


def _read_answer(text: str, position: int, item: SmsQuestion) -> tuple[Any, int]:
    if item.question.type == "text":
        return _read_text(text, position, item)
    match = NUMBER.match(text, position)
    if match is None:
        raise SmsSyntaxError("no_answer", "the answer is missing", code=item.sms_code)
    return _answer_value(match.group(), item), match.end()


def _read_text(text: str, position: int, item: SmsQuestion) -> tuple[str, int]:
    if position >= len(text):
        raise SmsSyntaxError("no_answer", "the answer is missing", code=item.sms_code)
    if text[position] != '"':
        return text[position:].strip(), len(text)
    chars: list[str] = []
    position += 1
    while position < len(text):
        if text[position] == '"':
            if text[position + 1 : position + 2] != '"':
                return "".join(chars), position + 1
            position += 1
        chars.append(text[position])
        position += 1
    raise SmsSyntaxError("unclosed_quote", "the closing quote is missing", code=item.sms_code)


def _answer_value(token: str, item: SmsQuestion) -> Any:
    kind = item.question.type
    if kind in ("yes_no", "single_choice"):
        return _choice(token, item)
    if kind == "multiple_choice":
        numbers = token.split(".") if "." in token else _digits_or_number(token, item)
        return [_choice(number, item) for number in numbers]
    if kind == "time":
        match = TIME.fullmatch(token)
        if match is None:
            raise SmsSyntaxError("bad_time", "write the time as HHMM", code=item.sms_code)
        return f"{int(match[1]):02d}:{match[2]}"
    return token.replace(",", ".")


def _digits_or_number(token: str, item: SmsQuestion) -> list[str]:
    return list(token) if len(item.choices) <= 9 else [token]


def _choice(token: str, item: SmsQuestion) -> str:
    if token.isdigit() and 1 <= int(token) <= len(item.choices):
        return item.choices[int(token) - 1]
    raise SmsSyntaxError(
        "not_a_choice",
        f"{token} is not a choice (1-{len(item.choices)})",
        code=item.sms_code,
        answer=token,
        count=len(item.choices),
    )
