"""Run in a fresh process by tests/test_training_memory.py: fill the model cache, fine-tune a mid-size random
BERT under a memory budget, and print the process's memory (RSS) at each point as JSON.

    python -m tests.rss_probe MODEL_DIR OUT_DIR BUDGET_MB FILLER_MB FILLERS
"""

import json
import re
import sys
from pathlib import Path


def rss_mb(field: str = "VmRSS") -> float:
    found = re.search(rf"{field}:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(found.group(1)) / 1024


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")  # Linux: the peak (VmHWM) starts again from now


def main() -> None:
    model_dir, out_dir, budget_mb, filler_mb, fillers = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6])
    import torch

    torch.set_num_threads(2)
    from core.finetune.data import prepare_data
    from core.finetune.memory import release_memory
    from core.finetune.train import TrainingSettings, fine_tune, run_to_end
    from core.runtime.model_cache import ModelCache

    rows = [[f"I love item {i}", "pos", "train"] for i in range(8)] + [
        [f"I hate item {i}", "neg", "train"] for i in range(8)
    ]
    data = prepare_data(rows + [["great", "pos", "eval"], ["awful", "neg", "eval"]])
    settings = TrainingSettings(learning_rate=1e-4, epochs=1, batch_size=8, seed=1, max_length=64)
    cache = ModelCache(max_entries=16, max_bytes=budget_mb * 2**20)
    # Warm up: the first run initialises torch's and the tokenizer's own state, which stays for the process.
    run_to_end(fine_tune(data, model_dir, settings, device="cpu", output_dir=f"{out_dir}/warm", cache=cache))
    release_memory()
    for i in range(fillers):  # models other visitors loaded: real memory the cache holds
        cache.get_or_load(("filler", i), lambda: torch.ones(filler_mb * 2**18), lambda t: t.numel() * 4)
    before = rss_mb()
    baseline = before - cache.total_bytes / 2**20  # what the process holds besides the cache
    reset_peak()
    result = run_to_end(fine_tune(data, model_dir, settings, device="cpu", output_dir=f"{out_dir}/run", cache=cache))
    peak = rss_mb("VmHWM")
    after = rss_mb()
    print(
        json.dumps(
            {
                "before": before,
                "peak": peak,
                "after": after,
                "baseline": baseline,
                "cache_after_mb": cache.total_bytes / 2**20,
                "fillers_kept": len(cache.keys()),
                "saved": bool(result.folder and (result.folder / "config.json").is_file()),
            }
        )
    )


if __name__ == "__main__":
    main()
