"""Static files as WhiteNoise serves them: after `collectstatic` each file is stored under a name
with its content's hash (`kefu.3f2a….css`) beside gzip and Brotli copies, so browsers keep it for
a year (WhiteNoise marks hashed names immutable) and a changed file is a new name."""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Before `collectstatic` (a fresh checkout, `runserver`) there is no manifest: pages then
    name the plain files, which WhiteNoise finds in the apps (WHITENOISE_USE_FINDERS)."""

    manifest_strict = False

    def stored_name(self, name):
        try:
            return super().stored_name(name)
        except ValueError:  # neither in the manifest nor collected
            return name
