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
from tests.browser_kit import browser, page_for  # noqa: E402, F401 (one Chromium for every browser test file)

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
    """The real app, offline, as a student starts it (with its MCP server on, as on a Space)."""
    yield from launch_app("--offline", "--mcp")


@pytest.fixture(scope="session")
def public_app_url():
    """The real app in public mode (as with --share or on a Space)."""
    yield from launch_app("--offline", "--public", "--mcp")


@pytest.fixture(scope="session")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture(scope="session")
def public_client(public_app_url):
    from gradio_client import Client

    return Client(public_app_url, verbose=False)


# --- remote backend (issue 6): a loopback server that answers like the Hugging Face router ---


@pytest.fixture(scope="session")
def fake_router():
    from tests.fake_router import FakeRouter

    router = FakeRouter()
    yield router
    router.close()


@pytest.fixture
def router(fake_router, monkeypatch):
    """The fake router, emptied; offline mode lifted for this test only (loopback stays the only network)."""
    import huggingface_hub.constants

    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("HF_TOKEN", raising=False)
    fake_router.reset()
    yield fake_router
    fake_router.reset()


@pytest.fixture(scope="session")
def remote_app_url(fake_router):
    """The real app with ``--inference-url`` at the fake router. It has to be online for huggingface_hub
    to send anything, so every Hugging Face address it knows (HF_ENDPOINT) points at loopback too."""
    from unittest import mock

    with mock.patch.dict(os.environ, {"HF_ENDPOINT": f"http://127.0.0.1:{fake_router.port}"}):
        os.environ.pop("HF_HUB_OFFLINE", None)
        os.environ.pop("HF_TOKEN", None)
        app = launch_app("--inference-url", fake_router.url)
        url = next(app)
    yield url
    app.close()


@pytest.fixture(scope="session")
def remote_client(remote_app_url):
    from gradio_client import Client

    return Client(remote_app_url, verbose=False)


# --- question answering, summarization, translation (issue 3) ---------------------------------------------


@pytest.fixture(scope="session")
def tiny_qa(models_dir) -> Path:
    return tiny_models.build_bert_qa(models_dir / "tiny-bert-qa")


@pytest.fixture(scope="session")
def tiny_t5(models_dir) -> Path:
    return tiny_models.build_t5(models_dir / "tiny-t5")


@pytest.fixture(scope="session")
def tiny_bart(models_dir) -> Path:
    return tiny_models.build_bart(models_dir / "tiny-bart")


@pytest.fixture(scope="session")
def tiny_marian(models_dir) -> Path:
    """Named like a Hub Marian model, so its pair (en → ko) is read from the name."""
    return tiny_models.build_marian(models_dir / "tiny-opus-mt-en-ko")


@pytest.fixture(scope="session")
def tiny_nllb(models_dir) -> Path:
    return tiny_models.build_nllb(models_dir / "tiny-nllb")


@pytest.fixture(scope="session")
def tiny_marian_multi(models_dir) -> Path:
    """A Marian model with a real SentencePiece MarianTokenizer and >>kor<< / >>jpn<< target tokens."""
    return tiny_models.build_marian_multi_target(models_dir / "tiny-opus-mt-tc-en-mul")


@pytest.fixture(scope="session")
def chat_tokenizer(models_dir) -> Path:
    """A tokenizer folder whose tokenizer has a chat template (the MiniLM vocabulary)."""
    return tiny_models.build_chat_tokenizer(models_dir / "tiny-chat-tokenizer")


@pytest.fixture(scope="session")
def byte_level_tokenizer(models_dir) -> Path:
    """A GPT-2-style byte-level BPE tokenizer folder (no padding token), trained on the lab's sample corpus."""
    return tiny_models.build_byte_level_tokenizer(models_dir / "tiny-byte-level-bpe")


@pytest.fixture(scope="session")
def sentencepiece_tokenizer(models_dir) -> Path:
    """A T5-style SentencePiece Unigram tokenizer folder, trained on the lab's sample corpus."""
    return tiny_models.build_sentencepiece_tokenizer(models_dir / "tiny-sentencepiece")


CACHED_TINY_ID = "playground-test/tiny-bert-sentiment"


