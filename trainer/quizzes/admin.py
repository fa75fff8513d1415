from django.contrib import admin

from .models import Attempt, AttemptQuestion


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    extra = 0
    readonly_fields = ("position", "slug", "variant_seed", "answer", "answered_at", "flagged",
                       "checked", "correct")
    can_delete = False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("title", "user", "mode", "started_at", "submitted_at", "correct_count", "graded_count")
    list_filter = ("mode", "timed_out")
    readonly_fields = ("id", "seed", "started_at", "deadline", "submitted_at", "timed_out")
    inlines = [AttemptQuestionInline]
