"""The admin site carries Kefu's name (the header, the browser title and the index page)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Kefu administration")
admin.site.site_title = _("Kefu administration")
admin.site.index_title = _("Settings and configuration")
