"""Memory with every tab's model loaded, without and with the model cache's memory budget.

Builds a real-size stand-in for each task's default model here (the published architecture
from transformers' default configs, random weights: memory depends on the architecture, not on
the values), then loads one after another through ``core.runtime.loading.load_for_task`` in a fresh
process per setting, touches every weight (as a first run does; safetensors are memory-mapped), and reads the
process's resident memory after each load and at its peak.

    .venv/bin/python benchmarks/bench_memory.py [--budget-mb 1024]
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.stand_ins import build_stand_ins  # noqa: E402

PROBE = """
import json, re, sys
from pathlib import Path
from core.runtime.loading import load_for_task
from core.runtime.model_cache import MODEL_CACHE
from core.registry import get_task

def rss(field):
    return int(re.search(field + r":\\s+(\\d+) kB", Path("/proc/self/status").read_text()).group(1)) / 1024

steps = []
for task_id, path in json.loads(sys.argv[1]).items():
    loaded = load_for_task(get_task(task_id), path, device="cpu")
    sum(float(p.sum()) for p in loaded.model.parameters())  # touch every weight, as a first run does
    steps.append({"task": task_id, "rss_mb": rss("VmRSS"), "models_in_cache": len(MODEL_CACHE.keys()),
                  "cache_mb": MODEL_CACHE.total_bytes / 2**20})
print(json.dumps({"steps": steps, "peak_mb": rss("VmHWM")}))
"""


def measure(paths: dict[str, Path], budget_mb: int | None) -> dict:
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    if budget_mb:
        env["PLAYGROUND_MODEL_MEMORY_MB"] = str(budget_mb)
    else:
        env["PLAYGROUND_MODEL_MEMORY_MB"] = str(10**6)
        env["PLAYGROUND_MAX_MODELS"] = "100"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps({k: str(v) for k, v in paths.items()})],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget-mb", type=int, default=1024)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = build_stand_ins(Path(tmp))
        unbounded = measure(paths, None)
        bounded = measure(paths, args.budget_mb)
    print(f"\n{len(paths)} tasks' default architectures (real size, random weights) loaded one after another\n")
    print("| setting | models kept | weights in cache | process RSS at the end | peak RSS |")
    print("|---|---|---|---|---|")
    for name, result in (("no budget", unbounded), (f"budget {args.budget_mb:,} MB", bounded)):
        last = result["steps"][-1]
        print(
            f"| {name} | {last['models_in_cache']} of {len(paths)} | {last['cache_mb']:,.0f} MB "
            f"| {last['rss_mb']:,.0f} MB | {result['peak_mb']:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
