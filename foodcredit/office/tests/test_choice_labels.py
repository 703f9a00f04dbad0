"""Every choice label of every model is marked for translation (core/choice_labels.py), so that English readers
never meet a controlled value in Chinese because its label never reached the catalogue (issue 15 §10)."""

import re

from django.apps import apps
from django.utils import translation

from foodcredit.core.choice_labels import CHOICE_LABELS, label, translated_choices
from foodcredit.operators.models import Operator

HAN = re.compile(r"[\u4e00-\u9fff]")
DJANGO_OWN = {"admin", "auth", "contenttypes", "sessions", "axes", "otp_totp", "otp_static", "django_otp"}


def _chinese_choice_labels() -> dict[str, str]:
    found: dict[str, str] = {}
    for model in apps.get_models():
        if model._meta.app_label in DJANGO_OWN:
            continue
        for field in model._meta.get_fields():
            for _value, text in getattr(field, "flatchoices", None) or ():
                if HAN.search(str(text)):
                    found.setdefault(str(text), f"{model._meta.label_lower}.{field.name}")
    return found


def test_every_chinese_choice_label_is_marked_for_translation():
    unmarked = {text: where for text, where in _chinese_choice_labels().items() if text not in CHOICE_LABELS}
    assert unmarked == {}, "add these to core/choice_labels.py (and their English to the catalogue)"


def test_labels_and_form_choices_follow_the_active_language():
    choices = translated_choices(Operator.Sector.choices)
    with translation.override("en"):
        assert label(Operator.Sector.CATERING.label) == "Catering"
        assert dict(choices)["catering"] == "Catering"
    with translation.override("zh-hans"):
        assert label(Operator.Sector.CATERING.label) == "餐饮"
        assert dict(choices)["catering"] == "餐饮"
    assert label("") == "" and label(None) == ""


def test_every_models_choice_display_answers_in_the_active_language():
    from foodcredit.alerts.models import Alert
    from foodcredit.credit.models import LedgerEntry

    alert = Alert(status=Alert.Status.ROUTED, level=Alert.Level.LOW)
    entry = LedgerEntry(kind=LedgerEntry.Kind.PENALTY)  # not a BaseModel: every model is covered
    operator = Operator(sector=Operator.Sector.CATERING)
    with translation.override("zh-hans"):
        assert (alert.get_status_display(), entry.get_kind_display(), operator.get_sector_display()) == (
            "已分派",
            "行政处罚",
            "餐饮",
        )
    with translation.override("en"):
        assert entry.get_kind_display() == "Administrative penalty"
        assert operator.get_sector_display() == "Catering"
        assert not HAN.search(alert.get_level_display())
