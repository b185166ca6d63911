from django_tasks import task

from pollwatch.forensics.report_run import run_report


@task()
def run_forensics_report(upload_id: int) -> None:
    """Background work takes ids, never model instances."""
    run_report(upload_id)
