from django.contrib import admin
from django.http import HttpRequest

from pollwatch.accounts.models import Profile
from pollwatch.accounts.roles import is_administrator


def _administrators_only(request: HttpRequest) -> bool:
    return request.user.is_staff and is_administrator(request.user)


# One check replaced on the default site, rather than a whole custom AdminSite.
admin.site.has_permission = _administrators_only  # type: ignore[method-assign]
admin.site.site_header = "pollwatch administration"


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "language")
    list_filter = ("language",)
    search_fields = ("user__username",)
