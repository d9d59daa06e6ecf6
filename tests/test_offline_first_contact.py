"""Offline first contact (issue 14): what runs here, and every message about a missing model said one way."""

import re
from pathlib import Path

import pytest

from core.errors import ModelNotAvailable
from core.registry import BUNDLED_MINILM, TASKS, get_task
from core.runtime import runnable_here as runnable
from core.runtime.hub_cache import prefetch
from core.runtime.loading import download_hint, format_size, load_for_task
from core.runtime.model_cache import ModelCache
from core.runtime.repo_files import not_downloaded_offline
from tabs.widgets.model_picker import model_status, offered_instead
from tests.kit import tiny_models

ROOT = Path(__file__).resolve().parent.parent
CLASSIFY, NER, SIMILARITY, TRANSLATE = (get_task(t) for t in ("classify", "ner", "similarity", "translate"))
#: "은(는)", "이(가)", "을(를)", "(으)로", "와(과)", "(이)라는": a particle the message could not decide.
UNDECIDED_PARTICLE = re.compile(r"[은는이가을를와과]\([은는이가을를와과]\)|\((으|이)\)")
#: Every module that can word a message: a Korean sentence decides its particles (a fixed noun before them).
MESSAGE_MODULES = sorted(
    str(p.relative_to(ROOT)) for p in [*ROOT.glob("core/**/*.py"), *ROOT.glob("tabs/**/*.py"), ROOT / "app.py"]
)


@pytest.fixture
def hub_cache(tmp_path, monkeypatch):
    """An empty Hugging Face cache for this test; the memoized scan forgotten before and after."""
    from huggingface_hub import constants

    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path))
    monkeypatch.setattr(runnable, "_last_scan", None)
    yield tmp_path
    runnable._last_scan = None


def test_nothing_cached_leaves_only_the_bundled_model_where_it_fits(hub_cache):
    assert runnable.runnable_here(CLASSIFY) == []
    assert runnable.runnable_here(SIMILARITY) == [BUNDLED_MINILM]


def test_a_cached_model_with_the_tasks_head_runs_here_and_one_without_does_not(hub_cache, tiny_classifier, tiny_ner):
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    tiny_models.put_in_hub_cache(tiny_ner, "org/tiny-ner", hub_cache)
    assert runnable.runnable_here(CLASSIFY) == ["org/tiny-sentiment"]
    assert runnable.runnable_here(NER) == ["org/tiny-ner"]
    assert runnable.runnable_here(TRANSLATE) == []


def test_the_cache_is_scanned_once_for_a_whole_page_load(hub_cache, tiny_classifier, monkeypatch):
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    scans = []
    real = runnable._scan_cache
    monkeypatch.setattr(runnable, "_scan_cache", lambda where: scans.append(where) or real(where))
    for task in TASKS.values():
        runnable.runnable_here(task)
    assert len(scans) == 1


def test_a_model_put_in_the_cache_right_after_a_scan_is_seen_at_once(hub_cache, tiny_classifier):
    """The memoized scan is for one page load's many questions, not for the next seconds: a new model folder
    (a download that just finished, a test's fixture) changes the cache folder, and the next question sees it."""
    assert runnable.runnable_here(CLASSIFY) == []
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    assert runnable.runnable_here(CLASSIFY) == ["org/tiny-sentiment"]


def test_the_status_of_a_missing_default_offers_what_is_cached(hub_cache, tiny_classifier):
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    default = CLASSIFY.default.id
    instead = offered_instead(CLASSIFY, default, public=False)
    assert instead == "org/tiny-sentiment"
    english = model_status(CLASSIFY, default, "en", False, instead)
    assert "the app is offline" in english and "Works here:** `org/tiny-sentiment` (downloaded before)" in english
    assert "`python app.py --prefetch classify` (about 268 MB)" in english
    korean = model_status(CLASSIFY, default, "ko", False, instead)
    assert "`python app.py --prefetch classify` (약 268 MB)" in korean and "이미 받아 둠" in korean


def test_nothing_is_offered_for_a_model_that_runs(hub_cache, tiny_classifier):
    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    assert offered_instead(CLASSIFY, "org/tiny-sentiment", public=False) is None
    assert offered_instead(CLASSIFY, str(tiny_classifier), public=False) is None
    assert offered_instead(CLASSIFY, "../../etc", public=True) is None


