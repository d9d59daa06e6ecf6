"""The test kit (issue 17): importing it changes nothing; tests and benchmarks share it and nothing else."""

import ast
import json
import os
import pkgutil
import subprocess
import sys

import pytest

import tests.kit
from tests.kit.app import ROOT
from tests.kit.environment import OFFLINE

KIT_MODULES = sorted(f"tests.kit.{m.name}" for m in pkgutil.iter_modules(tests.kit.__path__))

CHANGED_BY_IMPORT = """
import importlib, json, os, sys
before = dict(os.environ)
for name in sys.argv[1:]:
    importlib.import_module(name)
print(json.dumps(sorted(k for k in set(before) | set(os.environ) if before.get(k) != os.environ.get(k))))
"""


def run_python(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, env=env
    )


def test_the_kit_has_its_modules():
    assert {"tests.kit.app", "tests.kit.tiny_models", "tests.kit.fake_router", "tests.kit.load"} <= set(KIT_MODULES)


def test_importing_every_kit_module_leaves_the_environment_unchanged():
    """In a fresh interpreter whose environment lacks what the kit's explicit call would set."""
    clean = {k: v for k, v in os.environ.items() if k not in {*OFFLINE, "HF_HOME", "TOKENIZERS_PARALLELISM"}}
    done = run_python(CHANGED_BY_IMPORT, "tests.kit", *KIT_MODULES, env=clean)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == []


def test_the_explicit_call_puts_the_process_offline_with_an_empty_cache(tmp_path):
    code = (
        "import os, sys; from tests.kit.environment import use_offline_environment;"
        "use_offline_environment(hub_home=sys.argv[1]);"
        "import huggingface_hub.constants as c; print(c.HF_HUB_OFFLINE, c.HF_HUB_CACHE.startswith(sys.argv[1]))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "0", "HF_HUB_CACHE": "/somewhere/else"}
    done = run_python(code, str(tmp_path), env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]


def test_the_explicit_call_refuses_once_huggingface_hub_has_read_the_environment():
    code = (
        "import huggingface_hub; from tests.kit.environment import use_offline_environment; use_offline_environment()"
    )
    done = run_python(code)
    assert done.returncode != 0 and "already imported" in done.stderr


def imported_modules(path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
    return names


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [("benchmarks", "tests.conftest"), ("tests", "benchmarks")],
    ids=["no benchmark imports tests.conftest", "no test imports benchmarks"],
)
def test_tests_and_benchmarks_meet_only_in_the_kit(folder, forbidden):
    offenders = {
        str(path.relative_to(ROOT)): sorted(
            n for n in imported_modules(path) if n.split(".")[: len(forbidden.split("."))] == forbidden.split(".")
        )
        for path in sorted((ROOT / folder).rglob("*.py"))
    }
    assert {path: names for path, names in offenders.items() if names} == {}


def test_the_import_check_sees_an_offender(tmp_path):
    """The check above would fail on a file that imports what it must not, in either spelling."""
    script = tmp_path / "bench.py"
    script.write_text(
        "import os\nfrom tests.conftest import free_port\ndef f():\n    from benchmarks import load_test\n"
    )
    assert {"tests.conftest", "benchmarks", "benchmarks.load_test"} <= imported_modules(script)
