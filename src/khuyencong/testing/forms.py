"""What a rendered page's forms must not do: show one field twice. Two inputs of one name in a form
post two values, and the view reads one of them — the other choice is silently lost."""

import re
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


class _Text(HTMLParser):
    """The text a reader sees: no tags, attributes, scripts or styles."""

    SKIP = {"script", "style", "template", "code", "pre"}

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


ISO_DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")
CODE_CHANGE = re.compile(r"\(([a-z_]+) → ([a-z_]+)\)")
UNTRANSLATED = ("Select an option", "---------")


def internal_codes(html: str) -> list[str]:
    """What a Vietnamese page shows that is meant for machines: ISO dates, state codes, Django's
    untranslated empty choice."""
    parser = _Text()
    parser.feed(html)
    text = " ".join(parser.parts)
    found = [m.group(0) for m in ISO_DATE.finditer(text)]
    found += [m.group(0) for m in CODE_CHANGE.finditer(text)]
    found += [word for word in UNTRANSLATED if word in text]
    return found
