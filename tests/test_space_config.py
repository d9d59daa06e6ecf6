"""The README's front matter is a working Space configuration (parsed by huggingface_hub itself)."""

import re
from pathlib import Path

import gradio
from huggingface_hub import SpaceCard

from core.registry import TASKS

ROOT = Path(__file__).resolve().parent.parent


def test_front_matter_is_a_gradio_space_running_app_py():
    data = SpaceCard.load(ROOT / "README.md").data
    assert data.sdk == "gradio"
    assert (ROOT / data.app_file).is_file() and data.app_file == "app.py"
    assert data.sdk_version.split(".")[0] == gradio.__version__.split(".")[0]
    assert data.title and data.emoji and data.license


def test_preloaded_models_are_registry_models_with_pytorch_weights():
    data = SpaceCard.load(ROOT / "README.md").data
    known = {m.id for task in TASKS.values() for m in task.models}
    for entry in data.preload_from_hub:
        repo, _, files = entry.partition(" ")
        assert repo in known, f"{repo} is not in the registry"
        assert "model.safetensors" in files.split(","), f"{repo}: preload only what from_pretrained needs"


def test_requirements_pin_the_gradio_major_the_space_runs():
    requirements = (ROOT / "requirements.txt").read_text()
    assert re.search(rf"^gradio(\[[a-z,]+\])?>={gradio.__version__.split('.')[0]}\.0,<", requirements, re.M)
