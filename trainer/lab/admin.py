from django.contrib import admin

from .models import LabState, QuestionAnswer, Submission


@admin.register(Submission)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("user", "exercise", "created_at", "passed", "score")
    list_filter = ("passed", "exercise")
    search_fields = ("user__username", "exercise")


@admin.register(LabState)
class LabStateAdmin(admin.ModelAdmin):
    list_display = ("user", "exercise", "hints_shown", "gave_up", "updated_at")
    search_fields = ("user__username", "exercise")


@admin.register(QuestionAnswer)
class QuestionAnswerAdmin(admin.ModelAdmin):
    list_display = ("user", "exercise", "question", "correct", "created_at")
    list_filter = ("correct", "exercise")
