"""Masking formats, DOMAIN.md Part I §4."""

from foodcredit.core.masking import mask_address, mask_free_text, mask_id_number, mask_person_name, mask_phone


def test_mask_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_mask_phone_mobile():
    assert mask_phone("13812345678") == "138****5678"


def test_mask_person_name():
    assert mask_person_name("张三丰") == "张**"
    assert mask_person_name("李") == "李*"


def test_mask_address_down_to_the_street():
    assert mask_address("重庆市江北区观音桥街道建新北路88号3-2") == "重庆市江北区观音桥街道****"


def test_mask_free_text_scrubs_id_and_mobile_numbers():
    text = "当事人张三（身份证11010519491231002X，电话13812345678）拒不整改"
    masked = mask_free_text(text)
    assert "11010519491231002X" not in masked and "13812345678" not in masked
    assert "138****5678" in masked and "110105" in masked
