"""The bell: a person's notifications as a page and as the top bar's dropdown (htmx)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import selectors, services

PAGE_SIZE = 30


@login_required
@require_GET
def notification_list(request):
    page = Paginator(selectors.notifications_for(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "inbox/notification_list.html", {"page_obj": page})


@login_required
@require_GET
def notification_dropdown(request):
    """The dropdown under the bell, loaded when it is opened."""
    context = {"notifications": selectors.latest_notifications(request.user)}
    return render(request, "inbox/partials/notification_dropdown.html", context)


@login_required
@require_GET
def notification_open(request, pk):
    """Follow a notification: marked read, then its request (or the list)."""
    return redirect(services.notification_open(user=request.user, notification_id=pk))


@login_required
@require_POST
def notifications_read_all(request):
    marked = services.notifications_mark_read(user=request.user)
    messages.success(request, _("%(count)d notification(s) marked as read.") % {"count": marked})
    return redirect("inbox:list")
