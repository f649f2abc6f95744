"""Stored files through Django's storage API only (local disk or an S3-compatible store).

Nothing asks a storage for a filesystem path (`.path`): an object store has none. A reader that
needs a real file (openpyxl seeks in a workbook's zip; the import checks a workbook's size
before opening it) gets a private temporary copy for the time it reads.
"""

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

COPY_CHUNK = 1024 * 1024


@contextmanager
def local_copy(field_file) -> Iterator[Path]:
    """A temporary local copy of a stored file (a FieldFile), removed when the block ends."""
    suffix = PurePosixPath(field_file.name).suffix
    with tempfile.NamedTemporaryFile(prefix="kefu-", suffix=suffix) as copy:
        with field_file.storage.open(field_file.name, "rb") as source:
            shutil.copyfileobj(source, copy, COPY_CHUNK)
        copy.flush()
        yield Path(copy.name)


def walk_files(storage, top: str) -> Iterator[str]:
    """Every file's name under the directory (prefix) `top` of a storage, depth first."""
    try:
        directories, files = storage.listdir(top)
    except FileNotFoundError:
        return
    for name in files:
        yield f"{top}/{name}"
    for directory in directories:
        yield from walk_files(storage, f"{top}/{directory}")
