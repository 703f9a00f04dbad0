"""What the credit-risk class adds to the eligibility answer, as a table over the classes."""

from datetime import date

import pytest

from foodcredit.credit.rules import Measure
from foodcredit.planning.rules import facilitation_for
from foodcredit.sharing import rules

NOTIFY = Measure("notify_commit", None, "国办发〔2019〕35号")
LISTED = Measure("no_notify_commit", date(2028, 3, 20), "《市场监督管理严重违法失信名单管理办法》（总局令第44号）")


@pytest.mark.parametrize(
    ("cls", "restrictions", "facilitations", "codes_r", "codes_f"),
    [
        ("A", [], [NOTIFY], [], ["notify_commit", "green_channel"]),
        ("B", [], [NOTIFY], [], ["notify_commit"]),
        ("C", [], [NOTIFY], [], ["notify_commit"]),
        ("D", [], [NOTIFY], ["no_lenient_acceptance", "no_notify_commit"], []),
        ("A", [LISTED], [], ["no_notify_commit"], ["green_channel"]),
        ("D", [LISTED], [], ["no_notify_commit", "no_lenient_acceptance"], []),
    ],
)
def test_measures_merge(cls, restrictions, facilitations, codes_r, codes_f):
    merged_r, merged_f = rules.measures_merge(
        restrictions=restrictions, facilitations=facilitations, by_class=rules.class_measures(facilitation_for(cls))
    )
    assert ([m.code for m in merged_r], [m.code for m in merged_f]) == (codes_r, codes_f)
    if LISTED in restrictions:
        assert LISTED in merged_r  # the listing's row (statutory basis, end date) is kept over the class's
    assert all(m.legal_basis for m in merged_r + merged_f)
