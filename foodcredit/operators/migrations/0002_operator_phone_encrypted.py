"""Operator phones encrypted at rest with a blind index (SECURITY.md E2): existing rows are encrypted, and decrypted
back when the migration is reversed."""

from typing import Any

from django.db import migrations, models

from foodcredit.core.crypto import decrypt, encrypt, phone_index

BATCH = 2000


def _encrypt_phones(apps: Any, schema_editor: Any) -> None:
    operator = apps.get_model("operators", "Operator")
    rows = operator.objects.exclude(phone="").only("pk", "phone").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.phone_encrypted = encrypt(row.phone)
        row.phone_index = phone_index(row.phone)
        batch.append(row)
        if len(batch) == BATCH:
            operator.objects.bulk_update(batch, ["phone_encrypted", "phone_index"])
            batch = []
    operator.objects.bulk_update(batch, ["phone_encrypted", "phone_index"])


def _decrypt_phones(apps: Any, schema_editor: Any) -> None:
    operator = apps.get_model("operators", "Operator")
    rows = operator.objects.exclude(phone_encrypted="").only("pk", "phone_encrypted").order_by("pk")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        row.phone = decrypt(row.phone_encrypted)
        batch.append(row)
        if len(batch) == BATCH:
            operator.objects.bulk_update(batch, ["phone"])
            batch = []
    operator.objects.bulk_update(batch, ["phone"])


class Migration(migrations.Migration):
    dependencies = [("operators", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="operator",
            name="phone_encrypted",
            field=models.TextField(blank=True, default="", verbose_name="联系电话（加密）"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="operator",
            name="phone_index",
            field=models.CharField(blank=True, db_index=True, default="", max_length=64, verbose_name="联系电话索引"),
            preserve_default=False,
        ),
        migrations.RunPython(_encrypt_phones, _decrypt_phones, elidable=False),
        migrations.RemoveField(model_name="operator", name="phone"),
    ]
