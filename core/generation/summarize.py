"""Summarization: the course's ``pipeline("summarization")``, rebuilt for transformers 5.

The steps of transformers 4.57's ``SummarizationPipeline``: the model's own task prefix and
``task_specific_params["summarization"]`` (T5: ``"summarize: "``, 4 beams, 30–200 tokens), then
tokenize → ``generate`` → decode. One difference, on purpose: a text longer than the model's
window is cut to it (and the result says so) where v4 failed or ran past the window.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, TypedDict

from core.code_panel import text_literal
from core.generation import seq2seq
from core.inputs.text import require_text
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadPolicy, load_for_task

TASK = get_task("summarize")
TASK_KEY = "summarization"


class Summary(TypedDict):
    summary_text: str


@dataclass
class SummaryResult:
    text: str
    summary: str
    done: bool = True
    prefix: str = ""
    tokens: int = 0  # input tokens, prefix and special tokens included
    kept: int = 0  # tokens the model saw
    #: Every id the decoder produced (decoder start token first); filled in when ``done``.
    token_ids: tuple[int, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    model: str = ""
    device: str = "cpu"
    seconds: float = 0.0

    @property
    def truncated(self) -> bool:
        return self.kept < self.tokens

    def to_json(self) -> list[Summary]:
        """v4's shape for one text: a list with one ``{"summary_text"}``."""
        return [Summary(summary_text=self.summary)]


def stream_summary(
    text: str,
    model: str = TASK.default.id,
    *,
    max_length: int | None = None,
    min_length: int | None = None,
    num_beams: int | None = None,
    do_sample: bool | None = None,
    no_repeat_ngram_size: int | None = None,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> Iterator[SummaryResult]:
    """Yield the summary as it is written; the last result has ``done=True`` and the final text."""
    text = require_text(text)
    options = seq2seq.validate(
        seq2seq.GenerationOptions(max_length, min_length, num_beams, do_sample, no_repeat_ngram_size)
    )
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    seq2seq.require_seq2seq(loaded)
    plan = seq2seq.generation_plan(loaded, TASK_KEY, options)
    encoded = seq2seq.encode(loaded, text, prefix=plan.prefix)
    started = time.perf_counter()
    for step in seq2seq.stream(loaded, encoded, plan):
        yield SummaryResult(
            text=text,
            summary=step.text,
            token_ids=step.token_ids,
            done=step.done,
            prefix=plan.prefix,
            tokens=encoded.tokens,
            kept=encoded.kept,
            settings=plan.settings(),
            origins=plan.origins,
            model=loaded.source.name,
            device=loaded.device,
            seconds=time.perf_counter() - started,
        )


def summarize(text: str, model: str = TASK.default.id, **options: Any) -> SummaryResult:
    """The finished summary of ``text`` (what ``pipeline("summarization")(text)`` returned in v4)."""
    *_, last = stream_summary(text, model, **options)
    return last


def notebook_code(model: str, text: str, prefix: str, settings: dict[str, Any]) -> str:
    """The transformers 5 code that replaces ``pipeline("summarization")``."""
    short = text_literal(text)
    arguments = "".join(f", {k}={v!r}" for k, v in settings.items())
    return f"""# pipeline("summarization") was removed in transformers 5: these are its steps.
from transformers import AutoModelForSeq2SeqLM, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model!r})
model = AutoModelForSeq2SeqLM.from_pretrained({model!r})

text = {short}
# 1. preprocess: the model's task prefix, then ids (cut to the model's window)
inputs = tokenizer({prefix!r} + text, truncation=True, return_token_type_ids=False, return_tensors="pt")
# 2. generate: settings as the v4 pipeline chose them for this model
output_ids = model.generate(**inputs{arguments})
# 3. postprocess: ids back to text
print([{{"summary_text": tokenizer.decode(output_ids[0], skip_special_tokens=True)}}])
"""
