from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path

from pollwatch.accounts.views import set_language
from pollwatch.api import api
from pollwatch.home import home

# The devices' and gateways' endpoints come first: URLs are tried in order, and
# these take most of election day's requests.
urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("pollwatch.intake.channels.urls")),
    path("", home, name="home"),
    path("login/", login_not_required(auth_views.LoginView.as_view()), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", set_language, name="set_language"),
    path("elections/", include("pollwatch.registry.urls")),
    path("elections/", include("pollwatch.forensics.urls")),
    path("missions/", include("pollwatch.missions.urls")),
    path("missions/", include("pollwatch.findings.urls")),
    path("organisations/", include("pollwatch.missions.organisation_urls")),
    path("", include("pollwatch.intake.urls")),
    path("", include("pollwatch.statements.urls")),
    path("", include("pollwatch.deployment.urls")),
    path("", include("pollwatch.briefing.urls")),
    path("", include("pollwatch.accreditation.urls")),
    path("admin/", admin.site.urls),
]
