"""The load test: many concurrent gradio_client users sending mixed requests to the real app.

Starts ``app.py --offline`` on loopback with tiny random models (built here, no network), then ``users``
threads each send ``requests`` requests drawn in turn from ``REQUESTS``, while one more visitor floods
``/finetune`` (bursts of calls from one session for as long as the users run; issue 16). Reports failures
of the users (goal: zero), p50/p95 latency, throughput, the app's peak memory, how many times each model
was loaded (goal: once each, read from the app's own log), and what became of the flood (goal: refused
at once, one run at a time). ``generation_users`` more users, released with the crowd, each ask /generate once
for ``generation_tokens`` tokens: a class generating together, whose requests share the model's decoding steps
(issue 20); their failures count with the crowd's and their p50/p95 are reported apart.

``benchmarks/load_test.py`` runs the full 50 × 20 for the README; ``tests/test_load.py`` a smaller
crowd with the same checks.
"""

import os
import re
import statistics
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.kit import tiny_models
from tests.kit.app import running_app
from tests.kit.environment import OFFLINE


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


#: The flooding visitor's fine-tune: a tiny table, one epoch.
FLOOD_TABLE = {
    "headers": ["text", "label", "split"],
    "data": [
        ["I love it", "pos", "train"],
        ["I hate it", "neg", "train"],
        ["great", "pos", "eval"],
        ["bad", "neg", "eval"],
    ],
}
FLOOD_BURST = 20


@dataclass
class FloodReport:
    """What one visitor's /finetune flood got: sent, refused at once (429), let in (one at a time), other answers."""

    sent: int = 0
    refused: int = 0
    let_in: int = 0
    other: list[str] = field(default_factory=list)
    slowest_refusal_s: float = 0.0

    def line(self) -> str:
        return (
            f"{self.sent} calls from one session: {self.refused} refused at once (429, slowest "
            f"{self.slowest_refusal_s * 1000:,.0f} ms), {self.let_in} let in, {len(self.other)} other"
        )


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
    flood: FloodReport | None = None
    generation_users: int = 0
    generation_tokens: int = 0
    generation_latencies: list[float] = field(default_factory=list)

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
            ("failures", f"{len(self.failures)} of {self.requests + self.generation_users}"),
            ("latency p50 / p95", f"{self.p50 * 1000:,.0f} ms / {self.p95 * 1000:,.0f} ms"),
            ("throughput", f"{done / self.seconds:.1f} requests/s over {self.seconds:.0f} s"),
            ("app peak memory (RSS)", f"{self.peak_rss_mb:,.0f} MB"),
            ("model loads", ", ".join(f"{name}: {n}" for name, n in sorted(self.loads.items())) or "none"),
        ]
        if self.flood is not None:
            rows.append(("/finetune flood", self.flood.line()))
        if self.generation_users:
            times = sorted(self.generation_latencies)
            p95 = statistics.quantiles(times, n=20)[-1] if len(times) > 1 else (times or [0.0])[0]
            rows.append(
                (
                    f"concurrent /generate: {self.generation_users} users × {self.generation_tokens} tokens, at once",
                    f"{self.generation_users - len(times)} failed; p50 / p95 "
                    f"{statistics.median(times or [0.0]) * 1000:,.0f} ms / {p95 * 1000:,.0f} ms",
                )
            )
        return "\n".join(["| measurement | value |", "|---|---|", *(f"| {a} | {b} |" for a, b in rows)])


def peak_rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status")
    match = re.search(r"VmHWM:\s+(\d+) kB", status.read_text()) if status.exists() else None
    return int(match.group(1)) / 1024 if match else 0.0


