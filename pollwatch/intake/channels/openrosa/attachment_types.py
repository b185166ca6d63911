"""Which files a report may carry, decided from their bytes, never from the phone's claim.

A file is served back to coordinators inside the application's origin, so a
type the browser would run (HTML, SVG, JavaScript) must never be accepted,
whatever name or content type the phone gave it. Photos, sound, video and PDF
are what observers send; everything else is refused at upload.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pollwatch.lib.file_types import FileType, allowed_type, detected_content_type

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


class AttachmentRefused(Exception):
    """The file is not a photo, sound, video or PDF; the message says what was found."""


def attachment_type(head: bytes, name: str = "") -> FileType:
    """The type of a file from its first bytes; refused unless it is on the allow-list."""
    kind = allowed_type(head, ALLOWED_TYPES)
    if kind is None:
        found = detected_content_type(head) or _("not a recognised photo, sound, video or PDF")
        raise AttachmentRefused(
            _("%(file)s: only photos, sound, video and PDF files are accepted (%(found)s)")
            % {"file": name or _("the file"), "found": found}
        )
    return kind
