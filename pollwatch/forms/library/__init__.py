"""The standard library of forms, one JSON definition per file, built from the methodology."""

from __future__ import annotations

from pathlib import Path

from pollwatch.forms.definition import FormDefinition, load_definition_file

LIBRARY_DIR = Path(__file__).resolve().parent
LIBRARY_CODES = (
    "opening",
    "voting",
    "closing_counting",
    "tabulation",
    "incident",
    "pvt_form1",
    "pvt_form2",
    "long_term_weekly",
    "accessibility",
)


def library_files() -> list[Path]:
    return [LIBRARY_DIR / f"{code}.json" for code in LIBRARY_CODES]


def library_forms() -> dict[str, FormDefinition]:
    """Every standard form, by code, in the order of election day."""
    return {path.stem: load_definition_file(path) for path in library_files()}
