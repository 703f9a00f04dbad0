"""Upload size cap enforced while the body streams in (SECURITY.md C4), not after it was read.

An honest Content-Length over the cap is refused by the view before the body is read; this handler stops a body
that turns out larger than announced (chunked or lying clients) as the bytes arrive."""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload


class MaxSizeUploadHandler(FileUploadHandler):
    """Stops an upload as soon as it passes IMPORT_UPLOAD_MAX_BYTES; Django then removes the partial file."""

    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.IMPORT_UPLOAD_MAX_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
