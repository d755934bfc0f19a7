"""The admin is for administrators: staff accounts, teams and configuration.

Case records are shown read-only to heads of service (for audit) and never deleted here:
changes to case content go through the pages and API, which call the services."""

from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from knox.models import AuthToken
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
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "area"]
    search_fields = ["name"]


# Who may grant what (separation of duties, issue 18) -----------------------------------------------
# A role that sees case content is granted only by a head of service, and nobody changes their own
# role, team or admin rights: so an administrator, who manages accounts but sees no case content, cannot
# give themselves (or anyone) case access, and nobody widens their own. Every change is in the history.

CASE_ROLES = (codes.Role.SOCIAL_WORKER, codes.Role.TEAM_MANAGER, codes.Role.HEAD_OF_SERVICE)
ACCESS_FIELDS = ("role", "team", "is_active", "is_staff", "is_superuser", "groups", "user_permissions")
OWN_ACCESS_FIELDS = ("role", "team", "is_staff", "is_superuser", "groups", "user_permissions")


def grants_case_access(user: Any) -> bool:
    """Whether this user may give an account a role that sees case content: a head of service."""
    return bool(user.is_active and getattr(user, "role", None) == codes.Role.HEAD_OF_SERVICE)


class StaffChangeForm(UserChangeForm):
    change_reason = forms.CharField(
        label="Why this change?",
        required=False,
        max_length=100,
        help_text="Needed when the role, team or access changes: it is kept in the account's history.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if set(ACCESS_FIELDS) & set(self.changed_data) and not cleaned.get("change_reason", "").strip():
            self.add_error("change_reason", "Say why the role, team or access changes.")
        return cleaned


@admin.register(HearthUser)
class HearthUserAdmin(UserAdmin, SimpleHistoryAdmin):
    form = StaffChangeForm
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Hearth", {"fields": ("role", "team", "job_title", "introduction")}),
        ("Why", {"fields": ("change_reason",)}),
    )
    add_fieldsets = (*(UserAdmin.add_fieldsets or ()), ("Hearth", {"fields": ("role", "team")}))

    def get_queryset(self, request: HttpRequest) -> QuerySet[HearthUser]:
        # Children's own sign-ins are theirs and their worker's (invite, suspend): an administrator never sees them.
        return super().get_queryset(request).exclude(role=codes.Role.CHILD)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return super().has_module_permission(request) or grants_case_access(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_view_permission(request, obj) or grants_case_access(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return super().has_change_permission(request, obj) or grants_case_access(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return super().has_add_permission(request) or grants_case_access(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        # Workers appear in children's histories: deactivate them instead.
        return False

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and obj.pk == request.user.pk:
            fields += OWN_ACCESS_FIELDS
        elif isinstance(obj, HearthUser) and obj.is_case_staff and not grants_case_access(request.user):
            fields += ("role", "team")
        return fields

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "role":
            granted = (*CASE_ROLES, codes.Role.ADMINISTRATOR) if grants_case_access(request.user) else (codes.Role.ADMINISTRATOR,)
            kwargs["choices"] = [(value, label) for value, label in codes.Role.choices if value in granted]
            kwargs.setdefault("initial", granted[0])
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: HearthUser, form: "ModelForm[HearthUser]", change: bool) -> None:
        obj._change_reason = form.cleaned_data.get("change_reason") or ("Account made" if not change else "")  # type: ignore[attr-defined]
        super().save_model(request, obj, form, change)

    def user_change_password(self, request: HttpRequest, id: str, form_url: str = "") -> HttpResponse:
        # Setting a case worker's password would let an administrator sign in as them.
        account = self.get_object(request, id)
        others = isinstance(account, HearthUser) and account.is_case_staff and account.pk != request.user.pk
        if others and not grants_case_access(request.user):
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)


# The sign-in log (django-axes): a child's sign-ins are theirs, never shown here. -------------------


def _without_children(queryset: QuerySet[Any]) -> QuerySet[Any]:
    return queryset.exclude(username__in=HearthUser.objects.filter(role=codes.Role.CHILD).values("username"))


class StaffAccessAttemptAdmin(AccessAttemptAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


class StaffAccessLogAdmin(AccessLogAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


class StaffAccessFailureLogAdmin(AccessFailureLogAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


for log_model, log_admin in (
    (AccessAttempt, StaffAccessAttemptAdmin),
    (AccessLog, StaffAccessLogAdmin),
    (AccessFailureLog, StaffAccessFailureLogAdmin),
):
    admin.site.unregister(log_model)
    admin.site.register(log_model, log_admin)


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
# API tokens are kept as hashes and ended by signing out or by a change to the account (casework.tokens):
# there is nothing for an administrator to do with them, and their times would show when a child signs in.
admin.site.unregister(AuthToken)
