"""Which form an SMS code names, and the SMS syntax of its current version."""

from __future__ import annotations

from functools import lru_cache

from pollwatch.forms.models import FormVersion
from pollwatch.intake.channels.sms.syntax import SmsSyntax, build_syntax, sms_form_codes
from pollwatch.intake.definitions import current_form_versions, definition_for


def sms_forms() -> dict[str, FormVersion]:
    """The current version of every form, by its SMS code."""
    versions = current_form_versions()
    codes = sms_form_codes([v.form.code for v in sorted(versions, key=lambda v: v.form_id)])
    return {codes[v.form.code]: v for v in versions}


def sms_code_of(version: FormVersion) -> str:
    for code, current in sms_forms().items():
        if current.form_id == version.form_id:
            return code
    raise KeyError(version.form.code)


def syntax_for(version: FormVersion, sms_code: str, election) -> SmsSyntax:
    """The syntax of ``version`` bound to the ballot options of ``election``."""
    return _syntax(version.form.code, version.version, version.digest, election, sms_code)


@lru_cache(maxsize=256)
def _syntax(form_code: str, number: int, digest: str, election, sms_code: str) -> SmsSyntax:
    _, bound = definition_for(form_code, number, election)
    return build_syntax(bound.definition, sms_code)
