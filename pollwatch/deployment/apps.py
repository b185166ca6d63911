from django.apps import AppConfig


class DeploymentConfig(AppConfig):
    name = "pollwatch.deployment"
    label = "deployment"
