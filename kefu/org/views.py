from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from rest_framework.authtoken.models import Token

from .services import api_token_regenerate


class PasswordChange(auth_views.PasswordChangeView):
    success_url = reverse_lazy("workbench")

    def form_valid(self, form):
        messages.success(self.request, _("Your password was changed."))
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def api_token(request):
    """Show or regenerate the personal API token (for integrations acting as this user)."""
    token = None
    if request.method == "POST":
        token = api_token_regenerate(user=request.user)
        messages.success(request, _("A new API token was created. Copy it now: it is shown only once."))
        return render(request, "org/api_token.html", {"token": token.key, "has_token": True})
    has_token = Token.objects.filter(user=request.user).exists()
    return render(request, "org/api_token.html", {"token": token, "has_token": has_token})
