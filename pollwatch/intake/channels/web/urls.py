from django.urls import path

from pollwatch.intake.channels.web import views

urlpatterns = [
    path("observe/", views.observe, name="observe"),
    path("observe/sw.js", views.service_worker, name="service_worker"),
]
