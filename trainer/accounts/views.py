from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme

from trainer.ops.ratelimit import rate_limited
from trainer.ops.requests import HtmxHttpRequest

from .forms import SignUpForm
from .handover import hand_over


def _next_url(request: HtmxHttpRequest):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return "home"


@rate_limited("signup")
def signup(request: HtmxHttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = SignUpForm(request.POST)
        if form.is_valid():
            user = form.save()
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            hand_over(request, user)
            return redirect(_next_url(request))
    else:
        form = SignUpForm()
    return render(request, "accounts/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"

    def form_valid(self, form):
        # Carry the anonymous session's work over before login() rotates the session.
        response = super().form_valid(form)
        hand_over(self.request, form.get_user())
        return response
