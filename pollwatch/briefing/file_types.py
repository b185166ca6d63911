"""Which files a briefing module may carry, decided from their bytes, never from their name.

Members open these files inside the application's origin, so a type a browser
would run (HTML, SVG, JavaScript) is never accepted: documents, pictures,
sound and video only.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from pollwatch.lib.file_types import FileType, allowed_type, detected_content_type

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


class FileRefused(ValueError):
    """Not a file a module may carry; the message says what was found."""


def briefing_file_type(head: bytes, name: str) -> FileType:
    kind = allowed_type(head, ALLOWED_TYPES)
    if kind is None:
        found = detected_content_type(head) or _("not a recognised document or picture")
        raise FileRefused(
            _(
                "%(file)s: a briefing file is a PDF, Word or PowerPoint document, "
                "a picture, sound or video (%(found)s)"
            )
            % {"file": name, "found": found}
        )
    return kind
