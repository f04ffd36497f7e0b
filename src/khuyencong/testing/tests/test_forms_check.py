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
