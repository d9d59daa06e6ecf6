"""The logit lens against one forward pass of the same model on the same prompt (issue 18).

Target: ``core.insight.logit_lens.logit_lens`` (tokenize, one forward pass with every hidden state, each layer's
last position through the final norm and the LM head, top-k, decode) takes at most 1.5x one plain forward pass
(``model(input_ids)``, what ``pipeline`` and the next-token panel run), same model, same 64-token prompt.

The model is GPT-2 small's architecture (12 layers, hidden 768, vocabulary ~50k) with random weights and a
byte-level BPE trained on the spot (``generation_first_token.build_gpt2_small``); torch runs on 2 threads. Both
are timed alternately after a warm-up, and the medians and their ratio are printed from the same run.

    python benchmarks/bench_logit_lens.py [--runs 30]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from tests.kit.environment import use_offline_environment  # noqa: E402

PROMPT_TOKENS = 64
GOAL = 1.5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    use_offline_environment()
    import torch

    torch.set_num_threads(2)
    from generation_first_token import PROMPT, build_gpt2_small

    from core.insight.logit_lens import DECODER_TASK, logit_lens
    from core.runtime.loading import load_for_task

    with tempfile.TemporaryDirectory(prefix="bench-lens-") as folder:
        model_dir = str(build_gpt2_small(Path(folder) / "gpt2-small-random"))
        loaded = load_for_task(DECODER_TASK, model_dir, device="cpu")
        tokenizer = loaded.preprocessor
        ids = tokenizer((PROMPT + " ") * 4, add_special_tokens=False)["input_ids"][:PROMPT_TOKENS]
        text = tokenizer.decode(ids)
        input_ids = torch.tensor([tokenizer(text, add_special_tokens=False)["input_ids"]])
        assert len(logit_lens(text, model_dir, device="cpu").tokens) == input_ids.shape[-1]

        def forward() -> None:
            with torch.inference_mode():
                loaded.model(input_ids=input_ids)

        def lens() -> None:
            logit_lens(text, model_dir, top_k=5, device="cpu")

        for _ in range(3):
            forward()
            lens()
        times: dict[str, list[float]] = {"forward": [], "lens": []}
        for _ in range(args.runs):
            for name, fn in (("forward", forward), ("lens", lens)):
                started = time.perf_counter()
                fn()
                times[name].append((time.perf_counter() - started) * 1000)
        floor, lensed = statistics.median(times["forward"]), statistics.median(times["lens"])
        ratio = lensed / floor
        verdict = "meets" if ratio <= GOAL else "MISSES"
        print("| measurement | logit lens | one forward pass | ratio | goal |")
        print("|---|---|---|---|---|")
        print(
            f"| GPT-2 small (random weights), {input_ids.shape[-1]}-token prompt, 13 rows of top-5 | {lensed:,.1f} ms "
            f"| {floor:,.1f} ms | {ratio:.2f}× | ≤ {GOAL}× ({verdict}) |"
        )
        print(f"medians of {args.runs} alternating runs after 3 warm-ups; torch on 2 threads")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
