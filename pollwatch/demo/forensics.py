"""The demo mission's forensic analysis of the official per-station results.

The international mission loads the file the election commission published
(the one the PVT is compared with) as an analyst would on the forensics
page, and its report is built at once, so the page shows it ready.
"""

from __future__ import annotations

from django.core.files.base import ContentFile

from pollwatch.audit.services import log_action
from pollwatch.findings.services import option_codes
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.report_run import run_report
from pollwatch.missions.models import Mission

RESULTS_FILE = "official-results.csv"


def analyse_official_results(mission: Mission, results: bytes) -> ResultsUpload:
    """Upload the official results for the mission and build their forensic report."""
    codes = [code for code, _name in option_codes(mission.election)]
    upload = ResultsUpload.objects.create(
        mission=mission,
        election=mission.election,
        file=ContentFile(results, name=RESULTS_FILE),
        original_name=RESULTS_FILE,
        mapping={
            "station": "station",
            "registered": "registered",
            "given": ["ballots_issued"],
            "valid": "valid",
            "options": codes,
        },
    )
    log_action(
        "forensics.results_uploaded",
        target=upload,
        data={"file": RESULTS_FILE, "mapping": upload.mapping},
    )
    # Built here rather than by the background worker, so the demo starts with it ready.
    run_report(upload.pk)
    upload.refresh_from_db()
    return upload
