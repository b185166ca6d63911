"""The OpenRosa endpoints ODK Collect and Enketo talk to.

The server URL to enter in ODK Collect is ``https://<host>/odk/<device token>``:
the token is an observer's device token (shown once when issued), so each
phone has its own revocable credential and no password crosses the network.
Collect then calls ``formList``, ``forms/<id>/form.xml``,
``forms/<id>/manifest`` (which lists the form's media files, each fetched from
``forms/<id>/media/<name>``) and ``submission`` below that URL. The pages that show
a report's attachments, and serve each file as a download, are here too.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import http_date
from django.views.decorators.csrf import csrf_exempt

from pollwatch.forms.models import FormMedia
from pollwatch.intake.channels.openrosa.attachment_types import ALLOWED_TYPES
from pollwatch.intake.channels.openrosa.device_forms import (
    offered_media,
    offered_media_file,
    offered_xform,
    offered_xforms,
)
from pollwatch.intake.channels.openrosa.services import (
    InstanceConflict,
    InstanceReceipt,
    receive_instance,
)
from pollwatch.intake.channels.openrosa.xforms import XForm, XFormUnbuildable
from pollwatch.intake.models import Attachment, Submission
from pollwatch.intake.services import SubmissionRejected
from pollwatch.lib.file_types import uploaded_file_download
from pollwatch.missions.devices import (
    DeviceSender,
    SenderChanged,
    device_user,
    sending_device,
    sent_as,
)
from pollwatch.missions.models import Member

MAX_SUBMISSION_BYTES = 50 * 1024 * 1024
XML = "text/xml; charset=utf-8"


def openrosa_response(body: str, status: int = 200, content_type: str = XML) -> HttpResponse:
    response = HttpResponse(body, status=status, content_type=content_type)
    response["X-OpenRosa-Version"] = "1.0"
    response["Date"] = http_date()
    return response


def message_response(text: str, status: int, nature: str = "") -> HttpResponse:
    nature_attribute = f' nature="{nature}"' if nature else ""
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<OpenRosaResponse xmlns="http://openrosa.org/http/response">'
        f"<message{nature_attribute}>{escape(text)}</message></OpenRosaResponse>"
    )
    return openrosa_response(body, status)


def _device_member(token: str) -> Member | None:
    user = device_user(token)
    return getattr(user, "member", None) if user is not None else None


def _received_from(
    sender: DeviceSender, xml: bytes, files: list[UploadedFile], header_instance_id: str
) -> InstanceReceipt:
    """Received as from the token's sender (see ``sent_as``)."""

    def receive(user: User, device: str | None) -> InstanceReceipt:
        member = getattr(user, "member", None)
        if member is None:
            raise SenderChanged
        return receive_instance(
            xml, files, member=member, header_instance_id=header_instance_id, device=device
        )

    return sent_as(sender, receive)


def _forbidden() -> HttpResponse:
    return message_response("Unknown or revoked device token.", 403)


def _unbuildable(error: XFormUnbuildable) -> HttpResponse:
    return message_response(
        f"The form {error.form_code} cannot be served at the moment; "
        "the mission's form managers need to publish a corrected version.",
        503,
    )


def form_list(request: HttpRequest, token: str) -> HttpResponse:
    """The OpenRosa form list. ``formID`` narrows it to one form (an unknown one: none);
    ``verbose`` and ``listAllVersions`` are accepted and add nothing, since no form has a
    description and only the newest version of each is served."""
    member = _device_member(token)
    if member is None:
        return _forbidden()
    form_id = request.GET.get("formID") or None
    entries = [_list_entry(request, token, xform) for xform in offered_xforms(member, form_id)]
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xforms xmlns="http://openrosa.org/xforms/xformsList">{"".join(entries)}</xforms>'
    )
    return openrosa_response(body)


def _list_entry(request: HttpRequest, token: str, xform: XForm) -> str:
    download = request.build_absolute_uri(reverse("channels:odk_form", args=[token, xform.form_id]))
    manifest = request.build_absolute_uri(
        reverse("channels:odk_manifest", args=[token, xform.form_id])
    )
    return (
        "<xform>"
        f"<formID>{escape(xform.form_id)}</formID><name>{escape(xform.title)}</name>"
        f"<version>{xform.version}</version><hash>md5:{xform.md5}</hash>"
        f"<downloadUrl>{escape(download)}</downloadUrl>"
        f"<manifestUrl>{escape(manifest)}</manifestUrl></xform>"
    )


def form_download(request: HttpRequest, token: str, code: str) -> HttpResponse:
    member = _device_member(token)
    if member is None:
        return _forbidden()
    try:
        xform = offered_xform(member, code)
    except XFormUnbuildable as error:
        return _unbuildable(error)
    if xform is None:
        return message_response(f"No form {code}.", 404)
    return openrosa_response(xform.xml)


