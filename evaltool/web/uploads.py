"""Files uploaded in the browser, kept inside the workspace until they are imported.

Each upload is a folder ``<workspace>/.uploads/<id>/`` (mode 0700) holding the file under a
safe name and ``upload.json``: the original name, size, SHA-256, the kind of import and the
user's choices for it (layout, instrument, project, wave, columns …). Ids are random hex;
a path is only ever built from a validated id and the stored safe name, so nothing is
written outside the workspace. An upload is removed once it has been imported or discarded.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from evaltool.errors import UserError

#: Folder of the uploads inside the workspace.
UPLOAD_DIR = ".uploads"
#: The kinds of import an upload can be for.
KINDS = ("clients", "partners", "projects", "participants")
_ID = re.compile(r"^[0-9a-f]{16}$")
_UNSAFE = re.compile(r"[^\w.\- ]+", re.UNICODE)
#: Longest stored file name (characters, extension included).
MAX_NAME = 120


def safe_name(name: str) -> str:
    """The base name of an uploaded file with path separators, control characters and other
    unsafe characters replaced, at most :data:`MAX_NAME` characters, never empty or hidden.

    >>> safe_name("../../etc/passwd")
    'passwd'
    >>> safe_name("Kysely: syksy\\x1b[31m.xlsx")
    'Kysely_ syksy_31m.xlsx'
    """
    base = re.split(r"[\\/]", str(name))[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    ext = ext[:10]
    stem = stem[: MAX_NAME - len(ext) - 1] or "upload"
    return f"{stem}.{ext}" if ext else stem


@dataclass
class Upload:
    """An uploaded file and the user's choices for importing it."""

    id: str
    name: str
    stored_name: str
    size: int
    sha256: str
    kind: str
    choices: dict = field(default_factory=dict)
    folder: Path | None = None

    @property
    def path(self) -> Path:
        """The stored file."""
        assert self.folder is not None
        return self.folder / self.stored_name

    def to_json(self) -> str:
        data = asdict(self)
        data.pop("folder")
        return json.dumps(data, ensure_ascii=False, indent=1)


class UploadStore:
    """The uploads of one workspace."""

    def __init__(self, workspace_root: str | Path):
        self.root = Path(workspace_root) / UPLOAD_DIR

    def _folder(self, upload_id: str) -> Path:
        if not _ID.match(str(upload_id)):
            raise UserError("no such upload")
        return self.root / upload_id

    def save(self, name: str, chunks, kind: str, limit: int | None = None) -> Upload:
        """Store an uploaded file from an iterable of byte chunks.

        Raises
        ------
        UserError
            For an unknown kind, an empty file or one larger than ``limit`` bytes (nothing is
            kept then).
        """
        if kind not in KINDS:
            raise UserError(f"unknown kind of import {kind!r} (one of {', '.join(KINDS)})")
        self.root.mkdir(mode=0o700, parents=True, exist_ok=True)
        upload_id = secrets.token_hex(8)
        folder = self._folder(upload_id)
        folder.mkdir(mode=0o700)
        stored = safe_name(name)
        digest, size = hashlib.sha256(), 0
        try:
            fd = os.open(folder / stored, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                for chunk in chunks:
                    size += len(chunk)
                    if limit is not None and size > limit:
                        raise UserError(
                            f"{stored}: the file is larger than the upload limit "
                            f"({limit // 1_000_000} MB)"
                        )
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise UserError(f"{stored}: the file is empty")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        upload = Upload(upload_id, str(name), stored, size, digest.hexdigest(), kind, {}, folder)
        self._write(upload)
        return upload

    def _write(self, upload: Upload) -> None:
        meta = self._folder(upload.id) / "upload.json"
        tmp = meta.with_suffix(".tmp")
        tmp.write_text(upload.to_json(), encoding="utf-8")
        os.chmod(tmp, 0o600)
        tmp.replace(meta)

    def get(self, upload_id: str) -> Upload:
        """The upload with this id; UserError when there is none."""
        folder = self._folder(upload_id)
        try:
            data = json.loads((folder / "upload.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise UserError("no such upload (it was imported, discarded or never made)")
        upload = Upload(**data, folder=folder)
        if safe_name(upload.stored_name) != upload.stored_name:
            raise UserError("no such upload")
        return upload

    def set_choices(self, upload: Upload, choices: dict) -> Upload:
        """Replace the upload's choices and save them."""
        upload.choices = dict(choices)
        self._write(upload)
        return upload

    def all(self) -> list[Upload]:
        """Every upload waiting to be imported, oldest first."""
        if not self.root.is_dir():
            return []
        found = []
        for folder in sorted(self.root.iterdir(), key=lambda p: p.stat().st_mtime):
            try:
                found.append(self.get(folder.name))
            except UserError:
                continue
        return found

    def remove(self, upload_id: str) -> None:
        """Delete the upload and its file."""
        shutil.rmtree(self._folder(upload_id), ignore_errors=True)
