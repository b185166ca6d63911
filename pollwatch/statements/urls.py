from django.urls import path

from pollwatch.statements import views

app_name = "statements"
urlpatterns = [
    path("missions/<slug:slug>/statements/", views.statement_list, name="list"),
    path("statements/<int:pk>/", views.statement_detail, name="detail"),
    path("statements/<int:pk>/publish/", views.publish_draft, name="publish"),
    path("statements/<int:pk>/new-version/", views.new_version, name="new_version"),
    path("statements/check/", views.check_page, name="check"),
    path("public/statements/<int:pk>/v<int:number>/", views.public_statement, name="public"),
    path("public/missions/<slug:slug>/", views.public_mission, name="public_mission"),
    path(
        "public/statements/<int:pk>/v<int:number>/statement.<str:fmt>",
        views.public_download,
        name="download",
    ),
]
