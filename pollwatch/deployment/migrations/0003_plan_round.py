"""Each deployment plan is for a round; existing plans are for their election's first round."""

import django.db.models.deletion
from django.db import migrations, models


def plans_for_first_rounds(apps, schema_editor):
    DeploymentPlan = apps.get_model("deployment", "DeploymentPlan")
    Round = apps.get_model("registry", "Round")
    first = dict(Round.objects.filter(number=1).values_list("election_id", "pk"))
    for plan in DeploymentPlan.objects.select_related("mission"):
        plan.round_id = first.get(plan.mission.election_id)
        plan.save(update_fields=["round"])


class Migration(migrations.Migration):
    dependencies = [
        ("deployment", "0002_plan_kind_and_planned_stations"),
        ("registry", "0005_rounds"),
    ]

    operations = [
        migrations.AddField(
            model_name="deploymentplan",
            name="round",
            field=models.ForeignKey(
                blank=True,
                help_text="the round whose voting day the plan is for",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="plans",
                to="registry.round",
            ),
        ),
        migrations.RunPython(plans_for_first_rounds, migrations.RunPython.noop),
    ]
