"""What a person changes in /admin/ goes into the audit trail like any other change.

`AuditedAdmin` is mixed into every ModelAdmin: the apps' admin.py name it where they can, and
`audit_every_admin` (run by AuditConfig.ready, once every admin module is registered) mixes it
into the rest: org's screens (org cannot import this app, which imports org) and the screens of
other packages (groups, API tokens, axes' lock-outs). kefu/audit/tests/views/test_admin.py checks that
none is left out. The admin saves inside `transaction.atomic`, so the entries written here commit or
roll back with the change. The values before a change are read when the admin loads the row
(`get_object`), before anything is written: treebeard's tree form moves nodes while the form
saves, before `save_model` runs.
"""

from datetime import datetime

from django.db import transaction
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from .choices import AuditAction
from .services import audit_entry, audit_record, audit_records, diff, plain_value

HIDDEN = "******"
# A tree node's position is said by its parent; the materialised path behind it is not.
TREE_FIELDS = {"path", "depth", "numchild"}


def _value(value):
    """A form value as the trail keeps it: related rows by id, many of them as a sorted list."""
    if hasattr(value, "all") and not isinstance(value, str | bytes | dict):  # a queryset
        value = list(value.all())
    if isinstance(value, list | tuple | set):
        return sorted((plain_value(item) for item in value), key=str)
    return plain_value(value)


def _stored(value):
    """A row's value; a time in local time to the second, as the admin's form shows and posts it
    (a user's `date_joined` saved unchanged loses its microseconds: not a change anyone made)."""
    if isinstance(value, datetime):
        return localtime(value).replace(microsecond=0).isoformat()
    return plain_value(value)


def _snapshot(obj) -> dict:
    """Every stored value of a row, secrets as stars, a tree node's parent by name."""
    values = {}
    for field in obj._meta.get_fields():
        if not field.concrete or field.many_to_many or field.primary_key or field.name in TREE_FIELDS:
            continue
        values[field.name] = HIDDEN if "password" in field.name else _stored(getattr(obj, field.attname))
    if hasattr(obj, "get_parent") and obj.pk:
        parent = type(obj).objects.get_parent(obj, update=True)  # not the one the node read last
        values["parent"] = str(parent) if parent is not None else None
    return values


def _filled(values: dict) -> dict:
    return {name: value for name, value in values.items() if value not in (None, "", [], {})}


def _form_changes(form, names, skip=()) -> dict:
    """{field: [before, after]} for what the form changed that the row's values do not show
    (many-to-many fields, passwords); a tree form's own position fields are left out."""
    changes = {}
    for name in names:
        if name in skip or name.startswith("treebeard_"):
            continue
        if "password" in name:
            changes["password"] = [HIDDEN, HIDDEN]
        elif name in form.cleaned_data:
            before, after = _value(form.initial.get(name)), _value(form.cleaned_data[name])
            if before != after:
                changes[name] = [before, after]
    return changes