def test_with_nothing_here_the_status_says_so(hub_cache):
    assert offered_instead(NER, NER.default.id, public=False) is None
    assert "Nothing else for this tab" in model_status(NER, NER.default.id, "en", False)
    assert "다른 모델도 아직" in model_status(NER, NER.default.id, "ko", False)


@pytest.mark.parametrize(
    ("size", "en", "ko"), [(312, "about 312 MB", "약 312 MB"), (2460, "about 2.5 GB", "약 2.5 GB")]
)
def test_sizes_read_in_the_students_language(size, en, ko):
    assert (format_size(size), format_size(size, "ko")) == (en, ko)


def _missing_model_messages() -> list[ModelNotAvailable]:
    """Every message about a model that is not on this machine while offline."""
    messages = []
    for call in (
        lambda: load_for_task(CLASSIFY, CLASSIFY.default.id, cache=ModelCache()),
        lambda: load_for_task(TRANSLATE, TRANSLATE.models[3].id, cache=ModelCache()),
        lambda: prefetch(CLASSIFY.default.id, CLASSIFY),
    ):
        with pytest.raises(ModelNotAvailable) as caught:
            call()
        messages.append(caught.value)
    messages.append(not_downloaded_offline("google-bert/bert-base-uncased"))
    return messages


def test_every_missing_model_message_gives_the_prefetch_command_with_its_size_in_both_languages(hub_cache):
    for error in _missing_model_messages():
        english, korean = error.text("en"), error.text("ko")
        assert "python app.py --prefetch " in english and "python app.py --prefetch " in korean
        assert re.search(r"\(about [\d.,]+ [MG]B\)", english), english
        assert re.search(r"\(약 [\d.,]+ [MG]B\)", korean), korean
        assert "about" not in korean and "~" not in korean
        assert not UNDECIDED_PARTICLE.search(korean), korean


def test_the_prefetch_command_names_the_model_when_it_is_not_the_tabs_default():
    assert download_hint(TRANSLATE, TRANSLATE.models[3].id) == (
        "python app.py --prefetch facebook/nllb-200-distilled-600M (about 2.5 GB)",
        "python app.py --prefetch facebook/nllb-200-distilled-600M (약 2.5 GB)",
    )


def test_one_download_command_everywhere():
    """No message points to another tool (``hf download``, ``huggingface-cli download``) to get a model."""
    sources = [*ROOT.glob("core/**/*.py"), *ROOT.glob("tabs/**/*.py"), ROOT / "app.py"]
    offenders = [
        str(p.relative_to(ROOT)) for p in sources if re.search(r"(hf|huggingface-cli) download", p.read_text())
    ]
    assert offenders == []


def test_every_module_is_checked_for_particles():
    assert {"core/runtime/loading.py", "core/remote/faults.py", "tabs/boundary.py", "app.py"} <= set(MESSAGE_MODULES)


@pytest.mark.parametrize("module", MESSAGE_MODULES)
def test_korean_messages_decide_their_particles(module):
    lines = (ROOT / module).read_text(encoding="utf-8").splitlines()
    undecided = [f"{module}:{n}: {line.strip()}" for n, line in enumerate(lines, 1) if UNDECIDED_PARTICLE.search(line)]
    assert undecided == []


def test_pop_ups_come_from_the_boundary_with_a_title():
    """gradio's default pop-up titles ("Info", "Warning") are English: every pop-up goes through tabs/boundary.py."""
    sources = [p for p in ROOT.glob("tabs/**/*.py") if p.name != "boundary.py"]
    offenders = [
        str(p.relative_to(ROOT)) for p in sources if re.search(r"gr\.(Info|Warning|Success)\(", p.read_text())
    ]
    assert offenders == []


def test_a_korean_student_deleting_from_the_cache_sees_a_korean_pop_up(hub_cache, tiny_classifier, monkeypatch):
    import gradio as gr

    from tabs.cache import make_handlers
    from tabs.context import AppContext

    tiny_models.put_in_hub_cache(tiny_classifier, "org/tiny-sentiment", hub_cache)
    shown = []
    monkeypatch.setattr(gr, "Info", lambda message, **options: shown.append((message, options["title"])))
    make_handlers(AppContext())["cache_delete"](["org/tiny-sentiment"], True, "ko")
    [(message, title)] = shown
    assert title == "알림" and message.endswith("확보했어요")
