"""Attributions: integrated gradients (50 steps, batched) and gradient × input against one forward pass.

Goal (issue 18): integrated gradients with 50 steps in at most 2 s on a DistilBERT-size classifier (random
weights from the default ``DistilBertConfig``: 6 layers, hidden 768), a 64-token sentence, 2 CPU threads.
Each way is timed warm, as the median of ``--repeat`` calls, through core (``core.insight.attributions.explain``:
checks, tokenizing, the passes and the completeness numbers); the floor is the model's own forward pass on the
same 64 tokens, measured in the same run. Two more floors, also measured in the same run, show what 2 s would
ask of this machine: the model's own forward and backward pass over the 50 × 64 rows that integrated gradients
batch (``inputs_embeds`` in, the target's logit summed, gradients for the inputs only: the work itself, with
none of ours), and that pass's arithmetic at the rate this machine multiplies float32 matrices (a large matmul,
timed here).

    python benchmarks/bench_attributions.py [--repeat 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.kit.environment import use_offline_environment  # noqa: E402

TOKENS = 64
WORDS = [
    "the",
    "film",
    "was",
    "a",
    "quiet",
    "and",
    "patient",
    "story",
    "about",
    "a",
    "family",
    "that",
    "slowly",
    "learns",
    "to",
    "talk",
    "again",
]
GOAL_SECONDS = 2.0
STEPS = 50


def matmul_flops_per_second(threads: int) -> float:
    """This machine's float32 matrix-multiply rate on ``threads`` threads: the ceiling for a transformer's passes."""
    import torch

    a, b = torch.randn(STEPS * TOKENS, 768), torch.randn(768, 3072)
    seconds, _ = median_seconds(lambda: a @ b, 5)
    return 2 * a.shape[0] * a.shape[1] * b.shape[1] / seconds


def pass_flops(model, rows: int, tokens: int) -> float:
    """Multiply-adds ×2 of one forward pass over ``rows`` × ``tokens``: every non-embedding weight once per token,
    plus attention's two (tokens × tokens) products per layer."""
    config = model.config
    weights = sum(p.numel() for n, p in model.named_parameters() if "embeddings" not in n and p.dim() == 2)
    attention = 2 * 2 * config.n_layers * tokens * tokens * config.dim
    return rows * (2 * weights * tokens + attention)


def sentence(tokenizer, tokens: int = TOKENS) -> str:
    """A sentence of exactly ``tokens`` tokens, special tokens included."""
    words: list[str] = []
    while len(tokenizer(" ".join(words))["input_ids"]) < tokens:
        words.append(WORDS[len(words) % len(WORDS)])
    assert len(tokenizer(" ".join(words))["input_ids"]) == tokens
    return " ".join(words)


def median_seconds(call: Callable[[], object], repeat: int) -> tuple[float, float]:
    """Median wall seconds and median CPU seconds (all threads) of ``repeat`` warm calls.

    On a machine shared with other work, wall time stretches with the load; CPU time much less so.
    """
    call()  # warm: the model is loaded and the first pass's allocations done
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    use_offline_environment()
    import torch
    from transformers import DistilBertConfig, DistilBertForSequenceClassification

    from core.insight.attributions import CLASSIFY, explain
    from core.runtime.loading import load_for_task
    from tests.kit.tiny_models import minilm_tokenizer, save

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    folder = Path(tempfile.mkdtemp(prefix="bench-attributions-"))
    config = DistilBertConfig(id2label={0: "NEGATIVE", 1: "POSITIVE"}, label2id={"NEGATIVE": 0, "POSITIVE": 1})
    save(DistilBertForSequenceClassification(config), minilm_tokenizer(), folder)
    loaded = load_for_task(CLASSIFY, str(folder), device="cpu")
    text = sentence(loaded.preprocessor)
    inputs = loaded.preprocessor(text, return_tensors="pt")

    def forward() -> object:
        with torch.no_grad():
            return loaded.model(**inputs).logits

    def forward_and_backward() -> object:
        """Integrated gradients' arithmetic with none of our code: 50 × 64 rows forward, input gradients back."""
        embeds = loaded.model.get_input_embeddings()(inputs["input_ids"]).detach()
        batch = embeds.repeat(STEPS, 1, 1).requires_grad_(True)
        mask = inputs["attention_mask"].repeat(STEPS, 1)
        logits = loaded.model(inputs_embeds=batch, attention_mask=mask).logits
        (grad,) = torch.autograd.grad(logits[:, 1].sum(), batch)  # autograd skips the weights' gradients
        return grad

    floor = median_seconds(forward, args.repeat)
    ways = {
        "one forward pass (floor)": forward,
        "gradient × input": lambda: explain(text, str(folder), "POSITIVE", "gradient_x_input", device="cpu"),
        "integrated gradients, 50 steps": lambda: explain(text, str(folder), "POSITIVE", steps=STEPS, device="cpu"),
        "the model's own pass over the same 50 × 64 rows, forward and back (floor)": forward_and_backward,
    }
    print(
        f"| DistilBERT-size, {TOKENS} tokens, {args.threads} threads | wall s | × forward | CPU s | × forward | goal |"
    )
    print("|---|---:|---:|---:|---:|---|")
    for name, call in ways.items():
        wall, cpu = floor if call is forward else median_seconds(call, args.repeat)
        goal = (
            f"≤ {GOAL_SECONDS:g} s wall: {'met' if wall <= GOAL_SECONDS else 'MISSED'}"
            if name.startswith("integrated")
            else ""
        )
        print(f"| {name} | {wall:.3f} | {wall / floor[0]:.1f} | {cpu:.3f} | {cpu / floor[1]:.1f} | {goal} |")
    rate = matmul_flops_per_second(args.threads)
    work = 2 * pass_flops(loaded.model, STEPS, TOKENS)  # the backward pass for the inputs costs about a forward
    print(
        f"| that pass's {work / 1e12:.2f} TFLOP at this machine's float32 matmul rate ({rate / 1e9:.0f} GFLOP/s, "
        f"measured) | {work / rate:.3f} | {work / rate / floor[0]:.1f} | | | the least any implementation needs here |"
    )
    result = explain(text, str(folder), "POSITIVE", steps=STEPS, device="cpu")
    print(f"Completeness at 50 steps: Σ scores − (f_input − f_baseline) = {result.gap:.1e}.")
    print(f"Load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.")


if __name__ == "__main__":
    main()
