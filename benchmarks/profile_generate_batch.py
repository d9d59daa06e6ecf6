"""Where a batched decoding step's time goes: 16 students x 64 tokens through /generate's function (issue 20).

Wraps the step batcher's phases (the model's forward for prefills and for steps, choosing the tokens, joining
and dropping rows) and the readers' text streamers with timers, runs the benchmark's first ``--students``
requests at once, and prints each phase's wall time and the CPU time of the thread that ran it. On a machine
shared with other work wall times stretch; the thread CPU time (with ``--threads 1``, all of an op's work is
on its calling thread) says what the work itself costs.

    python benchmarks/profile_generate_batch.py [--threads 1] [--students 16] [--new-tokens 64] [--model DIR]
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.bench_generate_batch import requests, run_one  # noqa: E402
from benchmarks.generation_first_token import build_gpt2_small  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)


def timed(name, function):
    def wrapper(*args, **kwargs):
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return function(*args, **kwargs)
        finally:
            WALL[name] += time.perf_counter() - wall
            CPU[name] += time.thread_time() - cpu

    return wrapper


def instrument(model) -> None:
    import core.generation.batched as batched
    import core.generation.batcher as batcher

    for module in {id(m): m for m in (batcher.batcher_for(model).stepper, model)}.values():  # steps call the step twin

        def phase_forward(*args, _forward=module.forward, **kwargs):
            name = "forward (prefill)" if kwargs.get("cache") is None else "forward (step)"
            return timed(name, _forward)(*args, **kwargs)

        module.forward = phase_forward
    batcher.choose_tokens = timed("choose tokens (step and prefill)", batcher.choose_tokens)
    for name in ("_step", "_prefill", "_join", "_drop"):
        setattr(batcher.StepBatcher, name, timed(name, getattr(batcher.StepBatcher, name)))
    streamer = batched._pieces_streamer

    def timed_streamer(tokenizer):
        made = streamer(tokenizer)
        made.put = timed("readers: streamer.put", made.put)
        return made

    batched._pieces_streamer = timed_streamer


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="a local causal LM folder (default: GPT-2 small, random)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--students", type=int, default=16)
    parser.add_argument("--new-tokens", type=int, default=64)
    args = parser.parse_args()
    use_offline_environment()
    import torch

    torch.set_num_threads(args.threads)
    from core.generation.batcher import batcher_for
    from core.generation.generate import TASK
    from core.runtime.loading import load_for_task

    with tempfile.TemporaryDirectory(prefix="profile-genbatch-") as tmp:
        model = str(args.model or build_gpt2_small(Path(tmp) / "gpt2-small-random"))
        run_one(model, *requests(1, 4)[0], time.perf_counter())  # load and warm up
        loaded = load_for_task(TASK, model).model
        instrument(loaded)
        batcher = batcher_for(loaded)
        steps = batcher.steps
        batch = requests(args.students, args.new_tokens)
        timings = [None] * len(batch)

        def student(i: int) -> None:
            timings[i] = run_one(model, *batch[i], started)

        threads = [threading.Thread(target=student, args=(i,)) for i in range(len(batch))]
        started, cpu = time.perf_counter(), time.process_time()
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - faults
        steps = batcher.steps - steps
        tokens = sum(t.tokens for t in timings)
    print(
        f"{args.students} students x {args.new_tokens} tokens: {wall:.1f} s wall, {tokens / wall:.1f} tokens/s, "
        f"{steps} steps, process CPU {time.process_time() - cpu:.1f} s; torch threads {args.threads}; "
        f"load average {os.getloadavg()[0]:.1f}; {faults / max(steps, 1):,.0f} page faults a step (new memory)"
    )
    print(f"{'phase':<34} {'wall s':>8} {'CPU s':>8} {'CPU ms/step':>12}")
    for name in sorted(WALL, key=lambda n: -CPU[n]):
        print(f"{name:<34} {WALL[name]:8.2f} {CPU[name]:8.2f} {CPU[name] / max(steps, 1) * 1000:12.1f}")
    print(
        "first tokens (s): " + " ".join(f"{t.first_token:.2f}" for t in sorted(timings, key=lambda t: t.first_token))
    )


if __name__ == "__main__":
    main()
