from django.urls import path

from . import views

app_name = "sharing"
urlpatterns = [
    path("new/stage/<int:number>/", views.share_stage, name="stage"),
    path("new/exercise/<slug:slug>/", views.share_exercise, name="exercise"),
    path("new/playground/", views.share_playground, name="playground"),
    path("<slug:code>/", views.snapshot, name="snapshot"),
    path("<slug:code>/copy/", views.copy, name="copy"),
    path("<slug:code>/explain/", views.explain_view, name="explain"),
    path("<slug:code>/probe/", views.probe_view, name="probe"),
]
