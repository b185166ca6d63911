"""Which files a briefing module may carry, decided from their bytes, never from their name.

Members open these files inside the application's origin, so a type a browser
would run (HTML, SVG, JavaScript) is never accepted: documents, pictures,
sound and video only.
"""

from __future__ import annotations

from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _

# MIME type found in the bytes → the extension the download gets.
ALLOWED_TYPES = {
    "application/pdf": "pdf",
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/webp": "webp",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "video/mp4": "mp4",
    "video/webm": "webm",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "pptx",
}
HEAD_BYTES = 8192


class FileRefused(ValueError):
    """Not a file a module may carry; the message says what was found."""


@dataclass(frozen=True, slots=True)
class BriefingFileType:
    content_type: str
    extension: str


def briefing_file_type(head: bytes, name: str) -> BriefingFileType:
    kind = filetype.guess(head[:HEAD_BYTES])
    if kind is None or kind.mime not in ALLOWED_TYPES:
        found = kind.mime if kind is not None else _("not a recognised document or picture")
        raise FileRefused(
            _(
                "%(file)s: a briefing file is a PDF, Word or PowerPoint document, "
                "a picture, sound or video (%(found)s)"
            )
            % {"file": name, "found": found}
        )
    return BriefingFileType(kind.mime, ALLOWED_TYPES[kind.mime])
