from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountManagersConfig(AppConfig):
    name = "kefu.accountmanagers"
    label = "accountmanagers"
    verbose_name = _("Account managers")
