"""Key accounts, their teams, service plans and agreements: parse → selector/service → render."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from kefu.core.errors import ServiceError
from kefu.core.forms import apply_errors
from kefu.core.pagination import CappedCountPaginator
from kefu.customers.models import Customer
from kefu.org.permissions import has_capability, require_capability

from . import selectors, services
from .forms import AgreementForm, ItemDoneForm, ItemForm, KeyAccountForm, PlanForm, TeamMemberForm
from .models import PlanItem, ServicePlan, TeamMember


def _refused(form, refused) -> None:
    if isinstance(refused, ValidationError):
        apply_errors(form, refused)
    else:
        form.add_error(None, refused.message)


@login_required
@require_GET
def account_list(request, form=None, status=200):
    require_capability(request.user, "keyaccounts.view")
    accounts = selectors.key_accounts_visible_to(request.user).select_related("customer", "customer__account_manager")
    page = CappedCountPaginator(accounts.order_by("-id"), 25).get_page(request.GET.get("page"))
    can_manage = has_capability(request.user, "keyaccounts.manage")
    context = {"page_obj": page, "can_manage": can_manage, "form": form or (KeyAccountForm() if can_manage else None)}
    return render(request, "keyaccounts/list.html", context, status=status)


@login_required
@require_POST
def account_create(request):
    require_capability(request.user, "keyaccounts.manage")
    form = KeyAccountForm(request.POST)
    if form.is_valid():
        customer = Customer.objects.visible_to(request.user).filter(pk=form.cleaned_data["customer"]).first()
        if customer is None:
            form.add_error("customer", _("Choose a customer you may see."))
        else:
            try:
                account = services.key_account_create(
                    actor=request.user,
                    customer=customer,
                    required_level=form.cleaned_data["required_level"],
                    note=form.cleaned_data["note"],
                )
            except (ValidationError, ServiceError) as refused:
                _refused(form, refused)
            else:
                messages.success(request, _("%(customer)s is now a key account.") % {"customer": customer.name})
                return redirect("keyaccounts:detail", pk=account.pk)
    request.method = "GET"
    return account_list(request, form=form, status=400)


def _detail(request, account, *, status=200, **forms):
    user = request.user
    readable = selectors.business_file_readable(user, account.customer)
    plans = []
    for plan in selectors.plans_of(account):
        item_form = forms["item_form"] if forms.get("item_form_plan") == plan.pk else ItemForm(prefix=f"item{plan.pk}")
        entry = {"plan": plan, "items": list(plan.items.all()), "item_form": item_form}
        plans.append({**entry, **selectors.plan_progress(plan)})
    context = {
        "account": account,
        "team": selectors.team_of(account),
        "plans": plans,
        "business_file": readable,
        "agreements": list(selectors.agreements_of(account)) if readable else [],
        "members": account.customer.members.order_by("name")[:50],
        "can_manage": has_capability(user, "keyaccounts.manage"),
        "can_plan": has_capability(user, "keyaccounts.plan"),
        "team_form": forms.get("team_form") or TeamMemberForm(),
        "plan_form": forms.get("plan_form") or PlanForm(),
        "agreement_form": forms.get("agreement_form") or AgreementForm(),
    }
    return render(request, "keyaccounts/detail.html", context, status=status)


@login_required
@require_GET
def account_detail(request, pk: int):
    return _detail(request, selectors.get_key_account_for_user(request.user, pk))


@login_required
@require_POST
def team_add(request, pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.manage")
    form = TeamMemberForm(request.POST)
    if form.is_valid():
        try:
            services.team_member_add(
                actor=request.user, account=account, user=form.cleaned_data["user"], role=form.cleaned_data["role"]
            )
        except (ValidationError, ServiceError) as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("Added to the team."))
            return redirect("keyaccounts:detail", pk=account.pk)
    return _detail(request, account, team_form=form, status=400)


@login_required
@require_POST
def team_remove(request, pk: int, member_pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.manage")
    member = get_object_or_404(TeamMember.objects.select_related("user"), pk=member_pk, account=account)
    try:
        services.team_member_remove(actor=request.user, member=member)
    except ServiceError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Removed from the team."))
    return redirect("keyaccounts:detail", pk=account.pk)


@login_required
@require_POST
def plan_add(request, pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.plan")
    form = PlanForm(request.POST)
    if form.is_valid():
        try:
            services.plan_create(actor=request.user, account=account, data=form.cleaned_data)
        except (ValidationError, ServiceError) as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The service plan was saved."))
            return redirect("keyaccounts:detail", pk=account.pk)
    return _detail(request, account, plan_form=form, status=400)


def _plan_for(request, pk: int, plan_pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.plan")
    return account, get_object_or_404(ServicePlan, pk=plan_pk, account=account)


@login_required
@require_POST
def plan_close(request, pk: int, plan_pk: int):
    account, plan = _plan_for(request, pk, plan_pk)
    try:
        services.plan_close(actor=request.user, plan=plan)
    except ServiceError as refused:
        messages.error(request, refused.message)
    return redirect("keyaccounts:detail", pk=account.pk)


@login_required
@require_POST
def item_add(request, pk: int, plan_pk: int):
    account, plan = _plan_for(request, pk, plan_pk)
    form = ItemForm(request.POST, prefix=f"item{plan.pk}")
    if form.is_valid():
        try:
            services.plan_item_add(actor=request.user, plan=plan, data=form.cleaned_data)
        except (ValidationError, ServiceError) as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The item was added to the plan."))
            return redirect("keyaccounts:detail", pk=account.pk)
    return _detail(request, account, item_form=form, item_form_plan=plan.pk, status=400)


@login_required
@require_POST
def item_done(request, pk: int, item_pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.plan")
    item = get_object_or_404(PlanItem, pk=item_pk, plan__account=account)
    form = ItemDoneForm(request.POST)
    if form.is_valid():
        try:
            services.plan_item_complete(actor=request.user, item=item, outcome=form.cleaned_data["outcome"])
        except (ValidationError, ServiceError) as refused:
            messages.error(request, getattr(refused, "message", None) or "; ".join(refused.messages))
        else:
            messages.success(request, _("The item is done."))
    return redirect("keyaccounts:detail", pk=account.pk)


@login_required
@require_POST
def agreement_add(request, pk: int):
    account = selectors.get_key_account_for_user(request.user, pk, capability="keyaccounts.plan")
    form = AgreementForm(request.POST, request.FILES)
    if form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("title", "number", "signed_on", "valid_until")}
        try:
            services.agreement_add(
                actor=request.user, account=account, data=data, uploaded_file=form.cleaned_data["file"]
            )
        except (ValidationError, ServiceError) as refused:
            _refused(form, refused)
        else:
            messages.success(request, _("The agreement was kept with the account."))
            return redirect("keyaccounts:detail", pk=account.pk)
    return _detail(request, account, agreement_form=form, status=400)


@login_required
@require_GET
def agreement_download(request, pk: int, agreement_pk: int):
    """The signed copy, streamed after the business-file check (never a public URL)."""
    account = selectors.get_key_account_for_user(request.user, pk)
    agreement = selectors.get_agreement_for_user(request.user, account, agreement_pk)
    if not agreement.file:
        raise Http404
    return FileResponse(agreement.file.open("rb"), as_attachment=True, filename=agreement.original_name or "agreement")
