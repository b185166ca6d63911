"""The method and coverage paragraph, written from the mission's own data.

It states what was observed of the total, how stations were chosen, who
observed and for how long, and the limits that follow, so that a statement
never claims more than its coverage supports. The words come from the
translation catalogues, in the statement's language.
"""

from __future__ import annotations

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, npgettext, override, pgettext

from pollwatch.lib.numbers_in_text import format_count, format_percent
from pollwatch.statements.mission_facts import DelegationSize, MandateDocument, MissionCoverage

FORM_NAMES = {
    "opening": gettext_lazy("opening"),
    "voting": gettext_lazy("voting"),
    "closing_counting": gettext_lazy("closing and counting"),
    "tabulation": gettext_lazy("tabulation"),
    "incident": gettext_lazy("incident reports"),
    "pvt_form1": gettext_lazy("PVT form 1"),
    "pvt_form2": gettext_lazy("PVT form 2"),
    "accessibility": gettext_lazy("accessibility"),
    "long_term_weekly": gettext_lazy("weekly long-term reports"),
}


def method_paragraph(coverage: MissionCoverage, language: str = "en") -> str:
    with override(language):
        return " ".join(part for part in _sentences(coverage, language) if part)


def _sentences(c: MissionCoverage, language: str) -> list[str]:
    return [
        _mandate_sentence(c),
        _coverage_sentence(c, language),
        _selection_sentence(c),
        _deployment_sentence(c, language),
        _composition_sentence(c, language),
        _forms_sentence(c),
        *_limits(c),
    ]


# Which of the invitation, the agreement and the accreditation decision the mission
# recorded → the sentence that states them; none recorded, nothing is said.
MANDATE_SENTENCES = {
    (True, True, True): gettext_lazy(
        "The mission observed at the invitation of %(inviter)s (%(invited_on)s), under "
        "%(agreement)s (%(agreed_on)s), and was accredited by %(accreditor)s on "
        "%(accredited_on)s."
    ),
    (True, True, False): gettext_lazy(
        "The mission observed at the invitation of %(inviter)s (%(invited_on)s), under "
        "%(agreement)s (%(agreed_on)s)."
    ),
    (True, False, True): gettext_lazy(
        "The mission observed at the invitation of %(inviter)s (%(invited_on)s) and was "
        "accredited by %(accreditor)s on %(accredited_on)s."
    ),
    (True, False, False): gettext_lazy(
        "The mission observed at the invitation of %(inviter)s (%(invited_on)s)."
    ),
    (False, True, True): gettext_lazy(
        "The mission observed under %(agreement)s (%(agreed_on)s) and was accredited by "
        "%(accreditor)s on %(accredited_on)s."
    ),
    (False, True, False): gettext_lazy("The mission observed under %(agreement)s (%(agreed_on)s)."),
    (False, False, True): gettext_lazy(
        "The mission was accredited by %(accreditor)s on %(accredited_on)s."
    ),
}


def _mandate_sentence(c: MissionCoverage) -> str:
    documents = {document.kind: document for document in c.mandate}
    invitation = documents.get("invitation")
    agreement = documents.get("agreement")
    accreditation = documents.get("accreditation_decision")
    sentence = MANDATE_SENTENCES.get((bool(invitation), bool(agreement), bool(accreditation)))
    if sentence is None:
        return ""
    values: dict[str, str] = {}
    if invitation:
        values |= {"inviter": _issuer(invitation), "invited_on": _date(invitation)}
    if agreement:
        values |= {"agreement": agreement.title, "agreed_on": _date(agreement)}
    if accreditation:
        values |= {"accreditor": _issuer(accreditation), "accredited_on": _date(accreditation)}
    return str(sentence) % values


def _issuer(document: MandateDocument) -> str:
    return document.issued_by or document.title


def _date(document: MandateDocument) -> str:
    """The date as the statement's language writes it in running text: 1 February 2026."""
    day = datetime.date.fromisoformat(document.issued_on)
    return date_format(day, pgettext("a date in a statement, as a Django date format", "j E Y"))


