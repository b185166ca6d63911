"""The Russian and Turkish catalogues: complete, never fuzzy, with the right plural forms.

The test reads the .po files and the committed .mo files with polib, so it
needs no gettext tools: a .mo that lags behind its .po (an entry translated
but not compiled) fails here as well.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.conf import settings

from pollwatch.lib.catalogues import LOCALE_DIR, catalogue, ngettext, writing_in

TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
PLURAL_FORMS = {
    "ru": (
        "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2);"
    ),
    "tr": "nplurals=2; plural=(n > 1);",
}


def catalogue_files(language: str) -> list[Path]:
    return sorted((LOCALE_DIR / language / "LC_MESSAGES").glob("*.po"))


def describe(entry: polib.POEntry) -> str:
    where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
    return f"{entry.msgid!r} ({where})"


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_declared_language_has_a_catalogue(language):
    assert catalogue_files(language), f"no catalogue for {language}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_entry_is_untranslated_or_fuzzy(language):
    for path in catalogue_files(language):
        po = polib.pofile(str(path))
        assert not po.metadata_is_fuzzy, f"{path}: the header is fuzzy"
        untranslated = [describe(e) for e in po.untranslated_entries() if not e.obsolete]
        fuzzy = [describe(e) for e in po.fuzzy_entries()]
        assert untranslated == [], f"{path}: untranslated"
        assert fuzzy == [], f"{path}: fuzzy"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_entries_have_every_form_of_the_language(language):
    for path in catalogue_files(language):
        po = polib.pofile(str(path))
        assert po.metadata["Plural-Forms"] == PLURAL_FORMS[language]
        assert po.metadata["Language"] == language
        forms = int(PLURAL_FORMS[language].split(";")[0].split("=")[1])
        for entry in po:
            if entry.msgid_plural and not entry.obsolete:
                assert len(entry.msgstr_plural) == forms, describe(entry)
                assert all(entry.msgstr_plural.values()), describe(entry)


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_matches_its_source(language):
    for path in catalogue_files(language):
        po = polib.pofile(str(path))
        mo = polib.mofile(str(path.with_suffix(".mo")))
        compiled = {(e.msgctxt, e.msgid): e for e in mo}
        for entry in po.translated_entries():
            found = compiled.get((entry.msgctxt, entry.msgid))
            assert found is not None, f"not compiled: {describe(entry)}"
            if entry.msgid_plural:
                assert found.msgstr_plural == entry.msgstr_plural, describe(entry)
            else:
                assert found.msgstr == entry.msgstr, describe(entry)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="gettext's xgettext is not installed")
def test_the_catalogues_hold_every_marked_text_and_nothing_else(tmp_path):
    """``makemessages`` on a copy of the package finds nothing new and nothing gone."""
    package = LOCALE_DIR.parent
    copy = tmp_path / package.name
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    subprocess.run(
        [sys.executable, "-m", package.name, "makemessages", *[f"-l{code}" for code in TRANSLATED]],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        check=True,
        capture_output=True,
        timeout=600,
    )
    for language in TRANSLATED:
        for path in catalogue_files(language):
            fresh = polib.pofile(str(copy / path.relative_to(package)))
            # msgmerge guesses a translation for a new text near an old one, marking it fuzzy.
            new = [describe(e) for e in fresh.untranslated_entries() if not e.obsolete]
            new += [describe(e) for e in fresh.fuzzy_entries()]
            gone = [describe(e) for e in fresh.obsolete_entries()]
            assert new == [], f"{path}: texts not in the catalogue; run makemessages"
            assert gone == [], f"{path}: texts no longer used"


def test_the_framework_free_reader_uses_the_plural_rule_of_the_catalogue():
    assert catalogue("ru").ngettext("%(count)s observer", "%(count)s observers", 21) == (
        "%(count)s наблюдателя"
    )
    with writing_in("ru"):
        days = [
            ngettext(
                "the mission spent %(days)s day in the country",
                "the mission spent %(days)s days in the country",
                n,
            )
            % {"days": n}
            for n in (1, 2, 5, 21)
        ]
    assert days == [
        "миссия провела в стране 1 день",
        "миссия провела в стране 2 дня",
        "миссия провела в стране 5 дней",
        "миссия провела в стране 21 день",
    ]
