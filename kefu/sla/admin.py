"""Admins keep calendars (next year's official schedule), working hours and time-limit policies.

Saves go through the services, so the admin writes the same audit events and expires the same
cached day tables as any other caller.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from kefu.audit.admin import AuditedAdmin
from kefu.customers.tiers import all_tiers

from . import selectors
from .choices import DaySource
from .models import BusinessCalendar, CalendarDay, SlaPolicy
from .services import calendar_day_delete, calendar_day_set, calendar_save, calendar_schedule_import

WEEKDAYS = "一二三四五六日"


def _save_day(user, entry: CalendarDay) -> CalendarDay:
    """Write an admin-edited day through the service; a moved date removes the old entry."""
    if entry.pk:
        old = CalendarDay.objects.get(pk=entry.pk)
        if (old.calendar_id, old.date) != (entry.calendar_id, entry.date):
            calendar_day_delete(actor=user, entry=old)
    return calendar_day_set(
        actor=user,
        calendar=entry.calendar,
        day=entry.date,
        is_workday=entry.is_workday,
        name=entry.name,
        source=entry.source,
    )


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1
    fields = ["date", "is_workday", "name", "source"]


class ScheduleImportForm(forms.Form):
    text = forms.CharField(
        label=_("Schedule"),
        widget=forms.Textarea(attrs={"rows": 16, "cols": 60}),
        help_text=_("One line per day or range: 2027-02-05~2027-02-11,休,春节 or 2027-02-20,班,春节调休上班"),
    )
    source = forms.ChoiceField(label=_("source"), choices=DaySource.choices, initial=DaySource.OFFICIAL)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["name", "code", "org_unit", "time_zone", "work_start", "work_end", "lunch_start", "lunch_end"]
    list_filter = ["time_zone", ("org_unit", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "code"]
    readonly_fields = ["schedule_status"]
    inlines = [CalendarDayInline]

    @admin.display(description=_("schedule status"))
    def schedule_status(self, obj):
        """This year and the next two: official, or provisional until the notice is entered."""
        if not obj.pk:
            return "-"
        this_year = timezone.localdate().year
        rows = []
        for year in range(this_year, this_year + 3):
            provisional = selectors.year_is_provisional(obj, year)
            state = _("provisional: enter the State Council notice") if provisional else _("official")
            days = ", ".join(
                f"{i.date:%m-%d}{'班' if i.is_workday else '休'}" for i in selectors.calendar_exceptions(obj, year)
            )
            rows.append((year, state, days))
        link = reverse("admin:sla_businesscalendar_import", args=[obj.pk])
        table = format_html_join("", "<li><b>{}</b> {} <small>{}</small></li>", rows)
        return format_html('<ul>{}</ul><a href="{}">{}</a>', table, link, _("Import a schedule"))

    def save_model(self, request, obj, form, change):
        calendar_save(actor=request.user, calendar=obj)

    def save_formset(self, request, form, formset, change):
        if formset.model is not CalendarDay:
            return super().save_formset(request, form, formset, change)
        entries = formset.save(commit=False)
        for entry in formset.deleted_objects:
            calendar_day_delete(actor=request.user, entry=entry)
        for entry in entries:
            _save_day(request.user, entry)

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_view)
        return [path("<int:pk>/import/", view, name="sla_businesscalendar_import"), *super().get_urls()]

    def import_view(self, request, pk):
        calendar = get_object_or_404(BusinessCalendar, pk=pk)
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = ScheduleImportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                count = calendar_schedule_import(
                    actor=request.user,
                    calendar=calendar,
                    text=form.cleaned_data["text"],
                    source=form.cleaned_data["source"],
                )
            except ValidationError as error:
                form.add_error("text", error)
            else:
                self.message_user(request, _("%(count)d days imported.") % {"count": count}, messages.SUCCESS)
                return redirect("admin:sla_businesscalendar_change", calendar.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": calendar,
            "title": _("Import a schedule into %(calendar)s") % {"calendar": calendar},
            "form": form,
        }
        return TemplateResponse(request, "admin/sla/businesscalendar/import_schedule.html", context)


class YearFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarDay.objects.dates("date", "year")
        return [(str(d.year), str(d.year)) for d in years]

    def queryset(self, request, queryset):
        return queryset.filter(date__year=self.value()) if self.value() else queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin, admin.ModelAdmin):
    list_display = ["date", "weekday", "calendar", "is_workday", "name", "source"]
    list_filter = [YearFilter, "calendar", "source", "is_workday"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["calendar"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return f"星期{WEEKDAYS[obj.date.weekday()]}"

    def save_model(self, request, obj, form, change):
        saved = _save_day(request.user, obj)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        calendar_day_delete(actor=request.user, entry=obj)

    def delete_queryset(self, request, queryset):
        for entry in queryset.select_related("calendar"):
            calendar_day_delete(actor=request.user, entry=entry)


class SlaPolicyForm(forms.ModelForm):
    """The customer tier is picked from the tier rows (a typed code that matches no tier would
    silently never apply); a policy's tier retired since stays on offer."""

    class Meta:
        model = SlaPolicy
        fields = [
            "name", "preset", "ticket_type", "customer_tier", "priority", "channel", "calendar",
            "first_response", "first_response_unit", "arrival", "arrival_unit", "resolution", "resolution_unit",
            "warn_at_percent", "escalate_every_hours", "is_active",
        ]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = self.instance.customer_tier if self.instance.pk else ""
        choices = [(tier.code, tier.label) for tier in all_tiers()]
        if current and current not in {code for code, _label in choices}:
            choices.append((current, current))
        self.fields["customer_tier"] = forms.ChoiceField(
            label=_("customer tier"), required=False, choices=[("", _("any tier")), *choices]
        )


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin, admin.ModelAdmin):
    form = SlaPolicyForm
    list_display = [
        "name", "preset", "ticket_type", "customer_tier", "priority", "channel", "resolution", "resolution_unit",
        "is_active",
    ]  # fmt: skip
    list_filter = ["preset", "ticket_type", "customer_tier", "is_active"]
