"""The production set-up's first login: one administrator (and the company at the top of the
organisation tree, if there is none yet), never the demo's accounts or data.

    manage.py create_first_admin            # asks for the user name, name and password
    manage.py create_first_admin --from-env # KEFU_ADMIN_USERNAME, KEFU_ADMIN_PASSWORD,
                                            # KEFU_ADMIN_FULL_NAME, KEFU_COMPANY_NAME

Safe to run on every deploy: once an administrator exists it changes nothing. The password is
checked by the site's password validators; the creation is audited (no actor: the installer).
"""

import getpass
import os

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from kefu.audit.choices import AuditAction
from kefu.audit.services import audit_record
from kefu.org.choices import Role, UnitKind
from kefu.org.models import OrgUnit, User


class Command(BaseCommand):
    help = "Create the first administrator of a production installation (no demo data)."

    def add_arguments(self, parser):
        parser.add_argument("--from-env", action="store_true", help="Read KEFU_ADMIN_* and KEFU_COMPANY_NAME.")

    def handle(self, *args, from_env=False, **options):
        if User.objects.filter(role=Role.ADMIN, is_active=True).exists():
            self.stdout.write("An administrator exists already: nothing changed.")
            return
        if from_env:
            values = {
                "username": os.environ.get("KEFU_ADMIN_USERNAME", "").strip(),
                "full_name": os.environ.get("KEFU_ADMIN_FULL_NAME", "").strip() or "系统管理员",
                "password": os.environ.get("KEFU_ADMIN_PASSWORD", ""),
                "company": os.environ.get("KEFU_COMPANY_NAME", "").strip(),
            }
            missing = [name for name in ("KEFU_ADMIN_USERNAME", "KEFU_ADMIN_PASSWORD") if not os.environ.get(name)]
            if missing:
                raise CommandError(f"Set {', '.join(missing)} (or run without --from-env to be asked).")
        else:
            values = self._ask()
        user = User(username=values["username"], full_name=values["full_name"][:50], role=Role.ADMIN)
        try:
            User._meta.get_field("username").run_validators(user.username)
            if User.objects.filter(username=user.username).exists():
                raise ValidationError(f"user name {user.username!r} is taken")
            validate_password(values["password"], user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        with transaction.atomic():
            company = OrgUnit.get_root_nodes().first()
            if company is None:
                company = OrgUnit.add_root(name=values["company"] or "总公司", kind=UnitKind.COMPANY, code="HQ")
                audit_record(actor=None, action=AuditAction.CREATED, target=company, summary="create_first_admin")
            user.org_unit = company
            user.is_staff = user.is_superuser = True
            user.set_password(values["password"])
            user.save()
            audit_record(
                actor=None,
                action=AuditAction.CREATED,
                target=user,
                changes={"username": [None, user.username], "role": [None, Role.ADMIN]},
                summary="create_first_admin",
            )
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username} created in {company.name}."))

    def _ask(self) -> dict:
        username = input("Administrator's user name: ").strip()
        full_name = input("Full name [系统管理员]: ").strip() or "系统管理员"
        company = ""
        if not OrgUnit.get_root_nodes().exists():
            company = input("Company at the top of the organisation tree [总公司]: ").strip()
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return {"username": username, "full_name": full_name, "password": password, "company": company}
