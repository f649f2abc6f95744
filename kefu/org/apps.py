from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "kefu.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from kefu.core.config_cache import clear_on_change

        from .authentication import forget_users
        from .models import OrgUnit, User

        clear_on_change(OrgUnit)  # unit subtrees (selectors.unit_ids_under) are cached
        for model in (User, OrgUnit):  # API callers' users are kept with their unit
            for signal in (post_save, post_delete):
                signal.connect(forget_users, sender=model, dispatch_uid=f"token_users:{model._meta.label}:{id(signal)}")
