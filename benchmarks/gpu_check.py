"""Every core task on a GPU in one short run, for a session that is lent one (no network there).

The machine with the GPU has torch and transformers but not this project's other packages, nor the bundled
MiniLM the test kit's tokenizers come from. So the tiny models are built here first and travel with the tree:

    python benchmarks/gpu_check.py --build .gpu_models          # here (CPU): builds the tiny models
    python benchmarks/gpu_check.py --models .gpu_models          # there: device auto, one line a task

Each task runs through ``core`` exactly as a tab calls it, with ``device="auto"``: on CUDA that loads the model
in bfloat16 (inference in half precision); fine-tuning keeps float32 weights. The report says, per task, whether
it answered, on which device and dtype its model ran, and how long the warm call took; batched generation also
says whether four students' seeds gave the same texts alone and in a batch. Exit status 1 when a task failed.
Run it here with ``--models`` too: the same checks on the CPU (float32), the reference for the GPU's table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

#: The tiny models the checks use: folder name -> the test kit's builder.
MODELS = {
    "classifier": "build_bert_classifier",
    "nli": "build_bert_nli",
    "ner": "build_bert_token_classifier",
    "qa": "build_bert_qa",
    "masked_lm": "build_bert_masked_lm",
    "encoder": "build_bert_encoder",
    "t5": "build_t5",
    "marian": "build_marian",
    "gpt2": "build_gpt2",
    "llama": "build_llama",
    "yolos": "build_yolos",
}
TEXT = "I like apple pie. The film was long but the ending was wonderful."
CONTEXT = "Hugging Face is a company based in New York City. It was founded in 2016."
PROMPTS = ["Once upon a time", "The weather today is", "My favourite food is", "In the year 2050,"]


def build(folder: Path) -> None:
    """The tiny models, with their tokenizers, into ``folder`` (run where the test kit's packages are)."""
    from tests.kit import tiny_models
    from tests.kit.environment import use_offline_environment

    use_offline_environment()
    folder.mkdir(parents=True, exist_ok=True)
    for name, builder in MODELS.items():
        getattr(tiny_models, builder)(folder / name)
        print(f"built {name}", flush=True)


class Report:
    """One line a check: its name, whether it answered, its model's device and dtype, seconds, a detail."""

    def __init__(self) -> None:
        self.rows: list[tuple[str, str, str, str, str]] = []
        self.failed = 0

    def check(self, name: str, run: Callable[[], tuple[Any, str]]) -> None:
        """Run twice: the first call loads the model, the second is warm (some tabs keep a result: detection)."""
        try:
            started = time.perf_counter()
            run()
            first = time.perf_counter() - started
            started = time.perf_counter()
            loaded, detail = run()
            seconds = time.perf_counter() - started
            where = f"{loaded.device} {str(loaded.model.dtype).removeprefix('torch.')}" if loaded else "-"
            self.rows.append((name, "ok", where, f"{first:.3f} / {seconds:.3f}", detail[:160]))
        except Exception as error:  # noqa: BLE001 (every task is tried; the report says what failed)
            self.failed += 1
            last = traceback.extract_tb(error.__traceback__)[-1]
            where = f"{Path(last.filename).name}:{last.lineno}"
            self.rows.append((name, "FAILED", where, "-", f"{type(error).__name__}: {error}"[:300]))
        print(" | ".join(self.rows[-1]), flush=True)

    def table(self) -> str:
        lines = ["| check | result | model on | first / warm call (s) | detail |", "|---|---|---|---|---|"]
        lines += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in self.rows]
        return "\n".join(lines)


def loaded_for(task_id: str, path: Path, device: str) -> Any:
    from core.registry import get_task
    from core.runtime.loading import load_for_task

    return load_for_task(get_task(task_id), str(path), device=device)


