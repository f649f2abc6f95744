from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from kefu.core.filters import filter_errors

from .exports import complaint_statistics_xlsx
from .forms import PeriodForm
from .selectors import complaint_statistics

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def complaint_report(request):
    form = PeriodForm(request.GET)
    stats = complaint_statistics(request.user, form.period())
    chart = {
        "months": [f"{row['month']:%Y-%m}" for row in stats["monthly"]],
        "monthly": [row["total"] for row in stats["monthly"]],
        "categories": [{"name": str(row["label"]), "value": row["total"]} for row in stats["by_category"]],
    }
    context = {"stats": stats, "chart": chart, "filter_errors": filter_errors(form)}
    return render(request, "reports/complaints.html", context)


@login_required
@require_GET
def complaint_report_export(request):
    form = PeriodForm(request.GET)
    period = form.period()
    if form.errors:  # the report page says which date was refused
        return redirect(f"{reverse('reports:complaints')}?{request.GET.urlencode()}")
    content = complaint_statistics_xlsx(complaint_statistics(request.user, period))
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="complaints-{period.since}-{period.until}.xlsx"'
    return response
