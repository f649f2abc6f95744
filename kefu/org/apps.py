from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kefu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from kefu.core.config_cache import clear_on_change

        from .models import OrgUnit

        clear_on_change(OrgUnit)  # unit subtrees (selectors.unit_ids_under) are cached