def flood_finetune(url: str, model: str, until: threading.Event, report: FloodReport) -> None:
    """One visitor (one session) sends /finetune through raw ``queue/join``, as a script would, in bursts of
    ``FLOOD_BURST`` a second until ``until`` is set. It never reads its results: accepted runs still train."""
    import json
    import urllib.request
    import uuid

    from tests.kit.raw_http import join

    with urllib.request.urlopen(f"{url}config", timeout=30) as answer:
        config = json.loads(answer.read())
    fn_index = next(d["id"] for d in config["dependencies"] if d.get("api_name") == "finetune")
    # The lab's inputs in order: data, model, learning rate, epochs, batch size, seed, max length, table,
    # folder, device, language, what to do with conflicting labels.
    data = [None, model, 1e-3, 1, 4, 1, 16, FLOOD_TABLE, "", "auto", "auto", "ask"]
    session = uuid.uuid4().hex
    while not until.is_set():
        for _ in range(FLOOD_BURST):
            sent_at = time.perf_counter()
            status, answer = join(url, fn_index, data, session_hash=session)
            report.sent += 1
            if status == 429:
                report.refused += 1
                report.slowest_refusal_s = max(report.slowest_refusal_s, time.perf_counter() - sent_at)
            elif status == 200:
                report.let_in += 1
            else:
                report.other.append(f"HTTP {status}: {answer}"[:300])
        until.wait(1.0)


def run_load_test(
    users: int = 50,
    requests: int = 20,
    time_limit: float = 900,
    flood: bool = True,
    generation_users: int = 0,
    generation_tokens: int = 32,
) -> LoadReport:
    from gradio_client import Client

    env = {**os.environ, **OFFLINE}
    # Every user is on 127.0.0.1: room for all of them under one address, as a teacher sets it for a class.
    limit = max(int(env.get("PLAYGROUND_QUEUE_PER_ADDRESS", 80)), users + generation_users + 10)
    env["PLAYGROUND_QUEUE_PER_ADDRESS"] = str(limit)
    with tempfile.TemporaryDirectory() as tmp:
        env["PLAYGROUND_OUTPUT_DIR"] = str(Path(tmp) / "finetuned")
        models = build_models(Path(tmp))
        log_path = Path(tmp) / "app.log"
        report = LoadReport(
            users=users,
            requests=users * requests,
            seconds=0.0,
            generation_users=generation_users,
            generation_tokens=generation_tokens,
        )
        lock = threading.Lock()
        plan = list(REQUESTS.items())
        with log_path.open("w") as log, running_app("--offline", env=env, log=log) as app:
            deadline = time.monotonic() + time_limit
            start_gate = threading.Barrier(users + generation_users)

            def user(number: int) -> None:
                # As patient as a browser: a busy class waits in the queue, it does not time out at 5 s.
                client = Client(app.url, verbose=False, httpx_kwargs={"timeout": 120})
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

            def student(number: int) -> None:
                client = Client(app.url, verbose=False, httpx_kwargs={"timeout": 300})
                start_gate.wait()
                args = {"text": f"Write about {number}", "model": models["gpt2"], "seed": number}
                started = time.perf_counter()
                try:
                    client.predict(**args, max_new_tokens=generation_tokens, api_name="/generate")
                except Exception as error:  # counted and named like the crowd's
                    with lock:
                        report.failures.append(f"/generate (class): {type(error).__name__}: {error}")
                    return
                with lock:
                    report.generation_latencies.append(time.perf_counter() - started)

            threads = [threading.Thread(target=user, args=(n,)) for n in range(users)]
            threads += [threading.Thread(target=student, args=(n,)) for n in range(generation_users)]
            users_done = threading.Event()
            flooder = None
            if flood:
                report.flood = FloodReport()
                flooder = threading.Thread(
                    target=flood_finetune, args=(app.url, models["classifier"], users_done, report.flood)
                )
                flooder.start()
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            report.seconds = time.perf_counter() - started
            users_done.set()
            if flooder is not None:
                flooder.join()
            report.peak_rss_mb = peak_rss_mb(app.process.pid)
        if report.failures:
            report.app_log_tail = log_path.read_text()[-6000:]
        for line in log_path.read_text().splitlines():
            found = re.search(r"loaded model=(\S+) task=(\S+)", line)
            if found:
                report.loads[f"{found.group(2)}:{Path(found.group(1)).name}"] += 1
    return report
