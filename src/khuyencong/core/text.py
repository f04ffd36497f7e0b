"""Vietnamese text folding for search: 'Khánh Hòa' and 'khanh hoa' find each other."""

import unicodedata


def fold(text: str) -> str:
    """Lower-case, without diacritics (đ → d), single spaces."""
    decomposed = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(c for c in decomposed if unicodedata.category(c) != "Mn")
    return " ".join(stripped.lower().split())
