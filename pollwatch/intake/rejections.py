"""Why a payload did not become a submission: the one error every intake path raises.

The intake's services, the form definitions it binds and every channel raise
:class:`SubmissionRejected` (or :class:`ResendConflict`) with the
:class:`Problem` list the sender is told; each channel turns it into its own
answer (an HTTP 422, an SMS reply, an OpenRosa message).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pollwatch.intake.models import RawPayload


@dataclass(frozen=True, slots=True)
class Problem:
    """One reason a payload was refused; ``field`` is a path such as ``answers.AC``.

    ``reason`` says it in the language of the request that was refused (from the
    catalogues; English outside a request). ``kind`` is a stable code for programs and
    translations (an answer's ``AnswerError.reason`` such as ``above_max``, or
    ``unknown_station``); ``values`` holds what a reply in another language needs to
    say it again: the question's bounds and, for a bound on a station's figure, the
    figure's name, its ``limit`` and the ``station``. The channel that answers the
    sender (SMS) builds its reply from these without validating again.
    """

    field: str
    reason: str
    kind: str = ""
    # Spelt in full: inside the class, ``field`` names the attribute above.
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict, hash=False, compare=False)

    @property
    def question(self) -> str:
        """The question code of a problem with an answer, else empty."""
        return self.field.removeprefix("answers.") if self.field.startswith("answers.") else ""

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class SubmissionRejected(Exception):
    """The payload cannot become a submission; it stays stored for review."""

    def __init__(self, problems: list[Problem], payload: RawPayload | None = None):
        self.problems = problems
        self.payload = payload
        super().__init__("; ".join(f"{p.field}: {p.reason}" for p in problems))


class ResendConflict(SubmissionRejected):
    """The key is stored already, with other content or from another account.

    The changed payload stays in the review queue; the sender is never given the
    stored report's receipt, which may be another account's.
    """
