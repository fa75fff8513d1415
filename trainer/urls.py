from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("trainer.accounts.urls")),
    path("stages/", include("trainer.walkthrough.urls")),
    path("lab/", include("trainer.lab.urls")),
    path("quizzes/", include("trainer.quizzes.urls")),
    path("classes/", include("trainer.classes.urls")),
    path("admin/", admin.site.urls),
]

# The site's own error pages (404 is Django's view with templates/404.html). /healthz and /readyz
# are answered by trainer.ops.middleware.HealthCheckMiddleware, before any URL is resolved.
handler400 = "trainer.ops.errors.bad_request"
handler403 = "trainer.ops.errors.permission_denied"
handler500 = "trainer.ops.errors.server_error"
