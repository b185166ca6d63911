from django.contrib import admin

from pollwatch.registry.models import Area, BallotOption, Contest, Election, PollingStation, Round


class BallotOptionInline(admin.TabularInline):
    model = BallotOption
    extra = 0


class RoundInline(admin.TabularInline):
    model = Round
    extra = 0
    filter_horizontal = ["areas"]


@admin.register(Election)
class ElectionAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "date", "kind"]
    inlines = [RoundInline]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Contest)
class ContestAdmin(admin.ModelAdmin):
    list_display = ["name", "election"]
    inlines = [BallotOptionInline]


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level_name", "election"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent"]


@admin.register(PollingStation)
class PollingStationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "area", "registered_voters", "kind"]
    search_fields = ["code", "name", "address"]
    list_filter = ["election", "kind"]
    raw_id_fields = ["area"]