def _composition_sentence(c: MissionCoverage, language: str) -> str:
    """The lead organisation and the delegations, with their observers and members."""
    sizes = ", ".join(_delegation_size(d, language) for d in c.delegations)
    count = format_count(len(c.delegations), language)
    if c.lead_organisation and c.delegations:
        return ngettext(
            "The mission was led by %(lead)s; its members came from %(count)s delegation: "
            "%(delegations)s.",
            "The mission was led by %(lead)s; its members came from %(count)s delegations: "
            "%(delegations)s.",
            len(c.delegations),
        ) % {"lead": c.lead_organisation, "count": count, "delegations": sizes}
    if c.lead_organisation:
        return _("The mission was led by %(lead)s.") % {"lead": c.lead_organisation}
    if c.delegations:
        return ngettext(
            "The mission's members came from %(count)s delegation: %(delegations)s.",
            "The mission's members came from %(count)s delegations: %(delegations)s.",
            len(c.delegations),
        ) % {"count": count, "delegations": sizes}
    return ""


def _delegation_size(d: DelegationSize, language: str) -> str:
    observers = ngettext("%(count)s observer", "%(count)s observers", d.observers) % {
        "count": format_count(d.observers, language)
    }
    members = npgettext(
        "the size of a delegation, after its observers",
        "%(count)s member",
        "%(count)s members",
        d.members,
    ) % {"count": format_count(d.members, language)}
    return _("%(delegation)s (%(observers)s of %(members)s)") % {
        "delegation": d.organisation,
        "observers": observers,
        "members": members,
    }


def _coverage_sentence(c: MissionCoverage, language: str) -> str:
    return ngettext(
        "On election day the mission observed %(observed)s of the %(total)s polling stations "
        "(%(share)s%%), which hold %(voters)s%% of the registered voters, in "
        "%(regions_observed)s of %(regions_total)s regions.",
        "On election day the mission observed %(observed)s of the %(total)s polling stations "
        "(%(share)s%%), which hold %(voters)s%% of the registered voters, in "
        "%(regions_observed)s of %(regions_total)s regions.",
        c.stations_total,
    ) % {
        "observed": format_count(c.stations_observed, language),
        "total": format_count(c.stations_total, language),
        "share": format_percent(100 * c.stations_observed / max(c.stations_total, 1), language),
        "voters": format_percent(100 * c.voter_share, language),
        "regions_observed": format_count(c.regions_observed, language),
        "regions_total": format_count(c.regions_total, language),
    }


def _selection_sentence(c: MissionCoverage) -> str:
    if c.is_random:
        return _(
            "The stations were chosen at random from the official list of polling stations: "
            "%(design)s"
        ) % {"design": c.design}
    return _("The stations were not chosen at random; they were selected by the mission.")


def _deployment_sentence(c: MissionCoverage, language: str) -> str:
    people = (
        ngettext("%(count)s observer", "%(count)s observers", c.observers)
        % {"count": format_count(c.observers, language)}
        + " "
        + ngettext("in %(count)s team", "in %(count)s teams", c.teams)
        % {"count": format_count(c.teams, language)}
    )
    if c.nationalities:
        people += ngettext(
            ", from %(count)s country", ", from %(count)s countries", len(c.nationalities)
        ) % {"count": format_count(len(c.nationalities), language)}
    if c.organisations:
        people += f" ({', '.join(c.organisations)})"
    stay = ngettext(
        "It deployed %(people)s, and was in the country for %(days)s day",
        "It deployed %(people)s, and was in the country for %(days)s days",
        c.days_in_country,
    ) % {"people": people, "days": format_count(c.days_in_country, language)}
    if c.long_term_observers:
        return stay + _(", with long-term observers following the pre-election period.")
    return stay + _(", without long-term observers.")


def _forms_sentence(c: MissionCoverage) -> str:
    names = [str(FORM_NAMES[code]) if code in FORM_NAMES else code for code in c.forms]
    forms = ", ".join(names) or pgettext("no forms", "none")
    return _("Observers used standard forms: %(forms)s.") % {"forms": forms}


def _limits(c: MissionCoverage) -> list[str]:
    if not c.is_random:
        limits = [
            _(
                "Because the stations were not drawn at random, the shares reported here "
                "describe only the stations observed and cannot be generalised to the "
                "country."
            )
        ]
    else:
        limits = [
            _(
                "Shares are estimates, given with %(level)s%% confidence "
                "intervals that follow the sampling design."
            )
            % {"level": 95}
        ]
    if c.single_region:
        limits.append(
            _("All stations observed lie in %(region)s; the findings speak for %(region)s only.")
            % {"region": c.single_region}
        )
    limits.append(
        _(
            "This statement precedes the end of the process: tabulation and the "
            "resolution of complaints continue."
        )
    )
    return limits
