"""What a file is, read from its first bytes against the types a caller accepts.

An upload's name and declared type are the sender's word; its bytes are not.
Each caller keeps its own allow-list (content type → extension) and its own
message for a refusal, and stores what it accepts under a random name, so that
nothing the sender chose decides where the file lands or how it is served.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import filetype

# Enough bytes for every signature the detector knows.
HEAD_BYTES = 8192


@dataclass(frozen=True, slots=True)
class FileType:
    content_type: str
    extension: str

    def stored_name(self) -> str:
        """A random name with the type's extension."""
        return f"{secrets.token_hex(16)}.{self.extension}"


def detected_content_type(head: bytes) -> str | None:
    """The content type the bytes show, whatever it is; None when none is recognised."""
    kind = filetype.guess(head[:HEAD_BYTES])
    return kind.mime if kind is not None else None


def allowed_type(head: bytes, allowed: Mapping[str, str]) -> FileType | None:
    """The type the bytes show if it is one of ``allowed`` (content type → extension)."""
    found = detected_content_type(head)
    if found is None or found not in allowed:
        return None
    return FileType(found, allowed[found])
