"""The attention view's cost against one plain forward pass of the same model (issue 18).

A DistilBERT-size sentiment model (the classify tab's default architecture, random weights) and a
64-token sentence. The floor is what the task itself pays: tokenize and one forward pass of the cached
model (SDPA attention, no attention weights). The view pays tokenize, one forward pass of the eager twin
with ``output_attentions=True`` and the weights as rounded lists (its JSON). Both are measured in the same
run, alternating, on the same cached model.

    python benchmarks/attention_view.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.stand_ins import build_stand_in  # noqa: E402
from core.call import CallContext  # noqa: E402
from core.insight.attention import attention  # noqa: E402
from core.registry import get_task  # noqa: E402
from core.runtime.loading import load_for_task  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

SENTENCE = "the film was a quiet, patient and very moving story about two brothers " * 5


def sentence_of(tokenizer, tokens: int) -> str:
    words = SENTENCE.split()
    for end in range(1, len(words) + 1):
        text = " ".join(words[:end])
        if len(tokenizer(text)["input_ids"]) >= tokens:
            return text
    return SENTENCE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    use_offline_environment(hub_home=Path(tempfile.mkdtemp(prefix="bench-attention-hf-")))
    import torch

    torch.set_num_threads(1)  # on a shared 2-core machine: no waiting for a second thread
    model = build_stand_in("classify", Path(tempfile.mkdtemp(prefix="bench-attention-")) / "distilbert-sst2")
    loaded = load_for_task(get_task("classify"), str(model))
    text = sentence_of(loaded.preprocessor, 64)
    call = CallContext()

    def forward() -> None:
        inputs = loaded.preprocessor(text, return_tensors="pt", truncation=True)
        with torch.inference_mode():
            loaded.model(**inputs)

    def view() -> int:
        import orjson  # what gradio serialises its JSON with

        return len(orjson.dumps(attention(text, str(model), call, task="classify").to_json()))

    def view_core() -> None:
        attention(text, str(model), call, task="classify")

    for _ in range(3):
        forward(), view()
    times: dict[str, list[float]] = {"forward": [], "view": [], "view_json": []}
    for _ in range(args.runs):
        for name, fn in (("forward", forward), ("view", view_core), ("view_json", view)):
            started = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
    median = {name: statistics.median(values) for name, values in times.items()}
    tokens = len(loaded.preprocessor(text)["input_ids"])
    result = attention(text, str(model), call, task="classify")
    print("| measurement | ms | ratio to one forward pass | goal |")
    print("|---|---|---|---|")
    print(f"| tokenize + forward (the task's own SDPA model), {tokens} tokens | {median['forward']:.1f} | 1.00× | |")
    ratio = median["view"] / median["forward"]
    verdict = "meets" if ratio <= 1.5 else "MISSES"
    print(
        f"| attention view: eager twin, output_attentions, rounded lists | {median['view']:.1f} | {ratio:.2f}× "
        f"| ≤ 1.5× ({verdict}) |"
    )
    print(
        f"| the same and its JSON text (orjson, {view():,} bytes) | {median['view_json']:.1f} "
        f"| {median['view_json'] / median['forward']:.2f}× | |"
    )
    print(
        f"medians of {args.runs} alternating runs; DistilBERT architecture (6 layers × 12 heads), random weights; "
        f"{len(result.attention)} × {len(result.attention[0])} × {tokens} × {tokens} weights; 1 torch thread"
    )


if __name__ == "__main__":
    main()
