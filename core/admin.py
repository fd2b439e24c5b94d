from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest

from .models import AuditEvent, Province, User

# Django's admin classes take no type arguments at run time; only the checker sees them.
if TYPE_CHECKING:
    UserAdminBase = DjangoUserAdmin[User]
    ProvinceAdminBase = admin.ModelAdmin[Province]
    AuditEventAdminBase = admin.ModelAdmin[AuditEvent]
else:
    UserAdminBase = DjangoUserAdmin
    ProvinceAdminBase = AuditEventAdminBase = admin.ModelAdmin


@admin.register(User)
class UserAdmin(UserAdminBase):
    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (None, {"fields": ["language"]}))
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]


@admin.register(Province)
class ProvinceAdmin(ProvinceAdminBase):
    list_display = ["name_fa", "name_en", "code"]
    search_fields = ["name_fa", "name_en"]


@admin.register(AuditEvent)
class AuditEventAdmin(AuditEventAdminBase):
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
