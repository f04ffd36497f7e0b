"""The import-linter contract behind `make lint` (pyproject.toml, [tool.importlinter]).

The product's apps form layers (ARCHITECTURE.md): an app imports only the apps below it. Tests are not
part of the product: a test drives the whole system (a projects test records payments through finance),
so the contract checks the graph with every `tests` package and this `testing` package taken out —
whole modules, never single imports, and nothing else is ignored."""

import grimp
from importlinter.contracts.layers import LayersContract


def _is_test_code(module: str) -> bool:
    parts = module.split(".")
    return "tests" in parts or parts[:2] == ["khuyencong", "testing"] or module == "khuyencong.conftest"


class ProductLayersContract(LayersContract):
    def check(self, graph: grimp.ImportGraph, verbose: bool):
        for module in [m for m in graph.modules if _is_test_code(m)]:
            graph.remove_module(module)
        return super().check(graph, verbose)
