"""Uploading official results; the report is built in the background (see report_run)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pollwatch.accounts.roles import own_mission_id
from pollwatch.audit.services import log_action
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.tasks import run_forensics_report


@transaction.atomic
def upload_results(election, uploaded_file, *, mapping: dict[str, Any], actor) -> ResultsUpload:
    upload = ResultsUpload.objects.create(
        mission_id=own_mission_id(actor),
        election=election,
        file=uploaded_file,
        original_name=uploaded_file.name,
        mapping=mapping,
        uploaded_by=actor,
    )
    log_action(
        "forensics.results_uploaded",
        actor=actor,
        target=upload,
        data={"file": uploaded_file.name, "mapping": mapping},
    )
    transaction.on_commit(lambda: _enqueue(upload.pk))
    return upload


def _enqueue(upload_id: int) -> None:
    run_forensics_report.enqueue(upload_id)
