"""Administrators' view of organisations and memberships.

Verification and suspension are read-only here: they are ministry decisions, made on the
organisation's page through `ngos.services`, which audits them and tells the managers.
"""

from django.contrib import admin

from .models import Membership, Organisation, Service, ServiceOffering


class ServiceOfferingInline(admin.TabularInline):
    model = ServiceOffering
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
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
    list_display = ["code", "name_fa", "name_en", "position"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # other apps refer to services by code

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
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
