from django.contrib import admin

from pollwatch.accounts.roles import is_administrator


def _administrators_only(request) -> bool:
    return request.user.is_staff and is_administrator(request.user)


admin.site.has_permission = _administrators_only
admin.site.site_header = "pollwatch administration"
