"""Uploads are told by their first bytes: the one table every door (task and objection evidence, imports) reads."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foodcredit.core.errors import DomainError
from foodcredit.core.uploads import attachment_read, file_kind


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "png"),
        (b"%PDF-1.7\n", "pdf"),
        (b"PK\x03\x04\x14\x00", "zip"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
        (b"<svg onload='alert(1)'>", None),
        (b"%PD", None),  # shorter than the signature
        (b"", None),
    ],
)
def test_file_kind_by_first_bytes(head, kind):
    assert file_kind(head) == kind


def test_attachment_read_stores_a_photo_by_its_content_not_its_name():
    content, extension, name = attachment_read(
        SimpleUploadedFile("报告.pdf", b"\x89PNG\r\n\x1a\n" + b"\0" * 100), limit=1024, code_prefix="planning"
    )
    assert (extension, name, len(content)) == (".png", "报告.pdf", 108)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"<svg onload='alert(1)'></svg>", "objection.attachment_type"),
        (b"PK\x03\x04" + b"\0" * 20, "objection.attachment_type"),  # a workbook is not evidence
        (b"%PDF", "objection.attachment_type"),  # too short to be anything
        (b"%PDF-" + b"0" * 2048, "objection.attachment_too_large"),
    ],
)
def test_attachment_read_refuses_and_names_the_file(data, code):
    with pytest.raises(DomainError) as err:
        attachment_read(SimpleUploadedFile("证据.bin", data), limit=1024, code_prefix="objection", field="attachments")
    assert err.value.code == code
    assert "证据.bin" in str(err.value.message)
    assert err.value.context["field"] == "attachments"
