"""One language at a time: Chinese source strings, a complete English catalogue, never "中文 / English" in one string.

The catalogue is read with polib; completeness is checked against what `makemessages` extracts *now* from a copy of
the tree, so a new string without its English fails here rather than showing Chinese to an English reader.
"""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[3]
CATALOGUE = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
# "中文… / English…": Chinese, a spaced slash, then Latin text (a bilingual string shown whole to every reader).
BILINGUAL = re.compile(r"[\u4e00-\u9fff][^/\n]*\s/\s*[A-Za-z]")


def _bilingual(text: str) -> bool:
    return any(CJK.search(text[: m.end()]) for m in BILINGUAL.finditer(text))


def test_no_catalogue_entry_is_untranslated_fuzzy_or_bilingual():
    catalogue = polib.pofile(str(CATALOGUE))
    untranslated = [e.msgid for e in catalogue.untranslated_entries()]
    fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
    bilingual = [e.msgid for e in catalogue if _bilingual(e.msgid)]
    assert (untranslated, fuzzy, bilingual) == ([], [], [])


def test_compiled_catalogue_matches_the_source_catalogue():
    """The .mo Django loads says what the .po says (a forgotten compilemessages shows stale English)."""
    source = {(e.msgctxt, e.msgid): e.msgstr for e in polib.pofile(str(CATALOGUE)) if e.msgstr}
    compiled = {
        (e.msgctxt, e.msgid): e.msgstr for e in polib.mofile(str(CATALOGUE.with_suffix(".mo"))) if e.msgid and e.msgstr
    }
    assert {k: v for k, v in source.items() if "\n" not in k[1]} == {
        k: v for k, v in compiled.items() if "\n" not in k[1]
    }


def _string_literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(), filename=str(path))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)]


def test_no_source_string_is_bilingual():
    """Messages, labels and help texts in the code: one language per string (multi-line docstrings aside)."""
    found = []
    for folder in ("foodcredit", "config"):
        for path in (ROOT / folder).rglob("*.py"):
            if "tests" in path.parts or "migrations" in path.parts:
                continue
            found += [
                f"{path.relative_to(ROOT)}:{line}: {text[:60]}"
                for line, text in _string_literals(path)
                if _bilingual(text) and "\n" not in text.strip()
            ]
    assert found == []


@pytest.mark.slow
def test_every_string_in_the_tree_has_its_english(tmp_path):
    """makemessages on a copy of the tree (so the repository is not touched): nothing new and untranslated."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: make system-deps installs Debian's gettext")
    for name in ("foodcredit", "config", "locale"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "static"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-location", "-v", "0"],
        cwd=tmp_path,
        check=True,
        env={"DJANGO_SETTINGS_MODULE": "config.settings.test", "PATH": "/usr/bin:/bin"},
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "en" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in extracted.untranslated_entries()] + [e.msgid for e in extracted.fuzzy_entries()]
    assert missing == []
