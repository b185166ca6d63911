"""Official results belong to a round: the number kept in their totals becomes a reference.

Results imported before rounds name none and are the first round's.
"""

import django.db.models.deletion
from django.db import migrations, models


def round_from_totals(apps, schema_editor):
    OfficialResults = apps.get_model("findings", "OfficialResults")
    Round = apps.get_model("registry", "Round")
    for results in OfficialResults.objects.select_related("mission"):
        number = results.totals.pop("round", 1)
        results.round = Round.objects.get(election_id=results.mission.election_id, number=number)
        results.save(update_fields=["round", "totals"])


class Migration(migrations.Migration):
    dependencies = [
        ("findings", "0003_area_outlines_on_the_registry"),
        ("registry", "0006_round_options"),
    ]

    operations = [
        migrations.AddField(
            model_name="officialresults",
            name="round",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="official_results",
                to="registry.round",
            ),
        ),
        migrations.RunPython(round_from_totals, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="officialresults",
            name="round",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="official_results",
                to="registry.round",
            ),
        ),
    ]
