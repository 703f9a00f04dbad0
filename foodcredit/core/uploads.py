"""Uploaded files told by their first bytes, never by their name or the client's content type.

One table of signatures for every door that takes a file: evidence attached to a task or an objection (photos and PDF
documents), and the import's spreadsheets (collection.readers tells XLSX from a legacy workbook or a PDF by it).
"""

from typing import Any

from django.utils.translation import gettext_lazy as _

from foodcredit.core.errors import DomainError

# SVG has no entry on purpose: it is XML that can carry script, so an attachment never may be one.
SIGNATURES = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),  # XLSX (and any other zip)
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),  # legacy .xls, and also password-protected .xlsx
)
HEAD_BYTES = max(len(magic) for magic, _kind in SIGNATURES)

# What evidence may be, with the extension it is stored under.
ATTACHMENT_EXTENSIONS = {"jpeg": ".jpg", "png": ".png", "pdf": ".pdf"}


def file_kind(head: bytes) -> str | None:
    """The kind of file whose first bytes are `head` (a key of SIGNATURES' kinds), None when none matches."""
    return next((kind for magic, kind in SIGNATURES if head[: len(magic)] == magic), None)


def attachment_read(upload: Any, *, limit: int, code_prefix: str, **context: Any) -> tuple[bytes, str, str]:
    """An attachment's bytes, extension and name: a JPEG or PNG photo or a PDF document, at most `limit` bytes.

    The type is checked on the first bytes before the rest is read, and the upload is refused as soon as it passes
    `limit`, counted while it streams (the client's declared size is not trusted). Refusals are DomainErrors
    `<code_prefix>.attachment_type` and `<code_prefix>.attachment_too_large`, carrying `context`.
    """
    name = str(getattr(upload, "name", "") or "attachment")[:200]
    buffer = bytearray()
    extension = ""
    for chunk in upload.chunks():
        buffer += chunk
        if len(buffer) > limit:
            raise DomainError(
                f"{code_prefix}.attachment_too_large",
                _("附件“%(name)s”超过%(mb)s MB") % {"name": name, "mb": limit // (1024 * 1024)},
                name=name,
                limit=limit,
                **context,
            )
        if not extension and len(buffer) >= HEAD_BYTES:
            extension = _attachment_extension(bytes(buffer[:HEAD_BYTES]), name, code_prefix, context)
    return bytes(buffer), extension or _attachment_extension(bytes(buffer), name, code_prefix, context), name


def _attachment_extension(head: bytes, name: str, code_prefix: str, context: dict[str, Any]) -> str:
    extension = ATTACHMENT_EXTENSIONS.get(file_kind(head) or "")
    if extension is None:
        raise DomainError(
            f"{code_prefix}.attachment_type",
            _("附件“%(name)s”须为JPEG、PNG照片或PDF文书") % {"name": name},
            name=name,
            **context,
        )
    return extension
