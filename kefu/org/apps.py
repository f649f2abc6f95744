from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kefu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from kefu.core.config_cache import clear_on_change
        from kefu.core.navigation import register_capability_check

        from .models import OrgUnit
        from .permissions import has_capability

        register_capability_check(has_capability)  # the sidebar shows what the role may open

        clear_on_change(OrgUnit)  # unit subtrees (selectors.unit_ids_under) are cached