def manifest(request: HttpRequest, token: str, code: str) -> HttpResponse:
    """The form's media files, each with its MD5 and where to fetch it, for a form the
    device may download."""
    member = _device_member(token)
    if member is None:
        return _forbidden()
    try:
        media = offered_media(member, code)
    except XFormUnbuildable as error:
        return _unbuildable(error)
    if media is None:
        return message_response(f"No form {code}.", 404)
    files = "".join(
        _manifest_entry(request, token, code, name, md5)
        for name, md5 in media.values_list("name", "md5")
    )
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<manifest xmlns="http://openrosa.org/xforms/xformsManifest">{files}</manifest>'
    )
    return openrosa_response(body)


def _manifest_entry(request: HttpRequest, token: str, code: str, name: str, md5: str) -> str:
    download = request.build_absolute_uri(reverse("channels:odk_media", args=[token, code, name]))
    return (
        f"<mediaFile><filename>{escape(name)}</filename><hash>md5:{md5}</hash>"
        f"<downloadUrl>{escape(download)}</downloadUrl></mediaFile>"
    )


def media_download(request: HttpRequest, token: str, code: str, name: str) -> HttpResponse:
    """One media file of a form the device may download, by the same rule as the form."""
    member = _device_member(token)
    if member is None:
        return _forbidden()
    try:
        found = offered_media_file(member, code, name)
    except XFormUnbuildable as error:
        return _unbuildable(error)
    if found is None:
        return message_response(f"No media file {name} for form {code}.", 404)
    return media_response(found)


def media_response(media: FormMedia) -> HttpResponse:
    """The file's bytes under the type its name tells; never sniffed, never run."""
    response = HttpResponse(bytes(media.content), content_type=media.content_type)
    response["X-OpenRosa-Version"] = "1.0"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


def _submission_head(request: HttpRequest, token: str) -> HttpResponse:
    """Collect's HEAD before a submission: where to send it, and how much it may weigh.
    The token is looked up afresh: only a report's own sending may rest on a sender
    remembered."""
    if _device_member(token) is None:
        return _forbidden()
    if request.method != "HEAD":
        return message_response("Use HEAD or POST.", 405)
    response = openrosa_response("", status=204)
    response["Location"] = request.build_absolute_uri(
        reverse("channels:odk_submission", args=[token])
    )
    response["X-OpenRosa-Accept-Content-Length"] = str(MAX_SUBMISSION_BYTES)
    return response


@csrf_exempt
def submission(request: HttpRequest, token: str) -> HttpResponse:
    if request.method != "POST":
        return _submission_head(request, token)
    sender = sending_device(token)
    if sender is None or getattr(sender.user, "member", None) is None:
        return _forbidden()
    upload = request.FILES.get("xml_submission_file")
    if upload is None:
        return message_response("The xml_submission_file part is missing.", 400)
    files = [
        f
        for name in request.FILES
        for f in request.FILES.getlist(name)
        if name != "xml_submission_file"
    ]
    try:
        receipt = _received_from(
            sender, upload.read(), files, request.headers.get("X-OpenRosa-Instance-Id", "")
        )
    except SenderChanged:
        return _forbidden()
    except InstanceConflict as conflict:
        return message_response(str(conflict), 409)
    except SubmissionRejected as rejected:
        return message_response(f"Not accepted: {rejected}", 400)
    if receipt.revised:
        text = "Correction received; the earlier version is kept in the report's history."
    elif receipt.duplicate:
        text = "Already received; nothing new was stored."
    else:
        text = "Report received. Thank you."
    return message_response(text, 201, nature="submit_success")


def _visible_submission(user, pk) -> Submission:
    return get_object_or_404(Submission.objects.visible_to(user).select_related("station"), pk=pk)


def submission_attachments(request, pk):
    submission = _visible_submission(request.user, pk)
    return render(
        request,
        "channels/attachments.html",
        {"submission": submission, "attachments": submission.attachments.all()},
    )


def attachment_file(request, pk):
    attachment = get_object_or_404(Attachment, pk=pk)
    if attachment.submission_id is None:
        raise Http404("no such file")
    _visible_submission(request.user, attachment.submission_id)
    return attachment_download(attachment)


def download_name(attachment: Attachment) -> str:
    """The phone's name, ending in the extension of the type found in the file's bytes."""
    extension = ALLOWED_TYPES.get(attachment.content_type)
    if extension is None or attachment.name.lower().endswith(f".{extension}"):
        return attachment.name
    return f"{attachment.name}.{extension}"


def attachment_download(attachment: Attachment) -> FileResponse:
    """Always a download, never a page, of the type found in the bytes at upload."""
    return uploaded_file_download(
        attachment.file, attachment.content_type, download_name(attachment)
    )
