"""Pick an industry preset at set-up: workflows, complaint categories and time-limit policies.

In the tickets app, which uses sla (sla does not import tickets)."""

from django.core.management.base import BaseCommand, CommandError

from kefu.sla.presets import PRESETS
from kefu.sla.services import sla_install_preset
from kefu.tickets import hooks
from kefu.tickets.services.setup import categories_install_defaults, workflows_install_defaults


class Command(BaseCommand):
    help = "Install an industry preset (utility, telecom, government, hotel, generic). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("preset", choices=sorted(PRESETS))

    def handle(self, *args, preset, **options):
        if preset not in PRESETS:
            raise CommandError(f"unknown preset {preset}")
        workflows = workflows_install_defaults()
        categories = categories_install_defaults()
        policies = sla_install_preset(preset=preset)
        hooks.preset_installed()  # defaults of the apps above tickets (callback rules)
        self.stdout.write(
            f"Preset {preset}: {workflows} workflows, {categories} categories, {policies} time-limit policies added."
        )
