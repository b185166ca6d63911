from django.urls import path

from pollwatch.intake.channels.sms import views
from pollwatch.intake.channels.sms.gateways import android, generic, twilio

urlpatterns = [
    # Machine endpoints: they authenticate themselves (see MACHINE_PREFIXES).
    path("hooks/sms/twilio/", twilio.inbound, name="twilio_inbound"),
    path("hooks/sms/twilio/status/", twilio.status_callback, name="twilio_status"),
    path("hooks/sms/generic/<str:token>/", generic.inbound, name="generic_inbound"),
    path("hooks/sms/android/", android.inbound, name="android_inbound"),
    # Pages.
    path("channels/sms/", views.sms_log, name="sms_log"),
    path("channels/sms/test/", views.sms_test, name="sms_test"),
    path("channels/sms/<int:pk>/replay/", views.sms_replay, name="sms_replay"),
    path("channels/sms/guides/", views.sms_guides, name="sms_guides"),
    path("channels/sms/guides/<str:sms_code>/", views.sms_guide, name="sms_guide"),
]
