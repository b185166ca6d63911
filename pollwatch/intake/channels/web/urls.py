from django.urls import path

from pollwatch.intake.channels.web import views

urlpatterns = [
    path("observe/", views.observe, name="observe"),
    path("observe/sw.js", views.service_worker, name="service_worker"),
    path("observe/forms/", views.observer_forms, name="observer_forms"),
    path("observe/forms/<slug:code>/form.xml", views.observer_form, name="observer_form"),
    path(
        "observe/forms/<slug:code>/media/<str:name>",
        views.observer_media,
        name="observer_media",
    ),
    path("observe/submission", views.observer_submission, name="observer_submission"),
]
