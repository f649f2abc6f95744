from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET

from .exports import complaint_statistics_xlsx
from .selectors import Period, complaint_statistics, default_period

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _period_from(request) -> Period:
    default = default_period()
    since = parse_date(request.GET.get("since") or "") or default.since
    until = parse_date(request.GET.get("until") or "") or default.until
    return Period(since=min(since, until), until=max(since, until))


@login_required
@require_GET
def complaint_report(request):
    stats = complaint_statistics(request.user, _period_from(request))
    chart = {
        "months": [f"{row['month']:%Y-%m}" for row in stats["monthly"]],
        "monthly": [row["total"] for row in stats["monthly"]],
        "categories": [{"name": str(row["label"]), "value": row["total"]} for row in stats["by_category"]],
    }
    return render(request, "reports/complaints.html", {"stats": stats, "chart": chart})


@login_required
@require_GET
def complaint_report_export(request):
    period = _period_from(request)
    content = complaint_statistics_xlsx(complaint_statistics(request.user, period))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="complaints-{period.since}-{period.until}.xlsx"'
    return response
