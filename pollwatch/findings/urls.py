from django.urls import path

from pollwatch.findings import views

app_name = "findings"
urlpatterns = [
    path("<slug:slug>/findings/", views.dashboard, name="dashboard"),
    path("<slug:slug>/findings/incidents/", views.incidents, name="incidents"),
    path("<slug:slug>/findings/reports/", views.reports, name="reports"),
    path("<slug:slug>/findings/points/", views.points, name="points"),
    path("<slug:slug>/findings/inclusion/", views.inclusion, name="inclusion"),
    path("<slug:slug>/findings/rounds/", views.round_comparison, name="rounds"),
    path("<slug:slug>/findings/points.json", views.points_data, name="points_data"),
    path(
        "<slug:slug>/findings/<slug:form_code>/<slug:question>/",
        views.question_by_area,
        name="question",
    ),
    path("<slug:slug>/pvt/", views.pvt, name="pvt"),
    path("<slug:slug>/dashboard/", views.mission_dashboard, name="mission_dashboard"),
    *(
        path(
            f"<slug:slug>/dashboard/{panel}/",
            views.mission_dashboard_panel,
            {"panel": panel},
            name=f"mission_dashboard_{panel}",
        )
        for panel in views.DASHBOARD_PANELS
    ),
    path("<slug:slug>/stations/<str:code>/", views.station, name="station"),
]
