from django.urls import path

from pollwatch.findings import views

app_name = "findings"
urlpatterns = [
    path("<slug:slug>/findings/", views.dashboard, name="dashboard"),
    path("<slug:slug>/findings/incidents/", views.incidents, name="incidents"),
    path("<slug:slug>/findings/reports/", views.reports, name="reports"),
    path("<slug:slug>/findings/points/", views.points, name="points"),
    path("<slug:slug>/findings/points.json", views.points_data, name="points_data"),
    path(
        "<slug:slug>/findings/<slug:form_code>/<slug:question>/",
        views.question_by_area,
        name="question",
    ),
    path("<slug:slug>/pvt/", views.pvt, name="pvt"),
    path("<slug:slug>/stations/<str:code>/", views.station, name="station"),
]
