"""The workbench (我的工作台): the first page after login. Later apps add their own cards."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .workbench import workbench_cards


@login_required
def workbench(request):
    return render(request, "core/workbench.html", {"cards": workbench_cards(request.user)})
