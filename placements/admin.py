"""Providers and homes are configuration, kept by administrators. Children's homes and decisions are
case records: read-only here, for heads of service, and changed only through the services."""

from django.contrib import admin

from casework.admin import CaseRecordAdmin, OddInputHistoryAdmin
from placements.models import (
    Adoption,
    AdoptionDecision,
    Home,
    PlacementDecision,
    PlacementEpisode,
    PreviousPermanence,
    Provider,
)


class HomeInline(admin.TabularInline):
    model = Home
    extra = 0
    fields = ["name", "rung", "transition", "place_code", "capacity", "weekly_cost", "active"]


@admin.register(Provider)
class ProviderAdmin(OddInputHistoryAdmin):
    list_display = ["name", "kind", "provider_code"]
    list_filter = ["kind"]
    search_fields = ["name"]
    inlines = [HomeInline]


@admin.register(Home)
class HomeAdmin(OddInputHistoryAdmin):
    list_display = [
        "name",
        "provider",
        "rung",
        "transition",
        "place_code",
        "capacity",
        "weekly_cost",
        "active",
        "deregistered_on",
    ]
    list_filter = ["rung", "transition", "active", "provider__kind"]
    list_select_related = ["provider"]
    search_fields = ["name", "child_facing_name", "postcode"]


@admin.register(PlacementEpisode)
class PlacementEpisodeAdmin(CaseRecordAdmin):
    list_display = ["child", "home", "started_on", "ended_on", "place", "reason_place_change", "rec"]
    list_select_related = ["child", "home"]


@admin.register(PlacementDecision)
class PlacementDecisionAdmin(CaseRecordAdmin):
    list_display = ["child", "status", "ideal_rung", "chosen_rung", "chosen_home", "created_by", "created_at"]
    list_filter = ["status", "chosen_rung"]
    list_select_related = ["child", "chosen_home", "created_by"]


@admin.register(AdoptionDecision)
class AdoptionDecisionAdmin(CaseRecordAdmin):
    list_display = ["child", "decided_on", "matched_on", "ceased_on", "ceased_reason", "recorded_by"]
    list_filter = ["ceased_reason"]
    list_select_related = ["child", "recorded_by"]


@admin.register(Adoption)
class AdoptionAdmin(CaseRecordAdmin):
    list_display = ["child", "adopted_on", "rec", "adopters", "adopters_sex", "recorded_by"]
    list_filter = ["rec", "adopters"]
    list_select_related = ["child", "recorded_by"]


@admin.register(PreviousPermanence)
class PreviousPermanenceAdmin(CaseRecordAdmin):
    list_display = ["child", "option", "local_authority", "order_date", "recorded_by"]
    list_filter = ["option"]
    list_select_related = ["child", "recorded_by"]
