"""What an uploaded file is, read from its first bytes, and how it is served back.

An upload's name and declared type are the sender's word; its bytes are not.
Each caller keeps its own allow-list (content type → extension) and its own
message for a refusal, and stores what it accepts under a random name, so that
nothing the sender chose decides where the file lands or how it is served.
Served back inside the application's origin, such a file is always a download
the browser neither sniffs nor runs.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

import filetype
from django.core.files import File
from django.http import FileResponse

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


def uploaded_file_download(file: File, content_type: str, filename: str) -> FileResponse:
    """The stored file as a download of ``content_type``: never sniffed, nothing run in it."""
    response = FileResponse(
        file.open("rb"),
        content_type=content_type or "application/octet-stream",
        as_attachment=True,
        filename=filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
