"""Fill-mask and NER: a call through the app vs the direct transformers pipeline call, both warm.

Goal (issue 7): through the app at most 1.2× the direct pipeline call. Five ways are timed on the
same model and input, each after warm-up calls, as the median of ``--repeat`` calls, twice: back to
back (each way's calls in a row, as a loop in a notebook or a class's stream of requests), and each
call after 0.1 s of idle (the ways in turns, so machine load falls on all alike; CPU time is read
from this pass, where no call inherits the spinning worker threads of the one before):

- ``direct``  — ``pipeline(task, model=path)(text, ...)``, as in a notebook;
- ``core``    — the core function (``core.text.fill_mask.fill_mask`` / ``core.text.ner.recognize``): checks + pipeline;
- ``handler`` — the tab's handler (what gradio calls), with its tables, notices and code panel;
- ``app``     — ``app.py --offline`` on loopback through gradio's HTTP API (POST ``/gradio_api/call/<api>``, then
  its event stream), one kept connection and session as a browser tab has: HTTP, queue and JSON included;
- ``gradio_client`` — the same calls through ``gradio_client`` for reference (it polls its queue every 50 ms).

The models are random BERTs built from a config (no network): ``--size base`` is BERT-base sized,
like the tabs' default Hub models (dslim/bert-base-NER, google-bert/bert-base-uncased).

    python benchmarks/bench_text_tabs.py [--size base|small] [--repeat 20]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.kit.environment import use_offline_environment  # noqa: E402

FILL_MASK_TEXT = "Paris is the [MASK] of France, and it is known for the Eiffel Tower and its museums."
NER_TEXT = (
    "Hugging Face Inc. is a company based in New York City. Its headquarters are in DUMBO, therefore very "
    "close to the Manhattan Bridge. Sylvain works there with Lysandre, who lives in Paris."
)
#: Idle before every timed call in the second pass, whichever way it goes.
PAUSE_SECONDS = 0.1
WARMUP_CALLS = 3
WAYS = ("direct", "core", "handler", "app", "gradio_client")
OVER_HTTP = ("app", "gradio_client")
SIZES = {
    "base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072},
    "small": {"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12, "intermediate_size": 1536},
}


def build_models(size: str, where: Path) -> tuple[Path, Path]:
    import torch
    from transformers import BertForMaskedLM, BertForTokenClassification

    from tests.kit.tiny_models import NER_LABELS, minilm_tokenizer, save, tiny_bert_config

    torch.manual_seed(0)
    mlm = save(BertForMaskedLM(tiny_bert_config(**SIZES[size])), minilm_tokenizer(), where / "mlm")
    labels = {"id2label": NER_LABELS, "label2id": {v: k for k, v in NER_LABELS.items()}}
    ner = save(
        BertForTokenClassification(tiny_bert_config(**SIZES[size], **labels)), minilm_tokenizer(), where / "ner"
    )
    return mlm, ner


@dataclass
class Timing:
    wall_ms: float
    cpu_ms: float
    #: For the app: the server process's share of ``cpu_ms`` (the rest is the client's).
    server_ms: float = 0.0


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) the app's server process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(ways: dict[str, Callable[[], object]], repeat: int, server_pid: int, pause: float) -> dict:
    """Median wall time and mean CPU time per call of each way (CPU: this process, plus the server's for
    the calls over HTTP). ``pause`` 0: each way's calls back to back; else the ways in turns, each call
    after ``pause`` seconds of idle (torch's worker threads spin for a while after a call, and in this
    process they would steal a core from the server's next call)."""
    for call in ways.values():
        for _ in range(WARMUP_CALLS):
            call()
    wall: dict[str, list[float]] = {way: [] for way in ways}
    cpu: dict[str, list[float]] = {way: [] for way in ways}
    server: dict[str, list[float]] = {way: [] for way in ways}
    order = [way for _ in range(repeat) for way in ways] if pause else [way for way in ways for _ in range(repeat)]
    for way in order:
        time.sleep(pause)
        server_before, cpu_before, started = server_cpu_seconds(server_pid), time.process_time(), time.perf_counter()
        ways[way]()
        wall[way].append(time.perf_counter() - started)
        server[way].append(server_cpu_seconds(server_pid) - server_before if way in OVER_HTTP else 0.0)
        cpu[way].append(time.process_time() - cpu_before + server[way][-1])
    return {
        way: Timing(
            statistics.median(wall[way]) * 1000, statistics.mean(cpu[way]) * 1000, statistics.mean(server[way]) * 1000
        )
        for way in ways
    }


def start_app() -> tuple[subprocess.Popen, str]:
    from tests.kit.app import free_port, wait_until_up

    port = free_port()
    command = [sys.executable, str(ROOT / "app.py"), "--offline", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    wait_until_up(url, process)
    return process, url


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="base")
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    use_offline_environment()

    import httpx
    from gradio_client import Client
    from transformers import pipeline

    from benchmarks.bench_foundation import call_over_http
    from core.text.fill_mask import fill_mask
    from core.text.ner import recognize
    from tabs import fill_mask as fill_mask_tab
    from tabs import ner as ner_tab
    from tabs.context import AppContext

    with tempfile.TemporaryDirectory(prefix="bench-text-tabs-") as tmp:
        mlm, ner = build_models(args.size, Path(tmp))
        direct_fill = pipeline("fill-mask", model=str(mlm), device="cpu")
        direct_ner = pipeline("token-classification", model=str(ner), device="cpu")
        fill_handler = fill_mask_tab.make_handler(AppContext())
        ner_handler = ner_tab.make_handler(AppContext())
        process, url = start_app()
        try:
            client = Client(url, verbose=False)
            http = httpx.Client(base_url=url, timeout=120)
            settings = ["cpu", "en", "local", "auto", ""]  # device, language, backend, provider, token
            cases = {
                "fill_mask": {
                    "direct": lambda: direct_fill(FILL_MASK_TEXT, top_k=5),
                    "core": lambda: fill_mask(FILL_MASK_TEXT, str(mlm), top_k=5, device="cpu"),
                    "handler": lambda: fill_handler(FILL_MASK_TEXT, str(mlm), 5, "cpu", "en"),
                    "app": lambda: call_over_http(http, "fill_mask", [FILL_MASK_TEXT, str(mlm), 5, *settings]),
                    "gradio_client": lambda: client.predict(FILL_MASK_TEXT, str(mlm), 5, api_name="/fill_mask"),
                },
                "ner": {
                    "direct": lambda: direct_ner(NER_TEXT, aggregation_strategy="simple"),
                    "core": lambda: recognize(NER_TEXT, str(ner), aggregation_strategy="simple", device="cpu"),
                    "handler": lambda: ner_handler(NER_TEXT, str(ner), "simple", "cpu", "en"),
                    "app": lambda: call_over_http(http, "ner", [NER_TEXT, str(ner), "simple", *settings]),
                    "gradio_client": lambda: client.predict(NER_TEXT, str(ner), "simple", api_name="/ner"),
                },
            }
            passes = {
                "back to back": {task: measure(ways, args.repeat, process.pid, 0.0) for task, ways in cases.items()},
                f"after {PAUSE_SECONDS} s idle": {
                    task: measure(ways, args.repeat, process.pid, PAUSE_SECONDS) for task, ways in cases.items()
                },
            }
        finally:
            process.terminate()
            process.wait(timeout=30)

    print(f"BERT {args.size} (random weights), CPU, {args.repeat} warm calls per way and pass")
    print(f"load average now: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    paused = passes[f"after {PAUSE_SECONDS} s idle"]
    tables = [(f"median wall time, {name}", results, "wall_ms") for name, results in passes.items()]
    tables.append((f"mean CPU time, client + server, {PAUSE_SECONDS} s idle pass", paused, "cpu_ms"))
    for title, results, field in tables:
        print(f"\n{title}, per call (ms), and ratio to the direct pipeline call")
        print(f"{'task':10} {'direct':>8} " + " ".join(f"{way:>16}" for way in WAYS[1:]))
        for task, ways in results.items():
            direct = getattr(ways["direct"], field)
            cells = [f"{getattr(ways[w], field):7.1f} ({getattr(ways[w], field) / direct:.2f}×)" for w in WAYS[1:]]
            print(f"{task:10} {direct:8.1f} " + " ".join(f"{c:>16}" for c in cells))
    print("\nCPU time split of the calls over HTTP: server process / client (ms)")
    for task, ways in paused.items():
        for way in OVER_HTTP:
            timing = ways[way]
            print(f"{task:10} {way:14} {timing.server_ms:8.1f} / {timing.cpu_ms - timing.server_ms:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
