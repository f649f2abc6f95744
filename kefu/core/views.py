"""The workbench (我的工作台): the first page after login. Later apps add their own cards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.templatetags.static import static

from .workbench import workbench_cards


@login_required
def workbench(request):
    return render(request, "core/workbench.html", {"cards": workbench_cards(request.user)})


def favicon(request):
    """/favicon.ico, which browsers ask for on pages without an icon link (the admin's): the
    icon's current address, looked up on each call since collectstatic puts its hash in it."""
    return redirect(static("img/favicon.svg"), permanent=True)
