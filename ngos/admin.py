from django.contrib import admin

from .models import Membership, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name_fa", "name_en", "code", "kind", "home_province", "status"]
    list_filter = ["kind", "status", "home_province"]
    search_fields = ["name_fa", "name_en", "code", "registration_number"]
    filter_horizontal = ["provinces"]


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
