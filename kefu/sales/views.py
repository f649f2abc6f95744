"""Sales pages: the pipeline, price requests, campaigns, targets with the named group customers'
retention, and a customer's competitor records. Parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kefu.core.errors import ServiceError
from kefu.core.filters import filter_errors, filters_shown
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.customers.selectors import get_customer_for_user
from kefu.org.choices import Role
from kefu.org.permissions import has_capability, require_capability
from kefu.org.selectors import account_managers_visible_to

from . import selectors, services
from .choices import ProspectSource, ProspectStage
from .filters import ProspectFilter
from .forms import (
    CampaignEntryForm,
    CampaignForm,
    CompetitorRecordForm,
    NamedAddForm,
    NamedLostForm,
    PriceRequestAnswerForm,
    PriceRequestForm,
    ProspectConvertForm,
    ProspectForm,
    ProspectMoveForm,
    TargetForm,
)
from .models import CampaignEntry


def _page(request, queryset, per_page=25):
    return CappedCountPaginator(queryset, per_page, count_newest_first=False).get_page(request.GET.get("page"))


def _attempt(form, call):
    """Run a service call; its refusals go onto the form. True when it went through."""
    try:
        call()
    except ValidationError as refused:
        apply_errors(form, refused)
    except ServiceError as refused:
        form.add_error(None, refused.message)
    else:
        return True
    return False


# ---- competitor records of one customer


@login_required
@require_http_methods(["GET", "POST"])
def customer_competitors(request, customer_id: int):
    require_capability(request.user, "competitors.view")
    customer = get_customer_for_user(request.user, customer_id)
    if not selectors.business_file_customers(request.user).filter(pk=customer.pk).exists():
        return render(request, "sales/confidential.html", {"customer": customer}, status=403)
    form = CompetitorRecordForm(request.POST or None)
    if request.method == "POST":
        require_capability(request.user, "competitors.record")
        if form.is_valid() and _attempt(
            form,
            lambda: services.competitor_record_create(actor=request.user, customer=customer, data=form.cleaned_data),
        ):
            messages.success(request, _("The competitor record was saved."))
            return redirect("sales:customer_competitors", customer_id=customer.pk)
    records = selectors.customer_competitor_records(request.user, customer.pk)
    context = {
        "customer": customer,
        "records": records,
        "form": form,
        "may_record": has_capability(request.user, "competitors.record"),
    }
    return render(request, "sales/competitors.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def competitor_edit(request, pk: int):
    record = selectors.get_competitor_record_for_user(request.user, pk)
    require_capability(request.user, "competitors.record")
    initial = {field: getattr(record, field) for field in services.competitors.FIELDS}
    form = CompetitorRecordForm(request.POST or None, initial={**initial, "version": record.version})
    if request.method == "POST":
        if "delete" in request.POST:
            services.competitor_record_delete(actor=request.user, record=record)
            messages.success(request, _("The competitor record was removed."))
            return redirect("sales:customer_competitors", customer_id=record.customer_id)
        if form.is_valid():
            data = dict(form.cleaned_data)
            version = data.pop("version", None)
            if _attempt(
                form,
                lambda: services.competitor_record_update(
                    actor=request.user, record=record, data=data, expected_version=version
                ),
            ):
                messages.success(request, _("The competitor record was saved."))
                return redirect("sales:customer_competitors", customer_id=record.customer_id)
    return render(
        request, "sales/competitor_edit.html", {"record": record, "form": form}, status=400 if form.errors else 200
    )


# ---- the pipeline


@login_required
@require_GET
def pipeline(request):
    require_capability(request.user, "sales.view")
    filterset = ProspectFilter(request.GET, queryset=selectors.prospects_visible_to(request.user))
    rows = filterset.qs if filterset.is_valid() else selectors.filter_prospects(filterset.queryset, {})
    shown = filters_shown(filterset)
    context = {
        "page_obj": _page(request, rows),
        "stage": shown.get("stage") or "open",
        "shown": shown,
        "filter_errors": filter_errors(filterset),
        "stages": ProspectStage.choices,
        "sources": ProspectSource.choices,
        "counts": selectors.pipeline_counts(request.user),
        "may_work": has_capability(request.user, "sales.work"),
        # Those who see several people's prospects pick one (a manager sees only their own).
        "owners": account_managers_visible_to(request.user) if request.user.role != Role.ACCOUNT_MANAGER else [],
    }
    return render(request, "sales/pipeline.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def prospect_new(request):
    require_capability(request.user, "sales.work")
    form = ProspectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = []
        if _attempt(
            form,
            lambda: created.append(services.prospect_create(actor=request.user, data=form.cleaned_data)),
        ):
            messages.success(request, _("The prospect was added."))
            return redirect("sales:prospect", pk=created[0].pk)
    return render(request, "sales/prospect_new.html", {"form": form}, status=400 if form.errors else 200)


def _prospect_page(request, prospect, move_form=None, convert_form=None, status=200):
    context = {
        "prospect": prospect,
        "move_form": move_form or ProspectMoveForm(initial={"version": prospect.version, "stage": prospect.stage}),
        "convert_form": convert_form or ProspectConvertForm(initial={"version": prospect.version}),
        "open": prospect.stage not in (ProspectStage.WON, ProspectStage.LOST),
        "may_work": has_capability(request.user, "sales.work"),
        "may_convert": has_capability(request.user, "customers.create"),
        "price_requests": selectors.price_requests_visible_to(request.user).filter(prospect=prospect),
    }
    return render(request, "sales/prospect.html", context, status=status)


@login_required
@require_GET
def prospect(request, pk: int):
    return _prospect_page(request, selectors.get_prospect_for_user(request.user, pk))


@login_required
@require_POST
def prospect_move(request, pk: int):
    current = selectors.get_prospect_for_user(request.user, pk)
    form = ProspectMoveForm(request.POST)
    if form.is_valid() and _attempt(
        form,
        lambda: services.prospect_move(
            actor=request.user,
            prospect=current,
            stage=form.cleaned_data["stage"],
            lost_reason=form.cleaned_data["lost_reason"],
            expected_version=form.cleaned_data["version"],
        ),
    ):
        messages.success(request, _("The prospect's stage was changed."))
        return redirect("sales:prospect", pk=pk)
    return _prospect_page(request, current, move_form=form, status=400)


@login_required
@require_POST
def prospect_convert(request, pk: int):
    current = selectors.get_prospect_for_user(request.user, pk)
    form = ProspectConvertForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        created = []
        if _attempt(
            form,
            lambda: created.append(
                services.prospect_convert(actor=request.user, prospect=current, data=data, expected_version=version)
            ),
        ):
            messages.success(request, _("The prospect is now customer %(name)s.") % {"name": created[0].name})
            return redirect("customers:detail", created[0].pk)
    return _prospect_page(request, current, convert_form=form, status=400)


# ---- price requests


def _id_param(request, name: str) -> int | None:
    """An id in the query string; a value that is no id, or too long for one, names nothing (404)."""
    raw = request.GET.get(name) or ""
    if not raw:
        return None
    if not raw.isdecimal() or len(raw) > 18:
        raise Http404
    return int(raw)


@login_required
@require_GET
def price_requests(request):
    require_capability(request.user, "sales.view")
    state = request.GET.get("state") if request.GET.get("state") in selectors.PRICE_REQUEST_STATES else "open"
    context = {
        "page_obj": _page(request, selectors.price_request_list(request.user, state=state)),
        "state": state,
        "now": timezone.now(),
    }
    return render(request, "sales/price_requests.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def price_request_new(request):
    """For a customer (?customer=id) or a prospect (?prospect=id) the user may see."""
    require_capability(request.user, "sales.work")
    customer = prospect_obj = None
    customer_id, prospect_id = _id_param(request, "customer"), _id_param(request, "prospect")
    if customer_id:
        customer = get_customer_for_user(request.user, customer_id)
    elif prospect_id:
        prospect_obj = selectors.get_prospect_for_user(request.user, prospect_id)
    else:
        messages.error(request, _("Open the customer or the prospect the request comes from, then register it."))
        return redirect("sales:price_requests")
    form = PriceRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {key: value for key, value in form.cleaned_data.items() if value not in (None, "")}
        created = []
        if _attempt(
            form,
            lambda: created.append(
                services.price_request_create(actor=request.user, data=data, customer=customer, prospect=prospect_obj)
            ),
        ):
            messages.success(request, _("The price request was registered."))
            return redirect("sales:price_request", pk=created[0].pk)
    context = {"form": form, "customer": customer, "prospect": prospect_obj}
    return render(request, "sales/price_request_new.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def price_request(request, pk: int):
    current = selectors.get_price_request_for_user(request.user, pk)
    form = PriceRequestAnswerForm(request.POST or None, initial={"version": current.version})
    if (
        request.method == "POST"
        and form.is_valid()
        and _attempt(
            form,
            lambda: services.price_request_answer(
                actor=request.user,
                request=current,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            ),
        )
    ):
        messages.success(request, _("The answer was recorded."))
        return redirect("sales:price_request", pk=pk)
    context = {
        "item": current,
        "form": form,
        "now": timezone.now(),
        "may_work": has_capability(request.user, "sales.work"),
    }
    return render(request, "sales/price_request.html", context, status=400 if form.errors else 200)


# ---- campaigns


@login_required
@require_http_methods(["GET", "POST"])
def campaigns(request):
    require_capability(request.user, "sales.view")
    may_create = has_capability(request.user, "sales.targets")
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        require_capability(request.user, "sales.targets")
        if form.is_valid():
            data = dict(form.cleaned_data)
            customers, prospects = data.pop("customers"), data.pop("prospects")
            created = []
            if _attempt(
                form,
                lambda: created.append(
                    services.campaign_create(actor=request.user, data=data, customers=customers, prospects=prospects)
                ),
            ):
                messages.success(request, _("The campaign was created."))
                return redirect("sales:campaign", pk=created[0].pk)
    rows = selectors.campaigns_visible_to(request.user).order_by("-starts_on", "-pk")
    context = {"page_obj": _page(request, rows), "form": form, "may_create": may_create}
    return render(request, "sales/campaigns.html", context, status=400 if form.errors else 200)


@login_required
@require_GET
def campaign(request, pk: int):
    current = selectors.get_campaign_for_user(request.user, pk)
    context = {
        "campaign": current,
        "results": selectors.campaign_results(current),
        "page_obj": _page(request, selectors.campaign_entries(request.user, current), per_page=50),
        "entry_form": CampaignEntryForm(),
        "may_work": has_capability(request.user, "sales.work"),
    }
    return render(request, "sales/campaign.html", context)


@login_required
@require_POST
def campaign_entry(request, pk: int):
    entry = get_object_or_404(
        CampaignEntry.objects.filter(campaign__in=selectors.campaigns_visible_to(request.user)), pk=pk
    )
    form = CampaignEntryForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the result of the call or visit."))
    else:
        try:
            services.campaign_entry_record(actor=request.user, entry=entry, **form.cleaned_data)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("The result was recorded."))
    return redirect("sales:campaign", pk=entry.campaign_id)


# ---- targets and the named group customers' retention


def _target_form(user, data=None):
    units = selectors.units_in_reach(user).order_by("path")
    return TargetForm(data, units=units, managers=account_managers_visible_to(user))


def _year_of(request) -> int:
    raw = request.GET.get("year", "")
    year = int(raw) if raw.isdecimal() and len(raw) == 4 else timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    require_capability(request.user, "sales.view")
    may_set = has_capability(request.user, "sales.targets")
    form = _target_form(request.user, request.POST or None)
    if request.method == "POST":
        require_capability(request.user, "sales.targets")
        if "delete" in request.POST:
            raw = request.POST.get("delete", "")
            target = get_object_or_404(
                selectors.targets_visible_to(request.user), pk=int(raw) if raw.isdecimal() else 0
            )
            services.target_delete(actor=request.user, target=target)
            messages.success(request, _("The target was removed."))
            return redirect("sales:targets")
        if form.is_valid():
            data = dict(form.cleaned_data)
            org_unit, manager = data.pop("org_unit"), data.pop("manager")
            if _attempt(
                form,
                lambda: services.target_set(actor=request.user, data=data, org_unit=org_unit, manager=manager),
            ):
                messages.success(request, _("The target was set."))
                return redirect("sales:targets")
    today = timezone.localdate()
    year = _year_of(request)
    rows = selectors.targets_visible_to(request.user).select_related("org_unit", "manager")
    page = _page(request, rows)
    context = {
        "page_obj": page,
        "progress": [selectors.target_progress(target, today=today) for target in page],
        "form": form,
        "may_set": may_set,
        "year": year,
        "retention": selectors.named_retention_for_user(request.user, year, today=today),
    }
    return render(request, "sales/targets.html", context, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def named_customers(request):
    require_capability(request.user, "sales.view")
    year = _year_of(request)
    form = NamedAddForm(request.POST or None)
    if request.method == "POST":
        require_capability(request.user, "sales.targets")
        if form.is_valid():
            added = []
            if _attempt(
                form,
                lambda: added.append(
                    services.named_customers_add(
                        actor=request.user, year=year, customers=form.cleaned_data["customers"]
                    )
                ),
            ):
                messages.success(request, _("%(count)s customers put on the list.") % {"count": added[0]})
                return redirect(f"{request.path}?year={year}")
    rows = selectors.named_customers_visible_to(request.user).filter(year=year).select_related("customer")
    context = {
        "page_obj": _page(request, rows.order_by("customer__name", "pk"), per_page=50),
        "year": year,
        "form": form,
        "lost_form": NamedLostForm(),
        "retention": selectors.named_retention_for_user(request.user, year),
        "may_add": has_capability(request.user, "sales.targets"),
        "may_work": has_capability(request.user, "sales.work"),
    }
    return render(request, "sales/named.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def named_customer_lost(request, pk: int):
    named = get_object_or_404(selectors.named_customers_visible_to(request.user), pk=pk)
    form = NamedLostForm(request.POST)
    if form.is_valid():
        try:
            services.named_customer_mark_lost(
                actor=request.user,
                named=named,
                lost_on=form.cleaned_data["lost_on"],
                reason=form.cleaned_data["lost_reason"],
            )
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
        else:
            messages.success(request, _("Saved."))
    return redirect(f"{reverse('sales:named')}?year={named.year}")
