"""Reading a credit report's PDF as its reader's software does (pypdf): its text, its attached content, its fonts and
its verification code."""

import io
import json
import re
from typing import Any

import pypdf

CODE = re.compile(r"[2-9A-HJ-NP-Z]{4}(?:-[2-9A-HJ-NP-Z]{4}){3}")


def pdf_text(body: bytes) -> str:
    """Every page's text, in order."""
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(body)).pages)


def pdf_attachment(body: bytes, name: str = "content.json") -> bytes:
    """The bytes of the one attachment called `name`."""
    [data] = pypdf.PdfReader(io.BytesIO(body)).attachments[name]
    return data


def pdf_content(body: bytes) -> dict[str, Any]:
    """The report's attached content, parsed."""
    return json.loads(pdf_attachment(body))


def pdf_fonts(body: bytes) -> set[tuple[str, bool]]:
    """(base font name, embedded?) of every font the pages use: a font is embedded when its descriptor carries a font
    program (FontFile, FontFile2 or FontFile3)."""
    found = set()
    for page in pypdf.PdfReader(io.BytesIO(body)).pages:
        resources: Any = page["/Resources"]
        for ref in resources.get("/Font", {}).values():
            font = ref.get_object()
            described: Any = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor: Any = described.get("/FontDescriptor")
            program = descriptor is not None and any(
                key in descriptor.get_object() for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
            found.add((str(font["/BaseFont"]), program))
    return found


def pdf_code(body: bytes) -> str:
    """The verification code printed on the report (the same on every page)."""
    codes = set(CODE.findall(pdf_text(body)))
    assert len(codes) == 1, codes
    return codes.pop()
