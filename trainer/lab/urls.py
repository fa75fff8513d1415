from django.urls import path

from . import views

app_name = "lab"
urlpatterns = [
    path("", views.index, name="index"),
    path("progress/", views.progress, name="progress"),
    path("<slug:slug>/", views.exercise, name="exercise"),
    path("<slug:slug>/grade/", views.grade, name="grade"),
    path("<slug:slug>/evaluate/", views.evaluate, name="evaluate"),
    path("<slug:slug>/explain/", views.explain, name="explain"),
    path("<slug:slug>/panel/", views.panel, name="panel"),
    path("<slug:slug>/draft/", views.draft, name="draft"),
    path("<slug:slug>/reset/", views.reset, name="reset"),
    path("<slug:slug>/terminal/", views.run_command, name="terminal"),
    path("<slug:slug>/hint/", views.hint, name="hint"),
    path("<slug:slug>/give-up/", views.give_up, name="give_up"),
    path("<slug:slug>/questions/<slug:question>/", views.question, name="question"),
]
