from csp.decorators import csp_update
from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.forensics.forms import ResultsUploadForm
from pollwatch.forensics.models import ResultsUpload
from pollwatch.forensics.services import upload_results
from pollwatch.registry.models import Election


def results_list(request, slug):
    election = get_object_or_404(Election.objects.visible_to(request.user), slug=slug)
    require(request.user, "forensics.upload_results", election)
    form = ResultsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = upload_results(
            election,
            form.cleaned_data["file"],
            mapping=form.cleaned_data["mapping"],
            actor=signed_in_user(request),
        )
        messages.success(request, _("Results uploaded; the report is being prepared."))
        return redirect("forensics:upload", slug=slug, pk=upload.pk)
    return render(
        request,
        "forensics/results_list.html",
        {
            "election": election,
            "form": form,
            "uploads": election.results_uploads.all().visible_to(request.user),
        },
    )


def upload_detail(request, slug, pk):
    upload = get_object_or_404(
        ResultsUpload.objects.visible_to(request.user), election__slug=slug, pk=pk
    )
    template = "forensics/_progress.html" if request.htmx else "forensics/upload_detail.html"
    return render(request, template, {"upload": upload, "election": upload.election})


# django-csp types its decorators for views that take the request alone.
@csp_update({"style-src": ["'unsafe-inline'"]})  # type: ignore[arg-type]
def report_page(request, slug, pk):
    """The self-contained report, as written to disk; its styles are inline by design."""
    upload = _finished(request.user, slug, pk)
    download = request.GET.get("download") == "1"
    return FileResponse(
        open(upload.report_dir / "report.html", "rb"),
        content_type="text/html; charset=utf-8",
        as_attachment=download,
        filename=f"forensics-report-{upload.pk}.html",
    )


def report_json(request, slug, pk):
    upload = _finished(request.user, slug, pk)
    return FileResponse(
        open(upload.report_dir / "results.json", "rb"),
        content_type="application/json",
        as_attachment=True,
        filename=f"forensics-results-{upload.pk}.json",
    )


def _finished(user, slug, pk) -> ResultsUpload:
    upload = get_object_or_404(ResultsUpload.objects.visible_to(user), election__slug=slug, pk=pk)
    if upload.status != ResultsUpload.Status.DONE:
        raise Http404("the report is not ready")
    return upload
