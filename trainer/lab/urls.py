from django.urls import path
from django.views.generic import TemplateView

app_name = "lab"
urlpatterns = [
    path("", TemplateView.as_view(template_name="lab/index.html"), name="index"),
]
