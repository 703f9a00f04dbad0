"""Pure rules of the eligibility answer: what the credit-risk class adds to the list-based measures (no ORM)."""

from foodcredit.credit.rules import Measure
from foodcredit.planning.rules import Facilitation

# The class measures are the district's defaults (DOMAIN.md Part I §8) under 国市监信发〔2022〕6号; the bar on 告知承诺
# follows the measures on serious-list parties (总局令第44号, DOMAIN.md II §1.6). Citations, kept in Chinese.
CLASS_MEASURE_BASIS = {
    "green_channel": "国市监信发〔2022〕6号（企业信用风险分类管理）；本区信用风险分类管理措施：A类（信用风险低）许可办理绿色通道",
    "no_lenient_acceptance": "国市监信发〔2022〕6号（企业信用风险分类管理）；本区信用风险分类管理措施：D类（信用风险高）不予容缺受理",
    "no_notify_commit": "国市监信发〔2022〕6号（企业信用风险分类管理）；本区信用风险分类管理措施：D类（信用风险高）不适用告知承诺制，"
    "参照《市场监督管理严重违法失信名单管理办法》（总局令第44号）",
}
# A restriction that closes a facilitation (credit.rules.operator_facilitations already applies the first).
BARS = {"no_notify_commit": "notify_commit", "no_lenient_acceptance": "lenient_acceptance"}


def class_measures(facilitation: Facilitation) -> tuple[list[Measure], list[Measure]]:
    """Restrictions and facilitations the class implies, in force while the class lasts (`until` None)."""
    restrictions = [
        Measure(code, None, CLASS_MEASURE_BASIS[code])
        for code, allowed in (
            ("no_lenient_acceptance", facilitation.lenient_acceptance),
            ("no_notify_commit", facilitation.notify_commit),
        )
        if not allowed
    ]
    facilitations = (
        [Measure("green_channel", None, CLASS_MEASURE_BASIS["green_channel"])] if facilitation.green_channel else []
    )
    return restrictions, facilitations


def measures_merge(
    *, restrictions: list[Measure], facilitations: list[Measure], by_class: tuple[list[Measure], list[Measure]]
) -> tuple[list[Measure], list[Measure]]:
    """The list-based measures with the class's (`class_measures`) added: one row per code, a list-based row kept (its
    statutory basis and end date) over the class's; a facilitation the merged restrictions bar is dropped."""
    class_restrictions, class_facilitations = by_class
    codes = {m.code for m in restrictions}
    merged = restrictions + [m for m in class_restrictions if m.code not in codes]
    barred = {BARS[m.code] for m in merged if m.code in BARS}
    return merged, [m for m in facilitations + class_facilitations if m.code not in barred]
