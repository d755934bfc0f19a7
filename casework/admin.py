"""The admin is for administrators: staff accounts, teams and configuration.

Case records are shown read-only to heads of service (for audit) and never deleted here:
changes to case content go through the pages and API, which call the services."""

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import Any

from axes.admin import AccessAttemptAdmin, AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, Q, QuerySet
from django.forms import ModelForm
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from knox.models import AuthToken
from simple_history.admin import SimpleHistoryAdmin

from casework import codes, services
from casework.ids import parse_id
from casework.models import (
    Allocation,
    CareEpisode,
    CareLeaverContact,
    CaseNote,
    Child,
    ChildAccount,
    ChildInvite,
    FamilyMember,
    HealthRecord,
    LegalStatus,
    LookedAfterReview,
    MissingEpisode,
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


class OddInputAdmin(admin.ModelAdmin):
    """Every Hearth admin's base: odd input in a URL or form is a 404 or a message, never a server error.

    Django's admin and django-simple-history pass some values straight to a query: a history page's id
    (".../abc/history/"), a past version's id, an empty `?_to_field=`, and an action's selected ids
    (`_selected_action=abc`). Each is checked here first, the same way for every model."""

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        return super().get_object(request, object_id, from_field or None)  # "" names no field: the primary key

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        chosen = request.POST.getlist(helpers.ACTION_CHECKBOX_NAME) if request.method == "POST" else []
        if any(parse_id(value) is None for value in chosen):
            self.message_user(request, "Choose records from the list: those sent are not records here.", messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())
        return super().changelist_view(request, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        if parse_id(unquote(object_id)) is None:
            raise Http404("No such record.")
        return super().history_view(request, object_id, extra_context)


class OddInputHistoryAdmin(OddInputAdmin, SimpleHistoryAdmin):
    """OddInputAdmin for a model with a change history: a past version's id is checked too."""

    object_history_list_template = "admin/history_list.html"  # the library's, less an inline style the CSP refuses

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if parse_id(unquote(object_id)) is None or parse_id(version_id) is None:
            raise Http404("No such version.")
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response


@admin.register(Team)
class TeamAdmin(OddInputHistoryAdmin):
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
class HearthUserAdmin(UserAdmin, OddInputHistoryAdmin):
    form = StaffChangeForm
    list_display = ["username", "first_name", "last_name", "role", "team", "is_active"]
    list_filter = ["role", "team", "is_active"]
    fieldsets = (
        *(UserAdmin.fieldsets or ()),
        ("Hearth", {"fields": ("role", "team", "job_title", "social_work_england_id", "introduction")}),
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


class StaffAccessAttemptAdmin(OddInputAdmin, AccessAttemptAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


class StaffAccessLogAdmin(OddInputAdmin, AccessLogAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


class StaffAccessFailureLogAdmin(OddInputAdmin, AccessFailureLogAdmin):
    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return _without_children(super().get_queryset(request))


for log_model, log_admin in (
    (AccessAttempt, StaffAccessAttemptAdmin),
    (AccessLog, StaffAccessLogAdmin),
    (AccessFailureLog, StaffAccessFailureLogAdmin),
):
    admin.site.unregister(log_model)
    admin.site.register(log_model, log_admin)


class CaseLogAdmin(OddInputAdmin):
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

    # Every read of case content here is in the access log, as on the pages and the API: the list read, with
    # each child on the page, and each record, its history and its past versions.

    logs_reads = True

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        response = super().changelist_view(request, extra_context)
        listing = (getattr(response, "context_data", None) or {}).get("cl")
        if listing is not None and self.logs_reads:
            id_of = _child_id_getter(self.model)
            log_list(request, children=(id_of(record) for record in listing.result_list))
        return response

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._log_record(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        self._log_record(request, object_id)
        return super().history_view(request, object_id, extra_context)

    def _log_record(self, request: HttpRequest, object_id: str) -> None:
        if not (self.logs_reads and self.has_view_permission(request)):
            return  # refused below (nothing is read), or the access log itself
        record = self.get_object(request, unquote(object_id))
        if record is not None:
            log_list(request, children=[_child_id_getter(self.model)(record)])


def log_list(request: HttpRequest, *, children: Iterable[int | None]) -> None:
    shown = (child_id for child_id in children if child_id is not None)
    services.record_list_log(user=request.user, children=shown, page=f"admin:{request.get_full_path()}")  # type: ignore[arg-type]


def _child_id_getter(model: type[Model]) -> Callable[[Any], int | None]:
    """How to find a case record's child: itself, its `child`, or its parent record's (a visit's, a star's...)."""
    if model is Child:
        return attrgetter("pk")
    path = _child_path(model)
    return attrgetter(f"{path}_id") if path else lambda record: None


def _child_path(model: type[Model], depth: int = 3) -> str:
    names = {field.name: field for field in model._meta.get_fields()}
    if "child" in names and getattr(names["child"], "related_model", None) is Child and names["child"].many_to_one:
        return "child"
    for field in model._meta.get_fields():
        if depth > 1 and field.many_to_one and field.related_model not in (None, HearthUser, Child):
            inner = _child_path(field.related_model, depth - 1)
            if inner:
                return f"{field.name}.{inner}"
    return ""


class CaseRecordAdmin(CaseLogAdmin, OddInputHistoryAdmin):
    """CaseLogAdmin with the record's change history (its model must have `history = HistoricalRecords()`)."""

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._log_record(request, object_id)
        response: HttpResponse = super().history_form_view(request, object_id, version_id, extra_context)
        return response


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


@admin.register(CaseNote)
class CaseNoteAdmin(CaseRecordAdmin):
    list_display = ["child", "kind", "happened_at", "status", "author"]
    list_filter = ["status", "kind"]
    list_select_related = ["child", "author"]


@admin.register(Allocation)
class AllocationAdmin(CaseRecordAdmin):
    list_display = ["child", "worker", "started_on", "ended_on", "end_reason"]
    list_select_related = ["child", "worker"]


@admin.register(LookedAfterReview)
class LookedAfterReviewAdmin(CaseRecordAdmin):
    list_display = ["child", "reviewed_on", "participation", "chaired_by", "recorded_by"]
    list_filter = ["participation"]
    list_select_related = ["child", "recorded_by"]


@admin.register(MissingEpisode)
class MissingEpisodeAdmin(CaseRecordAdmin):
    list_display = ["child", "kind", "started_on", "ended_on", "return_interview_offered", "return_interview_taken"]
    list_filter = ["kind"]
    list_select_related = ["child"]


class ChildSeenFilter(admin.SimpleListFilter):
    """?child=<id>: every read of that child's record, and every list and export they were on. Reached from the
    child's own access log page; shown here only once chosen (a county has too many children to list)."""

    title = "child"
    parameter_name = "child"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        child_id = parse_id(request.GET.get(self.parameter_name))
        child = Child.objects.filter(pk=child_id).first() if child_id is not None else None
        return [(str(child.pk), child.display_name)] if child else []

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        child_id = parse_id(self.value())
        if child_id is None:
            return queryset
        return queryset.filter(Q(child_id=child_id) | Q(children=child_id)).distinct()


@admin.register(RecordView)
class RecordViewAdmin(CaseLogAdmin):
    """The access log, for heads of service: filter by child (?child=<id>), by who read, and by date."""

    logs_reads = False  # reading the access log is not logged in it: each read would add to what is read
    list_display = ["viewed_at", "user", "child", "children_shown", "page"]
    list_select_related = ["user", "child"]
    list_filter = [ChildSeenFilter, ("user", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["user__username", "user__first_name", "user__last_name", "page"]
    date_hierarchy = "viewed_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordView]:
        views: QuerySet[RecordView] = super().get_queryset(request)
        return views.annotate(shown=Count("children"))

    @admin.display(description="children on a list or export", ordering="shown")
    def children_shown(self, view: Any) -> int:
        return int(view.shown)


for model in (
    CareEpisode,
    LegalStatus,
    HealthRecord,
    CareLeaverContact,
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


class HearthGroupAdmin(OddInputAdmin, GroupAdmin):
    pass


admin.site.unregister(Group)
admin.site.register(Group, HearthGroupAdmin)
