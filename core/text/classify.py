"""Sentiment / text classification: the course's first ``pipeline("sentiment-analysis")``, made robust.

Runs transformers' own text-classification pipeline on a cached model, returns every
label with its score (best first) for each sentence, and says which sentences were cut
to the model's maximum length.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TypedDict

from core.inputs.text import split_lines
from core.registry import get_task
from core.runtime.batching import MicroBatcher
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

TASK = get_task("classify")
PIPELINE_BATCH_SIZE = 16


class LabelScore(TypedDict):
    label: str
    score: float


@dataclass(frozen=True)
class TruncationNote:
    """Sentence ``index`` had ``tokens`` tokens; only the first ``kept`` reached the model."""

    index: int
    tokens: int
    kept: int


@dataclass
class ClassificationResult:
    texts: list[str]
    scores: list[list[LabelScore]]
    truncated: list[TruncationNote] = field(default_factory=list)
    model: str = ""
    device: str = "cpu"
    max_length: int = 512
    seconds: float = 0.0

    def to_json(self) -> list[LabelScore] | list[list[LabelScore]]:
        """The pipeline's own shape: one sentence → its label list; several → one list per sentence."""
        return self.scores[0] if len(self.scores) == 1 else self.scores


def max_input_length(loaded: LoadedModel) -> int:
    """The longest input the model accepts: the tokenizer's limit, bounded by the position embeddings."""
    limits = [getattr(loaded.preprocessor, "model_max_length", None)]
    limits.append(getattr(loaded.config, "max_position_embeddings", None))
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else 512


def _pipeline(loaded: LoadedModel) -> Any:
    from transformers import pipeline

    # Built once per loaded model; a race only builds a second, identical pipeline.
    if "pipeline" not in loaded.extras:
        loaded.extras["pipeline"] = pipeline(
            "text-classification", model=loaded.model, tokenizer=loaded.preprocessor, device=loaded.model.device
        )
    return loaded.extras["pipeline"]


def _run_pipeline(key: tuple[LoadedModel, int], texts: list[str]) -> list[list[dict]]:
    """The pipeline over ``texts`` sorted by length, results back in the caller's order.

    The pipeline pads each batch to its longest text; sorted, a batch holds texts of similar
    length, so a mixed batch of 32 sentences computes about a third less padding.
    """
    loaded, max_length = key
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    rows = _pipeline(loaded)(
        [texts[i] for i in order], top_k=None, truncation=True, max_length=max_length, batch_size=PIPELINE_BATCH_SIZE
    )
    results: list[list[dict]] = [[] for _ in texts]
    for i, row in zip(order, rows, strict=True):
        results[i] = row
    return results


#: Sentences from concurrent requests for the same model run in one pipeline call.
BATCHER = MicroBatcher(_run_pipeline, max_items=64)


def find_truncations(loaded: LoadedModel, texts: list[str], max_length: int) -> list[TruncationNote]:
    """Which texts are longer than the model's window (counted with special tokens)."""
    lengths = [len(ids) for ids in loaded.preprocessor(texts, truncation=False, verbose=False)["input_ids"]]
    return [TruncationNote(i, n, max_length) for i, n in enumerate(lengths) if n > max_length]


def classify(
    text: str,
    model: str = TASK.default.id,
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> ClassificationResult:
    """Classify each line of ``text`` with ``model``: all labels and scores, best first."""
    texts = split_lines(text)
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    max_length = max_input_length(loaded)
    started = time.perf_counter()
    raw = BATCHER.submit((loaded, max_length), texts)
    seconds = time.perf_counter() - started
    scores = [[LabelScore(label=str(d["label"]), score=float(d["score"])) for d in row] for row in raw]
    return ClassificationResult(
        texts=texts,
        scores=scores,
        truncated=find_truncations(loaded, texts, max_length),
        model=loaded.source.name,
        device=loaded.device,
        max_length=max_length,
        seconds=seconds,
    )


def notebook_code(model: str, texts: list[str]) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    listed = ",\n    ".join(repr(t) for t in texts) if texts else "'I like apple'"
    return f"""from transformers import pipeline

classifier = pipeline("text-classification", model={model!r})

texts = [
    {listed},
]
# top_k=None returns every label with its score, best first;
# truncation=True cuts texts longer than the model's maximum length.
results = classifier(texts, top_k=None, truncation=True)
for text, scores in zip(texts, results):
    print(text, "->", scores[0]["label"], round(scores[0]["score"], 4))
"""
