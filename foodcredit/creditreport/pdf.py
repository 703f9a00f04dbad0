"""The credit report drawn as a PDF by WeasyPrint, with a CJK font embedded (fontconfig finds WenQuanYi Zen Hei or
Noto Sans CJK, installed by `make system-deps`), the verification code, a QR code of the verification page's address
and the content hash printed on every page, and the hashed content attached as `content.json` so that anyone can
recompute the hash (sha256sum content.json) and compare it with the one printed and with the verification page."""

import io
from typing import Any

import segno
import weasyprint
from django.template.loader import render_to_string

from . import rules
from .models import CreditReport

CONTENT_ATTACHMENT = "content.json"


def report_pdf(*, report: CreditReport, content: dict[str, Any], verify_url: str) -> bytes:
    """The PDF of an issued report: `content` as built by the selectors, `verify_url` the address its QR code opens
    (the public verification page with the code filled in)."""
    qr = segno.make(verify_url, error="m").svg_data_uri(scale=3, border=1)
    html = render_to_string(
        "creditreport/report.html",
        {
            "c": content,
            "report": report,
            "code": rules.code_display(report.code),
            "qr": qr,
            "verify_url": verify_url,
            "public": report.variant == CreditReport.Variant.PUBLIC,
        },
    )
    attachment = weasyprint.Attachment(
        file_obj=io.BytesIO(rules.content_canonical(content)),
        name=CONTENT_ATTACHMENT,
        description="SHA-256 " + report.content_hash,
    )
    pdf = weasyprint.HTML(string=html).write_pdf(attachments=[attachment])
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return pdf
