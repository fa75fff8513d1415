from django.urls import path

from . import views

app_name = "quizzes"
urlpatterns = [
    path("", views.index, name="index"),
    path("start/", views.start, name="start"),
    path("<uuid:pk>/", views.resume, name="resume"),
    path("<uuid:pk>/q/<int:position>/", views.question, name="question"),
    path("<uuid:pk>/q/<int:position>/answer/", views.answer, name="answer"),
    path("<uuid:pk>/q/<int:position>/check/", views.check, name="check"),
    path("<uuid:pk>/q/<int:position>/flag/", views.flag, name="flag"),
    path("<uuid:pk>/submit/", views.submit, name="submit"),
    path("<uuid:pk>/timer/", views.timer, name="timer"),
    path("<uuid:pk>/results/", views.results, name="results"),
]
