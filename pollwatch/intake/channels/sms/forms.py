"""Which form an SMS code names, and the SMS syntax of its current version."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pollwatch.forms.models import Form, FormVersion
from pollwatch.intake.channels.sms.syntax import SmsSyntax, build_syntax, sms_form_codes
from pollwatch.intake.definitions import definition_for
from pollwatch.lib.plain_sql import fetch_rows
from pollwatch.registry.models import Election


@dataclass(frozen=True, slots=True)
class SmsForm:
    """The current version of a form, without its definition (read from the cache)."""

    sms_code: str
    form_id: int
    code: str
    title: str
    version: int
    digest: str


def sms_forms() -> dict[str, SmsForm]:
    """The current version of every form, by its SMS code.

    Each SMS asks for this, so it reads only the columns it needs: loading every
    form's definition would cost more than the rest of the message.
    """
    newest: dict[int, list[Any]] = {}
    rows = fetch_rows(
        "SELECT version.form_id, form.code, form.title, version.version, version.digest"
        f" FROM {FormVersion._meta.db_table} AS version"
        f" JOIN {Form._meta.db_table} AS form ON form.id = version.form_id"
        " ORDER BY version.form_id, version.version",
        [],
        [
            (FormVersion, "form_id"),
            (Form, "code"),
            (Form, "title"),
            (FormVersion, "version"),
            (FormVersion, "digest"),
        ],
        prepared=True,  # forms are published before election day, not during it
    )
    for row in rows:
        newest[row[0]] = row
    codes = sms_form_codes([row[1] for row in newest.values()])
    return {
        codes[code]: SmsForm(codes[code], form_id, code, title, version, digest)
        for form_id, code, title, version, digest in newest.values()
    }


def syntax_for(form: SmsForm, election: Election) -> SmsSyntax:
    """The syntax of ``form`` bound to the ballot options of ``election``."""
    return _syntax(form.code, form.version, form.digest, election, form.sms_code)


@lru_cache(maxsize=256)
def _syntax(
    form_code: str, number: int, digest: str, election: Election, sms_code: str
) -> SmsSyntax:
    _, bound = definition_for(form_code, number, election)
    return build_syntax(bound.definition, sms_code)
