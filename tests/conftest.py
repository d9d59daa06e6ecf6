"""The offline test kit: no Hub, no network but loopback, tiny models built at test time."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

# Before anything imports huggingface_hub: it reads these once.
_HUB_HOME = tempfile.mkdtemp(prefix="playground-test-hf-")
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["HF_HOME"] = _HUB_HOME  # an empty cache: no test depends on what this machine downloaded
os.environ.pop("HF_HUB_CACHE", None)
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import pytest  # noqa: E402

from tests import tiny_models  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
APP_START_TIMEOUT = 120


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("tiny-models")


@pytest.fixture(scope="session")
def tiny_classifier(models_dir) -> Path:
    return tiny_models.build_bert_classifier(models_dir / "tiny-bert-sentiment")


@pytest.fixture(scope="session")
def tiny_masked_lm(models_dir) -> Path:
    return tiny_models.build_bert_masked_lm(models_dir / "tiny-bert-mlm")


@pytest.fixture(scope="session")
def headless_classifier(models_dir) -> Path:
    """A masked LM whose config lost ``architectures``: only its weights show it has no classifier head."""
    path = tiny_models.build_bert_masked_lm(models_dir / "tiny-bert-no-arch")
    return tiny_models.drop_architectures(path)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = APP_START_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"app.py exited with {process.returncode}: {process.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"app.py did not answer on {url} within {timeout} s")


def launch_app(*flags: str):
    """Start ``python app.py`` on a free loopback port; yield its URL; stop it."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), *flags],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=os.environ.copy(),
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture(scope="session")
def app_url():
    """The real app, offline, as a student starts it."""
    yield from launch_app("--offline")


@pytest.fixture(scope="session")
def public_app_url():
    """The real app in public mode (as with --share or on a Space)."""
    yield from launch_app("--offline", "--public")


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="session")
def public_client(public_app_url):
    from gradio_client import Client

    return Client(public_app_url, verbose=False)


@pytest.fixture(scope="session")
def tiny_encoder(models_dir) -> Path:
    """A tiny headless BERT: a fast base model for the fine-tuning lab's plumbing tests."""
    return tiny_models.build_bert_encoder(models_dir / "tiny-bert-encoder")


@pytest.fixture(scope="session")
def tiny_vit(models_dir) -> Path:
    return tiny_models.build_vit_encoder(models_dir / "tiny-vit")
