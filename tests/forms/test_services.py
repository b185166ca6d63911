"""Publishing and locking form versions, stored in the database."""

from __future__ import annotations

import pytest

from pollwatch.forms.definition import load_definition
from pollwatch.forms.library import LIBRARY_CODES
from pollwatch.forms.models import Form, FormVersion, FormVersionLocked
from pollwatch.forms.services import (
    FormServiceError,
    definition_digest,
    lock_form_version,
    publish_form_version,
)
from tests.forms.builders import sample_form

pytestmark = pytest.mark.django_db


def test_first_publication_creates_version_one():
    version = publish_form_version(sample_form())
    assert (version.form.code, version.version) == ("sample", 1)
    assert version.definition["version"] == 1
    assert version.digest == definition_digest(sample_form())
    assert load_definition(version.definition).code == "sample"


def test_same_content_returns_the_latest_version():
    first = publish_form_version(sample_form())
    again = publish_form_version(sample_form() | {"version": 7})
    assert again.pk == first.pk
    assert FormVersion.objects.count() == 1


def test_changed_content_makes_a_new_version():
    first = publish_form_version(sample_form())
    changed = sample_form()
    changed["title"]["en"] = "Sample, revised"
    second = publish_form_version(changed)
    assert (first.version, second.version) == (1, 2)
    assert Form.objects.get().title == "Sample, revised"
    assert first.definition["title"]["en"] == "Sample"


def test_invalid_definition_is_refused_with_its_errors():
    data = sample_form()
    data["sections"][1]["questions"][0]["constraint"]["max"] = "many"
    with pytest.raises(FormServiceError) as raised:
        publish_form_version(data)
    assert raised.value.errors == ["sections[1].questions[0].constraint.max: must be an integer"]
    assert not Form.objects.exists()


def test_locked_version_refuses_a_changed_definition():
    version = lock_form_version(publish_form_version(sample_form()))
    assert version.is_locked
    version.definition["title"]["en"] = "Changed behind our back"
    with pytest.raises(FormVersionLocked, match="publish a new version instead"):
        version.save()
    stored = FormVersion.objects.get(pk=version.pk)
    assert stored.definition["title"]["en"] == "Sample"


def test_unlocked_version_can_still_be_corrected():
    version = publish_form_version(sample_form())
    version.definition["title"]["en"] = "Typo fixed"
    version.save()
    assert FormVersion.objects.get(pk=version.pk).definition["title"]["en"] == "Typo fixed"


def test_locking_twice_keeps_the_first_time():
    version = publish_form_version(sample_form())
    first = lock_form_version(version).locked_at
    assert lock_form_version(FormVersion.objects.get(pk=version.pk)).locked_at == first


def test_editing_a_locked_form_publishes_a_new_version_and_keeps_the_old():
    old = lock_form_version(publish_form_version(sample_form()))
    changed = sample_form()
    changed["sections"][0]["questions"][0]["required"] = False
    new = publish_form_version(changed)
    assert new.version == 2 and new.locked_at is None
    assert FormVersion.objects.get(pk=old.pk).digest == old.digest


def test_version_numbers_are_unique_per_form():
    from django.db import IntegrityError, transaction

    version = publish_form_version(sample_form())
    with pytest.raises(IntegrityError), transaction.atomic():
        FormVersion.objects.create(form=version.form, version=1, definition={}, digest="x")


def test_load_library_command_installs_every_standard_form_once(capsys):
    from django.core.management import call_command

    call_command("forms", "load-library")
    call_command("forms", "load-library")
    assert set(Form.objects.values_list("code", flat=True)) == set(LIBRARY_CODES)
    assert FormVersion.objects.count() == len(LIBRARY_CODES)


def test_a_republished_definition_keeps_its_own_number():
    first = publish_form_version(sample_form())
    changed = sample_form()
    changed["title"]["en"] = "Other"
    publish_form_version(changed)
    third = publish_form_version(sample_form())
    assert third.version == 3 and third.digest == first.digest
    assert load_definition(first.definition).version == 1
    assert load_definition(third.definition).version == 3


def test_digest_follows_a_correction_of_an_unlocked_version():
    version = publish_form_version(sample_form())
    version.definition["title"]["en"] = "Corrected"
    version.save()
    assert version.digest == definition_digest(version.definition)
    assert publish_form_version(version.definition).pk == version.pk
