"""Throughput of /classify with 32 concurrent clients, micro-batching on vs off (goal: ≥ 3×).

Starts the app twice on loopback, with ``PLAYGROUND_MICRO_BATCHING=off`` (each request runs
alone, at the app's default concurrency) and with batching on (requests that arrive while the
model is busy share its next forward pass). Each client is one browser tab: its own connection
and session, opened with one call before the clock starts; then all clients send single-sentence
requests over gradio's HTTP API as fast as their answers come back. The model is the sentiment
tab's default architecture (DistilBERT, random weights), so a forward pass costs what the real one
costs. Also reported: the server's CPU time per request, and the batches the model ran.

    .venv/bin/python benchmarks/bench_batching.py [--clients 32] [--requests 8]
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_foundation import call_over_http, free_port, start, stop  # noqa: E402
from benchmarks.bench_text_tabs import server_cpu_seconds  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

SENTENCES = [
    "I like apple",
    "I dislike mosquito",
    "It was a very informative, fun and enjoyable time.",
    "It was a waste of time.",
    "I felt very sad",
    "I go to school",
    "I feel so good",
    "I like pear",
]


@dataclass
class Run:
    requests_per_second: float
    server_cpu_ms_per_request: float


def throughput(model_dir: Path, clients: int, requests: int, batching: str) -> Run:
    """Requests per second with ``clients`` concurrent clients, micro-batching ``on`` or ``off``."""
    import httpx

    env = {**os.environ, "PLAYGROUND_MICRO_BATCHING": batching}
    port = free_port()
    process, _ = start([sys.executable, "app.py", "--offline", "--port", str(port)], port, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        settings = [str(model_dir), "cpu", "en", "local", "auto", ""]
        gate = threading.Barrier(clients + 1)
        failures = []

        def client(number: int) -> None:
            http = httpx.Client(base_url=base, timeout=300)
            session = f"client-{number}"
            try:
                call_over_http(http, "classify", [SENTENCES[number % len(SENTENCES)], *settings], session)
            finally:
                gate.wait()
            for i in range(requests):
                try:
                    call_over_http(http, "classify", [SENTENCES[(number + i) % len(SENTENCES)], *settings], session)
                except Exception as error:
                    failures.append(error)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        gate.wait()
        cpu_before, started = server_cpu_seconds(process.pid), time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
        cpu = server_cpu_seconds(process.pid) - cpu_before
    finally:
        stop(process)
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return Run(clients * requests / seconds, cpu * 1000 / (clients * requests))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=8)
    args = parser.parse_args()
    use_offline_environment()

    from benchmarks.stand_ins import build_stand_in

    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_stand_in("classify", Path(tmp) / "distilbert-sst2-shape")
        alone = throughput(model_dir, args.clients, args.requests, "off")
        batched = throughput(model_dir, args.clients, args.requests, "on")
    ratio = batched.requests_per_second / alone.requests_per_second
    print(f"\n{args.clients} clients × {args.requests} single-sentence requests; {os.cpu_count()} CPU cores\n")
    print("| measurement | batched | unbatched | ratio | goal |")
    print("|---|---|---|---|---|")
    verdict = "meets" if ratio >= 3 else "MISSES"
    print(
        f"| /classify throughput | {batched.requests_per_second:.1f} req/s | {alone.requests_per_second:.1f} req/s "
        f"| {ratio:.2f}× | ≥ 3× ({verdict}) |"
    )
    print(
        f"| server CPU time per request | {batched.server_cpu_ms_per_request:.1f} ms "
        f"| {alone.server_cpu_ms_per_request:.1f} ms | {alone.server_cpu_ms_per_request / batched.server_cpu_ms_per_request:.2f}× less | |"
    )


if __name__ == "__main__":
    main()
