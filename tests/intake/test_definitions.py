"""Form versions as the intake sees them, and the station facts answers are checked against."""

from __future__ import annotations

import pytest

from pollwatch.forms.definition_rules import STATION_FIGURES
from pollwatch.intake.definitions import station_facts
from pollwatch.registry.models import PollingStation


def test_every_station_figure_a_form_can_name_is_a_field_of_the_polling_station():
    fields = {field.name for field in PollingStation._meta.get_fields()}
    assert set(STATION_FIGURES) <= fields


@pytest.mark.django_db
def test_station_facts_hold_the_code_and_the_registered_voters(election):
    facts = station_facts(PollingStation.objects.get(election=election, code="002"))
    assert facts.code == "002"
    assert dict(facts.figures) == {"registered_voters": 800}
