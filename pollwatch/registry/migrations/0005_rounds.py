"""Rounds of an election; every existing election gets its first round on its date."""

import django.db.models.deletion
from django.db import migrations, models


def create_first_rounds(apps, schema_editor):
    Election = apps.get_model("registry", "Election")
    Round = apps.get_model("registry", "Round")
    Round.objects.bulk_create(
        Round(election=election, number=1, kind="first", voting_day=election.date)
        for election in Election.objects.all()
    )


def restore_round_numbers(apps, schema_editor):
    """Going back, the election keeps its first round only: the column had no other meaning."""


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0004_area_geometry"),
    ]

    operations = [
        migrations.CreateModel(
            name="Round",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("number", models.PositiveSmallIntegerField()),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("first", "first round"),
                            ("runoff", "run-off"),
                            ("repeat", "repeat voting"),
                        ],
                        default="first",
                        max_length=10,
                    ),
                ),
                ("voting_day", models.DateField()),
                ("name", models.CharField(blank=True, max_length=200)),
                (
                    "reports_from",
                    models.DateTimeField(
                        blank=True,
                        help_text="reports received from this time on belong to this round "
                        "(until the next round's); empty for the first round",
                        null=True,
                    ),
                ),
                (
                    "areas",
                    models.ManyToManyField(
                        blank=True,
                        help_text="where repeat voting is held; empty means everywhere",
                        related_name="repeat_rounds",
                        to="registry.area",
                    ),
                ),
                (
                    "election",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="rounds",
                        to="registry.election",
                    ),
                ),
            ],
            options={
                "ordering": ["election", "number"],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("election", "number"), name="round_number_unique"
                    )
                ],
            },
        ),
        migrations.RunPython(create_first_rounds, restore_round_numbers),
        migrations.RemoveField(model_name="election", name="round"),
    ]
