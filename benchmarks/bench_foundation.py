"""Foundation benchmark: start-up time and the cost of a /classify call through the app.

1. Start-up: seconds from ``python app.py`` to its first HTTP 200, against a bare one-button
   ``gr.Blocks`` app started the same way (goal: at most 1.5×).
2. /classify through the app against the direct transformers pipeline call, same model and
   input, both warm (goal: at most 1.2×). "Through the app" is gradio's HTTP API on loopback
   (POST /gradio_api/call/classify, then its event stream, in one session as a browser tab is),
   the queue and handler included. gradio_client is also timed for reference: it polls its message
   queue every 50 ms, which adds its own latency on the client side.

The model is the real bundled MiniLM with a 3-label classification head (so the compute is
that of a real 22.7M-parameter encoder); no network is used. Medians of several runs.

    .venv/bin/python benchmarks/bench_foundation.py [--runs 5] [--calls 20]
"""

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BARE_APP = """
import sys
import gradio as gr
with gr.Blocks() as demo:
    gr.Button("Hello")
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""

SENTENCES = [
    "I like apple",
    "I like pear",
    "I go to school",
    "I dislike mosquito",
    "I felt very sad",
    "I feel so good",
    "It was a very informative, fun and enjoyable time.",
    "It was a waste of time.",
] * 4  # 32 sentences


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], port: int, env: dict | None = None) -> tuple[subprocess.Popen, float]:
    """Start a server; return it and the seconds until its first HTTP 200."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                if response.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}") from None
            time.sleep(0.05)


def stop(process: subprocess.Popen) -> None:
    process.terminate()
    process.wait(timeout=30)


def startup_times(runs: int) -> tuple[list[float], list[float]]:
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as bare:
        bare.write(BARE_APP)
    app, baseline = [], []
    for _ in range(runs):
        port = free_port()
        process, seconds = start([sys.executable, bare.name, str(port)], port)
        baseline.append(seconds)
        stop(process)
        port = free_port()
        process, seconds = start([sys.executable, "app.py", "--offline", "--port", str(port)], port)
        app.append(seconds)
        stop(process)
    os.unlink(bare.name)
    return app, baseline


def build_minilm_classifier(path: Path) -> Path:
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    from core.registry import BUNDLED_MINILM, bundled_path

    source = bundled_path(BUNDLED_MINILM)
    labels = {0: "positive", 1: "neutral", 2: "negative"}
    model = AutoModelForSequenceClassification.from_pretrained(
        source, num_labels=3, id2label=labels, label2id={v: k for k, v in labels.items()}
    )
    model.save_pretrained(path)
    AutoTokenizer.from_pretrained(source).save_pretrained(path)
    return path


def timed(call, count: int) -> list[float]:
    seconds = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - started)
    return seconds


def call_over_http(http, api_name: str, data: list, session: str = "benchmark") -> list:
    """One call through gradio's HTTP API: submit, then read the event stream to its end.

    Like a browser tab, the calls of one client share a session: gradio builds a session's state
    once, and that costs time in proportion to the size of the app (every component's config).
    """
    import json

    body = {"data": data, "session_hash": session}
    event_id = http.post(f"/gradio_api/call/{api_name}", json=body).json()["event_id"]
    event, result = None, None
    with http.stream("GET", f"/gradio_api/call/{api_name}/{event_id}") as stream:
        for line in stream.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event == "complete":
                result = json.loads(line[5:])
            elif event == "error":
                raise RuntimeError(line)
    return result


DIRECT = """
import json, sys, time
from transformers import pipeline
model, calls, sentences = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
classifier = pipeline("text-classification", model=model, device="cpu")
classifier(sentences, top_k=None, truncation=True, batch_size=16)
seconds = []
for _ in range(calls):
    started = time.perf_counter()
    classifier(sentences, top_k=None, truncation=True, batch_size=16)
    seconds.append(time.perf_counter() - started)
print(json.dumps(seconds))
"""


def direct_times(model_dir: Path, calls: int, sentences: list[str]) -> list[float]:
    """The direct pipeline call, in a fresh process of its own, as a student's notebook runs it."""
    import json

    done = subprocess.run(
        [sys.executable, "-c", DIRECT, str(model_dir), str(calls), json.dumps(sentences)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def classify_times(model_dir: Path, calls: int, sentences: list[str]) -> dict[str, list[float]]:
    import httpx
    from gradio_client import Client

    data = ["\n".join(sentences), str(model_dir), "cpu", "en", "local", "auto", ""]
    port = free_port()
    process, _ = start([sys.executable, "app.py", "--offline", "--port", str(port)], port)
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        assert call_over_http(http, "classify", data)[0], "the app answered"
        times = {"http": timed(lambda: call_over_http(http, "classify", data), calls)}
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        times["gradio_client"] = timed(lambda: client.predict(*data, api_name="/classify"), calls)
    finally:
        stop(process)
    times["direct"] = direct_times(model_dir, calls, sentences)
    return times


def report(name: str, ours: list[float], baseline: list[float], goal: float) -> None:
    a, b = statistics.median(ours), statistics.median(baseline)
    verdict = "meets" if a / b <= goal else "MISSES"
    print(f"| {name} | {a * 1000:,.0f} ms | {b * 1000:,.0f} ms | {a / b:.2f}× | ≤ {goal}× ({verdict}) |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

    app, bare = startup_times(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_minilm_classifier(Path(tmp) / "minilm-classifier")
        batch = classify_times(model_dir, args.calls, SENTENCES)
        one = classify_times(model_dir, args.calls, SENTENCES[:1])

    print(f"\nmedians: {args.runs} start-ups, {args.calls} warm calls each; {os.cpu_count()} CPU cores\n")
    print("| measurement | app | baseline | ratio | goal |")
    print("|---|---|---|---|---|")
    report("start-up to first HTTP 200 (baseline: bare one-button gr.Blocks)", app, bare, 1.5)
    for label, times in (("32 sentences", batch), ("1 sentence", one)):
        report(f"/classify over HTTP, {label} (baseline: direct pipeline call)", times["http"], times["direct"], 1.2)
        report(f"/classify via gradio_client, {label} (same baseline)", times["gradio_client"], times["direct"], 1.2)


if __name__ == "__main__":
    main()
