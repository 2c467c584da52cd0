from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Body, CadenceRule, Member, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "email", "role", "member", "is_active"]
    list_filter = ["role", "is_active", "member"]
    fieldsets = (*BaseUserAdmin.fieldsets, (_("NRC"), {"fields": ("role", "member", "language", "time_zone")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("NRC"), {"fields": ("role", "member", "email")}))
    autocomplete_fields = ["member"]


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = ["name_en", "iso2", "iso3", "joined_on", "left_on"]
    search_fields = ["name_en", "name_fr", "name_ru", "iso2", "iso3"]


class CadenceRuleInline(admin.TabularInline):
    model = CadenceRule
    extra = 0


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "kind", "basis", "parent", "existed_from", "existed_to", "allows_extraordinary"]
    list_filter = ["kind", "basis", "allows_extraordinary"]
    search_fields = ["code", "name_en"]
    filter_horizontal = ["areas", "participants"]
    inlines = [CadenceRuleInline]
    autocomplete_fields = ["parent"]


@admin.register(CadenceRule)
class CadenceRuleAdmin(admin.ModelAdmin):
    list_display = ["body", "min_meetings", "period", "effective_from", "effective_to"]
    list_filter = ["period"]
    list_select_related = ["body"]
