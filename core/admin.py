from typing import TYPE_CHECKING

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Model
from django.http import HttpRequest
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

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
    """Read-only (AC-10): accounts are invited, given roles and deactivated on the product's
    audited staff screens; here `is_staff`, `is_superuser` or a password could change unaudited."""

    fieldsets = (*(DjangoUserAdmin.fieldsets or ()), (None, {"fields": ["language"]}))
    list_display = ["username", "first_name", "last_name", "email", "is_active", "is_staff"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# Second-factor devices hold users' secret keys: django-otp's admin pages would show them and let
# an administrator give anyone a device. They are managed on the product's screens (AU-03, AC-10).
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


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
