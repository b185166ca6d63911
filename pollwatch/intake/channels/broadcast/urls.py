from django.urls import path

from pollwatch.intake.channels.broadcast import views

urlpatterns = [
    path("channels/broadcasts/", views.broadcasts, name="broadcasts"),
]
