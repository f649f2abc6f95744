"""Fee collection pages: the arrears list, an arrear with its steps, promises and payments, the
billing import and the collection rates with targets. parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.org.choices import Role
from kefu.org.permissions import has_capability, require_capability
from kefu.org.selectors import account_managers_visible_to

from . import exports, imports, reminders, selectors, services
from .filters import ArrearFilter
from .forms import ImportForm, PaymentForm, PromiseForm, RatesForm, StepForm, TargetForm


@login_required
@require_GET
def arrears(request):
    require_capability(request.user, "collection.view")
    filterset = ArrearFilter(request.GET, queryset=selectors.arrears_visible_to(request.user))
    rows = filterset.qs if filterset.is_valid() else selectors.filter_arrears(filterset.queryset, {})
    page = CappedCountPaginator(rows, 25, count_newest_first=False).get_page(request.GET.get("page"))
    shown = filters_shown(filterset)
    context = {
        "page_obj": page,
        "state": shown.get("state") or "open",
        "shown": shown,
        "filter_errors": filter_errors(filterset),
        "today": timezone.localdate(),
        "may_import": has_capability(request.user, "collection.import"),
        # Those who see several books pick one (a manager sees only their own).
        "managers": account_managers_visible_to(request.user) if request.user.role != Role.ACCOUNT_MANAGER else [],
    }
    return render(request, "collection/list.html", context)


@login_required
@require_GET
def export(request):
    """The list as shown (its filters) as .xlsx; audited as an export of the user's arrears."""
    require_capability(request.user, "collection.view")
    filterset = ArrearFilter(request.GET, queryset=selectors.arrears_visible_to(request.user))
    rows = filterset.qs if filterset.is_valid() else selectors.filter_arrears(filterset.queryset, {})
    today = timezone.localdate()
    content = exports.arrears_xlsx(rows, today)
    audit_record(
        actor=request.user, action=AuditAction.EXPORTED, target_type="collection.arrear", target_id=0,
        target_repr=_("Arrears"), changes={"filters": [None, filters_shown(filterset)]},
        summary=_("Arrears exported"),
    )  # fmt: skip
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="arrears-{today}.xlsx"'
    return response


def _detail(request, arrear, *, status=200, **forms):
    history = selectors.arrear_history(arrear)
    context = {
        "arrear": arrear,
        **history,
        "reminder_sent": any(step.kind == "reminder" for step in history["steps"]),
        "today": timezone.localdate(),
        "may_work": has_capability(request.user, "collection.work") and arrear.status == "open",
        "may_pay": has_capability(request.user, "collection.import") and arrear.status == "open",
        "step_form": forms.get("step_form") or StepForm(),
        "promise_form": forms.get("promise_form") or PromiseForm(),
        "payment_form": forms.get("payment_form") or PaymentForm(),
    }
    return render(request, "collection/detail.html", context, status=status)


@login_required
@require_GET
def detail(request, pk: int):
    return _detail(request, selectors.get_arrear_for_user(request.user, pk))


def _post(request, pk, form_class, form_name, call, done):
    """Shared by the arrear's forms: parse, call the service, redirect or show the refusal."""
    arrear = selectors.get_arrear_for_user(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(arrear, form.cleaned_data)
        except ValidationError as refused:
            apply_errors(form, refused)
        except ServiceError as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, done)
            return redirect("collection:detail", pk=arrear.pk)
    return _detail(request, arrear, status=400, **{form_name: form})


@login_required
@require_POST
def step(request, pk: int):
    def call(arrear, data):
        services.collection_step_record(actor=request.user, arrear=arrear, kind=data["kind"], outcome=data["outcome"])

    return _post(request, pk, StepForm, "step_form", call, _("Recorded."))


@login_required
@require_POST
def remind(request, pk: int):
    arrear = selectors.get_arrear_for_user(request.user, pk)
    try:
        step = reminders.arrear_remind(actor=request.user, arrear=arrear)
    except (ValidationError, ServiceError) as refused:
        messages.error(request, getattr(refused, "message", None) or "; ".join(refused.messages))
    else:
        messages.success(request, f"{step.get_kind_display()}: {step.outcome}")
    return redirect("collection:detail", pk=arrear.pk)


@login_required
@require_POST
def promise(request, pk: int):
    def call(arrear, data):
        services.promise_record(actor=request.user, arrear=arrear, **data)

    return _post(request, pk, PromiseForm, "promise_form", call, _("The promise to pay was recorded."))


@login_required
@require_POST
def payment(request, pk: int):
    def call(arrear, data):
        services.payment_record(actor=request.user, arrear=arrear, **data)

    return _post(request, pk, PaymentForm, "payment_form", call, _("The payment was recorded."))


@login_required
@require_http_methods(["GET", "POST"])
def import_file(request):
    require_capability(request.user, "collection.import")
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = imports.import_file(
                actor=request.user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as refused:
            apply_errors(form, refused)
        else:
            messages.success(
                request,
                _("Imported: %(created)s new, %(updated)s corrected, %(unchanged)s already known.")
                % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
            )
            return redirect("collection:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "collection/import.html", {"form": form}, status=status)


def _target_form(user, data=None):
    managers = account_managers_visible_to(user) if has_capability(user, "collection.targets") else []
    return TargetForm(data, managers=managers, units=selectors.target_units(user).order_by("path"))


@login_required
@require_http_methods(["GET", "POST"])
def rates(request):
    require_capability(request.user, "collection.view")
    target_form = _target_form(request.user)
    status = 200
    if request.method == "POST":
        require_capability(request.user, "collection.targets")
        target_form = _target_form(request.user, request.POST)
        if target_form.is_valid():
            data = target_form.cleaned_data
            try:
                services.collection_target_set(
                    actor=request.user, period_start=data["period_start"], period_end=data["period_end"],
                    target_percent=data["target_percent"], manager_id=data["manager"], org_unit_id=data["org_unit"],
                )  # fmt: skip
            except ValidationError as refused:
                apply_errors(target_form, refused)
            else:
                messages.success(request, _("The target was saved."))
                return redirect(f"{request.path}?start={data['period_start']}&end={data['period_end']}")
        status = 400
    form = RatesForm(request.GET)
    errors = []
    if form.is_valid():
        period = form.cleaned_data
    else:
        errors = filter_errors(form)
        clean = RatesForm({})
        clean.is_valid()
        period = clean.cleaned_data
    total, rows = selectors.collection_rates(request.user, start=period["start"], end=period["end"], by=period["by"])
    context = {
        "total": total,
        "rows": rows,
        "period": period,
        "filter_errors": errors,
        "target_form": target_form,
        "may_set_targets": has_capability(request.user, "collection.targets"),
    }
    return render(request, "collection/rates.html", context, status=status)
