"""The front-end libraries the pages load, found in node_modules file by file (settings.VENDOR_STATIC_FILES).

The npm packages ship far more than the pages use (echarts' dist alone: maps, extensions, source maps, ESM builds —
160 MB): collecting whole directories made `collectstatic` with WhiteNoise's compression take minutes. This finder
serves and collects only the named files, under their prefix, as FileSystemFinder would.
"""

from __future__ import annotations

import builtins
import os
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.checks import CheckMessage, Error
from django.core.files.storage import FileSystemStorage


class VendorFinder(FileSystemFinder):
    """Each (prefix, directory, file names) of VENDOR_STATIC_FILES: only those files, as `prefix/name`."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        self.locations = []
        self.storages = {}
        self.names: dict[str, frozenset[str]] = {}
        for prefix, path, names in settings.VENDOR_STATIC_FILES:
            root = str(path)
            self.locations.append((prefix, root))
            storage = FileSystemStorage(location=root)
            storage.prefix = prefix  # type: ignore[attr-defined]  # as FileSystemFinder sets it
            self.storages[root] = storage
            self.names[root] = frozenset(names)
        super(FileSystemFinder, self).__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> builtins.list[CheckMessage]:
        paths = [os.path.join(root, name) for root, names in self.names.items() for name in sorted(names)]
        missing = [path for path in paths if not os.path.isfile(path)]
        return [Error(f"{path} is missing: run `make assets` (npm ci)", id="foodcredit.E001") for path in missing]

    def find_location(self, root: str, path: str, prefix: str | None = None) -> str | None:
        if prefix:
            if not path.startswith(prefix + os.sep):
                return None
            path = path.removeprefix(prefix + os.sep)
        if path not in self.names.get(root, ()):
            return None
        return super().find_location(root, path)

    def list(self, ignore_patterns: Any) -> Iterator[tuple[str, FileSystemStorage]]:
        for _, root in self.locations:
            for name in sorted(self.names[root]):
                if os.path.isfile(os.path.join(root, name)):
                    yield name, self.storages[root]
