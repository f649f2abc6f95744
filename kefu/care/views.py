"""Care calendar, rules, batches with their review and approval, notices with their delivery
report, supply lines: parse → selector/service → render."""

from datetime import MAXYEAR, MINYEAR, date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import PermissionDeniedError, ServiceError
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .choices import BatchStatus, NoticeKind, NoticeStatus
from .forms import (
    CustomOccasionForm,
    GenerateForm,
    LineForm,
    LineUploadForm,
    NoticeForm,
    RejectForm,
    RuleForm,
)
from .models import CareRule, CustomOccasion, SupplyLine
from .sending import BATCH_SOURCE, NOTICE_SOURCE


def _refused_message(refused) -> str:
    return getattr(refused, "message", None) or "; ".join(getattr(refused, "messages", [str(refused)]))


@login_required
@require_GET
def calendar(request):
    require_capability(request.user, "care.view")
    today = timezone.localdate()
    try:
        year, number = (int(part) for part in request.GET.get("month", "").split("-"))
        first = date(year, number, 1)
        if not MINYEAR < year < MAXYEAR:
            raise ValueError(year)
    except ValueError:
        first = today.replace(day=1)
    context = {
        "days": selectors.care_calendar(request.user, first),
        "first": first,
        "previous": (first - timedelta(days=1)).replace(day=1),
        "following": (first.replace(day=28) + timedelta(days=4)).replace(day=1),
        "today": today,
    }
    return render(request, "care/calendar.html", context)


def _rules_page(request, rule_form=None, custom_form=None, status=200):
    context = {
        "rules": selectors.rules_list(),
        "customs": CustomOccasion.objects.all(),
        "rule_form": rule_form or RuleForm(),
        "custom_form": custom_form or CustomOccasionForm(),
        "generate_form": GenerateForm(),
        "may_configure": has_capability(request.user, "care.configure"),
    }
    return render(request, "care/rules.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def rules(request):
    require_capability(request.user, "care.view")
    if request.method == "GET":
        return _rules_page(request)
    form = RuleForm(request.POST)
    if form.is_valid():
        try:
            services.care_rule_create(actor=request.user, data=form.data_for_service())
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(request, _("The care rule was saved."))
            return redirect("care:rules")
    return _rules_page(request, rule_form=form, status=400)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request, pk: int):
    require_capability(request.user, "care.configure")
    rule = get_object_or_404(CareRule, pk=pk)
    form = RuleForm.for_rule(rule)
    status = 200
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.care_rule_update(
                    actor=request.user,
                    rule=rule,
                    data=form.data_for_service(),
                    expected_version=form.cleaned_data["version"],
                )
            except ValidationError as refused:
                apply_errors(form, refused)
            except ServiceError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The care rule was saved."))
                return redirect("care:rules")
        status = 400
    return render(request, "care/rule_edit.html", {"rule": rule, "form": form}, status=status)


@login_required
@require_POST
def custom_occasion_add(request):
    require_capability(request.user, "care.configure")
    form = CustomOccasionForm(request.POST)
    if form.is_valid():
        try:
            services.custom_occasion_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(request, _("The custom date was added."))
            return redirect("care:rules")
    return _rules_page(request, custom_form=form, status=400)


def _set_active(request, service, target, **objects):
    """The switch of a custom date or a supply line (`active` 1 or 0); a refusal is said on the page."""
    require_capability(request.user, "care.configure")
    try:
        service(actor=request.user, active=request.POST.get("active") == "1", **objects)
    except ValidationError as refused:
        messages.error(request, _refused_message(refused))
    else:
        messages.success(request, _("Saved."))
    return redirect(target)


@login_required
@require_POST
def custom_occasion_active(request, pk: int):
    custom = get_object_or_404(CustomOccasion, pk=pk)
    return _set_active(request, services.custom_occasion_set_active, "care:rules", custom=custom)


@login_required
@require_POST
def line_active(request, pk: int):
    line = get_object_or_404(SupplyLine, pk=pk)
    return _set_active(request, services.supply_line_set_active, "care:lines", line=line)


@login_required
@require_POST
def batch_generate(request, pk: int):
    require_capability(request.user, "care.configure")
    rule = get_object_or_404(CareRule, pk=pk)
    form = GenerateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the occasion date."))
        return redirect("care:rules")
    try:
        batch, created = services.care_batch_generate(actor=request.user, rule=rule, day=form.cleaned_data["day"])
    except ValidationError as refused:
        messages.error(request, _refused_message(refused))
        return redirect("care:rules")
    except ServiceError as refused:
        messages.error(request, refused.message)
        return redirect("care:rules")
    if not created:
        messages.info(request, _("This rule already has a batch for that date."))
    return redirect("care:batch", pk=batch.pk)


@login_required
@require_GET
def batches(request):
    require_capability(request.user, "care.view")
    status = request.GET.get("status", "")
    status = status if status in BatchStatus.values else ""
    page = CappedCountPaginator(selectors.batches_list(status), 25).get_page(request.GET.get("page"))
    return render(request, "care/batches.html", {"page_obj": page, "status": status, "statuses": BatchStatus.choices})


