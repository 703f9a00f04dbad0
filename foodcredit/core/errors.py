"""The one business-rule error. Interfaces map it to 400 (409 for duplicates and stale versions)."""

from typing import Any


class DomainError(Exception):
    """A broken business rule: a stable code, a translatable message and the context that names the record."""

    status = 400

    def __init__(self, code: str, message: Any, **context: Any) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.context = context

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "context": self.context}


class ConflictError(DomainError):
    """A duplicate or a stale version."""

    status = 409
