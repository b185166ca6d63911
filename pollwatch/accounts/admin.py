from django.contrib import admin

from pollwatch.accounts.roles import Role, has_role


def _administrators_only(request) -> bool:
    return (
        request.user.is_active
        and request.user.is_staff
        and has_role(request.user, Role.ADMINISTRATOR)
    )


admin.site.has_permission = _administrators_only
admin.site.site_header = "pollwatch administration"
