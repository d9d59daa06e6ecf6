"""Foundation benchmark: start-up time and the cost of a /classify call through the app.

1. Start-up: seconds from ``python app.py`` to its first HTTP 200, against a bare one-button
   ``gr.Blocks`` app started the same way (goal: at most 1.5×).
2. /classify through the app against the direct transformers pipeline call, same model and
   input, both warm (goal: at most 1.2×). "Through the app" is gradio's HTTP API on loopback
   (POST /gradio_api/call/classify, then its event stream, one kept connection and session as a
   browser tab has), the queue and handler included. The direct call runs in a fresh process of
   its own, back to back, with the batch size the app uses. For reference, a bare gradio app (one
   textbox, one JSON output) calling the same pipeline is timed the same way: what any gradio app
   adds to a call.

The model is the sentiment tab's default architecture (DistilBERT, 66M parameters, as
distilbert-base-uncased-finetuned-sst-2-english) with random weights; no network is used. Inputs:
one sentence, the tab's first example (6 sentences), and 32 sentences of mixed length. Medians.

    .venv/bin/python benchmarks/bench_foundation.py [--runs 5] [--calls 20]
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kit.app import free_port  # noqa: E402  (re-exported for the other benchmarks)
from tests.kit.environment import use_offline_environment  # noqa: E402

BARE_APP = """
import sys
import gradio as gr
with gr.Blocks() as demo:
    gr.Button("Hello")
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""

#: The sentiment tab's first example.
EXAMPLE = ["I like apple", "I like pear", "I go to school", "I dislike mosquito", "I felt very sad", "I feel so good"]
#: 32 sentences of mixed length, as a class's batch.
SENTENCES = [
    *EXAMPLE,
    "It was a very informative, fun and enjoyable time.",
    "It was a waste of time.",
    "The lecture on tokenizers was long, but the examples with real sentences made every step easy to follow.",
    "I did not expect the model to understand sarcasm, and it did not.",
] * 3 + EXAMPLE[:2]
INPUTS = {"1 sentence": SENTENCES[:1], "the tab's first example, 6 sentences": EXAMPLE, "32 sentences": SENTENCES}

BARE_MODEL_APP = """
import sys
import gradio as gr
from transformers import pipeline

classifier = pipeline("text-classification", model=sys.argv[2], device="cpu")

def classify(text):
    return classifier(text.splitlines(), top_k=None, truncation=True, batch_size=16)

with gr.Blocks() as demo:
    text, result = gr.Textbox(), gr.JSON()
    gr.Button("Run").click(classify, text, result, api_name="classify")
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""


def start(
    command: list[str], port: int, env: dict | None = None, timeout: float = 180
) -> tuple[subprocess.Popen, float]:
    """Start a server; return it and the seconds until its first HTTP 200."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    while time.perf_counter() - started < timeout:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1) as response:
                if response.status == 200:
                    return process, time.perf_counter() - started
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"{command} exited with {process.returncode}") from None
            time.sleep(0.05)
    stop(process)
    raise TimeoutError(f"{command} did not answer on port {port} within {timeout} s")


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


def over_http(command: list[str], port: int, calls: int, data_for: dict[str, list]) -> dict[str, list[float]]:
    """Start a server, then time ``calls`` warm /classify calls for each input over one HTTP session."""
    import httpx

    process, _ = start(command, port)
    try:
        http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120)
        times = {}
        for name, data in data_for.items():
            assert call_over_http(http, "classify", data)[0], "the app answered"
            times[name] = timed(lambda data=data: call_over_http(http, "classify", data), calls)
    finally:
        stop(process)
    return times


def classify_times(model_dir: Path, calls: int) -> dict[str, dict[str, list[float]]]:
    """way (app, bare gradio, direct) → input name → seconds per call.

    The ways run in the order app, bare, direct, direct, bare, app (half the calls each time), so a
    machine that gets faster or slower during the run weighs on all three alike.
    """
    settings = [str(model_dir), "cpu", "en", "local", "auto", ""]
    with tempfile.NamedTemporaryFile("w", suffix=".py", delete=False) as bare:
        bare.write(BARE_MODEL_APP)

    def app() -> dict[str, list[float]]:
        port = free_port()
        command = [sys.executable, "app.py", "--offline", "--port", str(port)]
        return over_http(command, port, half, {n: ["\n".join(t), *settings] for n, t in INPUTS.items()})

    def bare_app() -> dict[str, list[float]]:
        port = free_port()
        command = [sys.executable, bare.name, str(port), str(model_dir)]
        return over_http(command, port, half, {n: ["\n".join(t)] for n, t in INPUTS.items()})

    def direct() -> dict[str, list[float]]:
        return {name: direct_times(model_dir, half, texts) for name, texts in INPUTS.items()}

    half = max(1, calls // 2)
    times: dict[str, dict[str, list[float]]] = {"app": {}, "bare": {}, "direct": {}}
    try:
        order = [("app", app), ("bare", bare_app), ("direct", direct)]
        for way, measure in order + order[::-1]:
            for name, seconds in measure().items():
                times[way].setdefault(name, []).extend(seconds)
    finally:
        os.unlink(bare.name)
    return times


def report(
    name: str, ours: list[float], baseline: list[float], goal: float, reference: list[float] | None = None
) -> None:
    a, b = statistics.median(ours), statistics.median(baseline)
    verdict = "meets" if a / b <= goal else "MISSES"
    extra = " | –"
    if reference is not None:
        r = statistics.median(reference)
        extra = f" | {r * 1000:,.0f} ms ({r / b:.2f}×)"
    print(f"| {name} | {a * 1000:,.0f} ms | {b * 1000:,.0f} ms | {a / b:.2f}× | ≤ {goal}× ({verdict}){extra} |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--calls", type=int, default=40)
    args = parser.parse_args()
    use_offline_environment()

    from benchmarks.stand_ins import build_stand_in

    app, bare = startup_times(args.runs)
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = build_stand_in("classify", Path(tmp) / "distilbert-sst2-shape")
        times = classify_times(model_dir, args.calls)

    print(f"\nmedians: {args.runs} start-ups, {args.calls} warm calls each; {os.cpu_count()} CPU cores\n")
    print("| measurement | app | baseline | ratio | goal | bare gradio app, same call |")
    print("|---|---|---|---|---|---|")
    report("start-up to first HTTP 200 (baseline: bare one-button gr.Blocks)", app, bare, 1.5)
    for name in INPUTS:
        report(
            f"/classify over HTTP, {name} (baseline: direct pipeline call)",
            times["app"][name],
            times["direct"][name],
            1.2,
            times["bare"][name],
        )


if __name__ == "__main__":
    main()
