"""Writes of grading: rules, runs, proposals and their decisions, overrides. Each audited."""

import logging
from datetime import date

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_entry, audit_record, audit_records
from kefu.core.errors import ConflictError, PermissionDeniedError
from kefu.core.text import check_text
from kefu.customers.models import Customer
from kefu.customers.services import customers_set_tier
from kefu.customers.tiers import active_tiers
from kefu.org.permissions import require_capability

from . import engine, presets
from .choices import ChangeSource, ProposalStatus, RunStatus, RunTrigger
from .models import Criterion, GradeChange, GradeProposal, GradeScore, GradingRun, GradingScheme
from .selectors import proposals_visible_to
from .validation import clean_rules

logger = logging.getLogger(__name__)
DECIDE_CHUNK = 5000


def scheme_rules(scheme: GradingScheme) -> dict:
    """The scheme's rules in the form `clean_rules` returns (what a run keeps)."""
    return {
        "method": scheme.method,
        "period_months": scheme.period_months,
        "criteria": [
            {"source": c.source, "weight": str(c.weight), "bands": c.bands}
            for c in sorted(scheme.criteria.all(), key=lambda c: (c.position, c.pk))
        ],
        "tier_bands": scheme.tier_bands,
    }


def _clean_header(data: dict, errors: dict) -> dict:
    name = str(data.get("name") or "").strip()
    if not name:
        errors["name"] = _("Give the scheme a name.")
    elif len(name) > 80:
        errors["name"] = _("At most 80 characters.")
    else:
        check_text(name, "name", errors)
    description = str(data.get("description") or "")
    check_text(description, "description", errors, multiline=True)
    return {"name": name, "description": description}


def _clean_scheme(data: dict, *, exclude_id: int | None = None) -> tuple[dict, dict]:
    errors: dict = {}
    header = _clean_header(data, errors)
    try:
        rules = clean_rules(data)
    except ValidationError as error:
        errors.update(error.message_dict)
        rules = {}
    if header["name"] and GradingScheme.objects.filter(name=header["name"]).exclude(pk=exclude_id).exists():
        errors["name"] = _("A scheme with this name exists already.")
    if errors:
        raise ValidationError(errors)
    return header, rules


def _write_rules(scheme: GradingScheme, rules: dict) -> None:
    scheme.method, scheme.period_months, scheme.tier_bands = (
        rules["method"],
        rules["period_months"],
        rules["tier_bands"],
    )
    scheme.save()
    scheme.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(scheme=scheme, source=c["source"], weight=c["weight"], bands=c["bands"], position=position)
        for position, c in enumerate(rules["criteria"])
    )


@transaction.atomic
def scheme_create(*, actor, data: dict, preset: str = "") -> GradingScheme:
    """A new scheme from raw rules (page, API, preset); refused as a whole with every bad field."""
    require_capability(actor, "grading.configure")
    header, rules = _clean_scheme(data)
    scheme = GradingScheme(**header, preset=preset)
    _write_rules(scheme, rules)
    audit_record(actor=actor, action=AuditAction.CREATED, target=scheme, changes={"rules": [None, rules]})
    return scheme


@transaction.atomic
def scheme_update(*, actor, scheme: GradingScheme, expected_version: int, data: dict) -> GradingScheme:
    require_capability(actor, "grading.configure")
    current = GradingScheme.objects.select_for_update().get(pk=scheme.pk)
    if current.version != expected_version:
        raise ConflictError()
    before = {"name": current.name, "description": current.description, "rules": scheme_rules(current)}
    header, rules = _clean_scheme(data, exclude_id=current.pk)
    current.name, current.description = header["name"], header["description"]
    current.version += 1
    _write_rules(current, rules)
    after = {"name": current.name, "description": current.description, "rules": rules}
    changes = {key: [before[key], after[key]] for key in after if before[key] != after[key]}
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATED, target=current, changes=changes)
    return current


def scheme_install_preset(*, actor, preset: str) -> GradingScheme:
    """Install a shipped scheme (seed 004 篇9 weighted, ABC 80/20, RFM) on the active tiers."""
    if preset not in presets.PRESETS:
        raise ValidationError({"preset": _("Choose one of the presets.")})
    data = presets.preset_rules(preset, [tier.code for tier in active_tiers()])
    return scheme_create(actor=actor, data=data, preset=preset)


