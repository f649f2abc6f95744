"""How a signed-in user is read on every request."""

from django.contrib.auth.backends import ModelBackend

from .authentication import kept_user


class ModelBackendWithUnit(ModelBackend):
    """Django's ModelBackend, with the user's organisation unit (every page shows it in the
    sidebar and every data scope reads its path) and from the process's copy of the user.

    The copy is the API tokens' (`authentication.kept_user`, `KEFU_TOKEN_USER_SECONDS`): a page
    reads the session row every time, so signing out ends a session at once everywhere, but not
    the user's row. A deactivation, a role or a password changed in this process applies at
    once; one saved by another worker within those seconds. The user's row was one query of
    the seven on most pages."""

    def get_user(self, user_id):
        user = kept_user(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
