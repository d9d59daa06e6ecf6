"""Time to first streamed token: through the app's /generate versus model.generate called directly.

Target (issue 7): the app's time to first token is at most 1.2x the direct one, same model and prompt.

Both sides run the same model, prompt and settings (greedy, so both produce the same tokens):
- direct: tokenizer + ``model.generate`` in a thread with a ``TextIteratorStreamer``, as a notebook streams;
  measured to the first generated token (the streamer's first ``put`` after the prompt) and to the first
  printable piece of text the streamer yields (it holds a token back until a word is complete).
- app: ``python app.py --offline`` in a subprocess; a POST to ``/gradio_api/call/generate`` and its
  server-sent events read as they arrive; measured to the first event that carries generated text.
Each is warmed up first (model loaded, first call done); the median of ``--runs`` runs is reported.

Without a network there is no Hub checkpoint, so by default the model is GPT-2 small's architecture
(12 layers, hidden 768, 12 heads, ~124M parameters: the compute of ``openai-community/gpt2``) with random
weights and a byte-level BPE of ~50k tokens trained on the spot on Python's standard library sources.
``--model DIR`` benchmarks any local causal LM folder instead (e.g. a downloaded gpt2).

    python benchmarks/generation_first_token.py [--model DIR] [--runs 10] [--max-new-tokens 20]

On a machine whose CPUs are oversubscribed, torch's two OpenMP threads per process make single runs vary
tenfold and can favour whichever process the scheduler happens to favour; ``OMP_NUM_THREADS=1`` (inherited
by the app's process too) gives both sides the same, steadier footing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.kit.environment import use_offline_environment  # noqa: E402

PROMPT = (
    "The Hugging Face course starts with pipelines: a tokenizer turns the sentence into ids, the model turns "
    "the ids into scores for every token of its vocabulary, and the pipeline picks the next token. In this "
    "lesson we write a short story about a robot who learns to write, one token at a time. Once upon a time,"
)


def build_gpt2_small(path: Path) -> Path:
    """GPT-2 small's shape with random weights, and a ~50k byte-level BPE trained on local text."""
    import torch
    from tokenizers import ByteLevelBPETokenizer
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    sources = sorted(Path(sysconfig.get_paths()["stdlib"]).rglob("*.py"))[:1500]
    texts = (p.read_text(encoding="utf-8", errors="replace") for p in sources)
    trainer = ByteLevelBPETokenizer()
    trainer.train_from_iterator(texts, vocab_size=50257, min_frequency=2, special_tokens=["<|endoftext|>"])
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=trainer._tokenizer, eos_token="<|endoftext|>")
    tokenizer.bos_token = tokenizer.unk_token = "<|endoftext|>"
    config = GPT2Config(
        vocab_size=len(tokenizer), bos_token_id=tokenizer.eos_token_id, eos_token_id=tokenizer.eos_token_id
    )
    torch.manual_seed(0)
    GPT2LMHeadModel(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


class _FirstTokenClock:
    """A streamer that only notes when generate hands over its first new token (the first put is the prompt)."""

    def __init__(self) -> None:
        self.puts = 0
        self.first_token_at: float | None = None

    def put(self, value) -> None:
        self.puts += 1
        if self.puts == 2 and self.first_token_at is None:
            self.first_token_at = time.perf_counter()

    def end(self) -> None:
        pass


def direct_times(model_dir: Path, max_new_tokens: int) -> tuple[float, float]:
    """(first token, first printable piece) in seconds for one direct, streamed model.generate call."""
    from transformers import TextIteratorStreamer

    tokenizer, model = _direct_model(model_dir)
    clock = _FirstTokenClock()
    streamer = TextIteratorStreamer(tokenizer, skip_prompt=True, skip_special_tokens=True)

    class Both:
        def put(self, value):
            clock.put(value)
            streamer.put(value)

        def end(self):
            streamer.end()

    started = time.perf_counter()
    inputs = tokenizer(PROMPT, return_tensors="pt")
    kwargs = dict(**inputs, max_new_tokens=max_new_tokens, do_sample=False, streamer=Both())
    thread = threading.Thread(target=model.generate, kwargs={**kwargs, "pad_token_id": tokenizer.eos_token_id})
    thread.start()
    next(piece for piece in streamer if piece)
    piece_seconds = time.perf_counter() - started
    for _ in streamer:
        pass
    thread.join()
    return clock.first_token_at - started, piece_seconds


_MODELS: dict[Path, tuple] = {}


def _direct_model(model_dir: Path):
    if model_dir not in _MODELS:
        from transformers import AutoModelForCausalLM, AutoTokenizer

        _MODELS[model_dir] = (
            AutoTokenizer.from_pretrained(model_dir),
            AutoModelForCausalLM.from_pretrained(model_dir).eval(),
        )
    return _MODELS[model_dir]


def app_time(http, model_dir: Path, max_new_tokens: int) -> float:
    """Seconds from the POST to the first server-sent event with generated text, through the real app.

    ``http`` is one ``httpx.Client`` kept for all calls, as a browser tab keeps its connection and
    session: a new client per call would time building an HTTP client too, not the app.
    """
    started = time.perf_counter()
    payload = {
        "data": [
            PROMPT,
            str(model_dir),
            max_new_tokens,
            1.0,
            50,
            1.0,
            1.0,
            1,
            False,
            0,
            "cpu",
            "en",
            "local",
            "auto",
            "",
        ],
        "session_hash": "benchmark",
    }
    event_id = http.post("gradio_api/call/generate", json=payload).json()["event_id"]
    first = None
    with http.stream("GET", f"gradio_api/call/generate/{event_id}") as response:
        event = None
        for line in response.iter_lines():
            if line.startswith("event:"):
                event = line.split(":", 1)[1].strip()
            elif line.startswith("data:") and event in ("generating", "complete"):
                data = json.loads(line.split(":", 1)[1])
                if first is None and data and data[1]:
                    first = time.perf_counter() - started
            elif line.startswith("data:") and event == "error":
                raise RuntimeError(f"the app answered with an error: {line}")
    if first is None:
        raise RuntimeError("the app streamed no text")
    return first


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, help="a local causal LM folder (default: build GPT-2 small's shape)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--max-new-tokens", type=int, default=20)
    parser.add_argument("--port", type=int, default=7950)
    args = parser.parse_args()
    use_offline_environment()

    model_dir = args.model or build_gpt2_small(Path(tempfile.mkdtemp(prefix="bench-gpt2-")) / "gpt2-small-random")
    import httpx

    from benchmarks.bench_foundation import start

    process, _ = start([sys.executable, str(ROOT / "app.py"), "--offline", "--port", str(args.port)], args.port)
    http = httpx.Client(base_url=f"http://127.0.0.1:{args.port}/", timeout=120)
    try:
        direct_times(model_dir, args.max_new_tokens)  # warm-up: load, first call
        app_time(http, model_dir, args.max_new_tokens)
        direct_token, direct_piece, app = [], [], []
        for _ in range(args.runs):  # interleaved, so machine load hits both sides alike
            token, piece = direct_times(model_dir, args.max_new_tokens)
            direct_token.append(token)
            direct_piece.append(piece)
            app.append(app_time(http, model_dir, args.max_new_tokens))
    finally:
        process.terminate()
        process.wait(timeout=30)

    tokens = len(_direct_model(model_dir)[0](PROMPT)["input_ids"])
    median = {
        name: statistics.median(v) for name, v in (("token", direct_token), ("piece", direct_piece), ("app", app))
    }
    print(f"model: {model_dir}  prompt: {tokens} tokens  runs: {args.runs} (median)  load: {os.getloadavg()}")
    print(f"direct model.generate, first token:          {median['token'] * 1000:8.1f} ms")
    print(f"direct model.generate, first streamed piece: {median['piece'] * 1000:8.1f} ms")
    print(f"app /generate, first streamed text:          {median['app'] * 1000:8.1f} ms")
    print(f"ratio app / direct first token:  {median['app'] / median['token']:.2f}x  (goal <= 1.2x)")
    print(f"ratio app / direct first piece:  {median['app'] / median['piece']:.2f}x")
    for name, values in (("direct first token", direct_token), ("direct first piece", direct_piece), ("app", app)):
        print(f"{name:>18} (ms): " + " ".join(f"{v * 1000:.0f}" for v in values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
