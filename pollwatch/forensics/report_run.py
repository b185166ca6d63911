"""Building an upload's report in the background, recording its progress as it goes."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from pollwatch.audit.services import log_action
from pollwatch.forensics.analysis import ProgressCallback
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.report import REPORT_STEPS, write_report
from pollwatch.forensics.results_file import ResultsFileError, StationResults, load_results
from pollwatch.registry.models import PollingStation

UNMATCHED_SHOWN = 50


def run_report(upload_id: int) -> None:
    """Build the report for an upload, recording progress as it goes."""
    claimed = ResultsUpload.objects.filter(
        pk=upload_id, status__in=[ResultsUpload.Status.QUEUED, ResultsUpload.Status.FAILED]
    ).update(status=ResultsUpload.Status.RUNNING, progress=0, error="")
    if not claimed:
        return
    upload = ResultsUpload.objects.select_related("election").get(pk=upload_id)
    progress = _progress_of(upload_id)
    try:
        progress(REPORT_STEPS[0], 0, len(REPORT_STEPS))
        results = load_results(upload.file.path, upload.mapping or None, name=upload.original_name)
        summary = write_report(
            results, upload.report_dir, progress=progress, language=upload.language
        )
        matched, unmatched = _attach_to_registry(upload, results)
    except ResultsFileError as error:
        _finish(upload_id, ResultsUpload.Status.FAILED, error=str(error))
        return
    _finish(
        upload_id,
        ResultsUpload.Status.DONE,
        summary=summary.as_dict(),
        stations_matched=matched,
        unmatched_codes=unmatched,
    )


def _progress_of(upload_id: int) -> ProgressCallback:
    def report(step: str, done: int, total: int) -> None:
        ResultsUpload.objects.filter(pk=upload_id).update(
            stage=step, progress=int(100 * done / max(total, 1))
        )

    return report


def _attach_to_registry(
    upload: ResultsUpload, results: StationResults
) -> tuple[int | None, list[str]]:
    """Match the file's station codes to the election's registry, when the file has them."""
    if results.mapping.station is None:
        return None, []
    codes = {str(code) for code in results.stations}
    known = set(
        PollingStation.objects.filter(election=upload.election).values_list("code", flat=True)
    )
    unmatched = sorted(codes - known)
    return len(codes & known), unmatched[:UNMATCHED_SHOWN]


def _finish(upload_id: int, status: str, **fields: Any) -> None:
    with transaction.atomic():
        ResultsUpload.objects.filter(pk=upload_id).update(
            status=status, progress=100 if status == ResultsUpload.Status.DONE else 0, **fields
        )
        upload = ResultsUpload.objects.get(pk=upload_id)
        log_action(
            f"forensics.report_{status}", target=upload, data={"error": fields.get("error", "")}
        )
