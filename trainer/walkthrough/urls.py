from django.urls import path

from . import views

app_name = "walkthrough"
urlpatterns = [
    path("", views.index, name="index"),
    path("beyond/", views.beyond_index, name="beyond"),
    path("beyond/<slug:slug>/", views.beyond_lesson, name="beyond-lesson"),
    path("<int:number>/", views.stage, name="stage"),
    path("<int:number>/evaluate/", views.evaluate_view, name="evaluate"),
    path("<int:number>/explain/", views.explain_view, name="explain"),
    path("<int:number>/probe/", views.probe_view, name="probe"),
    path("<int:number>/download/", views.download, name="download"),
    path("<int:number>/reset/", views.reset, name="reset"),
]
