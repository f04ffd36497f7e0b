"""What a rendered page's forms must not do: show one field twice. Two inputs of one name in a form
post two values, and the view reads one of them — the other choice is silently lost."""

from collections import Counter
from html.parser import HTMLParser

REPEATABLE = {"checkbox", "radio"}  # groups of these share a name by design


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Counter] = []
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        if tag == "form":
            self.forms.append(Counter())
            self.depth += 1
        elif self.depth and tag in {"input", "select", "textarea"} and values.get("name"):
            if tag == "input" and (values.get("type") or "text").lower() in REPEATABLE:
                return
            self.forms[-1][values["name"]] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth -= 1


def fields_shown_twice(html: str) -> list[str]:
    """The names of the fields that some form of `html` renders more than once."""
    parser = _Forms()
    parser.feed(html)
    return sorted({name for form in parser.forms for name, n in form.items() if n > 1})
