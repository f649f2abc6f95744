"""The report period as typed in the query string."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kefu.core.filters import DayField

from .selectors import Period, default_period


class PeriodForm(forms.Form):
    since = DayField(label=_("from"), required=False)
    until = DayField(label=_("until"), required=False)

    def period(self) -> Period:
        """The period asked for; a bound left out or refused (see errors) is the default's."""
        self.is_valid()
        default = default_period()
        since = self.cleaned_data.get("since") or default.since
        until = self.cleaned_data.get("until") or default.until
        return Period(since=min(since, until), until=max(since, until))
