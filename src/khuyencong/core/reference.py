"""What a reference-data load changed (every loader adds to one report)."""

from collections import Counter
from dataclasses import dataclass, field


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
