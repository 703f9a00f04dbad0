"""The free-text mask over the corpus (DOMAIN.md Part I §4): every personal number in every context is masked, and
every public identifier survives as written."""

import pytest

from foodcredit.core.masking import mask_free_text

from . import masking_corpus as corpus


@pytest.mark.parametrize("secret", corpus.SECRETS, ids=lambda s: f"{s.what}:{s.written}")
@pytest.mark.parametrize("context", corpus.CONTEXTS)
def test_every_personal_number_is_masked_in_every_context(secret: corpus.Secret, context: str) -> None:
    masked = mask_free_text(context.format(secret.written))
    assert corpus.leaks(masked) == [], masked


@pytest.mark.parametrize("public", corpus.PUBLIC)
@pytest.mark.parametrize("context", corpus.CONTEXTS)
def test_public_identifiers_survive(public: str, context: str) -> None:
    text = context.format(public)
    assert mask_free_text(text) == text


def test_the_whole_corpus_in_one_text() -> None:
    planted = corpus.planted_text([s.written for s in corpus.SECRETS] + corpus.PUBLIC)
    masked = mask_free_text(planted)
    assert (corpus.leaks(masked), corpus.false_masks(masked)) == ([], [])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号50010519850317123X", None),  # check character wrong: not an ID number
        (f"身份证号{corpus.ID18[0]}", "身份证号500105********1234"),
        (f"身份证{corpus.ID15[0]}", "身份证500105*****7123"),
        ("电话+86 138 1234 5678", "电话+86 138****5678"),
        ("电话138-1234-5678。", "电话138****5678。"),
        ("Tel13812345678", "Tel138****5678"),
        ("电话023-67001234", "电话023-****1234"),
    ],
)
def test_masked_shapes(text: str, expected: str | None) -> None:
    """ID: first 6 and last 4; mobile 138****5678 (a country prefix kept); landline: area code and last 4."""
    assert mask_free_text(text) == (expected or text)


def test_ambiguous_reg_no_is_masked_without_its_label() -> None:
    """A 15-digit number that is both a valid 注册号 and a valid 15-digit ID is taken for the ID (privacy first)
    unless a 注册号 label stands right before it."""
    number = corpus.reg_no("50010560012345")
    assert number not in mask_free_text(f"编号{number}")
    assert number in mask_free_text(f"注册号：{number}")
