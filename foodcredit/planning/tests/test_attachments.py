"""Task attachments (SECURITY finding 6): the type is read from the content, the size counted while streaming."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from foodcredit.core.errors import DomainError
from foodcredit.core.models import AuditEvent
from foodcredit.planning import services
from foodcredit.planning.models import Task, TaskAttachment

from .conftest import plan_kwargs

pytestmark = pytest.mark.django_db

SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
CHUNK = 64 * 1024


@pytest.fixture
def task(operators, inspectors, regulator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = services.plan_create(**plan_kwargs(regulator, as_of=date(2025, 11, 3)))
    return Task.objects.filter(plan=plan).first()


class Endless:
    """An upload that claims to be small but streams without end, counting what is read from it."""

    name = "photo.jpg"
    size = 1024  # what the client declared
    content_type = "image/jpeg"

    def __init__(self) -> None:
        self.read_bytes = 0

    def chunks(self, chunk_size: int = CHUNK):
        first = True
        while True:
            block = (b"\xff\xd8\xff\xe0" if first else b"") + b"\0" * (chunk_size - (4 if first else 0))
            first = False
            self.read_bytes += len(block)
            yield block
            if self.read_bytes > 200 * 1024 * 1024:  # a faulty check would stop here, not hang the suite
                return


def test_svg_with_a_script_is_refused_and_nothing_is_stored(task, regulator):
    upload = SimpleUploadedFile("现场照片.svg", SVG_WITH_SCRIPT, content_type="image/svg+xml")
    with pytest.raises(DomainError) as err:
        services.task_attachment_add(task=task, upload=upload, actor=regulator)
    assert err.value.code == "planning.attachment_type"
    assert not TaskAttachment.objects.exists()
    assert not AuditEvent.objects.filter(action="attach").exists()


def test_svg_named_jpg_is_refused_by_its_content(task, regulator):
    upload = SimpleUploadedFile("photo.jpg", SVG_WITH_SCRIPT, content_type="image/jpeg")
    with pytest.raises(DomainError) as err:
        services.task_attachment_add(task=task, upload=upload, actor=regulator)
    assert err.value.code == "planning.attachment_type"


def test_size_is_counted_while_streaming_not_taken_from_the_client(task, regulator, settings):
    upload = Endless()
    with pytest.raises(DomainError) as err:
        services.task_attachment_add(task=task, upload=upload, actor=regulator)
    assert err.value.code == "planning.attachment_too_large"
    # Refused as soon as the limit is passed: at most one chunk beyond it was read.
    assert upload.read_bytes <= settings.PLANNING_ATTACHMENT_MAX_BYTES + CHUNK
    assert not TaskAttachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("现场.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 100),
        ("现场.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 100),
        ("文书.pdf", b"%PDF-1.7\n" + b"\0" * 100),
    ],
)
def test_photos_and_pdfs_are_kept_with_an_audit_row(task, regulator, name, content):
    attachment = services.task_attachment_add(task=task, upload=SimpleUploadedFile(name, content), actor=regulator)
    assert attachment.file.read() == content
    event = AuditEvent.objects.get(action="attach", object_id=str(task.pk))
    assert event.changes["attachment"] == [None, name]
