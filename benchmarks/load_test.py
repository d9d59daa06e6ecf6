"""Load test: many concurrent gradio_client users sending mixed requests to the real app.

Starts ``app.py --offline`` on loopback with tiny random models (built here, no network),
then ``--users`` threads each send ``--requests`` requests drawn in turn from ``REQUESTS``.
Reports failures (goal: zero), p50/p95 latency, throughput, the app's peak memory, and how
many times each model was loaded (goal: once each, read from the app's own log).

    .venv/bin/python benchmarks/load_test.py [--users 50] [--requests 20] [--time-limit 900]
"""

import argparse
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import tiny_models  # noqa: E402
from tests.conftest import free_port, wait_until_up  # noqa: E402


def build_models(folder: Path) -> dict:
    """Every tiny model (and the photo) the requests below use, by name."""
    from gradio_client import handle_file
    from PIL import Image

    from core.registry import BUNDLED_MINILM

    Image.new("RGB", (320, 240), "orange").save(folder / "photo.png")
    return {
        "classifier": str(tiny_models.build_bert_classifier(folder / "classifier")),
        "qa": str(tiny_models.build_bert_qa(folder / "qa")),
        "t5": str(tiny_models.build_t5(folder / "t5")),
        "marian": str(tiny_models.build_marian(folder / "tiny-opus-mt-en-ko")),
        "gpt2": str(tiny_models.build_gpt2(folder / "gpt2")),
        "nli": str(tiny_models.build_bert_nli(folder / "nli")),
        "ner": str(tiny_models.build_bert_token_classifier(folder / "ner")),
        "masked_lm": str(tiny_models.build_bert_masked_lm(folder / "mlm")),
        "detr": str(tiny_models.build_detr(folder / "detr")),
        "minilm": BUNDLED_MINILM,
        "photo": handle_file(str(folder / "photo.png")),
    }


#: api_name → the request's keyword arguments, from the models and the request's number.
REQUESTS = {
    "/classify": lambda m, i: {"text": f"I like apple number {i}\nIt was a waste of time.", "model": m["classifier"]},
    "/answer": lambda m, i: {"question": "Where is Paris?", "context": f"Paris {i} is in France.", "model": m["qa"]},
    "/summarize": lambda m, i: {"text": f"The tower {i} is tall. It is in Paris.", "model": m["t5"], "max_length": 8},
    "/translate": lambda m, i: {"text": f"Hello number {i}", "model": m["marian"], "max_length": 8},
    "/generate": lambda m, i: {"text": f"Once upon a time {i}", "model": m["gpt2"], "max_new_tokens": 4},
    "/zero_shot": lambda m, i: {"text": f"I like apple {i}", "labels": "fruit, car, music", "model": m["nli"]},
    "/ner": lambda m, i: {"text": f"Sarah {i} lives in Seoul", "model": m["ner"]},
    "/fill_mask": lambda m, i: {"text": f"I [MASK] apple number {i}", "model": m["masked_lm"]},
    "/similarity": lambda m, i: {"text": f"I like apple {i}\nI like pear", "model": m["minilm"]},
    "/tokenize": lambda m, i: {
        "text": f"I like apple {i}\n너는 내년 대선 때 투표할 수 있어?",
        "tokenizer": m["minilm"],
    },
    "/detect": lambda m, i: {"image": m["photo"], "threshold": 0.5, "model": m["detr"]},
}


@dataclass
class LoadReport:
    users: int
    requests: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    loads: Counter = field(default_factory=Counter)
    peak_rss_mb: float = 0.0
    app_log_tail: str = ""

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies) if self.latencies else 0.0

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.latencies, n=20)[-1] if len(self.latencies) > 1 else self.p50

    def table(self) -> str:
        done = len(self.latencies)
        rows = [
            ("users × requests", f"{self.users} × {self.requests // self.users}"),
            ("failures", f"{len(self.failures)} of {self.requests}"),
            ("latency p50 / p95", f"{self.p50 * 1000:,.0f} ms / {self.p95 * 1000:,.0f} ms"),
            ("throughput", f"{done / self.seconds:.1f} requests/s over {self.seconds:.0f} s"),
            ("app peak memory (RSS)", f"{self.peak_rss_mb:,.0f} MB"),
            ("model loads", ", ".join(f"{name}: {n}" for name, n in sorted(self.loads.items())) or "none"),
        ]
        return "\n".join(["| measurement | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
    return int(match.group(1)) / 1024 if match else 0.0


def run_load_test(users: int = 50, requests: int = 20, time_limit: float = 900) -> LoadReport:
    import subprocess

    from gradio_client import Client

    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    with tempfile.TemporaryDirectory() as tmp:
        models = build_models(Path(tmp))
        log_path = Path(tmp) / "app.log"
        port = free_port()
        with log_path.open("w") as log:
            app = subprocess.Popen(
                [sys.executable, "app.py", "--offline", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                text=True,
            )
        url = f"http://127.0.0.1:{port}/"
        report = LoadReport(users=users, requests=users * requests, seconds=0.0)
        lock = threading.Lock()
        deadline = time.monotonic() + time_limit
        plan = list(REQUESTS.items())
        try:
            wait_until_up(url, app)
            start_gate = threading.Barrier(users)

            def user(number: int) -> None:
                # As patient as a browser: a busy class waits in the queue, it does not time out at 5 s.
                client = Client(url, verbose=False, httpx_kwargs={"timeout": 120})
                start_gate.wait()
                for i in range(requests):
                    if time.monotonic() > deadline:
                        with lock:
                            report.failures.append(f"user {number}: time limit reached")
                        return
                    api_name, make_args = plan[(number + i) % len(plan)]
                    started = time.perf_counter()
                    try:
                        client.predict(**make_args(models, i), api_name=api_name)
                    except Exception as error:  # every failure is counted and named, none stops the test
                        with lock:
                            report.failures.append(f"{api_name}: {type(error).__name__}: {error}")
                        continue
                    with lock:
                        report.latencies.append(time.perf_counter() - started)

            threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            report.seconds = time.perf_counter() - started
            report.peak_rss_mb = peak_rss_mb(app.pid)
        finally:
            app.terminate()
            app.wait(timeout=30)
        if report.failures:
            report.app_log_tail = log_path.read_text()[-6000:]
        for line in log_path.read_text().splitlines():
            found = re.search(r"loaded model=(\S+) task=(\S+)", line)
            if found:
                report.loads[f"{found.group(2)}:{Path(found.group(1)).name}"] += 1
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--time-limit", type=float, default=900)
    args = parser.parse_args()
    report = run_load_test(args.users, args.requests, args.time_limit)
    print(report.table())
    for failure in report.failures[:20]:
        print("FAILED:", failure)
    if report.failures:
        print("\nThe app's log ends with:\n" + report.app_log_tail)
    sys.exit(1 if report.failures else 0)


if __name__ == "__main__":
    main()
