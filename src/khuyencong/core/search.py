"""Search that ignores case and Vietnamese diacritics in the database: "dao tao", "đào tạo" and "Đào
tạo" find each other on SQLite and PostgreSQL alike, as `core.text.fold` does in Python.

`Fold(expression)` is the folded text: on PostgreSQL `translate()` with the Vietnamese letters (upper
and lower case, so that it does not depend on the cluster's locale) and `lower()` for the rest; on
SQLite a function registered on every connection (`register_sqlite_fold`), which is `fold` itself.
"""

from typing import Any

from django.db.models import CharField, Func, Q, QuerySet

from .text import fold

_LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
_FROM = _LETTERS + _LETTERS.upper()
_TO = "".join(fold(c) for c in _FROM)  # one plain letter for each (tests/test_search.py)


class Fold(Func):
    function = "kc_fold"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template=f"lower(translate(%(expressions)s, '{_FROM}', '{_TO}'))", **extra
        )


def register_sqlite_fold(sender: Any, connection: Any, **kwargs: Any) -> None:
    """`connection_created` receiver: SQLite learns `kc_fold`."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("kc_fold", 1, _fold_or_null, deterministic=True)


def _fold_or_null(value: Any) -> str | None:
    return None if value is None else fold(str(value))


def folded_search(qs: QuerySet, fields: tuple[str, ...], text: str) -> QuerySet:
    """The rows of `qs` with `text` in any of `fields`, ignoring case and diacritics."""
    wanted = fold(text)
    if not wanted:
        return qs
    aliases = {f"_folded_{i}": Fold(name) for i, name in enumerate(fields)}
    match = Q()
    for alias in aliases:
        match |= Q(**{f"{alias}__contains": wanted})
    return qs.alias(**aliases).filter(match)
