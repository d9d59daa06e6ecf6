"""Two models side by side on this machine, with the same input: is DistilBERT really lighter and faster?

Each model is measured in a fresh child process (forked from a server that has imported torch
once, or spawned where there is no fork server), one after the other, so neither the app's
model cache nor the other model colours the figures: load time is a cold load, and peak memory
is the child's high-water mark above what it used before loading (Unix; ``None`` elsewhere).
"""

from __future__ import annotations

import multiprocessing
import statistics
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass

from core.errors import BadInput, ModelNotAvailable
from core.inputs.text import split_lines
from core.inspect.inspector import TASK, architecture_of, explained, load_config
from core.runtime.loading import PRIVATE, LoadPolicy, check_download_size
from core.runtime.repo_files import list_repo_files
from core.validators import whole_number

MAX_RUNS = 50
DEFAULT_RUNS = 10
MAX_SENTENCES = 8
METRICS = ("parameters", "disk_bytes", "load_seconds", "median_latency_seconds", "peak_memory_bytes")


@dataclass
class Measurement:
    model: str
    architecture: str
    parameters: int
    disk_bytes: int
    load_seconds: float
    latencies_seconds: list[float]
    peak_memory_bytes: int | None

    @property
    def median_latency_seconds(self) -> float:
        return statistics.median(self.latencies_seconds)

    def to_json(self) -> dict:
        return {**asdict(self), "median_latency_seconds": self.median_latency_seconds}


@dataclass
class Comparison:
    texts: list[str]
    runs: int
    first: Measurement
    second: Measurement

    @property
    def ratios(self) -> dict[str, float | None]:
        """second ÷ first for every metric (0.6 means the second needs 40% less)."""
        ratios = {}
        for metric in METRICS:
            a, b = getattr(self.first, metric), getattr(self.second, metric)
            ratios[metric] = b / a if a and b is not None else None
        return ratios

    def to_json(self) -> dict:
        return {
            "texts": self.texts,
            "runs": self.runs,
            "models": [self.first.to_json(), self.second.to_json()],
            "ratios": self.ratios,
        }


def _rss_bytes() -> int | None:
    try:
        with open("/proc/self/statm") as statm:
            import os

            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, AttributeError):
        return None


def _peak_rss_bytes() -> int | None:
    try:
        import resource
        import sys

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024
    except (ImportError, OSError):
        return None


def measure_here(location: str, architecture: str, texts: list[str], runs: int, threads: int) -> dict:
    """Load and run one model in this (fresh) process; the raw figures. Runs inside the child."""
    import time

    import torch
    import transformers

    torch.set_num_threads(threads)
    # transformers imports its modules lazily: import them before the clock and the memory baseline start.
    model_class = getattr(transformers, architecture)
    tokenizer_class = transformers.AutoTokenizer
    transformers.AutoConfig.from_pretrained(location)
    before = _rss_bytes()
    started = time.perf_counter()
    tokenizer = tokenizer_class.from_pretrained(location)
    model = model_class.from_pretrained(location).eval()
    load_seconds = time.perf_counter() - started
    if getattr(tokenizer, "pad_token", None) is None and getattr(tokenizer, "eos_token", None):
        tokenizer.pad_token = tokenizer.eos_token
    inputs = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    extra = {}
    if getattr(model.config, "is_encoder_decoder", False):
        start = getattr(model.config, "decoder_start_token_id", None) or 0
        extra["decoder_input_ids"] = torch.full((len(texts), 1), start)
    latencies = []
    with torch.inference_mode():
        model(**inputs, **extra)  # warm-up: the first call pays one-off costs
        for _ in range(runs):
            started = time.perf_counter()
            model(**inputs, **extra)
            latencies.append(time.perf_counter() - started)
    peak = _peak_rss_bytes()
    return {
        "parameters": sum(p.numel() for p in model.parameters()),
        "load_seconds": load_seconds,
        "latencies_seconds": latencies,
        "peak_memory_bytes": max(0, peak - before) if peak is not None and before is not None else None,
    }


def _fresh_processes() -> multiprocessing.context.BaseContext:
    """New processes that start with torch already imported (a fork server), else clean spawned ones.

    The fork server imports torch once and never runs a model itself, so each child is clean and
    quick to start; forking the app itself would copy its threads and loaded models.
    """
    if "forkserver" not in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["torch", "transformers", "core.inspect.measure_preload", "core.inspect.compare"])
    return context


def _measure(location: str, architecture: str, texts: list[str], runs: int) -> dict:
    import torch

    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=_fresh_processes()) as pool:
            return pool.submit(measure_here, location, architecture, texts, runs, torch.get_num_threads()).result()
    except BrokenProcessPool as error:
        raise ModelNotAvailable(
            f"Measuring '{location}' stopped: the process was killed, most likely out of memory. "
            "Close other programs or compare smaller models.",
            ko=f"'{location}' 측정이 중단됐어요: 메모리가 부족했던 것 같아요. 다른 프로그램을 닫거나 더 작은 모델로 비교하세요.",
        ) from error


def check_runs(runs: int | float | None) -> int:
    return whole_number(runs, "The number of runs", 1, MAX_RUNS, name_ko="반복 횟수")


def compare(
    text: str,
    model_a: str,
    model_b: str,
    *,
    runs: int = DEFAULT_RUNS,
    policy: LoadPolicy = PRIVATE,
) -> Comparison:
    """Measure ``model_a`` then ``model_b`` on the same sentences; figures and their ratios."""
    texts = split_lines(text, max_lines=MAX_SENTENCES)
    runs = check_runs(runs)
    (source_a, config_a), (source_b, config_b) = load_config(model_a, policy), load_config(model_b, policy)
    if source_a.location == source_b.location:
        raise BadInput(
            f"Both sides are '{source_a.name}': comparing a model with itself shows nothing. Choose two different models.",
            ko=f"양쪽 모두 '{source_a.name}'이에요. 같은 모델끼리는 비교할 수 없어요. 서로 다른 두 모델을 고르세요.",
        )
    measurements = []
    for source, config in ((source_a, config_a), (source_b, config_b)):
        architecture = architecture_of(config, source)
        check_download_size(TASK, source, policy)  # public mode: no oversized download behind the app's back
        with explained(source):
            files, _where = list_repo_files(source)
            raw = _measure(source.location, architecture, texts, runs)
        weights = sum(f.size or 0 for f in files if f.needed)
        measurements.append(Measurement(model=source.name, architecture=architecture, disk_bytes=weights, **raw))
    return Comparison(texts=texts, runs=runs, first=measurements[0], second=measurements[1])


def notebook_code(model_a: str, model_b: str, texts: list[str], runs: int) -> str:
    return f"""import statistics, time
import torch
from transformers import AutoModel, AutoTokenizer

texts = {texts!r}
for checkpoint in [{model_a!r}, {model_b!r}]:
    started = time.perf_counter()
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    model = AutoModel.from_pretrained(checkpoint).eval()
    load = time.perf_counter() - started
    inputs = tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    latencies = []
    with torch.inference_mode():
        model(**inputs)                      # warm-up
        for _ in range({runs}):
            started = time.perf_counter()
            model(**inputs)
            latencies.append(time.perf_counter() - started)
    print(checkpoint, f"{{model.num_parameters():,}} parameters",
          f"load {{load:.1f}} s", f"median {{statistics.median(latencies) * 1000:.1f}} ms",
          f"{{model.get_memory_footprint() / 1e6:.0f}} MB")
"""
