"""A class generating at once: concurrent /generate requests sharing decoding steps vs one at a time (issue 20).

Targets, GPT-2 small's architecture (random weights), 2 CPU cores:
- 16 concurrent requests, 64 new tokens each, prompts of mixed length: aggregate tokens/s at least 4x the same
  requests served one at a time; p95 time to first token at most 3 s;
- a lone request's time to first token at most 1.2x ``model.generate`` alone;
- 40 concurrent requests: no failures, p95 completion beside the one-at-a-time figure.

"One at a time" is today's path measured in the same run: ``PLAYGROUND_GENERATE_BATCHING=off``, each request
on ``model.generate`` with a streamer, one after another (the 40 requests are run once; the 16 are the first
16 of them). Its latencies are those of a class whose requests all arrived at once and were served in turn.
The batched side runs the same requests from 16 or 40 threads started together through
``core.generation.generate.stream_generate`` (the function behind /generate), each with its own seed and
settings. ``--transformers-cb`` also times transformers' ``generate_batch`` on the 16 requests.

    python benchmarks/bench_generate_batch.py [--model DIR] [--new-tokens 64] [--transformers-cb]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.generation_first_token import PROMPT, build_gpt2_small, direct_times  # noqa: E402
from tests.kit.environment import use_offline_environment  # noqa: E402

#: Prompt lengths in words, cycled over the requests: mixed, as a class's prompts are.
PROMPT_WORDS = (4, 12, 40, 90, 8, 25, 60, 120)


@dataclass
class Timing:
    first_token: float  # seconds from the class's start to this request's first token (text or not)
    done: float  # seconds from the class's start to its last token
    tokens: int
    failed: str = ""


def requests(count: int, new_tokens: int, distinct: bool = False) -> list[tuple[str, object]]:
    """The class's requests. Request i and i + 8 share a prompt (the same length), as students running one
    example do; ``distinct`` numbers every prompt, so no two are the same."""
    from core.generation.generate import GenerationSettings

    words = (PROMPT + " ") * 20
    made = []
    for i in range(count):
        text = " ".join(words.split()[: PROMPT_WORDS[i % len(PROMPT_WORDS)]])
        if distinct:
            text = f"{i + 1}. {text}"
        settings = GenerationSettings(
            max_new_tokens=new_tokens,
            temperature=(0.7, 1.0, 1.3)[i % 3],
            top_k=(50, 0)[i % 2],
            top_p=(1.0, 0.9)[i % 2],
            do_sample=i % 5 != 4,
            seed=1000 + i,
        )
        made.append((text, settings))
    return made


def run_one(model: str, text: str, settings: object, started: float) -> Timing:
    from core.generation.generate import stream_generate

    first = None
    for result in stream_generate(text, model, settings):
        # Both paths yield as soon as the first token arrives, whether or not the streamer has text for it yet.
        if first is None and result.first_token_seconds is not None:
            first = time.perf_counter() - started
    done = time.perf_counter() - started
    return Timing(first if first is not None else done, done, result.new_tokens)


def one_at_a_time(model: str, batch: list) -> list[Timing]:
    """Today's path, one request after another, as if all had arrived when the first started."""
    os.environ["PLAYGROUND_GENERATE_BATCHING"] = "off"
    try:
        started = time.perf_counter()
        return [run_one(model, text, settings, started) for text, settings in batch]
    finally:
        os.environ.pop("PLAYGROUND_GENERATE_BATCHING")


def concurrently(model: str, batch: list) -> tuple[list[Timing], float]:
    """Every request in its own thread, released together; (timings, wall seconds)."""
    timings: list[Timing | None] = [None] * len(batch)
    gate = threading.Barrier(len(batch) + 1)
    started_box: list[float] = []

    def student(i: int) -> None:
        gate.wait()
        try:
            timings[i] = run_one(model, *batch[i], started_box[0])
        except Exception as error:  # counted, never hidden
            timings[i] = Timing(0.0, 0.0, 0, failed=f"{type(error).__name__}: {error}")

    threads = [threading.Thread(target=student, args=(i,)) for i in range(len(batch))]
    for thread in threads:
        thread.start()
    started_box.append(time.perf_counter())
    gate.wait()
    for thread in threads:
        thread.join()
    return timings, time.perf_counter() - started_box[0]


