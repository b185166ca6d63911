from django.apps import AppConfig


class DeploymentConfig(AppConfig):
    name = "pollwatch.deployment"
    label = "deployment"

    def ready(self) -> None:
        # The field channels list a team's stations; which they are is decided here.
        from pollwatch.deployment.assignment import assigned_stations
        from pollwatch.intake.team_stations import set_assigned_stations

        set_assigned_stations(assigned_stations)
