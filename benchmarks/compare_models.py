"""Check the course's claim "DistilBERT: 40% less memory, 60% faster than BERT" on this machine.

Runs the Compare tab's own measurement (core.inspect.compare: each model loaded in a fresh process, a
warm-up, then the median of N runs; peak memory above the pre-load baseline).

    python benchmarks/compare_models.py                       # offline: the two architectures, random weights
    python benchmarks/compare_models.py --hub                 # online: the real checkpoints from the Hub

Offline, the models are built from transformers' default BertConfig() and DistilBertConfig(), which
are the published hyperparameters of bert-base-uncased (12 layers) and distilbert-base-uncased
(6 layers), with random weights and the bundled MiniLM's (bert-base-uncased) WordPiece vocabulary.
Size, memory and speed depend on the architecture, not on the values of the weights.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from core.inspect.compare import compare  # noqa: E402
from core.registry import BUNDLED_MINILM, COMPARE_DEFAULTS, bundled_path  # noqa: E402

TEXT = "I like apple\nIt was a very informative, fun and enjoyable time.\nIt was a waste of time.\nI felt very sad"


def build_offline(folder: Path) -> tuple[str, str]:
    import torch
    from transformers import AutoTokenizer, BertConfig, BertModel, DistilBertConfig, DistilBertModel

    torch.manual_seed(0)
    tokenizer = AutoTokenizer.from_pretrained(bundled_path(BUNDLED_MINILM))
    paths = []
    for name, model in (
        ("bert-base-architecture", BertModel(BertConfig())),
        ("distilbert-base-architecture", DistilBertModel(DistilBertConfig())),
    ):
        path = folder / name
        model.save_pretrained(path)
        tokenizer.save_pretrained(path)
        paths.append(str(path))
    return paths[0], paths[1]


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hub", action="store_true", help="measure the real checkpoints (needs the network)")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--json", action="store_true", help="print the whole measurement as JSON")
    args = parser.parse_args()
    import os

    import torch

    with tempfile.TemporaryDirectory() as folder:
        first, second = COMPARE_DEFAULTS if args.hub else build_offline(Path(folder))
        result = compare(TEXT, first, second, runs=args.runs)
    report = result.to_json()
    report["machine"] = {
        "cpu": cpu_name(),
        "cores": os.cpu_count(),
        "torch_threads": torch.get_num_threads(),
        "load_average": os.getloadavg(),
    }
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    machine = report["machine"]
    print(f"{machine['cpu']}, {machine['cores']} cores, torch threads {machine['torch_threads']}; {args.runs} runs\n")
    print("| model | parameters | on disk | load | median run | peak memory |")
    print("|---|---|---|---|---|---|")
    rows = [(f"{Path(m['model']).name} ({m['architecture']})", m) for m in report["models"]]
    rows.append(("ratio (second ÷ first)", None))
    for name, m in rows:
        if m is None:
            r = result.ratios
            print(
                f"| {name} | {r['parameters']:.2f}× | {r['disk_bytes']:.2f}× | {r['load_seconds']:.2f}× "
                f"| {r['median_latency_seconds']:.2f}× | {r['peak_memory_bytes']:.2f}× |"
            )
        else:
            print(
                f"| {name} | {m['parameters'] / 1e6:,.1f} M | {m['disk_bytes'] / 2**20:,.0f} MB "
                f"| {m['load_seconds']:.2f} s | {m['median_latency_seconds'] * 1000:,.1f} ms "
                f"| {m['peak_memory_bytes'] / 2**20:,.0f} MB |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
