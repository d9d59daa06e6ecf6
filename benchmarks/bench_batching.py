"""Throughput of /classify with 32 concurrent clients, micro-batching on vs off (goal: ≥ 3×).

Starts the app twice on loopback, with ``PLAYGROUND_BATCH_WAIT_MS=0`` (each request alone)
and with the default wait (requests for the same model share a forward pass). 32 clients each
send single-sentence requests over gradio's HTTP API; the model is the real bundled MiniLM with a
3-label head, so the forward pass costs what a real small classifier costs.

    .venv/bin/python benchmarks/bench_batching.py [--clients 32] [--requests 8]
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_foundation import build_minilm_classifier, call_over_http, free_port, start, stop  # noqa: E402

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


def throughput(model_dir: Path, clients: int, requests: int, wait_ms: str) -> float:
    """Requests per second with ``clients`` concurrent clients, batching wait ``wait_ms``."""
    import httpx

    env = {**os.environ, "PLAYGROUND_BATCH_WAIT_MS": wait_ms}
    port = free_port()
    process, _ = start([sys.executable, "app.py", "--offline", "--port", str(port)], port, env=env)
    try:
        base = f"http://127.0.0.1:{port}"
        warm = httpx.Client(base_url=base, timeout=120)
        call_over_http(warm, "classify", [SENTENCES[0], str(model_dir), "cpu", "en", "local", "auto", ""])
        gate = threading.Barrier(clients + 1)
        failures = []

        def client(number: int) -> None:
            http = httpx.Client(base_url=base, timeout=300)
            gate.wait()
            for i in range(requests):
                text = SENTENCES[(number + i) % len(SENTENCES)]
                try:
                    call_over_http(
                        http, "classify", [text, str(model_dir), "cpu", "en", "local", "auto", ""], f"client-{number}"
                    )
                except Exception as error:
                    failures.append(error)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
        for t in threads:
            t.start()
        gate.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - started
    finally:
        stop(process)
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, e.g. {failures[0]}")
    return clients * requests / seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--requests", type=int, default=8)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_minilm_classifier(Path(tmp) / "minilm-classifier")
        alone = throughput(model_dir, args.clients, args.requests, "0")
        batched = throughput(model_dir, args.clients, args.requests, "5")
    ratio = batched / alone
    print(f"\n{args.clients} clients × {args.requests} single-sentence requests; {os.cpu_count()} CPU cores\n")
    print("| measurement | batched | unbatched | ratio | goal |")
    print("|---|---|---|---|---|")
    verdict = "meets" if ratio >= 3 else "MISSES"
    print(f"| /classify throughput | {batched:.1f} req/s | {alone:.1f} req/s | {ratio:.2f}× | ≥ 3× ({verdict}) |")


if __name__ == "__main__":
    main()
