"""The callback desk, the call screen and the satisfaction reports: parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.org.permissions import require_capability

from . import campaigns as campaigns_module
from . import exports, selectors, services
from .choices import CallbackStatus, Satisfaction
from .forms import AttemptForm, PeriodForm, ResultForm

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 25


@login_required
@require_GET
def desk(request):
    require_capability(request.user, "callbacks.view")
    later = request.GET.get("show") == "all"
    tasks = selectors.desk(request.user, include_later=later)
    # Counted without an order: the pending-due index answers "due by tonight" (newest first, the
    # count walked every pending task created after today's).
    # Pages over ids (deferred join): PostgreSQL joined the requests to every due task before sorting.
    page = CappedCountPaginator(
        tasks.values_list("pk", flat=True), PAGE_SIZE, count_newest_first=False, hydrate=selectors.desk_rows
    ).get_page(request.GET.get("page"))
    context = {"page_obj": page, "later": later, "now": timezone.now(), "me": request.user.pk}
    return render(request, "callbacks/desk.html", context)


def _call_context(request, task, result_form=None, attempt_form=None) -> dict:
    now = timezone.now()
    mine = task.claimed_by_id == request.user.pk and task.claimed_until and task.claimed_until > now
    return {
        "task": task,
        "ticket": task.ticket,
        "script": selectors.script_for(task, request.user),
        "attempts": task.tries.select_related("by"),
        "mine": mine,
        "taken": task.claimed_by_id and not mine and task.claimed_until and task.claimed_until > now,
        "pending": task.status == CallbackStatus.PENDING,
        "result_form": result_form or ResultForm(initial={"version": task.version}),
        "attempt_form": attempt_form or AttemptForm(),
    }


@login_required
@require_GET
def call(request, pk: int):
    task = selectors.get_callback_for_user(request.user, pk)
    return render(request, "callbacks/call.html", _call_context(request, task))


@login_required
@require_POST
def claim(request, pk: int):
    task = selectors.get_callback_for_user(request.user, pk)
    try:
        services.callback_claim(actor=request.user, callback=task)
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("callbacks:desk")
    return redirect("callbacks:call", pk=task.pk)


@login_required
@require_POST
def release(request, pk: int):
    task = selectors.get_callback_for_user(request.user, pk)
    try:
        services.callback_release(actor=request.user, callback=task)
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("callbacks:desk")


@login_required
@require_POST
def result(request, pk: int):
    task = selectors.get_callback_for_user(request.user, pk)
    form = ResultForm(request.POST)
    if form.is_valid():
        try:
            services.callback_record(
                actor=request.user,
                callback=task,
                result=form.cleaned_data["result"],
                answers=form.answers(),
                comment=form.cleaned_data["comment"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The callback result was recorded."))
            return redirect("callbacks:desk")
    task.refresh_from_db()
    return render(request, "callbacks/call.html", _call_context(request, task, result_form=form), status=400)


@login_required
@require_POST
def attempt(request, pk: int):
    task = selectors.get_callback_for_user(request.user, pk)
    form = AttemptForm(request.POST)
    if form.is_valid():
        try:
            services.callback_attempt_failed(
                actor=request.user,
                callback=task,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                call_at=form.cleaned_data["call_at"],
            )
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("The attempt was recorded."))
            return redirect("callbacks:desk")
    task.refresh_from_db()
    return render(request, "callbacks/call.html", _call_context(request, task, attempt_form=form), status=400)


@login_required
@require_GET
def satisfaction(request):
    require_capability(request.user, "callbacks.report")
    form = PeriodForm(request.GET)
    since, until, by = form.period()
    context = {
        "form": form,
        "since": since,
        "until": until,
        "by": by,
        "groupings": [(key, label) for key, (_field, label) in selectors.GROUPINGS.items()],
        "totals": selectors.satisfaction_totals(request.user, since, until),
        "rows": selectors.satisfaction(request.user, since, until, by),
        "filter_errors": filter_errors(form),
    }
    return render(request, "callbacks/satisfaction.html", context)


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def summary_export(request):
    require_capability(request.user, "callbacks.report")
    since, until, _by = PeriodForm(request.GET).period()
    sections = {by: selectors.satisfaction(request.user, since, until, by) for by in selectors.GROUPINGS}
    totals = selectors.satisfaction_totals(request.user, since, until)
    return _xlsx(exports.summary_report_xlsx(totals, sections, since, until), f"callback-summary-{since}-{until}.xlsx")


@login_required
@require_GET
def records_export(request):
    require_capability(request.user, "callbacks.report")
    since, until, _by = PeriodForm(request.GET).period()
    tasks = selectors.record_sheet(request.user, since, until)
    return _xlsx(exports.record_sheet_xlsx(tasks, since, until), f"callback-records-{since}-{until}.xlsx")


# Proactive service campaigns (主动服务): list and create, one page per campaign with its sites.


@login_required
def campaigns(request):
    require_capability(request.user, "callbacks.view")
    errors, name, head = {}, "", ""
    if request.method == "POST":
        name, head = request.POST.get("name", ""), request.POST.get("head_office", "")
        # isdecimal, not isdigit: isdigit() accepts "²", which int() refuses.
        try:
            campaign = campaigns_module.campaign_create(
                actor=request.user, name=name, head_office_id=int(head) if head.isdecimal() else None
            )
        except ValidationError as refused:
            errors = refused.message_dict
        else:
            return redirect("callbacks:campaign", pk=campaign.pk)
    rows = campaigns_module.campaigns_visible_to(request.user).select_related("head_office")[:100]
    context = {"campaigns": rows, "errors": errors, "name": name, "head": head}
    return render(request, "callbacks/campaigns.html", context, status=400 if errors else 200)


@login_required
@require_GET
def campaign(request, pk: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    context = {
        "campaign": item,
        "report": campaigns_module.campaign_report(item),
        "results": Satisfaction.choices,
        "now": timezone.now(),  # whose claims are still live
    }
    return render(request, "callbacks/campaign.html", context)


@login_required
@require_POST
def campaign_call(request, pk: int, call_id: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    call = get_object_or_404(item.calls, pk=call_id)
    try:
        campaigns_module.campaign_call_record(
            actor=request.user,
            call=call,
            reached=request.POST.get("reached") == "yes",
            result=request.POST.get("result", ""),
            faults=request.POST.get("faults", "").splitlines(),
            note=request.POST.get("note", ""),
        )
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("callbacks:campaign", pk=item.pk)


@login_required
@require_POST
def campaign_call_claim(request, pk: int, call_id: int):
    """Take a site before calling it: another agent on the campaign then sees it taken."""
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    call = get_object_or_404(item.calls, pk=call_id)
    try:
        campaigns_module.campaign_call_claim(actor=request.user, call=call)
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect(f"{reverse('callbacks:campaign', args=[item.pk])}#call-{call.pk}")


@login_required
@require_POST
def campaign_call_release(request, pk: int, call_id: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    call = get_object_or_404(item.calls, pk=call_id)
    try:
        campaigns_module.campaign_call_release(actor=request.user, call=call)
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("callbacks:campaign", pk=item.pk)


@login_required
@require_POST
def campaign_fault(request, pk: int, call_id: int, index: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    call = get_object_or_404(item.calls, pk=call_id)
    try:
        ticket = campaigns_module.campaign_fault_to_request(actor=request.user, call=call, index=index)
    except ValidationError as refused:
        messages.error(request, " ".join(refused.messages))
    else:
        messages.success(request, _("Request %(number)s registered.") % {"number": ticket.number})
    return redirect("callbacks:campaign", pk=item.pk)


@login_required
@require_GET
def campaign_export(request, pk: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    return _xlsx(campaigns_module.campaign_report_xlsx(item), f"campaign-{item.pk}.xlsx")


@login_required
@require_GET
def campaign_pdf(request, pk: int):
    item = campaigns_module.get_campaign_for_user(request.user, pk)
    response = HttpResponse(campaigns_module.campaign_report_pdf(item), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="campaign-{item.pk}.pdf"'
    return response
