from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("trainer.accounts.urls")),
    path("stages/", include("trainer.walkthrough.urls")),
    path("lab/", include("trainer.lab.urls")),
    path("quizzes/", include("trainer.quizzes.urls")),
    path("admin/", admin.site.urls),
]