class AuditedAdmin:
    """ModelAdmin mixin: additions, changes (with their inlines) and deletions are audited."""

    def get_object(self, request, object_id, from_field=None):
        obj = super().get_object(request, object_id, from_field)
        if obj is not None:
            obj._audit_before = _snapshot(obj)
        return obj

    def save_model(self, request, obj, form, change):
        adding = not change
        super().save_model(request, obj, form, change)
        # Written once the many-to-many fields and inlines are saved too (save_related).
        request._audit_pending = (obj, form, adding)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        pending = getattr(request, "_audit_pending", None)
        if pending is None or pending[1] is not form:
            return  # this admin saved through a service that audits on its own
        del request._audit_pending
        obj, form, adding = pending
        after = _snapshot(obj)
        if adding:
            changes = {name: [None, value] for name, value in _filled(after).items()}
            changes.update(_form_changes(form, form.changed_data, skip=changes))
        elif hasattr(obj, "_audit_before"):  # the row as loaded: many-to-many and passwords from the form
            changes = diff(obj._audit_before, after)
            changes.update(_form_changes(form, form.changed_data, skip=after))
        else:  # a changelist's editable rows were not loaded by get_object: the form knows what changed
            changes = _form_changes(form, form.changed_data)
        if adding or changes:
            action = AuditAction.CREATED if adding else AuditAction.UPDATED
            audit_record(actor=request.user, action=action, target=obj, changes=changes, summary=_("In the admin"))
        if hasattr(obj, "_audit_before"):
            obj._audit_before = after

    def save_formset(self, request, form, formset, change):
        # Validating the inline forms already wrote the posted values onto their rows' instances:
        # the values before are read from the database, and deleted rows before they lose their id.
        ids = [inline.instance.pk for inline in formset.initial_forms if inline.instance.pk is not None]
        befores = {obj.pk: _snapshot(obj) for obj in formset.model._default_manager.filter(pk__in=ids)}
        entries = [
            self._entry(request, AuditAction.DELETED, inline.instance, self._removed(befores[inline.instance.pk]))
            for inline in formset.deleted_forms
            if inline.instance.pk in befores
        ]
        super().save_formset(request, form, formset, change)
        for obj in formset.new_objects:
            changes = {name: [None, value] for name, value in _filled(_snapshot(obj)).items()}
            entries.append(self._entry(request, AuditAction.CREATED, obj, changes))
        for obj, _names in formset.changed_objects:
            changes = diff(befores.get(obj.pk, {}), _snapshot(obj))
            if changes:
                entries.append(self._entry(request, AuditAction.UPDATED, obj, changes))
        audit_records(entries)

    def delete_model(self, request, obj):
        entry = self._entry(request, AuditAction.DELETED, obj, self._removed(_snapshot(obj)))
        super().delete_model(request, obj)
        audit_records([entry])

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the changelist's delete action runs outside the admin's atomic views
            entries = [
                self._entry(request, AuditAction.DELETED, obj, self._removed(_snapshot(obj))) for obj in queryset
            ]
            super().delete_queryset(request, queryset)
            audit_records(entries)

    def user_change_password(self, request, id, form_url=""):
        # The user admin's password page: the new password and its audit entry commit together.
        with transaction.atomic():
            return super().user_change_password(request, id, form_url)

    def log_change(self, request, obj, message):
        """The admin logs a change it saved without save_model: a password set on its own page."""
        super().log_change(request, obj, message)
        if request.resolver_match and (request.resolver_match.url_name or "").endswith("_password_change"):
            audit_record(
                actor=request.user,
                action=AuditAction.UPDATED,
                target=obj,
                changes={"password": [HIDDEN, HIDDEN]},
                summary=_("Password changed in the admin"),
            )

    def move_node(self, request):
        """treebeard's drag and drop in a tree's list moves a node without a form."""
        node_id = request.POST.get("node") or ""
        number = node_id.isascii() and node_id.isdigit()  # "²" is a digit the database refuses
        node = self.model._default_manager.filter(pk=node_id).first() if number else None
        before = _snapshot(node) if node is not None else None
        with transaction.atomic():
            response = super().move_node(request)
            if node is not None and response.status_code == 200:
                node.refresh_from_db()
                changes = diff(before, _snapshot(node))
                if changes:
                    audit_records([self._entry(request, AuditAction.UPDATED, node, changes)])
        return response

    @staticmethod
    def _removed(values: dict) -> dict:
        return {name: [value, None] for name, value in _filled(values).items()}

    @staticmethod
    def _entry(request, action, obj, changes):
        return audit_entry(actor=request.user, action=action, target=obj, changes=changes, summary=_("In the admin"))


def audit_every_admin(site) -> None:
    """Mix AuditedAdmin into every screen of `site` that lacks it (registered anew, same options)."""
    for model, screen in list(site._registry.items()):
        if not isinstance(screen, AuditedAdmin):
            site.unregister(model)
            site.register(model, type(type(screen).__name__, (AuditedAdmin, type(screen)), {}))
