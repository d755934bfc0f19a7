"""The admin is for administrators: staff accounts, teams and configuration.

Case records are shown read-only to heads of service (for audit) and never deleted here:
changes to case content go through the pages and API, which call the services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from casework import codes
from casework.models import (
    Allocation,
    CareEpisode,
    Child,
    ChildAccount,
    ChildInvite,
    FamilyMember,
    LegalStatus,
    RecordCheck,
    RecordView,
    SharedRecord,
    SiblingContactArrangement,
    SiblingContactSession,
    Team,
    Visit,
)
from casework.models import User as HearthUser

admin.site.site_header = "Hearth administration"
admin.site.site_title = "Hearth"


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "area"]
    search_fields = ["name"]


@admin.register(HearthUser)
class HearthUserAdmin(UserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (*(UserAdmin.fieldsets or ()), ("Hearth", {"fields": ("role", "team", "job_title", "introduction")}))
    add_fieldsets = (*(UserAdmin.add_fieldsets or ()), ("Hearth", {"fields": ("role", "team")}))

    def get_queryset(self, request: HttpRequest) -> QuerySet[HearthUser]:
        # Children's own sign-ins are theirs and their worker's (invite, suspend): an administrator never sees them.
        return super().get_queryset(request).exclude(role=codes.Role.CHILD)

    def has_delete_permission(self, request: HttpRequest, obj: HearthUser | None = None) -> bool:
        # Workers appear in children's histories: deactivate them instead.
        return False


class CaseLogAdmin(admin.ModelAdmin):
    """Read-only, and only for heads of service; administrators manage configuration, not case content.
    For records kept without a change history (access logs, invites); the rest use CaseRecordAdmin."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and getattr(request.user, "role", None) == codes.Role.HEAD_OF_SERVICE

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class CaseRecordAdmin(CaseLogAdmin, SimpleHistoryAdmin):
    """CaseLogAdmin with the record's change history (its model must have `history = HistoricalRecords()`)."""


@admin.register(Child)
class ChildAdmin(CaseRecordAdmin):
    list_display = ["__str__", "date_of_birth", "status"]
    list_filter = ["status", "uasc"]
    search_fields = ["first_name", "last_name", "preferred_name"]


@admin.register(Visit)
class VisitAdmin(CaseRecordAdmin):
    list_display = ["child", "visit_type", "visited_at", "status", "author"]
    list_filter = ["status", "visit_type"]
    list_select_related = ["child", "author"]


@admin.register(Allocation)
class AllocationAdmin(CaseRecordAdmin):
    list_display = ["child", "worker", "started_on", "ended_on", "end_reason"]
    list_select_related = ["child", "worker"]


@admin.register(RecordView)
class RecordViewAdmin(CaseLogAdmin):
    list_display = ["viewed_at", "user", "child", "page"]
    list_select_related = ["user", "child"]
    date_hierarchy = "viewed_at"


for model in (
    CareEpisode,
    LegalStatus,
    FamilyMember,
    SiblingContactArrangement,
    SiblingContactSession,
    ChildAccount,
    SharedRecord,
    RecordCheck,
):
    admin.site.register(model, CaseRecordAdmin)
admin.site.register(ChildInvite, CaseLogAdmin)
