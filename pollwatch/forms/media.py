"""A form's media files: the CSV, GeoJSON and XML lists and the pictures, sounds and films it names.

An XForm names a file by ``jr://`` address: ``jr://file-csv/x.csv`` or
``jr://file/x.xml`` for a secondary instance (``select_one_from_file``, external
choices, ``pulldata()``), ``jr://images/x.png`` and the like for a label's media.
Devices get each file under that last part of the address, so a media file is
known by that name alone: a name with a folder or characters a URL or a phone's
file system would take otherwise is refused. Each file is read within the
import limits (``pollwatch.lib.tabular``).
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from pollwatch.lib.catalogues import gettext as _
from pollwatch.lib.tabular import ImportLimits, TableRejected, read_limited_from

MAX_NAME_LENGTH = 255
SAFE_NAME = re.compile(r"\w[\w .()+-]*", re.UNICODE)
NAMED_FILE = re.compile(r"jr://(?:file|file-csv|images|audio|video|file-geojson)/([^\"'<>\s]+)")
# ``select_one_external``: an input with a query reads its choices from this file.
EXTERNAL_ITEMSETS = "itemsets.csv"
EXTERNAL_QUERY = re.compile(r"<(?:\w+:)?input\b[^>]*\squery=")
# Secondary instances the web form engine reads as data rather than shows.
DATA_SUFFIXES = (".csv", ".geojson", ".xml")
TYPES = {
    ".csv": "text/csv",
    ".xml": "text/xml",
    ".geojson": "application/geo+json",
    ".json": "application/json",
}

MediaSource = str | Path | bytes | BinaryIO


class MediaFileError(ValueError):
    """A media file that cannot be stored; the message says which and why."""


@dataclass(frozen=True, slots=True)
class MediaFile:
    """One file a form names, under the name the form gives it."""

    name: str
    content: bytes

    @property
    def md5(self) -> str:
        return hashlib.md5(self.content, usedforsecurity=False).hexdigest()

    @property
    def content_type(self) -> str:
        return content_type_of(self.name)


def content_type_of(name: str) -> str:
    suffix = Path(name).suffix.lower()
    return TYPES.get(suffix) or mimetypes.guess_type(name)[0] or "application/octet-stream"


def check_media_name(name: str) -> None:
    """Refuse a name a device could not store as one file of the form's media folder."""
    if "/" in name or "\\" in name:
        raise MediaFileError(
            _("media file %(name)s: give the file's name alone, without a folder")
            % {"name": repr(name)}
        )
    if len(name) > MAX_NAME_LENGTH or not SAFE_NAME.fullmatch(name):
        raise MediaFileError(
            _(
                "media file %(name)s: use letters, digits, spaces and . _ - ( ) + only,"
                " starting with a letter or digit"
            )
            % {"name": repr(name)}
        )


def read_media(name: str, source: MediaSource) -> MediaFile:
    """The file under ``name``, its name checked and its bytes within the import limits."""
    check_media_name(name)
    limits = ImportLimits.from_settings()
    try:
        content = read_limited_from(source, limits)
    except TableRejected as rejected:
        reasons = "; ".join(problem.reason for problem in rejected.problems)
        raise MediaFileError(
            _("media file %(name)s: %(problems)s") % {"name": repr(name), "problems": reasons}
        ) from None
    return MediaFile(name, content)


def read_all_media(sources: Mapping[str, MediaSource]) -> tuple[tuple[MediaFile, ...], list[str]]:
    """Every file of ``sources`` (name → content), and the problems of those refused."""
    files, errors = [], []
    for name, source in sorted(sources.items()):
        try:
            files.append(read_media(name, source))
        except MediaFileError as error:
            errors.append(str(error))
    return tuple(files), errors


def named_media(xform: str) -> set[str]:
    """The names of the files the XForm refers to: by ``jr://`` address, and the
    external choices file of ``select_one_external`` questions."""
    names = {match.rsplit("/", 1)[-1] for match in NAMED_FILE.findall(xform)}
    if EXTERNAL_QUERY.search(xform):
        names.add(EXTERNAL_ITEMSETS)
    return names


def unnamed_media_warnings(xform: str, files: tuple[MediaFile, ...]) -> list[str]:
    named = named_media(xform)
    return [
        _("media file %(name)s: the form does not refer to it; devices get it all the same")
        % {"name": repr(file.name)}
        for file in files
        if file.name not in named
    ]


def is_data_file(name: str) -> bool:
    return name.lower().endswith(DATA_SUFFIXES)


__all__ = [
    "MediaFile",
    "MediaFileError",
    "check_media_name",
    "content_type_of",
    "is_data_file",
    "named_media",
    "read_all_media",
    "read_media",
    "unnamed_media_warnings",
]
