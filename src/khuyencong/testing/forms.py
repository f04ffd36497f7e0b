"""What a rendered page's forms must not do: show one field twice. Two inputs of one name in a form
post two values, and the view reads one of them — the other choice is silently lost."""

import functools
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

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


# English words that no Vietnamese sentence holds: a sign of a string nobody marked for translation
ENGLISH = re.compile(r"\b(the|and|with|from|this|that|your|which|not|has|have|been|will|must|for)\b")


@functools.cache
def _english_sources() -> tuple[str, ...]:
    """The product's English source strings of two words or more that Vietnamese renders differently:
    seen on a Vietnamese page, one was shown without its translation."""
    from babel.messages.pofile import read_po
    from django.conf import settings

    with open(Path(settings.LOCALE_PATHS[0]) / "vi" / "LC_MESSAGES" / "django.po", "rb") as file:
        catalog = read_po(file)
    sources = []
    for message in catalog:
        source = message.id if isinstance(message.id, str) else message.id[0]
        target = message.string if isinstance(message.string, str) else (message.string or ("",))[0]
        if source and " " in source.strip() and not re.search(r"[%{}<]", source) and source != target:
            sources.append(source)
    return tuple(sources)


def visible_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def internal_codes(html: str) -> list[str]:
    """What a Vietnamese page shows that is meant for machines or left in English: ISO dates, state
    codes, Django's untranslated empty choice, a source string shown untranslated, English words."""
    text = visible_text(html)
    found = [m.group(0) for m in ISO_DATE.finditer(text)]
    found += [m.group(0) for m in CODE_CHANGE.finditer(text)]
    found += [word for word in UNTRANSLATED if word in text]
    found += [source for source in _english_sources() if source in text]
    found += [f"…{text[max(m.start() - 30, 0) : m.end() + 30]}…" for m in ENGLISH.finditer(text)]
    return found
