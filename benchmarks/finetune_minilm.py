"""Fine-tuning the bundled MiniLM on the shipped starter set: wall time, CPU time and peak memory.

Each configuration runs in its own process, so the peak memory (max RSS) is that run's alone.
Usage (from the repository root):

    python benchmarks/finetune_minilm.py                 # 3 epochs, 240 rows, max_length 64
    python benchmarks/finetune_minilm.py --grow          # also 60/120 rows and max_length 32/128

The machine's load matters: on a shared machine, compare CPU seconds rather than wall seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(rows: int, max_length: int, epochs: int) -> dict:
    """Train once in this process and measure it."""
    sys.path.insert(0, str(ROOT))
    import torch  # noqa: F401 (imported here so the baseline below includes it)
    import transformers  # noqa: F401

    from core.finetune.data import load_starter, prepare_data
    from core.finetune.train import TrainingSettings, fine_tune, run_to_end

    baseline_mb = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    data = prepare_data(load_starter("sentiment_en_ko"))
    # Keep the first `rows` training rows (the file interleaves the labels, so the classes stay balanced).
    data = type(data)(train=data.train[:rows], eval=data.eval, labels=data.labels)
    settings = TrainingSettings(epochs=epochs, max_length=max_length)
    wall, cpu = time.perf_counter(), time.process_time()
    with tempfile.TemporaryDirectory() as folder:
        result = run_to_end(fine_tune(data, settings=settings, device="cpu", output_dir=f"{folder}/model"))
    return {
        "rows": len(data.train),
        "eval_rows": len(data.eval),
        "max_length": max_length,
        "epochs": epochs,
        "steps": result.steps_done,
        "wall_s": round(time.perf_counter() - wall, 1),
        "cpu_s": round(time.process_time() - cpu, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_after_imports_mb": baseline_mb,
        "before": round(result.before.accuracy, 3),
        "after": round(result.after.accuracy, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grow", action="store_true", help="also measure fewer rows and other max lengths")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--one", nargs=2, type=int, metavar=("ROWS", "MAX_LENGTH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_run(*args.one, args.epochs)))
        return
    configs = [(240, 64)]
    if args.grow:
        configs += [(60, 64), (120, 64), (240, 32), (240, 128)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    print(f"torch threads: {os.cpu_count()} CPUs visible")
    for rows, max_length in configs:
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(rows), str(max_length), "--epochs", str(args.epochs)],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        print(done.stdout.strip().splitlines()[-1])


if __name__ == "__main__":
    main()
