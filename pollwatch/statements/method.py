"""The method and coverage paragraph, written from the mission's own data.

It states what was observed of the total, how stations were chosen, who
observed and for how long, and the limits that follow, so that a statement
never claims more than its coverage supports. The words come from the
translation catalogues, in the statement's language.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, override, pgettext

from pollwatch.lib.numbers_in_text import format_count, format_percent
from pollwatch.statements.mission_facts import MissionCoverage

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
        _coverage_sentence(c, language),
        _selection_sentence(c),
        _deployment_sentence(c, language),
        _forms_sentence(c),
        *_limits(c),
    ]


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
