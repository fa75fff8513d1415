from django.contrib import admin

from .models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(admin.ModelAdmin):
    """To find a share link by its code and remove it (snapshots are never edited)."""

    list_display = ("code", "kind", "item", "scenario", "created_at")
    list_filter = ("kind",)
    search_fields = ("code",)
    readonly_fields = ("code", "kind", "item", "scenario", "policies", "cluster", "created_at")
