"""Drafting, checking and publishing statements."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from pollwatch.audit.chain import chain_head, seal_events
from pollwatch.audit.services import log_action
from pollwatch.findings import figures
from pollwatch.findings.newest_forms import NewestForms
from pollwatch.findings.ratios import RatioFigure, question_ratio
from pollwatch.findings.rounds import default_round, election_rounds
from pollwatch.registry.models import Round
from pollwatch.statements.method import method_paragraph
from pollwatch.statements.mission_facts import MissionCoverage, mission_coverage
from pollwatch.statements.models import SECTION_KEYS, Statement, StatementVersion
from pollwatch.statements.references import Reference, ReferenceError, find_references, render_text
from pollwatch.statements.statement_check import StatementCheck, check_statement
from pollwatch.statements.templates import starting_sections

if TYPE_CHECKING:
    from pollwatch.findings.figures import ShareFigure
    from pollwatch.missions.models import Mission


class StatementError(Exception):
    """A statement action that cannot be done, with a message the user can act on."""


@dataclass
class RenderedStatement:
    sections: dict[str, str]
    figures: list[dict[str, Any]] = field(default_factory=list)
    coverage: MissionCoverage | None = None
    check: StatementCheck | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n\n".join(self.sections[key] for key in SECTION_KEYS if self.sections.get(key))


@transaction.atomic
def create_statement(
    mission: Mission,
    *,
    title: str,
    kind: str = Statement.Kind.PRELIMINARY,
    language: str = "en",
    actor: User | None = None,
    for_round: Round | None = None,
) -> Statement:
    """A new statement with its first draft, on ``for_round`` (default: the findings' default)."""
    round_ = for_round or default_round(mission, election_rounds(mission))
    statement = Statement.objects.create(
        mission=mission, title=title, kind=kind, language=language, round=round_
    )
    StatementVersion.objects.create(
        statement=statement, number=1, updated_by=actor, sections=starting_sections(language)
    )
    log_action(
        "statements.created",
        actor=actor,
        target=statement,
        data={"title": title, "round": round_.number if round_ else None},
    )
    return statement


@transaction.atomic
def save_draft(version: StatementVersion, sections: dict[str, str], *, actor: User | None) -> None:
    if version.status != StatementVersion.Status.DRAFT:
        raise StatementError(_("only a draft can be edited; start a new version instead"))
    problems = []
    for key in SECTION_KEYS:
        try:
            find_references(sections.get(key, ""))
        except ReferenceError as error:
            problems.append(str(error))
    if problems:
        raise StatementError("; ".join(problems))
    version.sections = {key: sections.get(key, "") for key in SECTION_KEYS}
    version.updated_by = actor
    version.save()
    log_action("statements.draft_saved", actor=actor, target=version)


def render_version(version: StatementVersion) -> RenderedStatement:
    """Fill in every figure from the current data and check the claims of the result."""
    if version.status == StatementVersion.Status.PUBLISHED:
        return RenderedStatement(
            sections=dict(version.rendered), figures=list(version.data.get("figures", []))
        )
    mission = version.statement.mission
    language = version.statement.language
    round_ = version.statement.round
    coverage = mission_coverage(mission, round_)
    rendered = RenderedStatement(sections={}, coverage=coverage)
    forms = NewestForms()  # each form the figures quote is read once for the whole text

    def resolve(reference: Reference) -> str:
        if reference.kind == "method":
            return method_paragraph(coverage, language)
        try:
            figure = _figure(mission, reference, forms, round_)
        except StatementError as error:
            rendered.problems.append(str(error))
            return f"[{reference.raw}: figure unavailable]"
        rendered.figures.append({"reference": reference.raw, **asdict(figure)})
        return figure.sentence(language)

    for key in SECTION_KEYS:
        rendered.sections[key] = render_text(version.sections.get(key, ""), resolve)
    rendered.check = check_statement(rendered.text, coverage.as_facts())
    return rendered


def _figure(
    mission: Mission, reference: Reference, forms: NewestForms, round_: Round | None
) -> ShareFigure | RatioFigure:
    try:
        if reference.kind == "ratio":
            return question_ratio(
                mission,
                reference.form,
                reference.question,
                reference.denominator,
                forms=forms,
                in_round=round_,
            )
        if reference.kind == "share":
            return figures.question_share(
                mission,
                reference.form,
                reference.question,
                reference.values,
                forms=forms,
                in_round=round_,
            )
        return figures.assessment_figure(
            mission, reference.phase, reference.values, forms=forms, in_round=round_
        )
    except (figures.FindingsError, ValueError) as error:
        raise StatementError(f"{reference.raw}: {error}") from error


def canonical_digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@transaction.atomic
def publish(
    version: StatementVersion, *, actor: User | None, confirm_flags: bool = False
) -> StatementVersion:
    """Freeze the text and the data behind it; flagged claims need an explicit confirmation."""
    version = StatementVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != StatementVersion.Status.DRAFT:
        raise StatementError(_("this version is published already"))
    rendered = render_version(version)
    if rendered.problems:
        raise StatementError(
            _("some figures cannot be computed: %(problems)s")
            % {"problems": "; ".join(rendered.problems)}
        )
    coverage, check = rendered.coverage, rendered.check
    if coverage is None or check is None:
        # Only a published version renders without them, and that was refused above.
        raise StatementError(_("this version is published already"))
    flagged = check.flagged
    if flagged and not confirm_flags:
        sentences = len({check.claim.sentence.text for check in flagged})
        raise StatementError(
            ngettext(
                "the claim check flagged %(count)s sentence; fix it or "
                "confirm that you publish it as it is",
                "the claim check flagged %(count)s sentences; fix them or "
                "confirm that you publish them as they are",
                sentences,
            )
            % {"count": sentences}
        )
    data = {
        "figures": rendered.figures,
        "coverage": coverage.as_dict(),
        "check": check.as_json(),
        "flags_confirmed": bool(flagged),
        "audit_chain_head": _sealed_head(),
    }
    version.rendered = rendered.sections
    version.data = data
    version.text_digest = canonical_digest(rendered.sections)
    version.data_digest = canonical_digest(data)
    version.flags_confirmed = bool(flagged)
    version.status = StatementVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.published_by = actor
    version.save()
    log_action(
        "statements.published",
        actor=actor,
        target=version,
        data={
            "text_digest": version.text_digest,
            "data_digest": version.data_digest,
            "flagged_sentences": [check.claim.sentence.text for check in flagged],
            "flags_confirmed": bool(flagged),
        },
    )
    return version


def _sealed_head() -> dict[str, Any] | None:
    """Seal the audit trail so far and return its head, which the statement then publishes."""
    seal_events()
    head = chain_head()
    return head.as_dict() if head else None


@transaction.atomic
def start_new_version(statement: Statement, *, actor: User | None) -> StatementVersion:
    """A new draft from the latest published text; published versions stay as they are."""
    existing = statement.draft()
    if existing is not None:
        return existing
    latest = statement.versions.order_by("-number").first()
    draft = StatementVersion.objects.create(
        statement=statement,
        number=(latest.number + 1) if latest else 1,
        sections=dict(latest.sections) if latest else starting_sections(statement.language),
        updated_by=actor,
    )
    log_action("statements.version_started", actor=actor, target=draft)
    return draft
