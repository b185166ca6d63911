"""Publishing and locking form versions: the only ways form data changes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction
from django.utils import timezone

from pollwatch.audit.services import log_action
from pollwatch.forms.definition import (
    FormDefinition,
    FormDefinitionError,
    definition_digest,
    load_definition,
)
from pollwatch.forms.form_import import FormImport
from pollwatch.forms.media import MediaFile
from pollwatch.forms.models import Form, FormMedia, FormVersion, FormVersionLocked


class FormServiceError(Exception):
    """A form that cannot be published; ``errors`` lists why, one line each."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def publish_form_version(
    definition: Mapping[str, Any], actor: Any = None, imported: FormImport | None = None
) -> FormVersion:
    """Publish a definition: the latest version if its content is unchanged, else a new one.

    ``imported`` is the file the definition was read from, whose XForm devices
    then get as it is. Raises ``FormServiceError`` when the definition is invalid.
    """
    try:
        loaded = load_definition(definition)
    except FormDefinitionError as error:
        raise FormServiceError(error.errors) from error
    canonical = loaded.to_dict()
    xform = imported.xform if imported is not None else ""
    media = imported.media if imported is not None else ()
    digest = definition_digest(canonical, xform, {file.name: file.md5 for file in media})
    with transaction.atomic():
        form, _ = Form.objects.get_or_create(
            code=loaded.code, defaults={"phase": loaded.phase, "title": _title(loaded)}
        )
        form = Form.objects.select_for_update().get(pk=form.pk)
        latest = form.latest_version()
        if latest is not None and latest.digest == digest:
            return latest
        number = 1 if latest is None else latest.version + 1
        canonical["version"] = number
        form.phase, form.title = loaded.phase, _title(loaded)
        form.save(update_fields=["phase", "title"])
        version = FormVersion.objects.create(
            form=form,
            version=number,
            definition=canonical,
            xform=xform,
            xlsform=imported.xlsform if imported is not None else None,
            warnings=list(imported.warnings) if imported is not None else [],
            digest=digest,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if media:
            _store_media(version, media)
        log_action("forms.version_published", actor=actor, target=version, data={"digest": digest})
        return version


def _store_media(version: FormVersion, media: tuple[MediaFile, ...]) -> None:
    FormMedia.objects.bulk_create(
        FormMedia(
            version=version,
            name=file.name,
            content=file.content,
            content_type=file.content_type,
            md5=file.md5,
        )
        for file in media
    )
    version.save(update_fields=["digest"])  # the digest now covers the media


def _title(definition: FormDefinition) -> str:
    return definition.title[definition.languages[0]][:300]


def lock_form_version(version: FormVersion) -> FormVersion:
    """Mark a version as having received submissions; idempotent and safe under concurrency."""
    FormVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(
        locked_at=timezone.now()
    )
    version.refresh_from_db(fields=["locked_at"])
    return version


def publish_imported_form(imported: FormImport, actor: Any = None) -> FormVersion:
    """Publish a form read from an XLSForm or XForm file (``form_import.import_form``)."""
    return publish_form_version(imported.definition.to_dict(), actor, imported)


__all__ = [
    "publish_imported_form",
    "FormServiceError",
    "FormVersionLocked",
    "definition_digest",
    "lock_form_version",
    "publish_form_version",
]
