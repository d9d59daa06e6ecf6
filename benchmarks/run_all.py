"""Run every benchmark and write their figures into the README (between the benchmark markers).

Each benchmark is a script of its own (run it alone to reproduce one figure); this one runs
them in turn, offline, and replaces the README's benchmark section with what they printed,
headed by the machine and the date. Markdown tables are kept as tables, other output as text.

    .venv/bin/python benchmarks/run_all.py [--only NAME …] [--dry-run]
"""

import argparse
import os
import platform
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- benchmarks:start -->", "<!-- benchmarks:end -->"
NOISE = re.compile(r"(Writing model shards|Loading weights|it/s\]|^\s*$|Warning|warn\(|^\[transformers\])")


@dataclass(frozen=True)
class Benchmark:
    name: str
    title: str
    args: tuple[str, ...]


BENCHMARKS = (
    Benchmark("foundation", "Start-up and /classify through the app (issue 2)", ("bench_foundation.py",)),
    Benchmark("batching", "Micro-batching: 32 concurrent clients on /classify (issue 10)", ("bench_batching.py",)),
    Benchmark("load", "Load test: 50 users × 20 mixed requests on tiny models (issue 10)", ("load_test.py",)),
    Benchmark(
        "memory", "Memory with every tab's model loaded, with and without the budget (issue 10)", ("bench_memory.py",)
    ),
    Benchmark(
        "generation",
        "Text generation: time to first streamed token, app vs model.generate (issue 7)",
        ("generation_first_token.py", "--runs", "8", "--max-new-tokens", "5"),
    ),
    Benchmark(
        "generate_batch",
        "Text generation for a class: concurrent requests share decoding steps (issue 20)",
        ("bench_generate_batch.py",),
    ),
    Benchmark(
        "text_tabs", "Fill-mask and NER through the app vs the direct pipeline (issue 7)", ("bench_text_tabs.py",)
    ),
    Benchmark("qa_seq2seq", "Question answering, summarization, translation (issue 3)", ("qa_seq2seq.py",)),
    Benchmark("detect", "Object detection: small vs huge photo (issue 8)", ("detect.py", "--runs", "3")),
    Benchmark("tokenize", "Tokenizer lab on 100,000 characters (issue 9)", ("tokenize_benchmark.py",)),
    Benchmark("compare", "DistilBERT vs BERT architectures (issue 4)", ("compare_models.py",)),
    Benchmark("finetune", "Fine-tuning MiniLM on the starter set (issue 5)", ("finetune_minilm.py",)),
    Benchmark("attention", "The attention view vs one forward pass (issue 18)", ("attention_view.py",)),
    Benchmark("mcp", "An MCP tool call vs the same call through gradio_client (issue 19)", ("mcp_call.py",)),
    Benchmark(
        "first_page",
        "The first page on a classroom's Wi-Fi: first usable textbox, app vs a bare gradio app (issue 21)",
        ("first_page.py",),
    ),
    Benchmark(
        "attributions",
        "Attributions: integrated gradients (50 steps) and gradient × input vs one forward pass (issue 18)",
        ("bench_attributions.py",),
    ),
    Benchmark(
        "remote", "Remote backend overhead over a bare InferenceClient, loopback (issue 6)", ("remote_overhead.py",)
    ),
    Benchmark("logit_lens", "Logit lens vs one forward pass, GPT-2 small (issue 18)", ("bench_logit_lens.py",)),
)


def run(benchmark: Benchmark) -> tuple[str, float]:
    """The benchmark's output, formatted for the README, and how long it took."""
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "GRADIO_ANALYTICS_ENABLED": "False"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / benchmark.args[0]), *benchmark.args[1:]],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    lines = [line.rstrip() for line in done.stdout.splitlines() if not NOISE.search(line)]
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return f"Failed (exit {done.returncode}):\n\n```\n{tail}\n```", seconds
    tables = [line for line in lines if line.startswith("|")]
    notes = [line for line in lines if not line.startswith("|")]
    if tables:
        text = "\n".join(tables)
        return (text + ("\n\n" + "\n".join(f"> {n}" for n in notes[:6]) if notes else "")), seconds
    return "```\n" + "\n".join(lines[-40:]) + "\n```", seconds


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if "model name" in line
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} × {cpu}, no GPU, Python {platform.python_version()}, {time.strftime('%Y-%m-%d')}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", nargs="*", help="run only these (by name); the others keep their README text")
    parser.add_argument("--dry-run", action="store_true", help="print instead of writing the README")
    args = parser.parse_args()
    readme = README.read_text()
    head, _, rest = readme.partition(START)
    old, _, tail = rest.partition(END)
    sections = dict(re.findall(r"<!-- (\w+) -->\n(.*?)(?=<!-- \w+ -->|\Z)", old, re.S))
    for benchmark in BENCHMARKS:
        if args.only and benchmark.name not in args.only:
            continue
        print(f"running {benchmark.name} …", flush=True)
        body, seconds = run(benchmark)
        command = " ".join(["python benchmarks/" + benchmark.args[0], *benchmark.args[1:]])
        sections[benchmark.name] = f"#### {benchmark.title}\n\n`{command}` ({seconds:,.0f} s)\n\n{body}\n\n"
    text = f"Measured on {machine()}; run `python benchmarks/run_all.py` to measure again.\n\n"
    text += "".join(f"<!-- {b.name} -->\n{sections[b.name]}" for b in BENCHMARKS if b.name in sections)
    new = f"{head}{START}\n{text}{END}{tail}"
    if args.dry_run:
        print(text)
    else:
        README.write_text(new)


if __name__ == "__main__":
    main()
