"""Put the files of a `files_backup` directory back into the default storage (local disk or an
object store) under their own names, checking each against the manifest's SHA-256 sum. For an
empty instance: a name that exists already is refused, nothing is overwritten."""

import hashlib
import json
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from .files_backup import MANIFEST


class Command(BaseCommand):
    help = "Restore the files of a files_backup DIRECTORY into the default storage."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        source = Path(directory)
        manifest = json.loads((source / MANIFEST).read_text())
        for name, expected in manifest.items():
            data = (source / name).read_bytes()
            if hashlib.sha256(data).hexdigest() != expected:
                raise CommandError(f"{name}: the copy does not match its SHA-256 sum")
            if default_storage.exists(name):
                raise CommandError(f"{name} exists already: restore into an empty instance")
        for name in manifest:
            with (source / name).open("rb") as handle:
                saved = default_storage.save(name, handle)
            if saved != name:
                raise CommandError(f"{name} was stored as {saved}")
        self.stdout.write(f"{len(manifest)} files restored")
