from django.urls import path

from pollwatch.intake import views

app_name = "intake"
urlpatterns = [
    path("observe/", views.observe, name="observe"),
    path("observe/sw.js", views.service_worker, name="service_worker"),
    path("reports/", views.submission_list, name="submissions"),
    path("reports/<int:pk>/", views.submission_detail, name="submission"),
    path("reports/payloads/", views.payload_list, name="payloads"),
    path("reports/payloads/<int:pk>/", views.payload_detail, name="payload"),
]
