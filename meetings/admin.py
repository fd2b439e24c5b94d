"""Read-mostly admin for working groups; writes go through the pages and services, which audit."""

from django.contrib import admin

from .models import Meeting, Resolution, WorkingGroup


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["title_fa", "convening_organisation", "secretary", "status"]
    list_filter = ["status"]
    search_fields = ["title_fa", "title_en"]
    raw_id_fields = ["secretary", "convening_organisation"]
    filter_horizontal = ["member_organisations"]
    exclude = ["members", "created_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["working_group", "number", "held_on", "place"]
    list_filter = ["working_group"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Resolution)
class ResolutionAdmin(admin.ModelAdmin):
    list_display = ["meeting", "number", "kind", "status", "due_date"]
    list_filter = ["status", "kind"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
