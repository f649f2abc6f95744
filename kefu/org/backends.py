"""How a signed-in user is read on every request."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class ModelBackendWithUnit(ModelBackend):
    """Django's ModelBackend, with the user's organisation unit read in the same query (every
    page shows it in the sidebar and every data scope reads its path). The user is read on every
    request, so a deactivation or a password change applies at once."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related("org_unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None
