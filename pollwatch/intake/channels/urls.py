from django.urls import path

from pollwatch.intake.channels import views
from pollwatch.intake.channels.gateways import android, generic, twilio
from pollwatch.intake.channels.openrosa import views as openrosa

app_name = "channels"
urlpatterns = [
    # Machine endpoints: they authenticate themselves (see MACHINE_PREFIXES).
    path("hooks/sms/twilio/", twilio.inbound, name="twilio_inbound"),
    path("hooks/sms/twilio/status/", twilio.status_callback, name="twilio_status"),
    path("hooks/sms/generic/<str:token>/", generic.inbound, name="generic_inbound"),
    path("hooks/sms/android/", android.inbound, name="android_inbound"),
    path("odk/<str:token>/formList", openrosa.form_list, name="odk_form_list"),
    path("odk/<str:token>/forms/<slug:code>/form.xml", openrosa.form_download, name="odk_form"),
    path("odk/<str:token>/forms/<slug:code>/manifest", openrosa.manifest, name="odk_manifest"),
    path("odk/<str:token>/submission", openrosa.submission, name="odk_submission"),
    # Pages.
    path("channels/sms/", views.sms_log, name="sms_log"),
    path("channels/sms/test/", views.sms_test, name="sms_test"),
    path("channels/sms/<int:pk>/replay/", views.sms_replay, name="sms_replay"),
    path("channels/sms/guides/", views.sms_guides, name="sms_guides"),
    path("channels/sms/guides/<str:sms_code>/", views.sms_guide, name="sms_guide"),
    path("channels/broadcasts/", views.broadcasts, name="broadcasts"),
    path(
        "channels/submissions/<int:pk>/attachments/",
        views.submission_attachments,
        name="submission_attachments",
    ),
    path("channels/attachments/<int:pk>/", views.attachment_file, name="attachment"),
]
