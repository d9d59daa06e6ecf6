"""The house's layout, held: core/ in families, small modules, and the layers import only downwards.

These are the rules a reader relies on when finding their way (README, "For developers"); each test
names the file that broke one.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ROOT / "core"
TABS = ROOT / "tabs"
FAMILIES = {
    "runtime",
    "inputs",
    "text",
    "generation",
    "vision",
    "tokenizers",
    "inspect",
    "finetune",
    "public",
    "remote",
    "insight",
}
MAX_CORE_TOP_MODULES = 12
MAX_CORE_LINES = 450
MAX_TAB_LINES = 350


def imported_modules(path: Path) -> set[str]:
    """Every module a file imports, at any depth of its code (lazy imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_has_few_modules_at_its_top_and_its_families_as_packages():
    top = sorted(p.name for p in CORE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_CORE_TOP_MODULES, top
    packages = {p.name for p in CORE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == FAMILIES, f"core/'s subpackages {sorted(packages)} differ from its families {sorted(FAMILIES)}"


@pytest.mark.parametrize("folder, limit", [(CORE, MAX_CORE_LINES), (TABS, MAX_TAB_LINES)], ids=["core", "tabs"])
def test_no_module_is_longer_than_its_layer_allows(folder: Path, limit: int):
    long = {
        str(p.relative_to(ROOT)): n
        for p in folder.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > limit
    }
    assert long == {}, f"split these modules (over {limit} lines): {long}"


def test_core_never_imports_gradio_or_the_tabs():
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in {"gradio", "tabs", "app"}
        )
        for p in CORE.rglob("*.py")
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_tabs_hold_no_model_logic():
    """Torch and transformers are core's business: a tab builds inputs and renders results."""
    offenders = {
        str(p.relative_to(ROOT)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in {"torch", "transformers", "timm", "tokenizers"}
        )
        for p in [*TABS.rglob("*.py"), ROOT / "app.py"]
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_the_layout_checks_can_fail(tmp_path: Path):
    """The import reader sees a lazy import inside a function, the kind a quick grep for 'import' at the top misses."""
    module = tmp_path / "lazy.py"
    module.write_text("def f():\n    from gradio import Blocks\n    import torch.nn as nn\n", encoding="utf-8")
    assert imported_modules(module) == {"gradio", "torch.nn"}
