# SPDX-License-Identifier: Apache-2.0
"""Passport scans: checked by their content, stored outside the web root under a random name."""
import hashlib
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

MAX_SCAN_BYTES_DEFAULT = 5 * 1024 * 1024

# What a file is, told by its first bytes; never by its name or the browser's word.
_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
    (b"%PDF-", "application/pdf", ".pdf"),
)


class InvalidScan(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class StoredScan:
    name: str  # relative to the scan directory
    content_type: str
    size: int
    sha256: str


def max_scan_bytes() -> int:
    return int(getattr(settings, "SHAILOO_SCAN_MAX_BYTES", MAX_SCAN_BYTES_DEFAULT))


def scan_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "scans"


def sniff(head: bytes) -> tuple[str, str]:
    for magic, content_type, extension in _SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    raise InvalidScan("scan_type", "the scan must be a JPEG, PNG or PDF file")


def read_scan(upload: IO[bytes]) -> tuple[bytes, str, str]:
    """The bytes of an upload, its content type and extension; InvalidScan if too big or of another kind."""
    limit = max_scan_bytes()
    chunks, size = [], 0
    if hasattr(upload, "chunks"):
        pieces = upload.chunks()
    else:
        pieces = iter(lambda: upload.read(64 * 1024), b"")
    for chunk in pieces:
        size += len(chunk)
        if size > limit:
            raise InvalidScan("scan_too_large", f"the scan is larger than {limit // (1024 * 1024)} MB")
        chunks.append(chunk)
    data = b"".join(chunks)
    if not data:
        raise InvalidScan("scan_empty", "the scan file is empty")
    content_type, extension = sniff(data[:16])
    return data, content_type, extension


def store_scan(upload: IO[bytes], *, election_id: int) -> StoredScan:
    data, content_type, extension = read_scan(upload)
    folder = scan_root() / str(election_id)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    name = f"{election_id}/{secrets.token_hex(16)}{extension}"
    path = scan_root() / name
    with open(path, "xb") as handle:
        handle.write(data)
    path.chmod(0o600)
    return StoredScan(name=name, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest())


def scan_path(name: str) -> Path:
    root = scan_root().resolve()
    path = (root / name).resolve()
    if root not in path.parents:
        raise InvalidScan("scan_name", "not a stored scan")
    return path


def delete_scan(name: str) -> bool:
    path = scan_path(name)
    if path.exists():
        path.unlink()
        return True
    return False
