"""The broadcast page: a message to all observers of the mission, a team or an area."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils.translation import ngettext

from pollwatch.accounts.guards import own_membership, signed_in_user
from pollwatch.intake.channels.broadcast.forms import BroadcastForm
from pollwatch.intake.channels.broadcast.services import BroadcastRefused, send_broadcast
from pollwatch.intake.models import Broadcast


@permission_required("channels.use_console", raise_exception=True)
def broadcasts(request):
    mission = own_membership(request).mission
    teams = mission.teams.visible_to(request.user)
    form = BroadcastForm(request.POST or None, mission=mission, teams=teams)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            broadcast = send_broadcast(
                mission,
                data["text"],
                data["audience"],
                actor=signed_in_user(request),
                team=data["team"],
                area=data["area"],
            )
        except BroadcastRefused as refused:
            form.add_error(None, str(refused))
        else:
            count = broadcast.deliveries.count()
            # The English wording is the same for one observer as for many.
            sent_to = ngettext(
                "Sent to %(count)s observers.", "Sent to %(count)s observers.", count
            )
            messages.success(request, sent_to % {"count": count})
            return redirect("channels:broadcasts")
    sent = (
        Broadcast.objects.visible_to(request.user)
        .filter(mission=mission)
        .select_related("mission__election")
        .prefetch_related("deliveries")[:50]
    )
    return render(request, "channels/broadcasts.html", {"form": form, "broadcasts": sent})
