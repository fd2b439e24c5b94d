"""Administrators' view of organisations and memberships: read-only (AC-10).

Organisations, their services, memberships and roles change only on the product's own screens
(`ngos.services`), which audit each change and refuse one's own role; here an administrator
could otherwise make himself an NGO's manager without a trace (issue 18, finding 3).
"""

from django.contrib import admin

from .models import Membership, Organisation, Service, ServiceOffering


class ReadOnlyAdminMixin:
    """Listed and opened, never added, changed or deleted."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceOfferingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ServiceOffering
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["name_fa", "name_en", "code", "kind", "home_province", "status", "verified_at"]
    list_filter = ["kind", "status", "home_province"]
    search_fields = ["name_fa", "name_en", "code", "registration_number", "search_name"]
    filter_horizontal = ["provinces"]
    inlines = [ServiceOfferingInline]
    readonly_fields = [
        "status",
        "verified_at",
        "verified_by",
        "verification_note",
        "suspended_at",
        "suspended_by",
        "suspension_reason",
    ]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fa", "name_en", "position", "completion_days"]
    list_editable = ["completion_days"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # other apps refer to services by code

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "province"]
    list_filter = ["role", "organisation"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "organisation__name_fa",
    ]
    autocomplete_fields = ["user", "organisation"]
    readonly_fields = ["invited_by"]
