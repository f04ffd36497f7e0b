"""The Vietnamese catalogue is complete: every message translated, placeholders kept, and no string
in the code or templates that the catalogue does not have yet.

When the last test fails, refresh and translate the catalogue (from src/khuyencong):
    DJANGO_SETTINGS_MODULE=khuyencong.settings django-admin makemessages -l vi \
        --ignore='testing/*' --ignore='*/tests/*'
then fill every empty msgstr in locale/vi/LC_MESSAGES/django.po and drop the `#, fuzzy` flags.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/khuyencong
VI_PO = PACKAGE_DIR / "locale" / "vi" / "LC_MESSAGES" / "django.po"
MAKEMESSAGES_IGNORES = ["--ignore=testing/*", "--ignore=*/tests/*"]

# A named Python placeholder as Django writes them (%(name)s, %(count)d, %(total).2f); %% is not one.
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def load(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f)


def key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else tuple(message.id)
    return (message.context, msgid)


def describe(message_key: tuple) -> str:
    context, msgid = message_key
    text = repr(msgid if isinstance(msgid, str) else msgid[0])
    return f"{text} (context {context!r})" if context else text


def texts(value) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def placeholders(value) -> set[str]:
    return {name for text in texts(value) for name in PLACEHOLDER.findall(text or "")}


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    assert VI_PO.is_file(), f"{VI_PO} is missing: run makemessages -l vi (see this file's docstring)"
    return load(VI_PO)


def test_header_declares_vietnamese_with_one_plural_form(catalog):
    header = VI_PO.read_text(encoding="utf-8")
    assert str(catalog.locale) == "vi"
    assert catalog.charset.lower() == "utf-8"
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert not catalog.fuzzy, "the header is still marked fuzzy"


def test_every_message_is_translated_and_keeps_its_placeholders(catalog):
    problems = []
    for message in catalog:
        if not message.id:  # the header
            continue
        label = texts(message.id)[0]
        translations = texts(message.string)
        if message.pluralizable and len(translations) != 1:
            problems.append(f"{label!r}: {len(translations)} plural forms, Vietnamese has 1")
        if not all(t and t.strip() for t in translations):
            problems.append(f"{label!r}: not translated")
            continue
        if message.fuzzy:
            problems.append(f"{label!r}: marked fuzzy")
        if "python-format" in message.flags or placeholders(message.id):
            expected, found = placeholders(message.id), placeholders(message.string)
            if expected != found:
                problems.append(f"{label!r}: placeholders {sorted(found)} instead of {sorted(expected)}")
    assert not catalog.obsolete, f"obsolete entries left in the catalogue: {list(catalog.obsolete)}"
    assert not problems, "django.po (vi) is incomplete:\n" + "\n".join(problems)


@pytest.mark.skipif(
    not all(shutil.which(tool) for tool in ("xgettext", "msguniq", "msgmerge")),
    reason="GNU gettext (xgettext) is not installed: apt-get install gettext to check the catalogue "
    "against the source",
)
def test_catalogue_has_exactly_the_strings_in_the_source(catalog, tmp_path):
    """makemessages on a copy of the package must find the same msgids as the committed catalogue."""
    copy = tmp_path / "khuyencong"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "locale")
    )
    (copy / "locale").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "khuyencong.settings",
        "PYTHONPATH": str(tmp_path),  # settings from the copy, so LOCALE_PATHS points into the copy
        "KHUYENCONG_HOME": str(tmp_path),
        "KHUYENCONG_VAR": str(tmp_path / "var"),
        "KHUYENCONG_LOG_DIR": str(tmp_path / "var" / "log"),
        "KHUYENCONG_MEDIA": str(tmp_path / "var" / "media"),
    }
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own interpreter
        [sys.executable, "-m", "django", "makemessages", "-l", "vi", "--no-location", *MAKEMESSAGES_IGNORES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    extracted_po = copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"
    assert extracted_po.is_file(), result.stdout + result.stderr

    extracted = {key(m) for m in load(extracted_po) if m.id}
    committed = {key(m) for m in catalog if m.id}
    new = sorted(map(describe, extracted - committed))
    gone = sorted(map(describe, committed - extracted))
    differences = [f"  not in the catalogue: {m}" for m in new] + [
        f"  no longer in the source: {m}" for m in gone
    ]
    assert not differences, (
        "locale/vi/LC_MESSAGES/django.po is out of date (see the docstring of this test file):\n"
        + "\n".join(differences)
    )
