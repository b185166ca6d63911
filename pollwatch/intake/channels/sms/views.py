"""Coordinator pages of the SMS channel: the message log, replay, test console, guides."""

from __future__ import annotations

from django.contrib.auth.decorators import permission_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pollwatch.accounts.guards import own_membership, signed_in_user
from pollwatch.accounts.roles import membership
from pollwatch.intake.channels.sms.console_forms import SmsReplayForm, SmsTestForm
from pollwatch.intake.channels.sms.forms import sms_forms, syntax_for
from pollwatch.intake.channels.sms.guide import guide_for
from pollwatch.intake.channels.sms.services import InboundSms, receive_sms
from pollwatch.intake.models import SmsMessage
from pollwatch.lib.listing import page_of
from pollwatch.registry.models import Election


@permission_required("channels.use_console", raise_exception=True)
def sms_log(request):
    log = SmsMessage.objects.visible_to(request.user).select_related(
        "member__mission__election", "submission"
    )
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
            actor=signed_in_user(request),
        )
    return render(
        request,
        "channels/sms_replay.html",
        {"original": original, "form": form, "outcome": outcome},
    )


@permission_required("channels.use_console", raise_exception=True)
def sms_test(request):
    member = own_membership(request)
    form = SmsTestForm(request.POST or None)
    outcome = None
    if request.method == "POST" and form.is_valid():
        outcome = receive_sms(
            InboundSms(
                "console",
                sender=f"console:{request.user.get_username()}",
                text=form.cleaned_data["text"],
            ),
            actor=signed_in_user(request),
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
