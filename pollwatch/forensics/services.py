"""Uploading official results; the report is built in the background (see report_run)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import get_language

from pollwatch.accounts.roles import own_mission_id
from pollwatch.audit.services import log_action
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.tasks import run_forensics_report
from pollwatch.registry.models import Election


@transaction.atomic
def upload_results(
    election: Election, uploaded_file: UploadedFile, *, mapping: dict[str, Any], actor: User
) -> ResultsUpload:
    # Django names every uploaded file; only a File built by hand has none.
    name = uploaded_file.name or ""
    upload = ResultsUpload.objects.create(
        mission_id=own_mission_id(actor),
        election=election,
        file=uploaded_file,
        original_name=name,
        mapping=mapping,
        uploaded_by=actor,
        language=report_language(),
    )
    log_action(
        "forensics.results_uploaded",
        actor=actor,
        target=upload,
        data={"file": name, "mapping": mapping},
    )
    transaction.on_commit(lambda: _enqueue(upload.pk))
    return upload


def report_language() -> str:
    """The language being spoken to the uploader (their own choice, else their browser's),
    which the report is written in; English when it has no catalogue."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return active if active in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _enqueue(upload_id: int) -> None:
    run_forensics_report.enqueue(upload_id)