@transaction.atomic
def scheme_put_in_use(*, actor, scheme: GradingScheme) -> GradingScheme:
    """Make this the scheme the schedule runs (one at a time)."""
    require_capability(actor, "grading.configure")
    previous = list(GradingScheme.objects.select_for_update().filter(in_use=True).exclude(pk=scheme.pk))
    GradingScheme.objects.filter(pk__in=[s.pk for s in previous]).update(in_use=False, version=F("version") + 1)
    GradingScheme.objects.filter(pk=scheme.pk).update(in_use=True, version=F("version") + 1)
    entries = [
        audit_entry(actor=actor, action=AuditAction.UPDATED, target=s, changes={"in_use": [True, False]})
        for s in previous
    ]
    entries.append(
        audit_entry(actor=actor, action=AuditAction.UPDATED, target=scheme, changes={"in_use": [scheme.in_use, True]})
    )
    audit_records(entries)
    scheme.refresh_from_db()
    return scheme


def grading_run(
    *, actor, scheme: GradingScheme, trigger: str = RunTrigger.MANUAL, as_of: date | None = None
) -> GradingRun:
    """Grade every customer by the scheme, set-based, and turn the changes into proposals.

    One transaction: the scores (one INSERT … SELECT), superseding pending proposals that the
    new scores contradict, and the new proposals (one INSERT … SELECT of the changed scores
    without a pending proposal for the same tier). No customer's grade changes here.
    Runs of the same scheme queue on the scheme's row lock.
    """
    if actor is not None:
        require_capability(actor, "grading.run")
    as_of = as_of or timezone.localdate()
    with transaction.atomic():
        GradingScheme.objects.select_for_update().filter(pk=scheme.pk).first()
        rules = clean_rules(scheme_rules(scheme))  # tiers may have been retired since the scheme was saved
        run = GradingRun.objects.create(
            scheme=scheme, rules=rules, as_of=as_of, trigger=trigger, started_by=actor if actor else None
        )
        run.customers = engine.insert_scores(run.pk, rules, as_of)
        engine.analyse_scores()
        scores = GradeScore.objects.filter(run=run)
        changed = scores.exclude(tier=F("current_tier"))
        run.changes = changed.count()
        _supersede_contradicted(run)
        run.proposals = _insert_proposals(run)
        run.status, run.finished_at = RunStatus.DONE, timezone.now()
        run.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATED,
            target=run,
            summary=_("Graded %(customers)s customers: %(changes)s changes, %(proposals)s new proposals")
            % {"customers": run.customers, "changes": run.changes, "proposals": run.proposals},
        )
    return run


def _supersede_contradicted(run: GradingRun) -> int:
    """Pending proposals whose customer this run grades differently (another tier, or the
    present one) no longer say what the rules say."""
    same = GradeScore.objects.filter(run=run, customer_id=OuterRef("customer_id"), tier=OuterRef("to_tier"))
    graded = GradeScore.objects.filter(run=run, customer_id=OuterRef("customer_id"))
    return (
        GradeProposal.objects.filter(status=ProposalStatus.PENDING)
        .filter(Exists(graded))
        .exclude(Exists(same))
        .update(
            status=ProposalStatus.SUPERSEDED,
            decided_at=timezone.now(),
            note=_("Superseded by grading run %(run)s") % {"run": run.pk},
        )
    )


