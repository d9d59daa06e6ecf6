"""Benchmark of the detection tab: a big photo costs about what a small one does; the threshold slider is free.

Builds a DETR with facebook/detr-resnet-50's architecture and random weights (same compute, no download),
starts ``app.py --offline`` on a loopback port, and measures through gradio_client:

1. /detect on a 4000 × 3000 JPEG against an 800 × 600 one (each run a new photo, so nothing is cached),
   in-process through the tab's handler (CPU time of the whole process: robust on a shared machine) and
   through the launched app (wall time, upload included: noisy where other work shares the CPU);
2. threshold moves on one photo, through the tab's handler, counting the model's forward calls.

Run: ``python benchmarks/detect.py [--runs 3]``. Results print as a table and go to bench-results/detect.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.bench_foundation import free_port, start  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

SIZES = (("800x600", (800, 600)), ("4000x3000", (4000, 3000)))


def build_detr_resnet50(path: Path) -> Path:
    """facebook/detr-resnet-50's architecture (timm ResNet-50, 6+6 layers, 100 queries, 91 classes), random weights."""
    import torch
    from transformers import DetrConfig, DetrForObjectDetection, DetrImageProcessor

    torch.manual_seed(0)
    labels = {i: f"class_{i}" for i in range(91)}
    config = DetrConfig(use_timm_backbone=True, backbone="resnet50", use_pretrained_backbone=False, id2label=labels)
    DetrForObjectDetection(config).save_pretrained(path)
    DetrImageProcessor().save_pretrained(path)  # DETR's own 800 / 1333 resizing
    return path


def photo(path: Path, size: tuple[int, int], seed: int) -> Path:
    """A JPEG with texture (so it compresses like a photo); ``seed`` makes every file new to the cache."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(seed)
    small = rng.integers(0, 255, (size[1] // 40, size[0] // 40, 3), dtype=np.uint8)
    Image.fromarray(small).resize(size, Image.Resampling.BICUBIC).save(path, quality=90)
    return path


def through_the_app(model: Path, work: Path, runs: int) -> dict[str, list[float]]:
    from gradio_client import Client, handle_file

    port = free_port()
    process, _ = start(
        [sys.executable, str(ROOT / "app.py"), "--offline", "--host", "127.0.0.1", "--port", str(port)], port
    )
    try:
        client = Client(f"http://127.0.0.1:{port}/", verbose=False)
        warm = photo(work / "warm.jpg", (640, 480), seed=999)
        client.predict(handle_file(str(warm)), 0.9, str(model), api_name="/detect")  # loads the model once
        seconds: dict[str, list[float]] = {"800x600": [], "4000x3000": []}
        for run in range(runs):
            for name, size in SIZES:
                path = photo(work / f"{name}-{run}.jpg", size, seed=run * 10 + size[0])
                started = time.perf_counter()
                client.predict(handle_file(str(path)), 0.9, str(model), api_name="/detect")
                seconds[name].append(time.perf_counter() - started)
        return seconds
    finally:
        process.terminate()
        process.wait(timeout=30)


def in_process(model: Path, work: Path, runs: int) -> dict[str, list[float]]:
    """CPU seconds (all threads) of the tab's handler per photo size: what a request costs the server."""
    from tabs.context import AppContext
    from tabs.detect import make_handler

    handler = make_handler(AppContext())
    handler(str(photo(work / "warm-cpu.jpg", (640, 480), seed=998)), 0.9, str(model), "", 50, "cpu", "en")
    cpu: dict[str, list[float]] = {"800x600": [], "4000x3000": []}
    for run in range(runs):
        for name, size in SIZES:
            path = photo(work / f"cpu-{name}-{run}.jpg", size, seed=run * 10 + size[0] + 5)
            started = time.process_time()
            handler(str(path), 0.9, str(model), "", 50, "cpu", "en")
            cpu[name].append(time.process_time() - started)
    return cpu


def threshold_moves(model: Path, work: Path) -> dict[str, object]:
    from core.registry import get_task
    from core.runtime.loading import load_for_task
    from core.vision.detect import raw_detections
    from tabs.context import AppContext
    from tabs.detect import make_handler

    loaded = load_for_task(get_task("detect"), str(model), device="cpu")
    calls = []
    loaded.model.register_forward_hook(lambda *_: calls.append(1))
    handler = make_handler(AppContext())
    path = str(photo(work / "slider.jpg", (1600, 1200), seed=7))
    started = time.perf_counter()
    handler(path, 0.9, str(model), "", 50, "cpu", "en")
    first = time.perf_counter() - started
    moves = []
    for threshold in (0.1, 0.3, 0.5, 0.7, 0.95, 0.0):
        started = time.perf_counter()
        handler(path, threshold, str(model), "", 50, "cpu", "en")
        moves.append(time.perf_counter() - started)
    raw_detections(path, str(model), device="cpu")
    return {"first_run_s": first, "move_s": moves, "model_calls": len(calls), "moves": len(moves)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    use_offline_environment()
    with tempfile.TemporaryDirectory(prefix="bench-detect-") as tmp:
        work = Path(tmp)
        model = build_detr_resnet50(work / "detr-resnet-50-random")
        cpu = in_process(model, work, args.runs)
        slider = threshold_moves(model, work)
        app = through_the_app(model, work, args.runs)
    small, big = statistics.median(cpu["800x600"]), statistics.median(cpu["4000x3000"])
    print(f"/detect handler, CPU seconds of the process, median of {args.runs} (DETR-ResNet-50 architecture):")
    print(f"  800 x 600   : {small:6.2f} s   {' '.join(f'{s:.2f}' for s in cpu['800x600'])}")
    print(f"  4000 x 3000 : {big:6.2f} s   {' '.join(f'{s:.2f}' for s in cpu['4000x3000'])}")
    print(f"  ratio       : {big / small:6.2f}x  (target: at most 1.3x)")
    cpu_ratio = big / small
    small, big = statistics.median(app["800x600"]), statistics.median(app["4000x3000"])
    print(f"/detect through the app, wall seconds, median of {args.runs}:")
    print(f"  800 x 600   : {small:6.2f} s   {' '.join(f'{s:.2f}' for s in app['800x600'])}")
    print(f"  4000 x 3000 : {big:6.2f} s   {' '.join(f'{s:.2f}' for s in app['4000x3000'])}")
    print(f"  ratio       : {big / small:6.2f}x  (wall time: other work on the machine shows here)")
    print("Threshold moves through the tab's handler (1600 x 1200 photo):")
    print(f"  first run   : {slider['first_run_s']:6.2f} s")
    print(f"  {slider['moves']} moves   : {max(slider['move_s']):6.3f} s at most each")
    print(f"  model forward calls in all: {slider['model_calls']} (1 = the moves never ran the model)")
    out = ROOT / "bench-results"
    out.mkdir(exist_ok=True)
    (out / "detect.json").write_text(
        json.dumps(
            {"cpu": cpu, "cpu_ratio": cpu_ratio, "app": app, "app_ratio": big / small, "slider": slider}, indent=2
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
