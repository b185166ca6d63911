from django.contrib import admin
from django.http import HttpRequest

from pollwatch.forms.models import Form, FormVersion


class FormVersionInline(admin.TabularInline):
    model = FormVersion
    fields = ("version", "digest", "created_at", "locked_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Form)
class FormAdmin(admin.ModelAdmin):
    list_display = ("code", "phase", "title")
    list_filter = ("phase",)
    search_fields = ("code", "title")
    inlines = [FormVersionInline]


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are published with ``pollwatch forms`` or the services."""

    list_display = ("form", "version", "created_at", "locked_at")
    list_filter = ("form__phase",)
    readonly_fields = (
        "form",
        "version",
        "definition",
        "digest",
        "created_at",
        "created_by",
        "locked_at",
    )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: FormVersion | None = None) -> bool:
        return False
