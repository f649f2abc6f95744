from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KeyaccountsConfig(AppConfig):
    name = "kefu.keyaccounts"
    label = "keyaccounts"
    verbose_name = _("Key-account service teams")

    def ready(self):
        from kefu.accountmanagers.handover import register_handover_provider
        from kefu.core.workbench import register_workbench_provider
        from kefu.customers import hooks as customer_hooks
        from kefu.customers.panels import register_customer_panel
        from kefu.tickets import hooks as ticket_hooks

        from . import handover, panels, routing, selectors, services, workbench

        # Group confidentiality (SPEC §1): the customers app asks this rule on the 360 page and API.
        customer_hooks.set_business_file_access_check(selectors.business_file_readable, selectors.business_file_narrow)
        from kefu.customers.selectors import register_business_file_record

        register_business_file_record("keyaccounts.agreement")  # its audit entries' values too
        # Qualification (seed 003 篇6): a key account's new manager must hold its level.
        customer_hooks.on_managers_changed(services.check_new_managers)
        # One point of contact (一点受理): a member's request reaches the account's team.
        ticket_hooks.on_creating(routing.route_creating)
        ticket_hooks.on_created(routing.route_created)
        ticket_hooks.on_customer_linked(routing.route_linked)
        register_customer_panel(panels.team_panel)
        register_workbench_provider(workbench.team_cards)
        register_handover_provider("keyaccount_team", handover.hand_over_team_places)
