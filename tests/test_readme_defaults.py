"""What the README says a default is, the code does (issue 14: ``PLAYGROUND_MAX_MODELS`` read 6, the code 16)."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
CODE = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "app.py", *ROOT.glob("core/**/*.py")])


def code_default(variable: str) -> str:
    """The default the code gives an environment variable: ``os.environ.get("NAME", "default")``."""
    found = re.findall(rf'os\.environ\.get\(\s*"{variable}"\s*,\s*"([^"]*)"\s*\)', CODE)
    assert len(set(found)) == 1, f"{variable}: defaults in the code {found}"
    return found[0]


STATED = re.findall(r"`([A-Z][A-Z0-9_]+)`, default ([\w.]+)", README)


def test_the_readme_states_defaults():
    assert {name for name, _ in STATED} >= {"PLAYGROUND_MAX_MODELS", "PLAYGROUND_MODEL_MEMORY_MB"}


@pytest.mark.parametrize(("variable", "stated"), STATED, ids=[name for name, _ in STATED])
def test_every_environment_default_in_the_readme_is_the_codes(variable, stated):
    assert stated == code_default(variable)


def test_the_address_in_the_readme_is_where_the_app_starts():
    import app

    args = app.parse_args([])
    assert f"http://{args.host}:{args.port}" in README


def test_public_mode_caps_in_the_readme_are_the_codes():
    import inspect

    import app
    from core.runtime.loading import PUBLIC

    assert f"models over {PUBLIC.max_download_mb / 1000:g} GB are refused" in README
    upload_cap = re.search(r'max_file_size="(\d+)mb" if public', inspect.getsource(app.main)).group(1)
    assert f"uploads are capped at {upload_cap} MB" in README