@pytest.fixture
def cached_tiny_classifier(tiny_classifier):
    """The tiny classifier placed in the session's (otherwise empty) Hub cache as a Hub id; removed afterwards."""
    import shutil

    from huggingface_hub import constants

    snapshot = tiny_models.put_in_hub_cache(tiny_classifier, CACHED_TINY_ID, Path(constants.HF_HUB_CACHE))
    yield CACHED_TINY_ID
    shutil.rmtree(snapshot.parent.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def tiny_detr(models_dir) -> Path:
    return tiny_models.build_detr(models_dir / "tiny-detr")


@pytest.fixture(scope="session")
def tiny_yolos(models_dir) -> Path:
    return tiny_models.build_yolos(models_dir / "tiny-yolos")


@pytest.fixture(scope="session")
def tiny_conditional_detr(models_dir) -> Path:
    return tiny_models.build_conditional_detr(models_dir / "tiny-conditional-detr")


@pytest.fixture(scope="session")
def huge_jpeg(tmp_path_factory) -> Path:
    """A 12,000 × 9,000 greyscale photo (108 megapixels) as a JPEG, with shapes for a detector to see."""
    from tests import images

    path = tmp_path_factory.mktemp("huge") / "huge.jpg"
    return images.save(images.scene((12_000, 9_000), "L"), path, quality=40)


@pytest.fixture(scope="session")
def tiny_gpt2(models_dir) -> Path:
    """A base GPT-2 (no chat template) with a byte-level BPE trained at test time."""
    return tiny_models.build_gpt2(models_dir / "tiny-gpt2")


@pytest.fixture(scope="session")
def tiny_chat_gpt2(models_dir) -> Path:
    """The same kind of GPT-2 whose tokenizer carries a chat template: a chat/instruct model."""
    return tiny_models.build_gpt2(models_dir / "tiny-gpt2-chat", chat=True)


@pytest.fixture(scope="session")
def tiny_short_gpt2(models_dir) -> Path:
    """A GPT-2 that sees only 64 tokens, to hit the context window quickly."""
    return tiny_models.build_gpt2(models_dir / "tiny-gpt2-64", n_positions=64)


# --- Text tabs (zero-shot, NER, fill-mask, similarity) -----------------------------------------


@pytest.fixture(scope="session")
def tiny_nli(models_dir) -> Path:
    return tiny_models.build_bert_nli(models_dir / "tiny-bert-nli")


@pytest.fixture(scope="session")
def tiny_ner(models_dir) -> Path:
    return tiny_models.build_bert_token_classifier(models_dir / "tiny-bert-ner")


@pytest.fixture(scope="session")
def tiny_encoder(models_dir) -> Path:
    """A tiny headless BERT: a fast base model for the fine-tuning lab's plumbing tests."""
    return tiny_models.build_bert_encoder(models_dir / "tiny-bert-encoder")


@pytest.fixture(scope="session")
def tiny_vit(models_dir) -> Path:
    return tiny_models.build_vit_encoder(models_dir / "tiny-vit")


def write_tiny_dataset(folder: Path, columns: dict, features: dict | None = None) -> Path:
    """A local dataset folder (one parquet file) that ``datasets.load_dataset`` reads with no network."""
    import datasets

    data = datasets.Dataset.from_dict(columns, features=datasets.Features(features) if features else None)
    (folder / "data").mkdir(parents=True, exist_ok=True)
    data.to_parquet(str(folder / "data" / "train-00000-of-00001.parquet"))
    return folder


@pytest.fixture(scope="session")
def tiny_reviews(tmp_path_factory) -> Path:
    """An NSMC-shaped dataset: id, document, a ClassLabel (negative/positive); one duplicate and one empty text."""
    import datasets

    good = ["정말 재밌어요", "I loved it", "Great acting", "최고의 영화", "A joy to watch", "다시 보고 싶어요"]
    bad = ["너무 지루해요", "I hated it", "Boring plot", "최악이에요", "A waste of time", "돈이 아까워요"]
    texts = [t for pair in zip(good, bad, strict=True) for t in pair] + ["I loved it", ""]
    labels = [i % 2 == 0 for i in range(len(good) * 2)] + [True, False]
    return write_tiny_dataset(
        tmp_path_factory.mktemp("datasets") / "tiny-reviews",
        {"id": [str(i) for i in range(len(texts))], "document": texts, "label": [int(g) for g in labels]},
        {
            "id": datasets.Value("string"),
            "document": datasets.Value("string"),
            "label": datasets.ClassLabel(names=["negative", "positive"]),
        },
    )
