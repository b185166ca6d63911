from django.urls import path

from pollwatch.missions import views

app_name = "missions"
urlpatterns = [
    path("", views.mission_list, name="list"),
    path("<slug:slug>/", views.mission_detail, name="detail"),
    path("<slug:slug>/members/import/", views.member_upload, name="member_upload"),
    path("<slug:slug>/meetings/", views.meeting_list, name="meetings"),
    path("<slug:slug>/delegations/", views.delegation_list, name="delegations"),
    path("<slug:slug>/delegations/<int:pk>/", views.delegation_detail, name="delegation"),
    path("<slug:slug>/documents/", views.document_list, name="documents"),
    path("<slug:slug>/documents/<int:pk>/file/", views.document_file, name="document_file"),
    path("<slug:slug>/coalition/", views.coalition_settings, name="coalition"),
]
