"""Proposals: a run never changes a grade; a supervisor approves or rejects in bulk within their
scope (page, API, service agree); an override needs a reason; the schedule never duplicates."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kefu.audit.models import AuditEvent
from kefu.conftest import api
from kefu.core.errors import PermissionDeniedError
from kefu.customers.models import Customer
from kefu.grading import presets, services
from kefu.grading.choices import ChangeSource, ProposalStatus
from kefu.grading.models import GradeChange, GradeProposal, GradingRun
from kefu.grading.tests.factories import AS_OF, graded_customer

VIA = ["page", "api", "service"]


@pytest.fixture
def scheme(admin_user):
    """The weighted preset: credit A and potential high alone make 50 points (二星 needs 55)."""
    scheme = services.scheme_install_preset(actor=admin_user, preset=presets.SEED_WEIGHTED)
    return services.scheme_put_in_use(actor=admin_user, scheme=scheme)


@pytest.fixture
def east_customer(manager, org):
    # 5 + 5 + 25 + 25 = 60 → 二星, graded 一星 today.
    return graded_customer(
        name="东区客户", account_manager=manager, org_unit=org["east_team"], tier="一星", credit_rating="A",
        potential="high",
    )  # fmt: skip


@pytest.fixture
def west_customer(other_manager, org):
    return graded_customer(
        name="西区客户", account_manager=other_manager, org_unit=org["west_team"], tier="一星", credit_rating="A",
        potential="high",
    )  # fmt: skip


def _run(admin_user, scheme):
    return services.grading_run(actor=admin_user, scheme=scheme, as_of=AS_OF)


def _tier(customer) -> str:
    return Customer.objects.get(pk=customer.pk).tier


@pytest.mark.django_db
def test_a_run_proposes_a_change_and_never_changes_the_grade(admin_user, scheme, east_customer):
    unchanged = graded_customer(tier="一星")  # 5 + 5 + 0 + 0 = 10 → 一星: no proposal

    run = _run(admin_user, scheme)

    proposal = GradeProposal.objects.get()
    assert (proposal.customer_id, proposal.from_tier, proposal.to_tier, proposal.status) == (
        east_customer.pk, "一星", "二星", ProposalStatus.PENDING,
    )  # fmt: skip
    assert (run.customers, run.changes, run.proposals) == (2, 1, 1)
    assert _tier(east_customer) == "一星" and _tier(unchanged) == "一星"
    assert not GradeChange.objects.exists()


@pytest.mark.django_db
def test_the_scheduled_job_run_twice_makes_no_duplicate_proposals(admin_user, scheme, east_customer):
    first = services.grading_scheduled_run()
    second = services.grading_scheduled_run()  # the same day: nothing to do
    assert first["ran"] and first["proposals"] == 1 and not second["ran"]
    # Run again on demand over the same data: the pending proposal stands, none is added.
    again = _run(admin_user, scheme)
    assert again.proposals == 0
    assert GradeProposal.objects.filter(status=ProposalStatus.PENDING).count() == 1
    assert GradingRun.objects.count() == 2


@pytest.mark.django_db
def test_a_later_run_with_another_result_supersedes_the_pending_proposal(admin_user, scheme, east_customer):
    _run(admin_user, scheme)
    Customer.objects.filter(pk=east_customer.pk).update(potential="low")  # now 5 + 5 + 25 + 5 = 40 → 一星

    run = _run(admin_user, scheme)

    assert run.proposals == 0
    assert GradeProposal.objects.get().status == ProposalStatus.SUPERSEDED


def _decide(via, user, client_for, ids, decision="approve", note=""):
    if via == "page":
        body = {"decision": decision, "ids": ids, "note": note}
        return client_for(user).post(reverse("grading:decide"), body)
    if via == "api":
        body = {"decision": decision, "ids": ids, "note": note}
        return api(user).post(reverse("api-grading-proposal-decide"), body, format="json")
    return services.proposals_decide(actor=user, ids=ids, approve=decision == "approve", note=note)


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_approving_sets_the_grade_audits_it_and_writes_the_history(
    via, client_for, admin_user, supervisor, scheme, east_customer
):
    _run(admin_user, scheme)
    proposal = GradeProposal.objects.get()

    response = _decide(via, supervisor, client_for, [proposal.pk], note="年度评级")

    if via == "api":
        assert response.status_code == 200 and response.json() == {"decided": 1}
    assert _tier(east_customer) == "二星"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decided_by_id) == (ProposalStatus.APPROVED, supervisor.pk)
    change = GradeChange.objects.get()
    assert (change.from_tier, change.to_tier, change.source, change.score_id) == (
        "一星", "二星", ChangeSource.PROPOSAL, proposal.score_id,
    )  # fmt: skip
    audit = AuditEvent.objects.get(target_type="customers.customer", target_id=east_customer.pk)
    assert audit.changes == {"tier": ["一星", "二星"]} and audit.actor_id == supervisor.pk


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_rejecting_leaves_the_grade(via, client_for, admin_user, supervisor, scheme, east_customer):
    _run(admin_user, scheme)
    proposal = GradeProposal.objects.get()

    _decide(via, supervisor, client_for, [proposal.pk], decision="reject")

    assert _tier(east_customer) == "一星"
    assert GradeProposal.objects.get().status == ProposalStatus.REJECTED
    assert not GradeChange.objects.exists()
    assert AuditEvent.objects.filter(target_type="grading.gradeproposal", target_id=proposal.pk).exists()


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_a_supervisor_cannot_decide_proposals_outside_their_scope(
    via, client_for, admin_user, supervisor, scheme, east_customer, west_customer
):
    _run(admin_user, scheme)
    east = GradeProposal.objects.get(customer=east_customer)
    west = GradeProposal.objects.get(customer=west_customer)

    if via == "service":
        with pytest.raises(ValidationError) as error:
            _decide(via, supervisor, client_for, [east.pk, west.pk])
        assert set(error.value.message_dict) == {"proposals"}
    else:
        response = _decide(via, supervisor, client_for, [east.pk, west.pk])
        if via == "api":
            assert response.status_code == 400 and set(response.json()) == {"proposals"}
        else:
            assert response.status_code == 302
            shown = [str(m) for m in response.wsgi_request._messages]
            assert any("不在" in text or "not awaiting" in text for text in shown)

    # All or nothing: the in-scope one is not decided either.
    assert set(GradeProposal.objects.values_list("status", flat=True)) == {ProposalStatus.PENDING}
    assert _tier(east_customer) == "一星" and _tier(west_customer) == "一星"


@pytest.mark.parametrize("via", ["api", "service"])
@pytest.mark.django_db
def test_approving_a_change_to_a_tier_retired_since_the_run_is_refused_on_tier(
    via, client_for, admin_user, supervisor, scheme, east_customer
):
    from kefu.customers.models import Tier

    _run(admin_user, scheme)
    retired = Tier.objects.get(code="二星")
    retired.active = False
    retired.save()  # the save tells the configuration cache
    proposal = GradeProposal.objects.get()

    if via == "service":
        with pytest.raises(ValidationError) as error:
            _decide(via, supervisor, client_for, [proposal.pk])
        assert set(error.value.message_dict) == {"tier"}
    else:
        response = _decide(via, supervisor, client_for, [proposal.pk])
        assert response.status_code == 400 and set(response.json()) == {"tier"}
    # Nothing half-written: the proposal stays pending, the grade and the history unchanged.
    assert GradeProposal.objects.get().status == ProposalStatus.PENDING
    assert _tier(east_customer) == "一星" and not GradeChange.objects.exists()


@pytest.mark.django_db
def test_approving_all_pending_takes_only_those_in_scope(admin_user, supervisor, scheme, east_customer, west_customer):
    _run(admin_user, scheme)
    assert services.proposals_decide(actor=supervisor, ids=None, approve=True) == 1
    assert _tier(east_customer) == "二星" and _tier(west_customer) == "一星"


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.django_db
def test_an_account_manager_may_not_decide_proposals(via, client_for, admin_user, manager, scheme, east_customer):
    _run(admin_user, scheme)
    response = _decide(via, manager, client_for, [GradeProposal.objects.get().pk])
    assert response.status_code == 403
    assert GradeProposal.objects.get().status == ProposalStatus.PENDING


@pytest.mark.django_db
def test_a_proposal_decided_once_cannot_be_decided_again(admin_user, supervisor, scheme, east_customer):
    _run(admin_user, scheme)
    proposal = GradeProposal.objects.get()
    services.proposals_decide(actor=supervisor, ids=[proposal.pk], approve=False)
    with pytest.raises(ValidationError):
        services.proposals_decide(actor=supervisor, ids=[proposal.pk], approve=True)
    assert _tier(east_customer) == "一星"


def _override(via, user, client_for, customer, tier, reason):
    if via == "page":
        return client_for(user).post(reverse("grading:customer", args=[customer.pk]), {"tier": tier, "reason": reason})
    if via == "api":
        url = reverse("api-grading-customer-override", args=[customer.pk])
        return api(user).post(url, {"tier": tier, "reason": reason}, format="json")
    return services.grade_override(actor=user, customer=customer, tier=tier, reason=reason)


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_an_override_needs_a_reason(via, client_for, supervisor, east_customer):
    if via == "service":
        with pytest.raises(ValidationError) as error:
            _override(via, supervisor, client_for, east_customer, "三星", "  ")
        assert set(error.value.message_dict) == {"reason"}
    else:
        response = _override(via, supervisor, client_for, east_customer, "三星", "  ")
        assert response.status_code == 400
        errors = response.json() if via == "api" else response.context["form"].errors
        assert set(errors) == {"reason"}
    assert _tier(east_customer) == "一星" and not GradeChange.objects.exists()


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_an_override_with_a_reason_sets_the_grade_and_supersedes_the_proposal(
    via, client_for, admin_user, supervisor, scheme, east_customer
):
    _run(admin_user, scheme)
    _override(via, supervisor, client_for, east_customer, "三星", "集团战略客户")
    assert _tier(east_customer) == "三星"
    assert GradeProposal.objects.get().status == ProposalStatus.SUPERSEDED
    change = GradeChange.objects.get()
    assert (change.from_tier, change.to_tier, change.source, change.reason, change.actor_id) == (
        "一星",
        "三星",
        ChangeSource.OVERRIDE,
        "集团战略客户",
        supervisor.pk,
    )
    assert AuditEvent.objects.filter(target_id=east_customer.pk, changes={"tier": ["一星", "三星"]}).exists()


@pytest.mark.parametrize("via", VIA)
@pytest.mark.django_db
def test_an_override_to_the_present_tier_is_refused_on_tier(
    via, client_for, admin_user, supervisor, scheme, east_customer
):
    _run(admin_user, scheme)
    if via == "service":
        with pytest.raises(ValidationError) as error:
            _override(via, supervisor, client_for, east_customer, "一星", "理由")
        assert set(error.value.message_dict) == {"tier"}
    else:
        response = _override(via, supervisor, client_for, east_customer, "一星", "理由")
        assert response.status_code == 400
        errors = response.json() if via == "api" else response.context["form"].errors
        assert set(errors) == {"tier"}
    # Nothing half-written: the pending proposal is still pending, no history row.
    assert GradeProposal.objects.get().status == ProposalStatus.PENDING and not GradeChange.objects.exists()


@pytest.mark.parametrize("via", ["page", "api"])
@pytest.mark.django_db
def test_an_override_outside_the_scope_is_not_found(via, client_for, supervisor, west_customer):
    response = _override(via, supervisor, client_for, west_customer, "三星", "理由")
    assert response.status_code == 404
    assert _tier(west_customer) == "一星"


@pytest.mark.django_db
def test_the_service_refuses_an_override_outside_the_scope(supervisor, west_customer):
    with pytest.raises(PermissionDeniedError):
        services.grade_override(actor=supervisor, customer=west_customer, tier="三星", reason="理由")


@pytest.mark.django_db
def test_a_grade_set_to_a_green_channel_tier_moves_the_customers_open_requests(supervisor, manager, east_customer):
    from kefu.tickets.models import Ticket
    from kefu.tickets.tests.factories import TicketFactory, install_workflows

    install_workflows()
    ticket = TicketFactory(customer=east_customer, owner=manager)
    assert not Ticket.objects.get(pk=ticket.pk).green_channel

    services.grade_override(actor=supervisor, customer=east_customer, tier="三星", reason="集团战略客户")

    assert Ticket.objects.get(pk=ticket.pk).green_channel  # 三星 carries the green channel


@pytest.mark.django_db
def test_a_bulk_decision_is_taken_chunk_by_chunk_all_or_nothing(monkeypatch, admin_user, scheme, manager, org):
    monkeypatch.setattr(services, "DECIDE_CHUNK", 1)
    customers = [
        graded_customer(
            account_manager=manager, org_unit=org["east_team"], tier="一星", credit_rating="A", potential="high"
        )
        for _ in range(3)
    ]
    _run(admin_user, scheme)
    assert services.proposals_decide(actor=admin_user, ids=None, approve=True) == 3
    assert {_tier(c) for c in customers} == {"二星"} and GradeChange.objects.count() == 3


@pytest.mark.django_db
def test_pruning_keeps_the_latest_runs_and_every_score_that_explains_a_grade(admin_user, supervisor, scheme):
    from kefu.grading.models import GradeScore

    proposed = graded_customer(tier="一星", credit_rating="A", potential="high")  # proposed 二星 by the first run
    plain = graded_customer(tier="一星")  # 一星 as computed: no proposal
    first = _run(admin_user, scheme)
    services.proposals_decide(actor=admin_user, ids=None, approve=True)
    second, third = _run(admin_user, scheme), _run(admin_user, scheme)

    assert services.scores_prune() == 1  # the first run's score of `plain`

    kept = set(GradeScore.objects.values_list("run_id", "customer_id"))
    assert (first.pk, plain.pk) not in kept and (first.pk, proposed.pk) in kept  # explains the approved grade
    assert {(run.pk, c.pk) for run in (second, third) for c in (proposed, plain)} <= kept
    assert GradeChange.objects.get().score.run_id == first.pk
