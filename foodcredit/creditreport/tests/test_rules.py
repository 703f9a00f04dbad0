"""The verification code's and the content hash's pure rules, with tables."""

import itertools
import random

import pytest

from foodcredit.creditreport import rules

ALPHABET = rules.CODE_ALPHABET


def _codes(n: int) -> list[str]:
    draw = random.Random(15)  # fixed: the same codes on every run
    return [rules.code_make([draw.choice(ALPHABET) for _ in range(rules.CODE_RANDOM)]) for _ in range(n)]


def test_made_codes_pass_their_check():
    assert all(rules.code_check(code) == rules.CodeCheck.WELL_FORMED for code in _codes(200))


def test_every_single_wrong_character_is_caught():
    for code in _codes(20):
        for position, other in itertools.product(range(rules.CODE_LENGTH), ALPHABET):
            if other != code[position]:
                typo = code[:position] + other + code[position + 1 :]
                assert rules.code_check(typo) == rules.CodeCheck.BAD_CHECK, (code, typo)


def test_almost_every_swap_of_neighbours_is_caught():
    swaps = caught = 0
    for code in _codes(200):
        for position in range(rules.CODE_LENGTH - 1):
            swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
            if swapped != code:
                swaps += 1
                caught += rules.code_check(swapped) == rules.CodeCheck.BAD_CHECK
    # Luhn mod N misses only the swap of the two characters whose doubled values wrap onto each other.
    assert caught / swaps > 0.99, (caught, swaps)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("abcd-efgh jklm_npqr", "ABCDEFGHJKLMNPQR"),
        ("  ABCD－EFGH—JKLM-NPQR ", "ABCDEFGHJKLMNPQR"),
        ("https://credit.example/verify/?code=ABCD-EFGH-JKLM-NPQR&x=1", "ABCDEFGHJKLMNPQR"),
    ],
)
def test_code_normalise(typed, expected):
    assert rules.code_normalise(typed) == expected


@pytest.mark.parametrize(
    "code", ["", "ABCD", "ABCDEFGHJKLMNPQ", "ABCDEFGHJKLMNPQRS", "0BCDEFGHJKLMNPQR", "IBCDEFGHJKLMNPQR", "观音桥"]
)
def test_malformed_codes(code):
    assert rules.code_check(code) == rules.CodeCheck.MALFORMED


def test_code_display_groups_of_four():
    assert rules.code_display("ABCDEFGHJKLMNPQR") == "ABCD-EFGH-JKLM-NPQR"


def test_code_make_refuses_a_wrong_random_part():
    with pytest.raises(ValueError):
        rules.code_make(list("ABC"))
    with pytest.raises(ValueError):
        rules.code_make(list("0" * rules.CODE_RANDOM))


def test_content_hash_is_of_the_canonical_json():
    one = {"b": [1, "观音桥"], "a": {"y": None, "x": True}}
    same_other_order = {"a": {"x": True, "y": None}, "b": [1, "观音桥"]}
    assert rules.content_canonical(one) == '{"a":{"x":true,"y":null},"b":[1,"观音桥"]}'.encode()
    assert rules.content_hash(one) == rules.content_hash(same_other_order)
    assert rules.content_hash(one) != rules.content_hash({**one, "b": [1, "观音桥 "]})
    assert len(rules.content_hash(one)) == 64
