from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView, TemplateView


class FaviconView(RedirectView):
    """/favicon.ico to the hashed favicon, looked up per request: at import time the static
    files may not be collected yet (manage.py check --deploy on a fresh box)."""

    permanent = True

    def get_redirect_url(self, *args, **kwargs):
        return static("favicon.svg")


urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("accounts/", include("trainer.accounts.urls")),
    path("stages/", include("trainer.walkthrough.urls")),
    path("lab/", include("trainer.lab.urls")),
    path("quizzes/", include("trainer.quizzes.urls")),
    path("classes/", include("trainer.classes.urls")),
    path("progress/", include("trainer.progress.urls")),
    path("playground/", include("trainer.playground.urls")),
    path("s/", include("trainer.sharing.urls")),
    path("admin/", admin.site.urls),
    # Browsers and bookmarks ask for /favicon.ico whatever the page links.
    path("favicon.ico", FaviconView.as_view()),
]

# The site's own error pages (404 is Django's view with templates/404.html). /healthz and /readyz
# are answered by trainer.ops.middleware.HealthCheckMiddleware, before any URL is resolved.
handler400 = "trainer.ops.errors.bad_request"
handler403 = "trainer.ops.errors.permission_denied"
handler500 = "trainer.ops.errors.server_error"
