from django.contrib import admin

from pollwatch.missions.models import (
    Delegation,
    Meeting,
    Member,
    Mission,
    MissionDocument,
    Organisation,
    Team,
)


@admin.register(Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "election", "arrival", "departure"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["full_name", "mission", "role", "nationality", "team", "accreditation_status"]
    list_filter = ["mission", "role", "accreditation_status"]
    search_fields = ["full_name", "email"]
    filter_horizontal = ["areas"]
    raw_id_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "mission"]
    filter_horizontal = ["areas"]


admin.site.register(Organisation)
admin.site.register(Meeting)
admin.site.register(Delegation)
admin.site.register(MissionDocument)
