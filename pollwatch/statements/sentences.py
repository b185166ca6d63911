"""Split a statement into sentences, in English and Russian.

A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with any closing quotation
marks) followed by white space and a capital letter, digit, quotation mark or
bullet, or followed by a closing quotation mark and at once a capital letter,
unless the word before the stop is a known abbreviation or an initial; a
blank line or a bulleted line always ends one. Each sentence keeps its
position in the text so that a page can highlight it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-case, without their final stop. Abbreviations that usually end a
# sentence ("etc.", "т. д.") are left out on purpose.
ENGLISH_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "vs",
        "approx",
        "incl",
        "cf",
        "fig",
        "art",
        "para",
        "sec",
        "ch",
        "vol",
        "pp",
        "p",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "u.s",
        "u.k",
        "u.n",
        "gen",
        "col",
        "lt",
        "sgt",
        "rev",
        "hon",
        "sr",
        "jr",
        "co",
        "corp",
        "inc",
        "ltd",
        "dept",
        "est",
        "min",
        "max",
    ]
)
RUSSIAN_ABBREVIATIONS = frozenset(
    [
        "г",
        "гг",
        "ул",
        "д",
        "им",
        "см",
        "напр",
        "стр",
        "тыс",
        "млн",
        "млрд",
        "руб",
        "чел",
        "обл",
        "р-н",
        "пос",
        "с",
        "ст",
        "пр",
        "просп",
        "т.е",
        "т.к",
        "т.н",
        "т.ч",
        "ок",
        "проф",
        "акад",
        "доц",
        "янв",
        "февр",
        "авг",
        "сент",
        "окт",
        "нояб",
        "дек",
        "рис",
        "табл",
        "гл",
        "ч",
        "п",
        "пп",
    ]
)
ABBREVIATIONS = ENGLISH_ABBREVIATIONS | RUSSIAN_ABBREVIATIONS

# A stop may be followed by closing quotation marks of any style ("…", “…”,
# ‘…’, «…», „…“) and then white space; after a closing quotation mark the
# next sentence may also start at once, as in pasted PDF text ("free.”The").
_BOUNDARY = re.compile(
    r"(?P<stop>[.!?…]+)(?P<close>[\"'»”“’)\]]*)(?P<gap>[ \t\r\n]+)"
    r"|(?P<quoted>[.!?…]+[\"»”’]+)(?=[«“„\"‘]?[A-ZА-ЯЁ])"
    r"|(?P<paragraph>\n[ \t\r]*\n[\s]*)"
    r"|(?P<bullet>\n[ \t]*(?=[-*•–—]\s|\d+[.)]\s))"
)
_STARTS_SENTENCE = re.compile(r"[\"'«“„‘(\[]*[A-ZА-ЯЁ0-9•\-–—*]")
_WORD_BEFORE_STOP = re.compile(r"([\w.\-]+)$")
_SPACES = re.compile(r"\s+")
_LONGEST_WORD = 40
# Text without stops (a pasted table, a run-on list) is cut into pieces of
# this size, so that no later pattern search works on an unbounded string.
MAX_SENTENCE_CHARS = 2000
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence: its text with white space collapsed, and its span in the source."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into sentences in reading order.

    The spans do not overlap and together hold every non-blank character of
    ``text``.
    """
    sentences: list[Sentence] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        if match.group("stop") is not None and not _ends_sentence(text, match):
            continue
        if match.group("quoted") is not None and _abbreviation_before(text, match.start()):
            continue
        if match.group("stop") is not None:
            end = match.start("gap")
        elif match.group("quoted") is not None:
            end = match.end()
        else:
            end = match.start()
        _append(sentences, text, start, end)
        start = match.end()
    _append(sentences, text, start, len(text))
    return sentences


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    if _BLANK_LINE.search(match.group("gap")):
        return True
    if not _STARTS_SENTENCE.match(text, match.end()):
        return False
    if match.group("stop") != ".":
        return True
    return not _abbreviation_before(text, match.start("stop"))


def _abbreviation_before(text: str, stop: int) -> bool:
    """Whether the word ending at ``stop`` is an abbreviation or an initial."""
    word = _WORD_BEFORE_STOP.search(text[max(0, stop - _LONGEST_WORD) : stop])
    if word is None:
        return False
    token = word.group(1).lower().strip(".-")
    if len(token) == 1 and token.isalpha():
        return True  # an initial, as in "J. Smith" or "А. С. Пушкин"
    return token in ABBREVIATIONS


def _append(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while end - start > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", start + MAX_SENTENCE_CHARS // 2, start + MAX_SENTENCE_CHARS)
        cut = cut if cut > start else start + MAX_SENTENCE_CHARS
        _append_piece(sentences, text, start, cut)
        start = cut
    _append_piece(sentences, text, start, end)


def _append_piece(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if not stripped:
        return
    leading = len(piece) - len(piece.lstrip())
    begin = start + leading
    sentences.append(Sentence(_SPACES.sub(" ", stripped), begin, begin + len(stripped)))
