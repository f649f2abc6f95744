"""Copy every stored file (attachments, import uploads) out of the default storage into a local
directory, with a manifest of SHA-256 sums: works the same for local disk and an object store
(it uses the storage API). Part of scripts/backup.sh; `files_restore` puts them back."""

import hashlib
import json
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand, CommandError

from kefu.core.files import COPY_CHUNK, walk_files

MANIFEST = "MANIFEST.json"


def _top_level(storage) -> list[str]:
    try:
        directories, files = storage.listdir("")
    except FileNotFoundError:
        return []
    names = list(files)
    for directory in directories:
        names.extend(walk_files(storage, directory))
    return sorted(names)


class Command(BaseCommand):
    help = "Copy every stored file into DIRECTORY (with MANIFEST.json of SHA-256 sums)."

    def add_arguments(self, parser):
        parser.add_argument("directory")

    def handle(self, *args, directory, **options):
        target = Path(directory)
        if target.exists() and any(target.iterdir()):
            raise CommandError(f"{target} is not empty")
        target.mkdir(parents=True, exist_ok=True)
        manifest = {}
        for name in _top_level(default_storage):
            path = target / name
            if not path.resolve().is_relative_to(target.resolve()):
                raise CommandError(f"refusing the stored name {name!r}")
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with default_storage.open(name, "rb") as source, path.open("wb") as copy:
                while chunk := source.read(COPY_CHUNK):
                    digest.update(chunk)
                    copy.write(chunk)
            manifest[name] = digest.hexdigest()
        (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
        self.stdout.write(f"{len(manifest)} files copied to {target}")
