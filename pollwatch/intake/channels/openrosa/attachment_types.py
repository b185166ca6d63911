"""Which files a report may carry, decided from their bytes, never from the phone's claim.

A file is served back to coordinators inside the application's origin, so a
type the browser would run (HTML, SVG, JavaScript) must never be accepted,
whatever name or content type the phone gave it. Photos, sound, video and PDF
are what observers send; everything else is refused at upload.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

# MIME type found in the bytes → the extension the stored file gets.
ALLOWED_TYPES = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "image/heif": "heif",
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/amr": "amr",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/x-flac": "flac",
    "video/mp4": "mp4",
    "video/3gpp": "3gp",
    "video/quicktime": "mov",
    "video/webm": "webm",
    "video/x-matroska": "mkv",
    "application/pdf": "pdf",
}

# Enough bytes for every signature the detector knows.
HEAD_BYTES = 8192


class AttachmentRefused(Exception):
    """The file is not a photo, sound, video or PDF; the message says what was found."""


@dataclass(frozen=True, slots=True)
class AttachmentType:
    content_type: str
    extension: str

    def stored_name(self) -> str:
        """A random name, so that nothing the phone sent decides where the file lands."""
        return f"{secrets.token_hex(16)}.{self.extension}"


def attachment_type(head: bytes, name: str = "") -> AttachmentType:
    """The type of a file from its first bytes; refused unless it is on the allow-list."""
    kind = filetype.guess(head[:HEAD_BYTES])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind is not None else _("not a recognised photo, sound, video or PDF")
        raise AttachmentRefused(
            _("%(file)s: only photos, sound, video and PDF files are accepted (%(found)s)")
            % {"file": name or _("the file"), "found": found}
        )
    return AttachmentType(kind.mime, ALLOWED_TYPES[kind.mime])
