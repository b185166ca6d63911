from django.urls import path

from pollwatch.intake.channels.openrosa import views

urlpatterns = [
    # Machine endpoints: they authenticate themselves (see MACHINE_PREFIXES).
    path("odk/<str:token>/formList", views.form_list, name="odk_form_list"),
    path("odk/<str:token>/forms/<slug:code>/form.xml", views.form_download, name="odk_form"),
    path("odk/<str:token>/forms/<slug:code>/manifest", views.manifest, name="odk_manifest"),
    path(
        "odk/<str:token>/forms/<slug:code>/media/<str:name>",
        views.media_download,
        name="odk_media",
    ),
    path("odk/<str:token>/submission", views.submission, name="odk_submission"),
    # Pages.
    path(
        "channels/submissions/<int:pk>/attachments/",
        views.submission_attachments,
        name="submission_attachments",
    ),
    path("channels/attachments/<int:pk>/", views.attachment_file, name="attachment"),
]