class ForwardClock:
    """Wall time spent inside the model's own forward calls while installed: the batched side's floor.

    The step batcher calls the model from one thread, so the calls never overlap and their sum is the time the
    model itself took. What a batched run could reach if everything else (choosing tokens, streaming, threads)
    cost nothing is tokens / that sum."""

    def __init__(self, model: str) -> None:
        from core.generation.batcher import batcher_for
        from core.generation.generate import TASK
        from core.runtime.loading import load_for_task

        lm = load_for_task(TASK, model).model
        self.modules = list({id(m): m for m in (lm, batcher_for(lm).stepper)}.values())  # steps call the step twin
        self.seconds = 0.0
        self.calls = 0

    def __enter__(self) -> ForwardClock:
        for module in self.modules:
            module.forward = self._timed(module.forward)
        return self

    def _timed(self, forward):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return forward(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed

    def __exit__(self, *exc) -> None:
        for module in self.modules:
            del module.forward  # the instance attribute goes; the class's forward shows again


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def lone_first_token(model: str, runs: int) -> tuple[float, float]:
    """Median time to first token: model.generate alone (its streamer's first put), and /generate's function."""
    from core.generation.generate import GenerationSettings, stream_generate

    direct, ours = [], []
    for _ in range(runs):
        direct.append(direct_times(Path(model), 5)[0])
        started = time.perf_counter()
        for result in stream_generate(PROMPT, model, GenerationSettings(max_new_tokens=5, do_sample=False)):
            if result.first_token_seconds is not None:
                ours.append(time.perf_counter() - started)
                break
    return statistics.median(direct), statistics.median(ours)


def transformers_cb(model: str, batch: list, new_tokens: int) -> str:
    """transformers' own continuous batching on the same prompts: set-up and generation, timed apart."""
    from transformers import AutoModelForCausalLM, AutoTokenizer, GenerationConfig

    tokenizer = AutoTokenizer.from_pretrained(model)
    lm = AutoModelForCausalLM.from_pretrained(model, attn_implementation="sdpa").eval()
    ids = [tokenizer(text)["input_ids"] for text, _ in batch]
    config = GenerationConfig(max_new_tokens=new_tokens, do_sample=True, eos_token_id=-1, pad_token_id=0)
    started = time.perf_counter()
    manager = lm.init_continuous_batching(generation_config=config)
    manager.start()
    manager.add_requests(ids, max_new_tokens=new_tokens)
    got = [manager.get_result(timeout=900)]
    first = time.perf_counter() - started
    got += [manager.get_result(timeout=900) for _ in ids[1:]]
    seconds = time.perf_counter() - started
    manager.stop(block=True)
    tokens = sum(len(r.generated_tokens) for r in got if r is not None)
    return (
        f"| transformers generate_batch (continuous batching), {len(ids)} requests | first result after "
        f"{first:.1f} s, all after {seconds:.1f} s ({tokens / seconds:.1f} tokens/s) | | | one seed for the batch |"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", type=Path, help="a local causal LM folder (default: GPT-2 small, random)")
    parser.add_argument("--new-tokens", type=int, default=64)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--transformers-cb", action="store_true")
    parser.add_argument(
        "--serial", type=int, default=40, help="requests run one at a time (fewer: the rest estimated from them)"
    )
    args = parser.parse_args()
    use_offline_environment()
    import torch

    torch.set_num_threads(min(2, os.cpu_count() or 2))
    with tempfile.TemporaryDirectory(prefix="bench-genbatch-") as tmp:
        model = str(args.model or build_gpt2_small(Path(tmp) / "gpt2-small-random"))
        forty = requests(40, args.new_tokens)
        run_one(model, *requests(1, 4)[0], time.perf_counter())  # load and warm up
        direct, ours = lone_first_token(model, args.runs)
        print(f"lone first token: {ours:.3f} s vs model.generate {direct:.3f} s", file=sys.stderr, flush=True)
        serial = one_at_a_time(model, forty[: args.serial])
        while len(serial) < len(forty):  # estimated past --serial: the measured requests again, in turn
            last, again = serial[-1].done, serial[len(serial) - args.serial]
            step = again.done - (serial[len(serial) - args.serial - 1].done if len(serial) > args.serial else 0.0)
            serial.append(Timing(last + again.first_token - (again.done - step), last + step, again.tokens))
        print(f"one at a time: {serial[-1].done:.0f} s for {len(forty)}", file=sys.stderr, flush=True)
        rows = [
            "| measurement | batched | one at a time | ratio | goal |",
            "|---|---|---|---|---|",
            f"| lone request, time to first token (one at a time: model.generate alone) | {ours * 1000:,.0f} ms | "
            f"{direct * 1000:,.0f} ms | {ours / direct:.2f}× | ≤ 1.2× ({'meets' if ours <= 1.2 * direct else 'MISSES'}) |",
        ]
        for count in (16, 40):
            with ForwardClock(model) as clock:
                timings, wall = concurrently(model, forty[:count])
            print(f"{count} concurrent: {wall:.0f} s", file=sys.stderr, flush=True)
            failed = [t.failed for t in timings if t.failed]
            good = [t for t in timings if not t.failed]
            alone = serial[:count]
            rate = sum(t.tokens for t in good) / wall
            serial_rate = sum(t.tokens for t in alone) / alone[-1].done
            ttft, serial_ttft = p95([t.first_token for t in good]), p95([t.first_token for t in alone])
            done, serial_done = p95([t.done for t in good]), p95([t.done for t in alone])
            if count == 16:
                ok = rate >= 4 * serial_rate
                rows.append(
                    f"| {count} concurrent × {args.new_tokens} tokens: aggregate tokens/s | {rate:.1f} | "
                    f"{serial_rate:.1f} | {rate / serial_rate:.2f}× | ≥ 4× ({'meets' if ok else 'MISSES'}) |"
                )
                rows.append(
                    f"| {count} concurrent: p95 time to first token | {ttft:.2f} s | {serial_ttft:.2f} s | "
                    f"{ttft / serial_ttft:.2f}× | ≤ 3 s ({'meets' if ttft <= 3 else 'MISSES'}) |"
                )
                floor = sum(t.tokens for t in good) / clock.seconds
                rows.append(
                    f"| {count} concurrent: the model's own forward calls alone ({clock.calls} calls: prefills and "
                    f"steps) | {clock.seconds:.1f} s of {wall:.1f} s | | ceiling {floor / serial_rate:.2f}× "
                    f"({floor:.1f} tokens/s if nothing else took time) | |"
                )
            else:
                rows.append(
                    f"| {count} concurrent: aggregate tokens/s | {rate:.1f} | {serial_rate:.1f} | "
                    f"{rate / serial_rate:.2f}× | |"
                )
                rows.append(
                    f"| {count} concurrent: p95 time to first token | {ttft:.2f} s | {serial_ttft:.2f} s | "
                    f"{ttft / serial_ttft:.2f}× | |"
                )
            rows.append(
                f"| {count} concurrent: p50 / p95 completion | {statistics.median(t.done for t in good):.1f} s / "
                f"{done:.1f} s | {statistics.median(t.done for t in alone):.1f} s / {serial_done:.1f} s | "
                f"{done / serial_done:.2f}× (p95) | failures: {len(failed)} of {count} |"
            )
        # The same 16 requests with every prompt different: no two can share a prefill. The one-at-a-time rate
        # is the run above (each prompt is two or three tokens longer here: a prefill of a few more positions).
        timings, wall = concurrently(model, requests(16, args.new_tokens, distinct=True))
        good = [t for t in timings if not t.failed]
        rate, serial_rate = sum(t.tokens for t in good) / wall, sum(t.tokens for t in serial[:16]) / serial[15].done
        rows.append(
            f"| 16 concurrent, every prompt different: aggregate tokens/s | {rate:.1f} | {serial_rate:.1f} | "
            f"{rate / serial_rate:.2f}× | p95 first token {p95([t.first_token for t in good]):.2f} s; failures: "
            f"{len(timings) - len(good)} of 16 |"
        )
        if args.transformers_cb:
            rows.append(transformers_cb(model, forty[:16], args.new_tokens))
        print("\n".join(rows))
        print()
        from core.generation.batcher import batcher_for, max_rows
        from core.generation.generate import TASK
        from core.runtime.loading import load_for_task

        batcher = batcher_for(load_for_task(TASK, model).model)
        print(
            f"GPT-2 small architecture, random weights; torch threads {torch.get_num_threads()}; "
            f"batch rows {max_rows()} (PLAYGROUND_GENERATE_BATCH_ROWS); widest step {batcher.widest} rows; "
            f"load average {os.getloadavg()[0]:.1f}"
        )
        print(
            f"prompts of {', '.join(map(str, PROMPT_WORDS))} words, cycled (request i and i + 8 share a prompt); "
            "sampling and greedy mixed, one seed each"
        )


if __name__ == "__main__":
    main()
