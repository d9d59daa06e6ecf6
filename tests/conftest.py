"""The offline test kit: no Hub, no network but loopback, tiny models built at test time."""

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.kit import images, tiny_models
from tests.kit.app import running_app
from tests.kit.browser import browser, page_for, shared_page, shared_pages  # noqa: F401 (one Chromium for every browser test file)
from tests.kit.environment import use_offline_environment
from tests.kit.fake_router import FakeRouter
from tests.kit.tiny_datasets import write_tiny_dataset

_HUB_HOME = pytest.StashKey[Path]()
#: The shared apps' output files, by fixture name: a failing test that used one gets its tail in the report.
APP_LOGS: dict[str, Path] = {}
#: How much of an app's output a failure report quotes (the last characters: the recent requests and errors).
APP_LOG_TAIL = 6_000


def pytest_configure(config):
    """Offline, with an empty Hugging Face cache (one per process), before any test module imports
    huggingface_hub: no test depends on what this machine downloaded."""
    config.stash[_HUB_HOME] = Path(tempfile.mkdtemp(prefix="playground-test-hf-"))
    use_offline_environment(hub_home=config.stash[_HUB_HOME])


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Each phase's report on the test item (``item.rep_call``): a shared browser page is dropped after a failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    if report.failed:
        for name in getattr(item, "fixturenames", ()):
            if name in APP_LOGS and APP_LOGS[name].exists():
                report.sections.append((f"{name}: the app's output (tail)", app_log_tail(APP_LOGS[name])))
    return report


def app_log_tail(path: Path) -> str:
    with path.open("rb") as log:
        log.seek(max(0, path.stat().st_size - APP_LOG_TAIL))
        return log.read().decode("utf-8", errors="replace")


@contextmanager
def logged_app(name: str, tmp_path_factory, *flags: str) -> Iterator[str]:
    """A shared app whose output goes to a file that a failing test's report quotes (``APP_LOGS``)."""
    path = tmp_path_factory.mktemp("app-logs") / f"{name}.log"
    APP_LOGS[name] = path
    with path.open("w") as log, running_app(*flags, log=log) as app:
        yield app.url


def pytest_unconfigure(config):
    shutil.rmtree(config.stash[_HUB_HOME], ignore_errors=True)


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


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """The real app, offline, as a student starts it (its MCP server on, as on a Space): one per pytest worker,
    shared by every test file."""
    with logged_app("app_url", tmp_path_factory, "--offline", "--mcp") as url:
        yield url


@pytest.fixture(scope="session")
def public_app_url(tmp_path_factory):
    """The real app in public mode (as with --share or on a Space)."""
    with logged_app("public_app_url", tmp_path_factory, "--offline", "--public", "--mcp") as url:
        yield url


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
    env = {**os.environ, "HF_ENDPOINT": f"http://127.0.0.1:{fake_router.port}"}
    env.pop("HF_HUB_OFFLINE", None)
    env.pop("HF_TOKEN", None)
    with running_app("--inference-url", fake_router.url, env=env) as app:
        yield app.url


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
    path = tmp_path_factory.mktemp("huge") / "huge.jpg"
    return images.save(images.scene((12_000, 9_000), "L"), path, quality=40)


@pytest.fixture(scope="session")
def tiny_gpt2(models_dir) -> Path:
    """A base GPT-2 (no chat template) with a byte-level BPE trained at test time."""
    return tiny_models.build_gpt2(models_dir / "tiny-gpt2")


@pytest.fixture(scope="session")
def tiny_llama(models_dir) -> Path:
    """A Llama-style decoder: RMSNorm, rotary positions, one key/value head for two query heads, untied head."""
    return tiny_models.build_llama(models_dir / "tiny-llama")


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
