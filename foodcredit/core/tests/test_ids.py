"""USCC and licence-number checks against the published vectors of DOMAIN.md II §7."""

import pytest

from foodcredit.core.ids import licence_validate, uscc_check_character, uscc_validate


@pytest.mark.parametrize("code", ["914403001922038216", "91110108551385082Q"])
def test_uscc_validate_accepts_real_codes(code):
    check = uscc_validate(code)
    assert check.ok, check.errors


@pytest.mark.parametrize(
    ("code", "expected"),
    [("914403001922038217", "6"), ("91110108717809965C", "J"), ("9133010057462616XH", "9")],
)
def test_uscc_validate_rejects_wrong_check_character_and_names_the_right_one(code, expected):
    check = uscc_validate(code)
    assert not check.ok
    assert f"应为 {expected}" in check.errors[0] and " / " not in check.errors[0]


def test_uscc_validate_exception_list_turns_failure_into_warning():
    code = "91350203M0001QAY9B"  # real code that fails the algorithm (DOMAIN.md II §7.1)
    assert not uscc_validate(code).ok
    check = uscc_validate(code, exceptions=frozenset({code}))
    assert check.ok and any("例外" in w for w in check.warnings)


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91440300192203821", "18位"),
        ("91440300192203821I", "非法字符"),
        ("", "18位"),
        ("9144030019220382O6", "非法字符"),
    ],
)
def test_uscc_validate_rejects_malformed_codes_with_a_clerk_readable_reason(code, fragment):
    check = uscc_validate(code)
    assert not check.ok and fragment in check.errors[0]


def test_uscc_validate_warns_on_unknown_type_code():
    body = "B1500105MA5U1234"  # B is not a known registration department
    first17 = (body + "0")[:17]
    code = first17 + uscc_check_character(first17)
    check = uscc_validate(code)
    assert check.ok and any("机构类别代码" in w for w in check.warnings)


def test_uscc_check_character_matches_vector():
    assert uscc_check_character("91440300192203821") == "6"


@pytest.mark.parametrize(
    ("number", "kind", "ok", "legacy"),
    [
        ("JY25001050000011", "business", True, False),
        ("SC10450010500012", "production", True, False),
        ("JY45001050000011", "business", False, False),  # business-form digit must be 1-3
        ("JY2500105000001", "business", False, False),  # 13 digits
        ("QS500106010001", "production", True, True),  # old QS number: flagged, not rejected
        ("SC3045001050001", "production", False, False),
    ],
)
def test_licence_validate(number, kind, ok, legacy):
    check = licence_validate(number, kind=kind)
    assert (check.ok, check.legacy) == (ok, legacy), check.errors
