"""不予公示 has one choke point: only credit.selectors.disclosure reads the marks (`unheld` for every public reader,
the marks for the internal file) and only credit.services.holds writes them. A reader that filtered held records by
hand would be a second rule to keep in step; the crawl of every public output (portal/tests/test_disclosure_hold_crawl)
shows the one rule holds."""

import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2]
# The model's manager, its table, or a lookup through it: a query of the marks.
QUERY = re.compile(r"\bDisclosureHold\.objects\b|\bH\.objects\b|\bdisclosurehold\w*\b|\bcredit_disclosurehold\b")
OWNERS = {"credit/selectors/disclosure.py", "credit/services/holds.py"}


def hand_filters(package: Path) -> list[str]:
    """Every line of domain code (comments aside) outside the owners that queries the marks, as 'path:line'."""
    found = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).as_posix()
        if "/tests/" in f"/{rel}" or "/migrations/" in rel or rel in OWNERS:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if QUERY.search(line) and not line.lstrip().startswith("#"):
                found.append(f"{rel}:{number}")
    return found


def test_only_the_disclosure_selectors_read_the_marks():
    assert hand_filters(PACKAGE) == []


def test_a_reader_filtering_by_hand_is_found(tmp_path):
    """The check is not vacuous: a portal reader that queries the marks itself is named."""
    reader = tmp_path / "portal" / "reader.py"
    reader.parent.mkdir()
    reader.write_text("held = DisclosureHold.objects.filter(removed_on__isnull=True)\n")
    assert hand_filters(tmp_path) == ["portal/reader.py:1"]
