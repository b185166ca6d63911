from django.urls import include, path

from pollwatch.intake import views

app_name = "intake"
urlpatterns = [
    # The web form is a channel; its pages keep their names in this namespace.
    path("", include("pollwatch.intake.channels.web.urls")),
    path("reports/", views.submission_list, name="submissions"),
    path("reports/<int:pk>/", views.submission_detail, name="submission"),
    path("reports/payloads/", views.payload_list, name="payloads"),
    path("reports/payloads/<int:pk>/", views.payload_detail, name="payload"),
    path("reports/<int:pk>/triage/", views.incident_triage, name="triage"),
    path("missions/<slug:slug>/incidents/", views.incident_list, name="incidents"),
    path(
        "missions/<slug:slug>/incidents/map.json",
        views.incident_map_data,
        name="incident_map_data",
    ),
]
