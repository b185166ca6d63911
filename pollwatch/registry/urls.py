from django.urls import path

from pollwatch.registry import views

app_name = "registry"
urlpatterns = [
    path("", views.election_list, name="elections"),
    path("<slug:slug>/", views.election_detail, name="election"),
    path("<slug:slug>/rounds/", views.election_rounds, name="rounds"),
    path("<slug:slug>/stations/import/", views.station_upload, name="station_upload"),
    path("<slug:slug>/areas/boundaries/", views.boundaries_upload, name="boundaries_upload"),
]
