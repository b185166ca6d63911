from django.urls import path

from pollwatch.deployment import views

app_name = "deployment"
urlpatterns = [
    path("deployment/calculator/", views.calculator, name="calculator"),
    path("missions/<slug:slug>/deployment/", views.plan_detail, name="plan"),
    path("missions/<slug:slug>/deployment/draw/", views.draw, name="draw"),
    path("missions/<slug:slug>/deployment/routes/", views.rebuild_routes, name="routes"),
    path("missions/<slug:slug>/deployment/sample.csv", views.sample_csv, name="sample_csv"),
    path("missions/<slug:slug>/deployment/coverage/", views.coverage, name="coverage"),
    path("missions/<slug:slug>/deployment/map/", views.map_page, name="map"),
    path("missions/<slug:slug>/deployment/map.json", views.map_data, name="map_data"),
    path(
        "missions/<slug:slug>/deployment/teams/<str:code>/sheet/",
        views.team_sheet,
        name="team_sheet",
    ),
    path(
        "missions/<slug:slug>/deployment/stations/<str:code>/",
        views.station_change,
        name="station_change",
    ),
]
