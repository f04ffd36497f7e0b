"""Vietnamese text folding for search: 'Khánh Hòa' and 'khanh hoa' find each other."""

import unicodedata

# the combining marks (diacritics once decomposed), dropped in one pass (the planes that have them)
MARKS = {
    cp: None for cp in (*range(0x20000), *range(0xE0000, 0xE1000)) if unicodedata.category(chr(cp)) == "Mn"
}


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d), single spaces."""
    text = text or ""
    if not text.isascii():
        text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D")).translate(MARKS)
    return " ".join(text.lower().split())


# Characters that show nothing (Unicode "format" characters: zero-width spaces and joiners, the
# byte-order mark, bidirectional overrides, soft hyphens…): a name made of them looks empty, and one
# hidden inside a name makes two names that read alike differ.
INVISIBLE = {
    cp: None for cp in (*range(0x10000), *range(0xE0000, 0xE0080)) if unicodedata.category(chr(cp)) == "Cf"
}


def clean_input(text: str) -> str:
    """Text as typed, stored the one way: composed (NFC — 'Hòa' typed on a Mac is the same 'Hòa') and
    without invisible characters."""
    return unicodedata.normalize("NFC", text.translate(INVISIBLE))