def batched_generation(path: Path, device: str) -> tuple[Any, str]:
    """Four students at once through the step batcher: each seed's text alone and in the batch."""
    from core.generation.generate import GenerationSettings, generate

    settings = [GenerationSettings(max_new_tokens=24, seed=10 + i, top_k=(50, 0)[i % 2]) for i in range(len(PROMPTS))]
    alone = [generate(p, str(path), s, device=device).texts for p, s in zip(PROMPTS, settings, strict=True)]
    together: list[Any] = [None] * len(PROMPTS)

    def student(i: int) -> None:
        together[i] = generate(PROMPTS[i], str(path), settings[i], device=device).texts

    threads = [threading.Thread(target=student, args=(i,)) for i in range(len(PROMPTS))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    same = sum(a == b for a, b in zip(alone, together, strict=True))
    return loaded_for("generate", path, device), f"{same} of {len(PROMPTS)} texts the same alone and in a batch"


def fine_tuning(path: Path, device: str, out: Path) -> tuple[Any, str]:
    from core.finetune.data import prepare_data
    from core.finetune.train import TrainingSettings, fine_tune, run_to_end

    rows = [[t, "positive", "train"] for t in ("great film", "loved it", "wonderful", "so good", "a joy")]
    rows += [[t, "negative", "train"] for t in ("awful film", "hated it", "terrible", "so bad", "a bore")]
    rows += [["really great", "positive", "eval"], ["really bad", "negative", "eval"]]
    settings = TrainingSettings(learning_rate=1e-3, epochs=2, batch_size=4, seed=7, max_length=16)
    result = run_to_end(fine_tune(prepare_data(rows), str(path), settings, device=device, output_dir=str(out)))
    from transformers import AutoModelForSequenceClassification

    saved = AutoModelForSequenceClassification.from_pretrained(result.saved_to)
    weights = {str(p.dtype).removeprefix("torch.") for p in saved.parameters()}
    losses = [point["loss"] for point in result.history]
    return None, (
        f"trained on {result.device}, saved weights {sorted(weights)}, loss {losses[0]:.3f} -> {losses[-1]:.3f}, "
        f"eval accuracy {result.before.accuracy:.2f} -> {result.after.accuracy:.2f}"
    )


def run_checks(models: Path, device: str) -> Report:
    from PIL import Image

    from core.call import CallContext
    from core.generation.summarize import summarize
    from core.generation.translate import translate
    from core.insight.attention import attention
    from core.insight.attributions import explain
    from core.insight.logit_lens import logit_lens
    from core.text.answer import answer
    from core.text.classify import classify
    from core.text.fill_mask import fill_mask
    from core.text.ner import recognize
    from core.text.similarity import similarity
    from core.text.zero_shot import zero_shot
    from core.vision.detect import detect

    m = {name: models / name for name in MODELS}
    call = CallContext(device=device)
    report = Report()

    def task(name: str, task_id: str, model: str, fn: Callable[[], str]) -> None:
        """A tab's call; its model as the tab's task loaded it (the same cache entry)."""

        def run() -> tuple[Any, str]:
            detail = fn()
            return loaded_for(task_id, m[model], device), detail

        report.check(name, run)

    task(
        "classify",
        "classify",
        "classifier",
        lambda: str(classify(TEXT, str(m["classifier"]), device=device).to_json()[0]),
    )
    task(
        "zero_shot",
        "zero_shot",
        "nli",
        lambda: str(zero_shot(TEXT, "food, film", str(m["nli"]), device=device).labels),
    )
    task("ner", "ner", "ner", lambda: f"{len(recognize(TEXT, str(m['ner']), device=device).to_json())} entities")
    task(
        "answer",
        "answer",
        "qa",
        lambda: str(answer("Where is it based?", CONTEXT, str(m["qa"]), device=device).to_json()),
    )
    task(
        "fill_mask",
        "fill_mask",
        "masked_lm",
        lambda: str(fill_mask("Paris is the [MASK] of France.", str(m["masked_lm"]), device=device).to_json()[0]),
    )
    task(
        "similarity",
        "similarity",
        "encoder",
        lambda: str(similarity("A cat.\nA dog.", str(m["encoder"]), device=device).to_json()),
    )
    task("summarize", "summarize", "t5", lambda: str(summarize(CONTEXT, str(m["t5"]), device=device).to_json()))
    task(
        "translate",
        "translate",
        "marian",
        lambda: str(translate("I like apples.", str(m["marian"]), device=device).to_json()),
    )
    image = Image.new("RGB", (320, 240), "white")
    task(
        "detect",
        "detect",
        "yolos",
        lambda: f"{len(detect(image, 0.0, str(m['yolos']), device=device).to_json())} boxes",
    )
    task(
        "attention",
        "classify",
        "classifier",
        lambda: f"{len(attention(TEXT, str(m['classifier']), call).attention)} layers",
    )
    task(
        "attributions (IG, 50 steps)",
        "classify",
        "classifier",
        lambda: _completeness(explain(TEXT, str(m["classifier"]), steps=50, device=device)),
    )
    task(
        "logit_lens", "generate", "gpt2", lambda: f"{len(logit_lens(TEXT, str(m['gpt2']), device=device).layers)} rows"
    )
    report.check("generate (gpt2, 4 students batched)", lambda: batched_generation(m["gpt2"], device))
    report.check("generate (llama-style, 4 students batched)", lambda: batched_generation(m["llama"], device))
    out = Path(tempfile.mkdtemp(prefix="gpu-check-"))
    report.check(
        "fine-tune (float32 weights)", lambda: fine_tuning(m["classifier"], device, out / str(time.time_ns()))
    )
    return report


def _completeness(result: Any) -> str:
    return f"completeness gap {result.gap:.2e} ({len(result.scores)} tokens, {result.steps} steps)"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--build", type=Path, help="build the tiny models into this folder (here, on the CPU)")
    parser.add_argument("--models", type=Path, help="run the checks on the models in this folder")
    parser.add_argument("--device", default="auto", help="auto (CUDA when there is one), cuda or cpu")
    args = parser.parse_args()
    if args.build:
        build(args.build)
    if args.models:
        import torch

        from tests.kit.environment import use_offline_environment

        use_offline_environment()
        gpu = torch.cuda.get_device_name(0) if torch.cuda.is_available() else "no GPU"
        print(f"torch {torch.__version__}, {gpu}, device setting {args.device}", flush=True)
        report = run_checks(args.models, args.device)
        print(report.table())
        sys.exit(1 if report.failed else 0)


if __name__ == "__main__":
    main()
