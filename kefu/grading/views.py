"""Grading pages: schemes and runs, the proposals a supervisor decides, a customer's grade explained."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.customers.selectors import get_customer_for_user
from kefu.customers.tiers import active_tiers
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .choices import ProposalStatus
from .exports import grade_export_csv
from .filters import ProposalFilter
from .forms import DecisionForm, OverrideForm, PresetForm, SchemeForm

PAGE_SIZE = 50


@login_required
@require_GET
def index(request):
    """The schemes with their latest runs; presets to install; run now, put on the schedule."""
    require_capability(request.user, "grading.view")
    schemes = list(selectors.schemes_visible_to(request.user))
    runs = list(selectors.runs_visible_to(request.user)[:20])
    context = {
        "schemes": schemes,
        "runs": runs,
        "preset_form": PresetForm(),
        "pending": selectors.pending_proposals_for(request.user).count(),
        "can_configure": has_capability(request.user, "grading.configure"),
        "can_run": has_capability(request.user, "grading.run"),
    }
    return render(request, "grading/index.html", context)


@login_required
@require_POST
def install_preset(request):
    require_capability(request.user, "grading.configure")
    form = PresetForm(request.POST)
    if form.is_valid():
        try:
            scheme = services.scheme_install_preset(actor=request.user, preset=form.cleaned_data["preset"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Scheme %(name)s installed.") % {"name": scheme.name})
            return redirect("grading:scheme", scheme.pk)
    else:
        messages.error(request, _("Choose one of the presets."))
    return redirect("grading:index")


@login_required
@require_http_methods(["GET", "POST"])
def scheme_edit(request, scheme_id=None):
    """Create or change a scheme's rules (criteria, weights, bands, tier bands)."""
    require_capability(request.user, "grading.configure")
    scheme = (
        selectors.get_scheme_for_user(request.user, scheme_id, capability="grading.configure") if scheme_id else None
    )
    form = SchemeForm(request.POST or None, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            if scheme is None:
                scheme = services.scheme_create(actor=request.user, data=form.rules())
            else:
                version = int(request.POST.get("version") or 0)
                scheme = services.scheme_update(
                    actor=request.user, scheme=scheme, expected_version=version, data=form.rules()
                )
        except ValidationError as error:
            apply_errors(form, error)
        except ServiceError as error:
            form.add_error(None, str(error.message))
        else:
            messages.success(request, _("Scheme saved."))
            return redirect("grading:scheme", scheme.pk)
    context = {"form": form, "scheme": scheme, "tiers": active_tiers()}
    return render(request, "grading/scheme_form.html", context)


@login_required
@require_GET
def scheme_detail(request, scheme_id):
    scheme = selectors.get_scheme_for_user(request.user, scheme_id)
    context = {
        "scheme": scheme,
        "rules": services.scheme_rules(scheme),
        "runs": list(selectors.runs_visible_to(request.user).filter(scheme=scheme)[:20]),
        "can_configure": has_capability(request.user, "grading.configure"),
        "can_run": has_capability(request.user, "grading.run"),
    }
    return render(request, "grading/scheme_detail.html", context)


@login_required
@require_POST
def scheme_run(request, scheme_id):
    scheme = selectors.get_scheme_for_user(request.user, scheme_id, capability="grading.run")
    run = services.grading_run(actor=request.user, scheme=scheme)
    messages.success(
        request,
        _("Graded %(customers)s customers: %(changes)s changes, %(proposals)s new proposals.")
        % {"customers": run.customers, "changes": run.changes, "proposals": run.proposals},
    )
    return redirect("grading:run", run.pk)


@login_required
@require_POST
def scheme_use(request, scheme_id):
    scheme = selectors.get_scheme_for_user(request.user, scheme_id, capability="grading.configure")
    services.scheme_put_in_use(actor=request.user, scheme=scheme)
    messages.success(request, _("%(name)s now runs on the schedule.") % {"name": scheme.name})
    return redirect("grading:scheme", scheme.pk)


@login_required
@require_GET
def run_detail(request, run_id):
    run = selectors.get_run_for_user(request.user, run_id)
    context = {"run": run, "proposals_url": f"{reverse('grading:proposals')}?run={run.pk}&status=pending"}
    return render(request, "grading/run_detail.html", context)


@login_required
@require_GET
def proposals(request):
    """Grade proposals in the reader's scope, pending first by default; decided in bulk."""
    require_capability(request.user, "grading.view")
    data = request.GET.copy()
    data.setdefault("status", ProposalStatus.PENDING)
    filterset = ProposalFilter(data, queryset=selectors.proposals_visible_to(request.user), request=request)
    page = CappedCountPaginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filter_errors": filter_errors(filterset),
        "params": filters_shown(filterset),
        "statuses": ProposalStatus.choices,
        "tiers": active_tiers(),
        "schemes": selectors.schemes_visible_to(request.user),
        "can_decide": has_capability(request.user, "grading.approve"),
        "labels": {tier.code: tier.label for tier in active_tiers()},
    }
    return render(request, "grading/proposals.html", context)


@login_required
@require_POST
def decide(request):
    require_capability(request.user, "grading.approve")
    form = DecisionForm(request.POST)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("grading:proposals")  # never off the site ("//host", "/\\host", "https://host")
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject and the proposals."))
        return redirect(back)
    data = form.cleaned_data
    if not data["all"] and not data["ids"]:
        messages.error(request, _("Choose at least one proposal awaiting a decision."))
        return redirect(back)
    try:
        decided = services.proposals_decide(
            actor=request.user,
            ids=None if data["all"] else data["ids"],
            approve=data["decision"] == "approve",
            note=data["note"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except ServiceError as error:
        messages.error(request, str(error.message))
    else:
        text = (
            _("%(count)s proposals approved.") if data["decision"] == "approve" else _("%(count)s proposals rejected.")
        )
        messages.success(request, text % {"count": decided})
    return redirect(back)


@login_required
@require_http_methods(["GET", "POST"])
def customer_grade(request, customer_id):
    """A customer's grade explained (each criterion's value, band, weight, points), the pending
    proposal, the history, the export for the customer and the manual override."""
    require_capability(request.user, "grading.view")
    customer = get_customer_for_user(request.user, customer_id)
    can_override = has_capability(request.user, "grading.override")
    form = OverrideForm(request.POST or None, initial={"tier": customer.tier})
    if request.method == "POST":
        require_capability(request.user, "grading.override")
        if form.is_valid():
            try:
                services.grade_override(actor=request.user, customer=customer, **form.cleaned_data)
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(request, _("Grade set."))
                return redirect("grading:customer", customer.pk)
    grade = selectors.customer_grade(request.user, customer.pk)
    context = {"customer": customer, "grade": grade, "form": form, "can_override": can_override}
    return render(request, "grading/customer_grade.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def customer_grade_export(request, customer_id):
    require_capability(request.user, "grading.view")
    customer = get_customer_for_user(request.user, customer_id)
    text = grade_export_csv(actor=request.user, customer=customer)
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    filename = f"grade-{customer.pk}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
