from django.apps import AppConfig


class AccreditationConfig(AppConfig):
    name = "pollwatch.accreditation"
    label = "accreditation"
