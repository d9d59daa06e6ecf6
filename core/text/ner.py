"""Named-entity recognition: the course's ``pipeline("ner")``, with the aggregation strategy made visible.

A token-classification model gives every *token* a tag (B-PER, I-PER, O, …). The aggregation
strategy decides how tokens become the *entities* a reader sees: not at all ("none"), by
joining neighbours with the same tag ("simple"), or by first forcing each word to one tag
("first", "average", "max"). transformers' own pipeline does all of this; this module fits a
long text into the model's window so that every start/end still indexes the original text.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, TypedDict

from core.errors import BadInput
from core.inputs.text import require_text
from core.inputs.token_window import Truncation, fit_text, max_input_length, special_token_count
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

TASK = get_task("ner")
#: transformers' AggregationStrategy values, in the order the tab offers them.
AGGREGATION_STRATEGIES = ("simple", "first", "average", "max", "none")
WORD_STRATEGIES = ("first", "average", "max")


class Entity(TypedDict, total=False):
    """One entity as the pipeline returns it: ``entity_group`` when aggregated, ``entity`` + ``index`` when not."""

    entity_group: str
    entity: str
    index: int
    score: float
    word: str
    start: int
    end: int


@dataclass
class NerResult:
    text: str
    entities: list[Entity]
    aggregation_strategy: str
    labels: list[str]
    truncation: Truncation | None = None
    model: str = ""
    seconds: float = 0.0

    def to_json(self) -> list[Entity]:
        return self.entities


def check_strategy(aggregation_strategy: str | None) -> str:
    strategy = (aggregation_strategy or "simple").strip().lower()
    if strategy not in AGGREGATION_STRATEGIES:
        raise BadInput(
            f"Unknown aggregation strategy '{aggregation_strategy}'. Choose one of: {', '.join(AGGREGATION_STRATEGIES)}.",
            ko=f"알 수 없는 aggregation_strategy '{aggregation_strategy}'예요. "
            f"{', '.join(AGGREGATION_STRATEGIES)} 중에서 고르세요.",
        )
    return strategy


def _pipeline(loaded: LoadedModel) -> Any:
    from transformers import pipeline

    if "token-classification" not in loaded.extras:
        loaded.extras["token-classification"] = pipeline(
            "token-classification", model=loaded.model, tokenizer=loaded.preprocessor, device=loaded.model.device
        )
    return loaded.extras["token-classification"]


def _plain(entity: dict[str, Any]) -> Entity:
    """numpy scalars → Python numbers, in the pipeline's key order."""
    out: dict[str, Any] = {}
    for key, value in entity.items():
        if key == "score":
            out[key] = float(value)
        elif key in ("start", "end", "index") and value is not None:
            out[key] = int(value)
        else:
            out[key] = value
    return Entity(**out)


def recognize(
    text: str,
    model: str = TASK.default.id,
    *,
    aggregation_strategy: str = "simple",
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> NerResult:
    """The entities in ``text`` (the part that fits the model's window), grouped by ``aggregation_strategy``."""
    require_text(text)  # validates; the text itself is kept as given, so offsets index what the user typed
    strategy = check_strategy(aggregation_strategy)
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    tokenizer = loaded.preprocessor
    if strategy in WORD_STRATEGIES and not getattr(tokenizer, "is_fast", True):
        raise BadInput(
            f"'{loaded.source.name}' has a slow (Python) tokenizer, which cannot tell where words end, so "
            f"'{strategy}' cannot work. Choose 'simple' or 'none'.",
            ko=f"'{loaded.source.name}'의 토크나이저는 단어 경계를 알 수 없어 '{strategy}'를 쓸 수 없어요. "
            "'simple'이나 'none'을 고르세요.",
        )
    room = max_input_length(tokenizer, loaded.config) - special_token_count(tokenizer)
    window = fit_text(tokenizer, text, room)
    started = time.perf_counter()
    raw = _pipeline(loaded)(window.text, aggregation_strategy=strategy)
    return NerResult(
        text=window.text,
        entities=[_plain(entity) for entity in raw],
        aggregation_strategy=strategy,
        labels=sorted({str(label) for label in loaded.config.id2label.values()}),
        truncation=window.truncation,
        model=loaded.source.name,
        seconds=time.perf_counter() - started,
    )


def entity_type(entity: Entity) -> str:
    """The entity's type: its group (PER) when aggregated, its raw tag (B-PER) when not."""
    return entity.get("entity_group") or entity.get("entity", "")


def notebook_code(model: str, text: str, aggregation_strategy: str) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    return f"""from transformers import pipeline

ner = pipeline("ner", model={model!r}, aggregation_strategy={aggregation_strategy!r})

text = {text[:500]!r}
for entity in ner(text):
    # start/end index the original text: text[start:end] is exactly what was found
    kind = entity.get("entity_group", entity.get("entity"))
    print(kind, round(float(entity["score"]), 3), repr(text[entity["start"]:entity["end"]]))
"""
