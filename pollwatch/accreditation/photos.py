"""A badge photo is checked from its bytes: a JPEG or PNG image, small enough to print."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# MIME type found in the bytes → the extension the stored file gets.
PHOTO_TYPES = {"image/jpeg": "jpg", "image/png": "png"}


class PhotoRefused(ValueError):
    """The upload is not a JPEG or PNG photo, or too large; the message says which."""


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    name: str
    content: ContentFile


def checked_photo(upload: UploadedFile) -> StoredPhoto:
    """The upload under a random name, if it is a JPEG or PNG no larger than the limit."""
    limit = settings.POLLWATCH_BADGE_PHOTO_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PhotoRefused(
            _("The photo is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise PhotoRefused(
            _("The photo is larger than %(limit)s.") % {"limit": filesizeformat(limit)}
        )
    kind = filetype.guess(content[:8192])
    if kind is None or kind.mime not in PHOTO_TYPES:
        raise PhotoRefused(_("The photo must be a JPEG or PNG image."))
    name = f"{secrets.token_hex(16)}.{PHOTO_TYPES[kind.mime]}"
    return StoredPhoto(name, ContentFile(content, name=name))


def photo_data_uri(photo: FieldFile) -> str:
    """The photo inline, so the public page and the PDF need no address of the media folder."""
    if not photo:
        return ""
    with photo.open("rb") as stored:
        content = stored.read()
    kind = filetype.guess(content[:8192])
    mime = kind.mime if kind is not None and kind.mime in PHOTO_TYPES else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
