"""Coordinator pages of the field channels: SMS log, replay, test, guide, broadcasts."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

from pollwatch.accounts.roles import membership
from pollwatch.intake.channels.attachment_types import ALLOWED_TYPES
from pollwatch.intake.channels.broadcast import BroadcastRefused, send_broadcast
from pollwatch.intake.channels.forms import BroadcastForm, SmsReplayForm, SmsTestForm
from pollwatch.intake.channels.sms.forms import sms_forms, syntax_for
from pollwatch.intake.channels.sms.guide import guide_for
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import Attachment, Broadcast, SmsMessage, Submission
from pollwatch.lib.listing import page_of
from pollwatch.registry.models import Election


def _own_mission_member(request):
    """The acting person's membership: the console and broadcasts act within it."""
    member = membership(request.user)
    if member is None:
        raise PermissionDenied
    return member


@permission_required("channels.use_console", raise_exception=True)
def sms_log(request):
    log = SmsMessage.objects.visible_to(request.user).select_related("member", "submission")
    status = request.GET.get("status", "")
    if status in SmsMessage.Status.values:
        log = log.filter(status=status)
    sender = request.GET.get("sender", "").strip()
    if sender:
        log = log.filter(sender__contains=sender)
    return render(
        request,
        "channels/sms_log.html",
        {
            "page": page_of(log, request),
            "statuses": SmsMessage.Status.choices,
            "status": status,
            "sender": sender,
            # The console and broadcasts act within the person's own mission.
            "in_mission": membership(request.user) is not None,
        },
    )


@permission_required("channels.use_console", raise_exception=True)
def sms_replay(request, pk):
    original = get_object_or_404(SmsMessage.objects.visible_to(request.user), pk=pk)
    form = SmsReplayForm(request.POST or None, initial={"text": original.text})
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = receive_sms(
            InboundSms("console", sender=original.sender, text=form.cleaned_data["text"]),
            replay_of=original,
            actor=request.user,
        )
    return render(
        request,
        "channels/sms_replay.html",
        {"original": original, "form": form, "outcome": outcome},
    )


@permission_required("channels.use_console", raise_exception=True)
def sms_test(request):
    member = _own_mission_member(request)
    form = SmsTestForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = receive_sms(
            InboundSms(
                "console",
                sender=f"console:{request.user.get_username()}",
                text=form.cleaned_data["text"],
            ),
            actor=request.user,
            console_member=member,
        )
    return render(request, "channels/sms_test.html", {"form": form, "outcome": outcome})


def _election_for(request) -> Election:
    member = membership(request.user)
    if member is not None:
        return member.mission.election
    slug = request.GET.get("election", "")
    elections = Election.objects.visible_to(request.user)
    election = elections.filter(slug=slug).first() if slug else elections.first()
    if election is None:
        raise Http404("no election yet")
    return election


def sms_guides(request):
    return render(request, "channels/sms_guides.html", {"forms": sorted(sms_forms().items())})


def sms_guide(request, sms_code):
    forms = sms_forms()
    form = forms.get(sms_code.upper())
    if form is None:
        raise Http404("no form with this SMS code")
    election = _election_for(request)
    language = request.GET.get("language") or getattr(request, "LANGUAGE_CODE", "en")
    guide = guide_for(syntax_for(form, election), language)
    return render(request, "channels/sms_guide.html", {"guide": guide, "form": form})


@permission_required("channels.use_console", raise_exception=True)
def broadcasts(request):
    mission = _own_mission_member(request).mission
    teams = mission.teams.visible_to(request.user)
    form = BroadcastForm(request.POST or None, mission=mission, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            broadcast = send_broadcast(
                mission,
                data["text"],
                data["audience"],
                actor=request.user,
                team=data["team"],
                area=data["area"],
            )
        except BroadcastRefused as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Sent to {broadcast.deliveries.count()} observers.")
            return redirect("channels:broadcasts")
    sent = Broadcast.objects.filter(mission=mission).prefetch_related("deliveries")[:50]
    return render(request, "channels/broadcasts.html", {"form": form, "broadcasts": sent})


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
    """Always a download, never a page: the type is the one found in the bytes at upload,
    and the browser is told neither to guess another nor to run anything in it."""
    response = FileResponse(
        attachment.file.open("rb"),
        content_type=attachment.content_type or "application/octet-stream",
        as_attachment=True,
        filename=download_name(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response
