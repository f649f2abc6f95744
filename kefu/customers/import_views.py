"""Import pages: upload, column mapping, dry-run report with progress, confirmation."""

import io

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from openpyxl import Workbook

from kefu.core.errors import ServiceError
from kefu.core.forms import apply_errors
from kefu.org.permissions import require_capability

from .choices import ImportKind, ImportStatus
from .imports import readers, selectors, services
from .imports.mapping import fields_for, template_headers
from .models import ImportJob

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("The file contains"), choices=ImportKind.choices)
    file = forms.FileField(label=gettext_lazy("File (.xlsx or .csv)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].widget.attrs["class"] = "form-select"
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".xlsx,.csv"})


def _own_job(request, pk) -> ImportJob:
    """Jobs are private to whoever uploaded them (the file may hold others' personal data)."""
    return selectors.get_import_job_for_user(request.user, pk)


def _refusal(error) -> str:
    """A service's refusal as the line the page shows (a ValidationError or a ServiceError)."""
    return " ".join(error.messages) if isinstance(error, ValidationError) else str(error.message)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request):
    require_capability(request.user, "customers.import")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(
                actor=request.user, kind=form.cleaned_data["kind"], uploaded_file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            return redirect("customers:import_mapping", job.pk)
    recent = selectors.import_jobs_listed(request.user)[:10]
    return render(request, "customers/import_start.html", {"form": form, "recent": recent})


@login_required
@require_http_methods(["GET", "POST"])
def import_mapping(request, pk):
    """The file's first rows, the header row (found, or picked by the clerk) and the columns."""
    job = _own_job(request, pk)
    if job.status not in (ImportStatus.UPLOADED, ImportStatus.VALIDATED) or not job.file_format:
        return redirect("customers:import_detail", job.pk)
    fields = fields_for(job.kind)
    error = None
    if request.method == "POST" and "header_row" in request.POST:
        try:
            services.import_job_choose_header(
                actor=request.user, job=job, header_row=_int(request.POST.get("header_row"))
            )
        except (ValidationError, ServiceError) as problem:
            error = _refusal(problem)
        else:
            return redirect("customers:import_mapping", job.pk)
    elif request.method == "POST":
        mapping = {str(i): request.POST.get(f"column_{i}", "") for i in range(len(job.headers))}
        try:
            services.import_job_set_mapping(
                actor=request.user,
                job=job,
                mapping={k: v for k, v in mapping.items() if v},
                save_as=request.POST.get("save_as", ""),
            )
        except (ValidationError, ServiceError) as problem:
            error = _refusal(problem)
        else:
            return redirect("customers:import_detail", job.pk)
    columns = [(str(i), header, job.mapping.get(str(i), "")) for i, header in enumerate(job.headers)]
    choices = [(name, label) for name, (label, _synonyms) in fields.items()]
    width = max((len(texts) for _number, texts in job.preview), default=0)
    preview = [(number, texts + [""] * (width - len(texts))) for number, texts in job.preview]
    context = {
        "job": job,
        "columns": columns,
        "choices": choices,
        "error": error,
        "preview": preview,
        "saved": services.saved_mapping_for(job),
        "file_format": readers.encoding_label(job.file_format),
    }
    return render(request, "customers/import_mapping.html", context)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _detail_context(job, request) -> dict:
    page = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    rows, percent = services.import_job_progress(job)
    return {
        "job": job,
        "page_obj": page,
        "working": job.status in services.WORKING,
        "rows_done": rows,
        "percent": percent,
    }


@login_required
@require_GET
def import_detail(request, pk):
    job = _own_job(request, pk)
    if job.status == ImportStatus.UPLOADED and job.file_format:  # a job from before the reading step has none
        return redirect("customers:import_mapping", job.pk)
    return render(request, "customers/import_detail.html", _detail_context(job, request))


@login_required
@require_GET
def import_progress(request, pk):
    """Polled by htmx every second while the job works; when done the page reloads itself."""
    job = _own_job(request, pk)
    response = render(request, "customers/partials/import_progress.html", _detail_context(job, request))
    if job.status not in services.WORKING:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def import_retry(request, pk):
    job = _own_job(request, pk)
    try:
        services.import_job_retry(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, _refusal(error))
    return redirect("customers:import_detail", job.pk)


@login_required
@require_POST
def import_discard(request, pk):
    job = _own_job(request, pk)
    try:
        services.import_job_discard(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, _refusal(error))
        return redirect("customers:import_detail", job.pk)
    messages.success(request, _("The import was discarded."))
    return redirect("customers:import_start")


@login_required
@require_POST
def import_confirm(request, pk):
    job = _own_job(request, pk)
    try:
        services.import_job_confirm(actor=request.user, job=job)
    except ServiceError as error:
        messages.error(request, _refusal(error))
    return redirect("customers:import_detail", job.pk)


@login_required
@require_GET
def import_template(request, kind):
    require_capability(request.user, "customers.import")
    if kind not in ImportKind.values:
        raise Http404  # the styled page, as for any other address that names nothing
    workbook = Workbook()
    workbook.active.append(template_headers(kind))
    output = io.BytesIO()
    workbook.save(output)
    response = HttpResponse(output.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="kefu-{kind}-template.xlsx"'
    return response


@login_required
@require_GET
def import_errors_download(request, pk):
    """The bad rows as a workbook, to correct and upload again."""
    job = _own_job(request, pk)
    response = HttpResponse(services.import_errors_workbook(job), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.xlsx"'
    return response
