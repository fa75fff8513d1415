from django.urls import path

from . import views

app_name = "playground"
urlpatterns = [
    path("", views.page, name="page"),
    path("evaluate/", views.evaluate_view, name="evaluate"),
    path("explain/", views.explain_view, name="explain"),
    path("probe/", views.probe_view, name="probe"),
    path("reset/", views.reset, name="reset"),
]
