"""The forms a device is offered: one rule for the form list, each download and manifest.

Forms are shared by every mission. What a form carries that is a mission's
own, the ballot options of its election and the stations of its observers, is
bound to the member whose device asks, so a device of another mission gets
its own election's options and none of this mission's stations. Only the
newest version of each form is served; older versions are still accepted when
a report made with one arrives.

A form's media files go with its newest version, to every device offered the form.

A form whose XForm cannot be built is left out of the list and logged, so one
broken form never keeps the others from the phones.
"""

from __future__ import annotations

import logging

from django.db.models import Q, QuerySet

from pollwatch.forms.models import FormMedia, FormVersion
from pollwatch.intake.channels.openrosa.xforms import XForm, XFormUnbuildable, xform_for
from pollwatch.intake.team_stations import assigned_stations
from pollwatch.missions.models import Member

logger = logging.getLogger(__name__)


def offered_versions(form_id: str | None = None) -> list[FormVersion]:
    """The newest version of every form (or only of ``form_id``), by form code."""
    versions = (
        # The definition is read by xform_for's cache only when the XForm is not built yet.
        FormVersion.objects.select_related("form")
        .defer("definition", "xform", "xlsform", "warnings")
        .order_by("form__code", "-version")
    )
    if form_id is not None:
        versions = versions.filter(form__code=form_id)
    newest: dict[int, FormVersion] = {}
    for version in versions:
        newest.setdefault(version.form_id, version)
    return list(newest.values())


def _stations_of(member: Member) -> tuple[tuple[str, str], ...]:
    return tuple((station.code, station.name) for station in assigned_stations(member))


def _device_xform(
    member: Member, version: FormVersion, stations: tuple[tuple[str, str], ...]
) -> XForm:
    """``version`` as the member's device gets it; a failure is logged and raised."""
    try:
        return xform_for(version, member.mission.election, stations)
    except XFormUnbuildable as error:
        logger.warning(
            "form %s version %s left out of ODK: %s",
            error.form_code,
            version.version,
            error.reason,
        )
        raise


def offered_xforms(member: Member, form_id: str | None = None) -> list[XForm]:
    """The XForms listed for the member's device; forms that cannot be built are left out."""
    stations = _stations_of(member)
    xforms = []
    for version in offered_versions(form_id):
        try:
            xforms.append(_device_xform(member, version, stations))
        except XFormUnbuildable:
            continue
    return xforms


def offered_xform(member: Member, form_id: str) -> XForm | None:
    """The XForm the device downloads as ``form_id``; None when no such form is offered.

    Raises :class:`XFormUnbuildable` (already logged) when the form cannot be built.
    """
    versions = offered_versions(form_id)
    return _device_xform(member, versions[0], _stations_of(member)) if versions else None


def offered_media(member: Member, form_id: str) -> QuerySet[FormMedia] | None:
    """The media files of the form the device downloads as ``form_id``, by name; None
    when no such form is offered. Raises :class:`XFormUnbuildable` like the download."""
    xform = offered_xform(member, form_id)
    if xform is None:
        return None
    return FormMedia.objects.filter(
        version__form__code=form_id, version__version=xform.version
    ).order_by("name")


def offered_media_file(member: Member, form_id: str, name: str) -> FormMedia | None:
    """One media file of the form the device downloads as ``form_id``, or None."""
    media = offered_media(member, form_id)
    return None if media is None else media.filter(name=name).first()


def media_names(xforms: list[XForm]) -> dict[str, list[tuple[str, str]]]:
    """The name and MD5 of each media file of each listed XForm's version, by form code."""
    if not xforms:
        return {}
    versions = Q()
    for xform in xforms:
        versions |= Q(version__form__code=xform.form_id, version__version=xform.version)
    found: dict[str, list[tuple[str, str]]] = {xform.form_id: [] for xform in xforms}
    rows = FormMedia.objects.filter(versions).order_by("name")
    for code, name, md5 in rows.values_list("version__form__code", "name", "md5"):
        found[code].append((name, md5))
    return found
