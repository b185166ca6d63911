from django.urls import path

from pollwatch.accreditation import views

app_name = "accreditation"
urlpatterns = [
    path("missions/<slug:slug>/accreditation/", views.accreditation_list, name="list"),
    path(
        "missions/<slug:slug>/accreditation/list.<str:fmt>",
        views.list_download,
        name="download",
    ),
    path(
        "missions/<slug:slug>/accreditation/<int:pk>/",
        views.member_accreditation,
        name="member",
    ),
    path("missions/<slug:slug>/badges/", views.badge_sheet, name="badges"),
    path("missions/<slug:slug>/badges/badges.pdf", views.badge_sheet_pdf, name="badges_pdf"),
    path("missions/<slug:slug>/badges/<int:pk>/", views.badge_detail, name="badge"),
    path("badges/<str:badge_code>/", views.check_badge, name="check"),
]
