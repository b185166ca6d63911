from django.urls import path

from pollwatch.briefing import views

app_name = "briefing"
urlpatterns = [
    path("missions/<slug:slug>/briefing/", views.module_list, name="modules"),
    path("missions/<slug:slug>/briefing/new/", views.module_new, name="module_new"),
    path("missions/<slug:slug>/briefing/overview/", views.overview, name="overview"),
    path("briefing/<int:pk>/", views.module_detail, name="module"),
    path("briefing/<int:pk>/edit/", views.module_edit, name="module_edit"),
    path("briefing/<int:pk>/retire/", views.module_retire, name="module_retire"),
    path("briefing/<int:pk>/delete/", views.module_delete, name="module_delete"),
    path("briefing/<int:pk>/test/", views.module_test, name="test"),
    path("briefing/<int:pk>/test/edit/", views.test_edit, name="test_edit"),
    path("briefing/files/<int:pk>/", views.file_download, name="file"),
    path("briefing/files/<int:pk>/remove/", views.file_remove, name="file_remove"),
    path("briefing/members/<int:pk>/token/", views.issue_token, name="issue_token"),
]
