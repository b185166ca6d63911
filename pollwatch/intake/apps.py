from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "pollwatch.intake"
    label = "intake"

    def ready(self) -> None:
        from pollwatch.audit.record_checks import register_record_check
        from pollwatch.intake.answers_check import first_changed_report

        register_record_check("a report changed after its audit entry", first_changed_report)
