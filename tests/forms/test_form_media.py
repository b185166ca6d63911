"""A form's media files: kept with the version that names them, part of its digest."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from pollwatch.forms.form_import import XLSFormError, import_form
from pollwatch.forms.models import FormMedia, FormVersion
from pollwatch.forms.services import publish_imported_form

CORPUS = Path(__file__).parent / "corpus"
FORM = CORPUS / "collect-selectoneexternal.xml"
MEDIA = CORPUS / "media" / "collect-selectoneexternal"
CSV_FORM = CORPUS / "collect-external-csv-form.xml"
CSV_MEDIA = CORPUS / "media" / "collect-external-csv-form"


def corpus_media(folder: Path) -> dict[str, Path]:
    return {path.name: path for path in sorted(folder.iterdir())}


def test_an_import_carries_the_media_files_it_is_given():
    imported = import_form(FORM.read_bytes(), FORM.name, media=corpus_media(MEDIA))
    content = (MEDIA / "itemsets.csv").read_bytes()
    assert [(f.name, f.content, f.content_type) for f in imported.media] == [
        ("itemsets.csv", content, "text/csv")
    ]
    assert imported.media[0].md5 == hashlib.md5(content).hexdigest()
    assert not any("itemsets.csv" in warning for warning in imported.warnings)


def test_a_media_file_the_form_does_not_name_is_a_warning():
    imported = import_form(
        CSV_FORM.read_bytes(), CSV_FORM.name, media=corpus_media(CSV_MEDIA) | {"extra.csv": b"a\n"}
    )
    assert [f.name for f in imported.media] == [
        "external_csv_cities.csv",
        "external_csv_countries.csv",
        "external_csv_neighbourhoods.csv",
        "extra.csv",
    ]
    noted = [warning for warning in imported.warnings if "media file" in warning]
    assert noted == [
        "media file 'extra.csv': the form does not refer to it; devices get it all the same"
    ]


@pytest.mark.parametrize(
    "name", ["../itemsets.csv", "sub/itemsets.csv", "a\\b.csv", ".hidden", "a;b.csv", ""]
)
def test_a_media_name_with_a_folder_or_unsafe_characters_is_refused(name):
    with pytest.raises(XLSFormError) as refused:
        import_form(FORM.read_bytes(), FORM.name, media={name: b"x"})
    assert refused.value.errors[0].startswith(f"media file {name!r}:")


@override_settings(POLLWATCH_IMPORT_MAX_BYTES=100)
def test_a_media_file_over_the_import_limit_is_refused():
    with pytest.raises(XLSFormError, match="itemsets.csv.*POLLWATCH_IMPORT_MAX_BYTES"):
        import_form(FORM.read_bytes(), FORM.name, media={"itemsets.csv": b"x" * 101})


@pytest.mark.django_db
def test_published_media_are_stored_with_their_version():
    version = publish_imported_form(
        import_form(FORM.read_bytes(), FORM.name, media=corpus_media(MEDIA))
    )
    stored = FormMedia.objects.get(version=version)
    content = (MEDIA / "itemsets.csv").read_bytes()
    assert (stored.name, bytes(stored.content), stored.content_type) == (
        "itemsets.csv",
        content,
        "text/csv",
    )
    assert stored.md5 == hashlib.md5(content).hexdigest()


@pytest.mark.django_db
def test_a_changed_media_file_is_a_new_version_and_the_same_one_is_not():
    first = publish_imported_form(
        import_form(FORM.read_bytes(), FORM.name, media=corpus_media(MEDIA))
    )
    again = publish_imported_form(
        import_form(FORM.read_bytes(), FORM.name, media=corpus_media(MEDIA))
    )
    assert again.pk == first.pk
    changed = (MEDIA / "itemsets.csv").read_bytes() + b'"states","a3","Oregon","","","L\'Oregon"\n'
    second = publish_imported_form(
        import_form(FORM.read_bytes(), FORM.name, media={"itemsets.csv": changed})
    )
    assert second.version == first.version + 1
    without = publish_imported_form(import_form(FORM.read_bytes(), FORM.name))
    assert without.version == second.version + 1
    assert not without.media.exists()
    assert list(first.media.values_list("name", flat=True)) == ["itemsets.csv"]


@pytest.mark.django_db
def test_the_digest_is_kept_when_a_version_with_media_is_saved_again():
    version = publish_imported_form(
        import_form(FORM.read_bytes(), FORM.name, media=corpus_media(MEDIA))
    )
    digest = version.digest
    reloaded = FormVersion.objects.get(pk=version.pk)
    reloaded.save()
    assert reloaded.digest == digest


@pytest.mark.django_db
def test_the_command_takes_a_media_folder(capsys):
    call_command("forms", "import", str(CSV_FORM), "--media", str(CSV_MEDIA))
    version = FormVersion.objects.get()
    assert sorted(version.media.values_list("name", flat=True)) == sorted(corpus_media(CSV_MEDIA))
    assert "3 media files" in capsys.readouterr().out


@pytest.mark.django_db
def test_the_command_takes_media_files_one_by_one(capsys):
    files = sorted(CSV_MEDIA.iterdir())
    arguments = [part for path in files[:2] for part in ("--media", str(path))]
    call_command("forms", "import", str(CSV_FORM), *arguments)
    assert sorted(FormVersion.objects.get().media.values_list("name", flat=True)) == [
        path.name for path in files[:2]
    ]


@pytest.mark.django_db
def test_the_command_warns_of_a_file_the_form_does_not_name(tmp_path, capsys):
    folder = tmp_path / "media"
    shutil.copytree(MEDIA, folder)
    (folder / "notes.txt").write_text("not for the form", encoding="utf-8")
    call_command("forms", "import", str(FORM), "--media", str(folder))
    assert "warning: media file 'notes.txt'" in capsys.readouterr().err


@pytest.mark.django_db
def test_the_command_refuses_an_unsafe_file_name_clearly(tmp_path):
    folder = tmp_path / "media"
    folder.mkdir()
    (folder / "a;b.csv").write_text("a\n", encoding="utf-8")
    with pytest.raises(CommandError, match=r"media file 'a;b.csv': use letters"):
        call_command("forms", "import", str(FORM), "--media", str(folder))
    assert not FormVersion.objects.exists()


def test_the_command_names_a_missing_media_path(tmp_path):
    with pytest.raises(CommandError, match="no such file or folder"):
        call_command("forms", "import", str(FORM), "--media", str(tmp_path / "none"))
