from django.urls import path

from pollwatch.forensics import views

app_name = "forensics"
urlpatterns = [
    path("<slug:slug>/results/", views.results_list, name="results"),
    path("<slug:slug>/results/<int:pk>/", views.upload_detail, name="upload"),
    path("<slug:slug>/results/<int:pk>/report.html", views.report_page, name="report"),
    path("<slug:slug>/results/<int:pk>/results.json", views.report_json, name="json"),
]
