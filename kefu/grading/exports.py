"""A customer's grades and their explanations as a file the customer may be given (PIPL Art. 24:
an automated decision explained on request). Every row through core/exports.safe_csv_row."""

import csv
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.core.exports import safe_csv_row
from kefu.customers.tiers import tier_label

from .explain import Explanation, explain_score
from .selectors import customer_grade


def _n(number) -> str:
    return f"{number.normalize():f}" if number is not None else ""


def _explanation_rows(explanation: Explanation) -> list[list]:
    rows = [[_("criterion"), _("value"), _("band"), _("weight"), _("points"), _("weighted points")]]
    rows += [[x.criterion, x.value, x.band, _n(x.weight), _n(x.points), _n(x.weighted)] for x in explanation.lines]
    total = _n(explanation.score)
    if explanation.share is not None:
        total = f"{total} ({_n(explanation.share)} %)"
    rows.append([_("score"), total, explanation.tier_rule, "", "", ""])
    rows.append([_("tier"), explanation.tier_label, "", "", "", ""])
    return rows


def grade_export_csv(*, actor, customer) -> str:
    """The customer's grade, its explanation and the grade history, as CSV text; logged."""
    grade = customer_grade(actor, customer.pk)
    rows: list[list] = [
        [_("customer"), customer.name],
        [_("tier"), tier_label(customer.tier) if customer.tier else _("none")],
        [_("exported at"), timezone.localtime().strftime("%Y-%m-%d %H:%M")],
        [],
    ]
    if grade and grade["explanation"]:
        run = grade["score"].run
        rows.append([_("Latest grading"), run.scheme.name, run.as_of.isoformat()])
        rows += _explanation_rows(grade["explanation"])
        rows.append([])
    rows.append([_("Grade history")])
    rows.append([_("changed at"), _("tier before"), _("tier after"), _("source"), _("reason")])
    for change in grade["history"] if grade else []:
        rows.append([
            timezone.localtime(change.changed_at).strftime("%Y-%m-%d %H:%M"),
            tier_label(change.from_tier) if change.from_tier else "",
            tier_label(change.to_tier),
            change.get_source_display(),
            change.reason,
        ])  # fmt: skip
        if change.score_id and grade["business_file"]:
            rows += [["", *row] for row in _explanation_rows(explain_score(change.score))]
    output = io.StringIO()
    output.write("\ufeff")  # Excel reads UTF-8 with the mark
    writer = csv.writer(output)
    for row in rows:
        writer.writerow(safe_csv_row(str(value) if value is not None else "" for value in row))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=AuditAction.EXPORTED,
            target=customer,
            customer_id=customer.pk,
            summary=_("Grade and its explanation exported for the customer"),
        )
    return output.getvalue()
