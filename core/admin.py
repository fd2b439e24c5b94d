from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from .models import AuditEvent, Province, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = DjangoUserAdmin.fieldsets + ((None, {"fields": ["language"]}),)
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name_fa", "name_en", "code"]
    search_fields = ["name_fa", "name_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the table is append-only in the database as well."""

    list_display = [
        "at",
        "actor_username",
        "role",
        "organisation",
        "action",
        "object_type",
        "object_id",
        "ip_address",
    ]
    list_filter = ["action", "role"]
    search_fields = ["actor_username", "object_id", "request_id"]
    date_hierarchy = "at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
