"""What an objection's evidence may be, told by its first bytes (never by its name or the client's content type):
JPEG or PNG photos and PDF documents, each under OBJECTION_ATTACHMENT_MAX_BYTES, counted while the upload streams.
The same types and checks as a task's attachments (planning.services.tasks)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from foodcredit.core.errors import DomainError

# SVG is refused outright: it is XML that can carry script.
ATTACHMENT_TYPES = (
    (b"\xff\xd8\xff", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", ".png"),
    (b"%PDF-", ".pdf"),
)
MAGIC_BYTES = max(len(magic) for magic, _ext in ATTACHMENT_TYPES)


def _type(head: bytes, *, name: str) -> str:
    for magic, extension in ATTACHMENT_TYPES:
        if head[: len(magic)] == magic:
            return extension
    raise DomainError(
        "objection.attachment_type", _("附件“%(name)s”须为JPEG、PNG照片或PDF文书") % {"name": name},
        field="attachments", name=name,
    )  # fmt: skip


def attachment_read(upload: Any, *, limit: int) -> tuple[bytes, str, str]:
    """The upload's bytes, extension and name: the type is checked on the first bytes before the rest is read, and
    the upload is refused as soon as it passes `limit` (the client's declared size is not trusted)."""
    name = str(getattr(upload, "name", "") or "attachment")[:200]
    buffer = bytearray()
    extension = ""
    for chunk in upload.chunks():
        buffer += chunk
        if len(buffer) > limit:
            raise DomainError(
                "objection.attachment_too_large",
                _("附件“%(name)s”超过%(mb)s MB") % {"name": name, "mb": limit // (1024 * 1024)},
                field="attachments", name=name, limit=limit,
            )  # fmt: skip
        if not extension and len(buffer) >= MAGIC_BYTES:
            extension = _type(bytes(buffer[:MAGIC_BYTES]), name=name)
    return bytes(buffer), extension or _type(bytes(buffer), name=name), name
