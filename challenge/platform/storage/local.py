"""Documents in a local folder (the embedded default)."""

from __future__ import annotations

import os
from pathlib import Path

from challenge.platform.storage.base import StorageUnavailable


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    async def check(self) -> None:
        if not self.root.is_dir():
            raise StorageUnavailable(f"document folder {self.root} does not exist")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailable(f"document folder {self.root} is not writable")
