from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from pollwatch.accounts.certification import is_certified
from pollwatch.accounts.guards import signed_in_user
from pollwatch.accreditation import services
from pollwatch.accreditation.cards import badge_card, badge_cards, badges_pdf
from pollwatch.accreditation.check_limit import over_the_limit
from pollwatch.accreditation.forms import BadgeForm, GrantForm, ReasonForm, RevokeBadgeForm
from pollwatch.accreditation.lists import FORMATS, list_response, listed_members, valid_status
from pollwatch.accreditation.models import Badge
from pollwatch.accreditation.photos import photo_data_uri
from pollwatch.missions.guards import mission_for
from pollwatch.missions.models import Member

PERMISSION = "accreditation.manage_accreditation"


def accreditation_list(request, slug):
    mission = mission_for(request, slug, PERMISSION)
    status = valid_status(request.GET.get("status", ""))
    members = listed_members(mission, status)
    return render(
        request,
        "accreditation/list.html",
        {
            "mission": mission,
            "members": [(member, is_certified(member)) for member in members],
            "status": status,
            "statuses": Member.Accreditation.choices,
            "formats": FORMATS,
        },
    )


def list_download(request, slug, fmt):
    mission = mission_for(request, slug, PERMISSION)
    if fmt not in FORMATS:
        raise Http404("no such format")
    return list_response(mission, valid_status(request.GET.get("status", "")), fmt)


ACTION_FORMS = {
    "request": ReasonForm,
    "grant": GrantForm,
    "refuse": ReasonForm,
    "revoke": ReasonForm,
    "badge": BadgeForm,
}


def _blank_forms() -> dict:
    return {action: form_class(prefix=action) for action, form_class in ACTION_FORMS.items()}


def _act(member, action: str, form, actor):
    """Call the service ``action`` names with the form's data."""
    data = form.cleaned_data
    if action == "request":
        return services.request_accreditation(member, actor=actor)
    if action == "grant":
        return services.grant_accreditation(
            member, number=data["number"], valid_until=data["valid_until"], actor=actor
        )
    if action == "refuse":
        return services.refuse_accreditation(member, reason=data["reason"], actor=actor)
    if action == "revoke":
        return services.revoke_accreditation(member, reason=data["reason"], actor=actor)
    return services.issue_badge(
        member,
        photo=data["photo"] or None,
        valid_from=data["valid_from"],
        valid_until=data["valid_until"],
        actor=actor,
    )


DONE = {
    "request": gettext_lazy("Accreditation requested."),
    "grant": gettext_lazy("Accreditation granted."),
    "refuse": gettext_lazy("Accreditation refused."),
    "revoke": gettext_lazy("Accreditation revoked."),
    "badge": gettext_lazy("Badge issued."),
}


def member_accreditation(request, slug, pk):
    mission = mission_for(request, slug, PERMISSION)
    member = get_object_or_404(mission.members.select_related("delegation__organisation"), pk=pk)
    forms = _blank_forms()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in ACTION_FORMS:
            return HttpResponseBadRequest(_("Unknown action."))
        form = forms[action] = ACTION_FORMS[action](request.POST, request.FILES, prefix=action)
        if form.is_valid():
            try:
                _act(member, action, form, signed_in_user(request))
            except services.AccreditationError as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, str(DONE[action]))
                return redirect("accreditation:member", slug=mission.slug, pk=member.pk)
    member.refresh_from_db()
    return render(
        request,
        "accreditation/member.html",
        {
            "mission": mission,
            "member": member,
            "certified": is_certified(member),
            "forms": forms,
            "badges": member.badges.all(),
        },
    )


def _active_badges(mission):
    return (
        Badge.objects.of_mission(mission.pk)
        .active()
        .select_related("member__mission")
        .order_by("member__full_name")
    )


def badge_sheet(request, slug):
    mission = mission_for(request, slug, PERMISSION)
    return render(
        request,
        "accreditation/badges.html",
        {
            "mission": mission,
            "cards": badge_cards(_active_badges(mission), request),
            "revoked": Badge.objects.of_mission(mission.pk)
            .filter(revoked_at__isnull=False)
            .select_related("member"),
        },
    )


def badge_sheet_pdf(request, slug):
    mission = mission_for(request, slug, PERMISSION)
    cards = badge_cards(_active_badges(mission), request)
    response = HttpResponse(badges_pdf(cards, mission.name), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{mission.slug}-badges.pdf"'
    return response


def badge_detail(request, slug, pk):
    mission = mission_for(request, slug, PERMISSION)
    badge = get_object_or_404(
        Badge.objects.of_mission(mission.pk).select_related("member__mission"), pk=pk
    )
    form = RevokeBadgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke_badge(
                badge, reason=form.cleaned_data["reason"], actor=signed_in_user(request)
            )
        except services.AccreditationError as refused:
            messages.error(request, str(refused))
        else:
            messages.success(request, _("Badge revoked."))
            return redirect("accreditation:badge", slug=mission.slug, pk=badge.pk)
    return render(
        request,
        "accreditation/badge.html",
        {"mission": mission, "card": badge_card(badge, request), "form": form},
    )


@login_not_required
@never_cache
def check_badge(request, badge_code):
    """The public page a polling station official reaches by scanning a badge."""
    if over_the_limit(request):
        return render(request, "accreditation/check_limit.html", status=429)
    badge = get_object_or_404(Badge.objects.select_related("member__mission"), code=badge_code)
    return render(
        request,
        "accreditation/check.html",
        {
            "badge": badge,
            "name": badge.member.full_name,
            "mission": badge.member.mission.name,
            "photo": photo_data_uri(badge.photo),
            "status": badge.status,
        },
    )
