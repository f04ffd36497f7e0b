"""Reference data: the files the loaders read (`read_json`) and what a load changed (every loader adds
to one report)."""

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def read_json(path: Path) -> Any:
    """A reference file shipped with an app (UTF-8 JSON)."""
    return json.loads(path.read_text(encoding="utf-8"))


@dataclass
class LoadReport:
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(+self.created or +self.updated)

    def __str__(self) -> str:
        kinds = sorted(set(+self.created) | set(+self.updated))
        if not kinds:
            return "no changes"
        return "; ".join(f"{k}: {self.created[k]} created, {self.updated[k]} updated" for k in kinds)
