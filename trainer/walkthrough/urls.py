from django.urls import path
from django.views.generic import TemplateView

app_name = "walkthrough"
urlpatterns = [
    path("", TemplateView.as_view(template_name="walkthrough/index.html"), name="index"),
]
