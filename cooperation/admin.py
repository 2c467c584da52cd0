from django.contrib import admin

from .models import CooperationArea, InitialStep, WorkProgramme, WorkProgrammeItem


class InitialStepInline(admin.TabularInline):
    model = InitialStep
    extra = 0


@admin.register(CooperationArea)
class CooperationAreaAdmin(admin.ModelAdmin):
    list_display = ["code", "name_en", "position", "is_reference"]
    search_fields = ["code", "name_en"]
    inlines = [InitialStepInline]


class WorkProgrammeItemInline(admin.TabularInline):
    model = WorkProgrammeItem
    extra = 0
    autocomplete_fields = ["lead_body"]


@admin.register(WorkProgramme)
class WorkProgrammeAdmin(admin.ModelAdmin):
    list_display = ["area", "year"]
    list_filter = ["year", "area"]
    inlines = [WorkProgrammeItemInline]