def _batch_page(request, batch, reject_form=None, error="", status=200):
    recipients = CappedCountPaginator(selectors.batch_recipients(request.user, batch), 50).get_page(
        request.GET.get("page")
    )
    preview = None
    if recipients.object_list:
        from kefu.outbox.selectors import active_template
        from kefu.outbox.services import template_preview

        template = active_template(batch.rule.purpose, batch.rule.channel)
        first = recipients.object_list[0]
        if template is not None:
            preview = template_preview(
                template_text=template.body,
                subject_text=template.subject,
                customer=first.customer,
                variables={
                    "occasion": batch.occasion_label,
                    "date": batch.occasion_date,
                    **({"recipient_name": first.key_person.name} if first.key_person else {}),
                },
            )
    context = {
        "batch": batch,
        "page_obj": recipients,
        "preview": preview,
        "report": selectors.delivery_report(BATCH_SOURCE, batch.pk)
        if batch.status in (BatchStatus.APPROVED, BatchStatus.ENQUEUED)
        else None,
        "reject_form": reject_form or RejectForm(),
        "may_decide": batch.status == BatchStatus.PENDING
        and has_capability(request.user, "care.approve")
        and batch.created_by_id != request.user.pk,
        "error": error,
    }
    return render(request, "care/batch.html", context, status=status)


@login_required
@require_GET
def batch(request, pk: int):
    return _batch_page(request, selectors.get_batch(request.user, pk))


@login_required
@require_POST
def batch_approve(request, pk: int):
    current = selectors.get_batch(request.user, pk)
    try:
        services.care_batch_approve(actor=request.user, batch=current)
    except (ValidationError, ServiceError) as refused:
        status = 403 if isinstance(refused, PermissionDeniedError) else getattr(refused, "status_code", 400)
        return _batch_page(request, current, error=_refused_message(refused), status=status)
    messages.success(request, _("The batch was approved and queued in the outbox."))
    return redirect("care:batch", pk=current.pk)


@login_required
@require_POST
def batch_reject(request, pk: int):
    current = selectors.get_batch(request.user, pk)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.care_batch_reject(actor=request.user, batch=current, reason=form.cleaned_data["reason"])
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            status = 403 if isinstance(refused, PermissionDeniedError) else refused.status_code
            return _batch_page(request, current, reject_form=form, error=refused.message, status=status)
        else:
            messages.success(request, _("The batch was rejected."))
            return redirect("care:batch", pk=current.pk)
    return _batch_page(request, current, reject_form=form, status=400)


@login_required
@require_GET
def notices(request):
    require_capability(request.user, "care.view")
    status = request.GET.get("status", "")
    status = status if status in NoticeStatus.values else ""
    page = CappedCountPaginator(selectors.notices_list(status), 25).get_page(request.GET.get("page"))
    reports = selectors.delivery_reports(NOTICE_SOURCE, [notice.pk for notice in page.object_list])
    rows = [(notice, reports[notice.pk]) for notice in page.object_list]
    return render(
        request,
        "care/notices.html",
        {
            "page_obj": page,
            "rows": rows,
            "status": status,
            "statuses": NoticeStatus.choices,
            "may_notify": has_capability(request.user, "care.notify"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request):
    require_capability(request.user, "care.notify")
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                notice = services.notice_create(actor=request.user, data=form.data_for_service())
            except ValidationError as refused:
                apply_errors(form, refused)
            except ServiceError as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The notice was saved; its messages go out as planned."))
                return redirect("care:notice", pk=notice.pk)
        return render(request, "care/notice_form.html", {"form": form}, status=400)
    return render(request, "care/notice_form.html", {"form": form})


def _notice_page(request, notice, error="", status=200):
    context = {
        "notice": notice,
        "stages": notice.stages.order_by("due_at", "pk"),
        "report": selectors.delivery_report(NOTICE_SOURCE, notice.pk),
        "may_notify": has_capability(request.user, "care.notify"),
        "may_restore": notice.kind == NoticeKind.UNPLANNED and notice.status == NoticeStatus.ACTIVE,
        "error": error,
    }
    return render(request, "care/notice.html", context, status=status)


@login_required
@require_GET
def notice(request, pk: int):
    return _notice_page(request, selectors.get_notice(request.user, pk))


def _notice_action(request, pk: int, action, done: str):
    current = selectors.get_notice(request.user, pk)
    version = request.POST.get("version", "")
    try:
        action(actor=request.user, notice=current, expected_version=int(version) if version.isdecimal() else None)
    except (ValidationError, ServiceError) as refused:
        return _notice_page(
            request, current, error=_refused_message(refused), status=getattr(refused, "status_code", 400)
        )
    messages.success(request, done)
    return redirect("care:notice", pk=current.pk)


@login_required
@require_POST
def notice_cancel(request, pk: int):
    return _notice_action(request, pk, services.notice_cancel, _("The notice was cancelled."))


@login_required
@require_POST
def notice_restore(request, pk: int):
    return _notice_action(request, pk, services.notice_restore, _("The restoration notice is going out."))


def _lines_page(request, line_form=None, upload_form=None, status=200):
    page = CappedCountPaginator(SupplyLine.objects.order_by("code"), 50).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "line_form": line_form or LineForm(),
        "upload_form": upload_form or LineUploadForm(),
        "may_configure": has_capability(request.user, "care.configure"),
    }
    return render(request, "care/lines.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def lines(request):
    require_capability(request.user, "care.view")
    if request.method == "GET":
        return _lines_page(request)
    form = LineForm(request.POST)
    if form.is_valid():
        try:
            services.supply_line_create(actor=request.user, data=form.cleaned_data)
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(request, _("The supply line was added."))
            return redirect("care:lines")
    return _lines_page(request, line_form=form, status=400)


@login_required
@require_POST
def lines_upload(request):
    require_capability(request.user, "care.configure")
    form = LineUploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            result = services.lines_import_csv(actor=request.user, upload=form.cleaned_data["file"])
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(
                request,
                _("%(lines)s lines created, %(customers)s customers put on lines.")
                % {"lines": result["lines_created"], "customers": result["customers_added"]},
            )
            return redirect("care:lines")
    return _lines_page(request, upload_form=form, status=400)
