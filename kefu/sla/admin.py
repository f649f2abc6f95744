"""Admins keep calendars (next year's official schedule), working hours and time-limit policies."""

from django.contrib import admin

from .models import BusinessCalendar, CalendarDay, SlaPolicy


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 1
    fields = ["date", "is_workday", "name", "source"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "work_start", "work_end"]
    inlines = [CalendarDayInline]

    def save_formset(self, request, form, formset, change):
        # Saving days through the admin must expire cached day tables like the services do.
        super().save_formset(request, form, formset, change)
        from .services import _bump

        _bump(form.instance)


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name", "preset", "ticket_type", "customer_tier", "priority", "channel", "resolution", "resolution_unit",
        "is_active",
    ]  # fmt: skip
    list_filter = ["preset", "ticket_type", "is_active"]
