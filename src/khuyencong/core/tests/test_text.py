from khuyencong.core.text import fold


def test_fold_removes_diacritics_and_case():
    assert fold("Tỉnh Khánh Hòa") == "tinh khanh hoa"
    assert fold("Thành phố Đà Nẵng") == "thanh pho da nang"
    assert fold("  Phường   Phan Rang ") == "phuong phan rang"
    assert fold("") == ""
