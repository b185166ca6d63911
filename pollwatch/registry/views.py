from django.contrib import messages
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.accounts.guards import require, signed_in_user
from pollwatch.lib.downloads import csv_response
from pollwatch.lib.listing import page_of, sorted_by_request
from pollwatch.lib.tabular import TableRejected
from pollwatch.registry.boundaries import BoundariesRejected, import_boundaries
from pollwatch.registry.forms import (
    BoundariesUploadForm,
    RoundChangeForm,
    RoundForm,
    StationUploadForm,
)
from pollwatch.registry.importing import import_stations, parse_mapping
from pollwatch.registry.models import Area, Election, Round
from pollwatch.registry.services import RegistryError, add_round, change_round

STATION_SORTS = ("code", "name", "registered_voters", "area__name")
STATION_COLUMNS = (
    "code",
    "name",
    "address",
    "area__code",
    "area__name",
    "registered_voters",
    "latitude",
    "longitude",
    "kind",
)


def nothing_imported(count: int) -> str:
    return ngettext(
        "Nothing was imported: %(count)d problem found. Fix it and upload the file again.",
        "Nothing was imported: %(count)d problems found. Fix them and upload the file again.",
        count,
    ) % {"count": count}


def election_list(request):
    elections = (
        Election.objects.visible_to(request.user)
        .annotate(station_count=Count("stations"))
        .prefetch_related("rounds")
    )
    return render(request, "registry/election_list.html", {"elections": elections})


def election_detail(request, slug):
    election = get_object_or_404(Election.objects.visible_to(request.user), slug=slug)
    stations = election.stations.select_related("area").visible_to(request.user)
    area = _selected_area(election, request.GET.get("area"))
    if area is not None:
        stations = stations.in_areas([area])
    query = request.GET.get("q", "")
    stations = stations.search(query)
    if request.GET.get("format") == "csv":
        return csv_response(
            f"{election.slug}-stations.csv",
            STATION_COLUMNS,
            stations.order_by("code").values_list(*STATION_COLUMNS).iterator(),
        )
    stations, sort = sorted_by_request(stations, request, STATION_SORTS, "code")
    context = {
        "election": election,
        "page": page_of(stations, request),
        "query": query,
        "sort": sort,
        "area": area,
        "areas": election.areas.all(),
        "options": [o for c in election.contests.all() for o in c.options.all()],
        "can_import": request.user.has_perm("registry.import_stations", election),
        "can_analyse": request.user.has_perm("forensics.upload_results", election),
        "can_change_rounds": request.user.has_perm("registry.change_rounds", election),
    }
    template = "registry/_station_table.html" if request.htmx else "registry/election_detail.html"
    return render(request, template, context)


def _selected_area(election, value):
    if not value or not value.isdigit():
        return None
    return Area.objects.filter(election=election, pk=int(value)).first()


def station_upload(request, slug):
    election = get_object_or_404(Election.objects.visible_to(request.user), slug=slug)
    require(request.user, "registry.import_stations", election)
    form = StationUploadForm(request.POST or None, request.FILES or None)
    problems, outcome = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            outcome = import_stations(
                election,
                upload,
                filename=upload.name,
                mapping=parse_mapping(form.cleaned_data["mapping"]),
                actor=signed_in_user(request),
            )
        except TableRejected as rejected:
            problems = rejected.problems
            messages.error(
                request,
                nothing_imported(len(problems)),
            )
        except ValueError as error:
            form.add_error("mapping", str(error))
        else:
            messages.success(request, outcome.summary())
    return render(
        request,
        "registry/station_upload.html",
        {"election": election, "form": form, "problems": problems, "outcome": outcome},
    )


def boundaries_upload(request, slug):
    election = get_object_or_404(Election.objects.visible_to(request.user), slug=slug)
    require(request.user, "registry.import_stations", election)
    form = BoundariesUploadForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = import_boundaries(
                election,
                upload,
                code_property=form.cleaned_data["code_property"],
                filename=upload.name,
                actor=signed_in_user(request),
            )
        except BoundariesRejected as rejected:
            problems = rejected.problems
            messages.error(
                request,
                nothing_imported(len(problems)),
            )
        else:
            messages.success(
                request,
                ngettext("%(count)d area outline saved.", "%(count)d area outlines saved.", count)
                % {"count": count},
            )
    outlined = election.areas.filter(geometry__isnull=False).count()
    return render(
        request,
        "registry/boundaries_upload.html",
        {"election": election, "form": form, "problems": problems, "outlined": outlined},
    )


def election_rounds(request, slug):
    """The election's rounds: add a run-off or repeat voting, change one before its reports."""
    election = get_object_or_404(Election.objects.visible_to(request.user), slug=slug)
    require(request.user, "registry.change_rounds", election)
    rounds = list(Round.objects.filter(election=election).prefetch_related("areas", "options"))
    action = request.POST.get("action") if request.method == "POST" else None
    adding = RoundForm(request.POST if action == "add" else None, election=election, prefix="add")
    changing = {
        round_.number: _change_form(request, election, round_, action)
        for round_ in rounds
        if round_.number > 1 and not round_.receives_reports()
    }
    if action == "add" and _saved(request, adding, lambda data: _add(election, data, request)):
        return redirect("registry:rounds", election.slug)
    number = _number(request.POST.get("round")) if action == "change" else None
    chosen = changing.get(number) if number is not None else None
    if chosen is not None:
        round_ = next(r for r in rounds if r.number == number)
        if _saved(request, chosen, lambda data: _change(round_, data, request)):
            return redirect("registry:rounds", election.slug)
    return render(
        request,
        "registry/rounds.html",
        {
            "election": election,
            "rounds": [(round_, changing.get(round_.number)) for round_ in rounds],
            "form": adding,
        },
    )


def _number(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _change_form(request, election: Election, round_: Round, action: str | None):
    bound = action == "change" and _number(request.POST.get("round")) == round_.number
    form = RoundChangeForm(
        request.POST if bound else None,
        election=election,
        prefix=f"round{round_.number}",
        initial={
            "name": round_.name,
            "reports_from": round_.reports_from,
            "options": list(round_.options.all()),
        },
    )
    return form


def _saved(request, form, save) -> bool:
    """Run ``save`` with the valid form's data; a refusal becomes the form's error."""
    if not form.is_valid():
        return False
    try:
        round_ = save(form.cleaned_data)
    except RegistryError as error:
        form.add_error(None, str(error))
        return False
    messages.success(request, _("%(round)s saved.") % {"round": round_.title})
    return True


def _add(election: Election, data: dict, request) -> Round:
    return add_round(
        election,
        kind=data["kind"],
        voting_day=data["voting_day"],
        name=data["name"],
        reports_from=data["reports_from"],
        areas=data["areas"],
        options=list(data["options"]),
        actor=signed_in_user(request),
    )


def _change(round_: Round, data: dict, request) -> Round:
    return change_round(
        round_,
        name=data["name"],
        reports_from=data["reports_from"],
        options=list(data["options"]),
        actor=signed_in_user(request),
    )
