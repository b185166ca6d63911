from django.apps import AppConfig


class BriefingConfig(AppConfig):
    name = "pollwatch.briefing"
    label = "briefing"

    def ready(self) -> None:
        from pollwatch.accounts.certification import register_certification_rule
        from pollwatch.briefing.certification import has_passed_required_briefing

        register_certification_rule(has_passed_required_briefing)
