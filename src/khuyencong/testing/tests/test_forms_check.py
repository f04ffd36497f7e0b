"""The duplicate-field check that the access matrix runs on every page it opens."""

from khuyencong.testing.forms import fields_shown_twice


def test_a_field_rendered_twice_in_one_form_is_found():
    html = """
    <form><select name="kind"><option>point</option></select><input name="title">
      <select name="kind"><option>group</option></select></form>
    <form><input name="title"></form>"""
    assert fields_shown_twice(html) == ["kind"]


def test_choice_groups_and_separate_forms_are_not_duplicates():
    html = """
    <form><input type="checkbox" name="flags" value="a"><input type="checkbox" name="flags" value="b">
      <input type="radio" name="level" value="x"><input type="RADIO" name="level" value="y"></form>
    <form><input type="hidden" name="version" value="3"></form>
    <form><input type="hidden" name="version" value="3"></form>"""
    assert fields_shown_twice(html) == []


def test_codes_iso_dates_and_english_left_on_a_vietnamese_page_are_found():
    from khuyencong.testing.forms import internal_codes

    html = """<main><h1>Việc chờ bạn</h1><p>Lịch sử (liquidated → settled) ngày 2026-12-25</p>
      <p>Waiting for you</p><p>Press the button</p><script>const the = "and";</script></main>"""
    found = internal_codes(html)
    assert "2026-12-25" in found
    assert "(liquidated → settled)" in found
    assert "Waiting for you" in found  # a source string of the catalogue, shown untranslated
    assert any("Press the button" in f for f in found)  # English nobody marked for translation
    assert not any("const" in f for f in found)  # scripts are not read


def test_a_vietnamese_page_passes():
    from khuyencong.testing.forms import internal_codes

    html = "<main><h1>Việc chờ bạn</h1><p>Kế hoạch KCĐP năm 2026 · 25/12/2026 · 78,7 tỷ đồng</p></main>"
    assert internal_codes(html) == []