def _insert_proposals(run: GradingRun) -> int:
    """One INSERT … SELECT: a pending proposal for each changed score whose customer has none.

    A customer's pending proposal left after `_supersede_contradicted` proposes the same tier
    already; the unique pending constraint skips the new one (ON CONFLICT DO NOTHING), as it
    does one of another scheme's run at the same moment. No NOT EXISTS over the proposals in
    the SELECT: PostgreSQL planned it as a scan of the proposal table per score, and that table
    grows with the statement's own rows (bench_grading.py: over eight minutes, cancelled).
    """
    now = timezone.now()
    rows = (
        GradeScore.objects.filter(run=run)
        .exclude(tier=F("current_tier"))
        .annotate(
            p_run=F("run_id"),
            p_score=F("id"),
            p_customer=F("customer_id"),
            p_from=F("current_tier"),
            p_to=F("tier"),
            p_status=Value(ProposalStatus.PENDING),
            p_created=Value(now),
            p_note=Value(""),
        )
        .values("p_run", "p_score", "p_customer", "p_from", "p_to", "p_status", "p_created", "p_note")
        .order_by()
    )
    select_sql, params = rows.query.sql_with_params()
    table = GradeProposal._meta.db_table
    columns = "run_id, score_id, customer_id, from_tier, to_tier, status, created_at, note"
    sql = f"INSERT INTO {table} ({columns}) {select_sql} ON CONFLICT DO NOTHING"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def grading_scheduled_run() -> dict:
    """Periodic: run the scheme in use once per day. A second call the same day finds the day's
    run and does nothing; a run on the same data again would make no new proposals either."""
    scheme = GradingScheme.objects.filter(in_use=True).prefetch_related("criteria").first()
    today = timezone.localdate()
    if scheme is None:
        return {"ran": False, "reason": "no scheme in use"}
    if GradingRun.objects.filter(scheme=scheme, as_of=today, status=RunStatus.DONE).exists():
        return {"ran": False, "reason": "already ran today"}
    run = grading_run(actor=None, scheme=scheme, trigger=RunTrigger.SCHEDULE, as_of=today)
    pruned = scores_prune()
    return {"ran": True, "run": run.pk, "customers": run.customers, "proposals": run.proposals, "pruned": pruned}


KEEP_RUNS = 2  # per scheme: the latest run explains today's grades, the one before shows what changed


