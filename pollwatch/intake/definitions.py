"""Form versions as the intake sees them: parsed once, bound to the election's options."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from django.utils.translation import gettext as _

from pollwatch.forms.definition import BallotOption, FormDefinition, load_definition
from pollwatch.forms.models import FormVersion
from pollwatch.forms.services import lock_form_version
from pollwatch.forms.validation import StationFacts, ValidationResult, validate_answers
from pollwatch.intake.rejections import Problem, SubmissionRejected
from pollwatch.intake.stations import figures_of
from pollwatch.registry.models import BallotOption as ElectionOption
from pollwatch.registry.models import Election, PollingStation


@dataclass(frozen=True)
class BoundForm:
    definition: FormDefinition

    def validate(
        self, answers: dict[str, Any], station: StationFacts | None = None
    ) -> ValidationResult:
        return validate_answers(self.definition, answers, station)


def station_facts(station: PollingStation) -> StationFacts:
    """The facts of a ``PollingStation`` that answers are checked against."""
    return StationFacts(station.code, figures_of(station))


def definition_for(code: str, version: int, election: Election) -> tuple[FormVersion, BoundForm]:
    # A code holding NUL cannot be a form's, and PostgreSQL refuses it as a query parameter.
    form_version = None if "\x00" in code else _form_version(code, version)
    if form_version is None:
        raise SubmissionRejected(
            [
                Problem(
                    "form",
                    _("no form %(code)s version %(version)s")
                    % {"code": repr(code), "version": version},
                )
            ]
        )
    return form_version, _bound(form_version.pk, form_version.digest, election.pk)


# Locked versions never change again, so each process reads one only once.
_LOCKED_VERSIONS: dict[tuple[str, int], FormVersion] = {}


def _form_version(code: str, version: int) -> FormVersion | None:
    found = _LOCKED_VERSIONS.get((code, version))
    if found is not None:
        return found
    found = (
        # The definition itself is read only when the bound form is not cached yet.
        FormVersion.objects.select_related("form")
        .defer("definition", "xform", "xlsform", "warnings")
        .filter(form__code=code, version=version)
        .order_by()
        .first()
    )
    if found is not None and found.is_locked:
        _LOCKED_VERSIONS[code, version] = found
    return found


def forget_cached_forms() -> None:
    """Drop what this process remembers, for a database that was emptied or restored."""
    _LOCKED_VERSIONS.clear()
    _bound.cache_clear()


@lru_cache(maxsize=256)
def _bound(version_id: int, digest: str, election_id: int) -> BoundForm:
    form_version = FormVersion.objects.get(pk=version_id)
    definition = load_definition(form_version.definition)
    if definition.needs_ballot_options:
        options = ElectionOption.objects.filter(contest__election_id=election_id).order_by(
            "contest_id", "position"
        )
        definition = definition.bind_ballot_options(
            [BallotOption(code=o.code.replace("-", "_"), label={"en": o.name}) for o in options]
        )
    return BoundForm(definition)


def current_form_versions() -> list[FormVersion]:
    """The newest version of every form."""
    newest: dict[int, FormVersion] = {}
    for version in FormVersion.objects.select_related("form").order_by("form_id", "version"):
        newest[version.form_id] = version
    return sorted(newest.values(), key=lambda v: v.form.code)


def lock_once(version: FormVersion) -> None:
    """Lock a version at its first submission; later submissions cost no write."""
    if not version.is_locked:
        lock_form_version(version)
