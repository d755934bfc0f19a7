"""Templates are configuration: administrators set them up here. Stars and check-ins are case
records: read-only, for heads of service, like casework's (CaseRecordAdmin)."""

from django.contrib import admin
from django.http import HttpRequest

from casework.admin import CaseRecordAdmin, OddInputHistoryAdmin
from outcomes.models import CheckIn, CheckInScore, Star, StarArea, StarTemplate, TemplateArea


class TemplateAreaInline(admin.TabularInline):
    model = TemplateArea
    extra = 1
    fields = ("order", "name", "question", "description")
    # Areas that children's stars came from are kept: change the wording, or make a new template.
    can_delete = False


@admin.register(StarTemplate)
class StarTemplateAdmin(OddInputHistoryAdmin):
    list_display = ["name", "scale_min", "scale_max", "min_age", "max_age", "active"]
    list_filter = ["active"]
    inlines = [TemplateAreaInline]

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class StarAreaInline(admin.TabularInline):
    model = StarArea
    fields = ("name", "original_name", "origin", "template_area", "added_on", "retired_on")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Star)
class StarAdmin(CaseRecordAdmin):
    list_display = ["child", "template", "started_on", "created_by"]
    list_select_related = ["child", "template", "created_by"]
    inlines = [StarAreaInline]


@admin.register(CheckIn)
class CheckInAdmin(CaseRecordAdmin):
    list_display = ["star", "stage", "date", "respondent", "recorded_by"]
    list_filter = ["stage", "respondent"]
    list_select_related = ["star__child", "star__template", "recorded_by"]


for model in (StarArea, CheckInScore):
    admin.site.register(model, CaseRecordAdmin)
