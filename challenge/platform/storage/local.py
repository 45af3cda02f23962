"""Documents in a local folder (the embedded default)."""

from __future__ import annotations

import asyncio
import hashlib
import json
import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

from challenge.platform.storage.base import (
    CHUNK,
    ObjectInfo,
    PutResult,
    StorageUnavailable,
    TooLarge,
)


class LocalStorage:
    name = "local"

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"key {key!r} leaves the storage folder")
        return path

    async def check(self) -> None:
        if not self.root.is_dir():
            raise StorageUnavailable(f"document folder {self.root} does not exist")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise StorageUnavailable(f"document folder {self.root} is not writable")

    async def put_stream(
        self, key: str, chunks: AsyncIterator[bytes], *, content_type: str, max_bytes: int
    ) -> PutResult:
        path = self._path(key)
        tmp = path.with_name(f".{path.name}.part")
        tmp_meta = path.with_name(f".{path.name}.meta.part")
        digest, size = hashlib.sha256(), 0
        try:
            await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
            handle = await asyncio.to_thread(open, tmp, "wb")
            try:
                async for chunk in chunks:
                    size += len(chunk)
                    if size > max_bytes:
                        raise TooLarge(max_bytes)
                    digest.update(chunk)
                    await asyncio.to_thread(handle.write, chunk)
            finally:
                await asyncio.to_thread(handle.close)
            meta = {"sha256": digest.hexdigest(), "content_type": content_type}
            await asyncio.to_thread(tmp_meta.write_text, json.dumps(meta))
            await asyncio.to_thread(os.replace, tmp_meta, self._meta(path))
            await asyncio.to_thread(os.replace, tmp, path)
        except OSError as exc:
            raise StorageUnavailable(f"cannot write {key}: {exc.strerror}") from None
        finally:
            for leftover in (tmp, tmp_meta):
                leftover.unlink(missing_ok=True)
        return PutResult(size=size, sha256=digest.hexdigest())

    @staticmethod
    def _meta(path: Path) -> Path:
        return path.with_name(f".{path.name}.meta")

    async def get_stream(self, key: str) -> AsyncIterator[bytes]:
        path = self._path(key)
        try:
            handle = await asyncio.to_thread(open, path, "rb")
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc.strerror}") from None
        try:
            while chunk := await asyncio.to_thread(handle.read, CHUNK):
                yield chunk
        finally:
            await asyncio.to_thread(handle.close)

    async def read_range(self, key: str, start: int, length: int) -> bytes:
        def read() -> bytes:
            with open(self._path(key), "rb") as handle:
                handle.seek(start)
                return handle.read(length)

        try:
            return await asyncio.to_thread(read)
        except OSError as exc:
            raise StorageUnavailable(f"cannot read {key}: {exc.strerror}") from None

    async def head(self, key: str) -> ObjectInfo | None:
        path = self._path(key)

        def stat() -> ObjectInfo | None:
            try:
                info = path.stat()
            except FileNotFoundError:
                return None
            except OSError as exc:
                raise StorageUnavailable(f"cannot read {key}: {exc.strerror}") from None
            try:
                meta = json.loads(self._meta(path).read_text())
            except (OSError, ValueError):
                meta = {}
            return ObjectInfo(
                key=key,
                size=info.st_size,
                sha256=meta.get("sha256"),
                content_type=meta.get("content_type"),
                last_modified=datetime.fromtimestamp(info.st_mtime, UTC),
            )

        return await asyncio.to_thread(stat)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        try:
            await asyncio.to_thread(path.unlink, True)
            await asyncio.to_thread(self._meta(path).unlink, True)
        except OSError as exc:
            raise StorageUnavailable(f"cannot delete {key}: {exc.strerror}") from None

    async def abort_incomplete_uploads(self, older_than: datetime) -> int:
        """Remove the partial files (``.<name>.part``) of uploads a killed process left behind."""

        def sweep() -> int:
            removed = 0
            for path in self.root.rglob(".*.part"):
                try:
                    if datetime.fromtimestamp(path.stat().st_mtime, UTC) < older_than:
                        path.unlink(missing_ok=True)
                        removed += 1
                except OSError:
                    continue
            return removed

        return await asyncio.to_thread(sweep)

    async def list_objects(self, prefix: str = "") -> AsyncIterator[ObjectInfo]:
        def walk() -> list[str]:
            keys = []
            for path in self.root.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    key = path.relative_to(self.root).as_posix()
                    if key.startswith(prefix):
                        keys.append(key)
            return sorted(keys)

        for key in await asyncio.to_thread(walk):
            info = await self.head(key)
            if info is not None:
                yield info

    async def presigned_get(
        self, key: str, *, filename: str, content_type: str, expires: int
    ) -> None:
        return None  # the portal streams local files itself

    async def presigned_post(
        self, key: str, *, content_type: str, max_bytes: int, expires: int
    ) -> None:
        return None  # uploads go through the portal's streamed path