@transaction.atomic
def scores_prune(*, keep: int = KEEP_RUNS) -> int:
    """Delete the scores of each scheme's older runs (a run writes one row per customer, a
    million a day), except those a proposal or a grade change points at: they explain a grade
    that was proposed or given, for the history and the customer's export. The runs themselves
    (rules, counts) stay. One DELETE on the app's own tables."""
    old_runs = []
    for scheme_id in GradingRun.objects.values_list("scheme_id", flat=True).distinct().order_by():
        runs = list(GradingRun.objects.filter(scheme_id=scheme_id).order_by("-id").values_list("pk", flat=True))
        old_runs += runs[keep:]
    if not old_runs:
        return 0
    scores, proposals, changes = (m._meta.db_table for m in (GradeScore, GradeProposal, GradeChange))
    sql = (
        f"DELETE FROM {scores} WHERE run_id IN ({', '.join(['%s'] * len(old_runs))})"
        f" AND NOT EXISTS (SELECT 1 FROM {proposals} p WHERE p.score_id = {scores}.id)"
        f" AND NOT EXISTS (SELECT 1 FROM {changes} c WHERE c.score_id = {scores}.id)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, old_runs)
        return cursor.rowcount


def proposals_decide(*, actor, ids: list[int] | None, approve: bool, note: str = "", scheme: int | None = None) -> int:
    """Approve or reject pending proposals in bulk: the chosen `ids`, or with `ids` None every
    pending proposal in the actor's scope (of `scheme`, if given).

    Every chosen proposal must be pending and of a customer in the actor's scope; otherwise
    nothing is decided and the error names the field `proposals`. Approving sets the tiers
    through `customers_set_tier` (one audit entry per customer) and writes the grade history;
    rejecting leaves the grades as they are. Returns how many were decided.
    """
    require_capability(actor, "grading.approve")
    errors: dict = {}
    note = str(note or "").strip()[:200]
    check_text(note, "note", errors)
    if errors:
        raise ValidationError(errors)
    in_scope = proposals_visible_to(actor).filter(status=ProposalStatus.PENDING)
    with transaction.atomic():
        if ids is None:
            chosen = in_scope.filter(run__scheme_id=scheme) if scheme else in_scope
            ids = list(chosen.values_list("pk", flat=True))
        ids = sorted(set(ids))
        if not ids:
            raise ValidationError({"proposals": _("Choose at least one proposal awaiting a decision.")})
        found = set(in_scope.filter(pk__in=ids).values_list("pk", flat=True))
        if len(found) != len(ids):
            raise ValidationError(
                {
                    "proposals": _(
                        "%(count)s of the chosen proposals are not awaiting your decision (decided already, "
                        "or of a customer outside your scope). Nothing was decided."
                    )
                    % {"count": len(ids) - len(found)}
                }
            )
        now = timezone.now()
        for start in range(0, len(ids), DECIDE_CHUNK):
            _decide_chunk(actor, ids[start : start + DECIDE_CHUNK], approve=approve, note=note, now=now)
    return len(ids)


def _decide_chunk(actor, ids: list[int], *, approve: bool, note: str, now) -> None:
    """Claim, apply and record one chunk of a decision (a bulk approval of half a million
    proposals holds one chunk's rows and audit entries in memory at a time)."""
    status = ProposalStatus.APPROVED if approve else ProposalStatus.REJECTED
    # The conditional update is the claim: a second click (or a concurrent one) finds none.
    claimed = GradeProposal.objects.filter(pk__in=ids, status=ProposalStatus.PENDING).update(
        status=status, decided_by=actor, decided_at=now, note=note
    )
    if claimed != len(ids):
        raise ConflictError(_("Someone decided some of these proposals at the same time. Reload the list."))
    fields = ("pk", "customer_id", "from_tier", "to_tier", "score_id")
    rows = list(GradeProposal.objects.filter(pk__in=ids).values_list(*fields))
    if not approve:
        audit_records(
            audit_entry(
                actor=actor,
                action=AuditAction.UPDATED,
                target_type=GradeProposal._meta.label_lower,
                target_id=pk,
                target_repr=f"{from_tier or '-'} → {to_tier}",
                customer_id=customer_id,
                changes={"status": [ProposalStatus.PENDING, ProposalStatus.REJECTED]},
                summary=_("Grade change rejected") + (f": {note}" if note else ""),
            )
            for pk, customer_id, from_tier, to_tier, _score in rows
        )
        return
    summary = _("Grade change approved") + (f": {note}" if note else "")
    changed = customers_set_tier(actor=actor, tiers={row[1]: row[3] for row in rows}, summary=summary)
    before = {pk: old for pk, old, _new in changed}
    GradeChange.objects.bulk_create(
        (
            GradeChange(
                customer_id=customer_id,
                from_tier=before[customer_id],
                to_tier=to_tier,
                source=ChangeSource.PROPOSAL,
                proposal_id=pk,
                score_id=score_id,
                reason=note,
                actor=actor,
            )
            for pk, customer_id, _from, to_tier, score_id in rows
            if customer_id in before
        ),
        batch_size=2000,
    )


def grade_override(*, actor, customer: Customer, tier: str, reason: str) -> GradeChange:
    """Set a customer's grade by hand, with a reason (audited, in the history). A pending
    proposal for the customer is superseded: the grade it would change is no longer the one it saw."""
    require_capability(actor, "grading.override")
    from kefu.customers.selectors import customers_visible_to

    errors: dict = {}
    reason = str(reason or "").strip()
    if not reason:
        errors["reason"] = _("Say why the grade is set by hand.")
    elif len(reason) > 300:
        errors["reason"] = _("At most 300 characters.")
    else:
        check_text(reason, "reason", errors)
    if tier not in {t.code for t in active_tiers()}:
        errors["tier"] = _("Choose an active customer tier.")
    if errors:
        raise ValidationError(errors)
    if not customers_visible_to(actor).filter(pk=customer.pk).exists():
        raise PermissionDeniedError()
    with transaction.atomic():
        GradeProposal.objects.filter(customer=customer, status=ProposalStatus.PENDING).update(
            status=ProposalStatus.SUPERSEDED, decided_by=actor, decided_at=timezone.now(), note=_("Grade set by hand")
        )
        changed = customers_set_tier(
            actor=actor, tiers={customer.pk: tier}, summary=_("Grade set by hand: %(reason)s") % {"reason": reason}
        )
        if not changed:
            raise ValidationError({"tier": _("The customer has this tier already.")})
        return GradeChange.objects.create(
            customer=customer,
            from_tier=changed[0][1],  # the tier read under customers_set_tier's row lock
            to_tier=tier,
            source=ChangeSource.OVERRIDE,
            reason=reason,
            actor=actor,
        )
