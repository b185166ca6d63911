"""A badge photo is checked from its bytes: a JPEG or PNG image, small enough to print."""

from __future__ import annotations

import base64
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from pollwatch.lib.file_types import allowed_type

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
    kind = allowed_type(content, PHOTO_TYPES)
    if kind is None:
        raise PhotoRefused(_("The photo must be a JPEG or PNG image."))
    name = kind.stored_name()
    return StoredPhoto(name, ContentFile(content, name=name))


def photo_data_uri(photo: FieldFile) -> str:
    """The photo inline, so the public page and the PDF need no address of the media folder."""
    if not photo:
        return ""
    with photo.open("rb") as stored:
        content = stored.read()
    kind = allowed_type(content, PHOTO_TYPES)
    mime = kind.content_type if kind is not None else "image/jpeg"
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"
