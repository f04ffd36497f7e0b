"""The name a stored file is served under: the uploader's words, never the uploader's extension.

An uploaded name cannot be trusted: `report.html` may hold a PDF (a browser told "html" could render
it), a right-to-left override makes `invoice‮fdp.exe` read as "invoiceexe.pdf", and zero-width or
control characters make two names that read alike differ. A download is therefore named by
`safe_file_name(original, extension)`:

1. the last path component (after `/` or `\\`), composed (NFC);
2. whitespace of any kind (tab, line breaks, no-break space…) becomes one space; every other Unicode
   "other" character (categories Cc, Cf, Cs, Co, Cn: controls, bidirectional overrides, zero-width
   characters, the byte-order mark, unassigned code points) and the characters Windows refuses in a
   name (`<>:"|?*`) are removed;
3. its extension — the text after the last dot, if that is 1 to 10 ASCII letters or digits with at
   least one letter — is dropped, and dropped again when what remains still ends in the extension the
   file is served with (`bao-cao.pdf.exe` → `bao-cao`); a number after a dot is kept
   (`Quyết định 12.2025`);
4. spaces and dots at either end are trimmed, the name is cut to at most `STEM_MAX_BYTES` bytes of
   UTF-8 (filesystems allow 255), and an empty result becomes `FALLBACK_STEM`;
5. the extension of the detected type is appended.

`Biên bản nghiệm thu.pdf` stays `Biên bản nghiệm thu.pdf`; Django's FileResponse writes it in the
Content-Disposition header as RFC 5987 `filename*=utf-8''…` with an ASCII fallback.
"""

import re
import unicodedata

FALLBACK_STEM = "tai-lieu"
STEM_MAX_BYTES = 150
_RESERVED = frozenset('<>:"|?*')
_EXTENSION = re.compile(r"(?=[0-9]*[A-Za-z])[A-Za-z0-9]{1,10}")


def _drop_extension(stem: str) -> str:
    head, dot, tail = stem.rpartition(".")
    if dot and head.strip(" .") and _EXTENSION.fullmatch(tail):
        return head
    return stem


def safe_file_name(name: str, extension: str, *, fallback: str = FALLBACK_STEM) -> str:
    """`name` made safe to serve, ending in `extension` (with or without its leading dot)."""
    extension = "." + extension.lstrip(".").lower() if extension.strip(". ") else ""
    text = unicodedata.normalize("NFC", name or "")
    text = re.split(r"[/\\]", text)[-1]
    text = "".join(
        " " if char.isspace() else char
        for char in text
        if char.isspace() or not (unicodedata.category(char).startswith("C") or char in _RESERVED)
    )
    stem = " ".join(text.split())
    stem = _drop_extension(stem)
    if extension and stem.lower().endswith(extension) and stem[: -len(extension)].strip(" ."):
        stem = stem[: -len(extension)]
    stem = stem.strip(" .")
    stem = stem.encode()[:STEM_MAX_BYTES].decode(errors="ignore").rstrip(" .")
    return (stem or fallback) + extension
