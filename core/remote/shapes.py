"""How each hosted answer becomes the task's typed result (``ClassificationResult``, ``NerResult`` …): the
``shape`` step of ``core/remote/adapters.py``, checked on the way.

Each function takes the answer as plain JSON, the prepared inputs and the model id, and returns what the local
task returns for the same input, or raises ``ValueError`` naming what was not as expected. The result's
``to_json()`` is then the contract's JSON, from one place for both backends.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from core.generation.generate import GenerationResult
    from core.generation.summarize import SummaryResult
    from core.generation.translate import TranslationResult
    from core.remote.adapters import Prepared
    from core.text.answer import AnswerResult
    from core.text.classify import ClassificationResult
    from core.text.fill_mask import FillMaskResult
    from core.text.ner import NerResult
    from core.text.similarity import SimilarityResult
    from core.text.zero_shot import ZeroShotResult
    from core.vision.detect import DetectionResult

#: Where a result computed by the hosted API says it ran (the ``device`` of a typed result).
HOSTED = "remote"


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{what} is {type(value).__name__} {value!r:.40}, not a number")
    return float(value)


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{what} is {type(value).__name__}, not text")
    return value


def _items(value: Any, what: str) -> list:
    if not isinstance(value, list):
        raise ValueError(f"{what} is {type(value).__name__}, not a list")
    return value


def _label_scores(row: Any) -> list[dict]:
    items = []
    for item in _items(row, "the answer"):
        if not isinstance(item, dict):
            raise ValueError(f"an item is {type(item).__name__}, not an object with a label and a score")
        items.append({"label": _text(item.get("label"), "a label"), "score": _number(item.get("score"), "a score")})
    if not items:
        raise ValueError("no labels in the answer")
    return sorted(items, key=lambda item: item["score"], reverse=True)


def _one_answer(item: Any) -> dict:
    if not isinstance(item, dict):
        raise ValueError(f"the answer is {type(item).__name__}, not an object")
    return {
        "score": _number(item.get("score"), "score"),
        "start": int(_number(item.get("start"), "start")),
        "end": int(_number(item.get("end"), "end")),
        "answer": _text(item.get("answer"), "answer"),
    }


def _text_field(raw: Any, key: str) -> str:
    if not isinstance(raw, dict):
        raise ValueError(f"the answer is {type(raw).__name__}, not an object with '{key}'")
    return _text(raw.get(key), key)


def classify_shape(raw: Any, prepared: Prepared, model: str) -> ClassificationResult:
    from core.text.classify import ClassificationResult

    rows = [_label_scores(row) for row in _items(raw, "the answer")]
    if len(rows) != len(prepared.texts):
        raise ValueError(f"{len(rows)} answers for {len(prepared.texts)} sentences")
    return ClassificationResult(texts=prepared.texts, scores=rows, model=model, device=HOSTED)


def zero_shot_shape(raw: Any, prepared: Prepared, model: str) -> ZeroShotResult:
    from core.text.zero_shot import ZeroShotResult

    scores = _label_scores(raw)
    return ZeroShotResult(
        sequence=prepared.texts[0],
        labels=[s["label"] for s in scores],
        scores=[s["score"] for s in scores],
        hypothesis_template=prepared.extra["hypothesis_template"],
        multi_label=prepared.extra["multi_label"],
        model=model,
    )


def ner_shape(raw: Any, prepared: Prepared, model: str) -> NerResult:
    """As the local pipeline: ``entity_group`` when aggregated; ``entity`` (and ``index``) per token with "none"."""
    per_token = prepared.extra.get("aggregation_strategy") == "none"
    key = "entity" if per_token else "entity_group"
    entities = []
    for item in _items(raw, "the answer"):
        if not isinstance(item, dict):
            raise ValueError("an entity is not an object")
        group = item.get("entity_group") or item.get("entity")
        entity: dict[str, Any] = {key: _text(group, key), "score": _number(item.get("score"), "a score")}
        if per_token and item.get("index") is not None:
            entity["index"] = int(_number(item.get("index"), "index"))
        entity.update(
            word=_text(item.get("word"), "word"),
            start=int(_number(item.get("start"), "start")),
            end=int(_number(item.get("end"), "end")),
        )
        entities.append(entity)
    from core.text.ner import NerResult

    strategy = prepared.extra["aggregation_strategy"]
    return NerResult(text=prepared.texts[0], entities=entities, aggregation_strategy=strategy, labels=[], model=model)


def answer_shape(raw: Any, prepared: Prepared, model: str) -> AnswerResult:
    """As locally: the answers best first (``to_json``: one is an object, several a list, as v4)."""
    from core.text.answer import AnswerResult, QASettings

    answers = [_one_answer(item) for item in (_items(raw, "the answer") if isinstance(raw, list) else [raw])]
    if not answers:
        raise ValueError("no answer in the answer")
    answers.sort(key=lambda item: item["score"], reverse=True)
    return AnswerResult(
        question=prepared.texts[0],
        context=prepared.extra["context"],
        answers=answers,
        settings=QASettings(**prepared.extra["parameters"]),
        model=model,
        device=HOSTED,
    )


def summarize_shape(raw: Any, prepared: Prepared, model: str) -> SummaryResult:
    from core.generation.summarize import SummaryResult

    summary = _text_field(raw, "summary_text")
    return SummaryResult(text=prepared.texts[0], summary=summary, model=model, device=HOSTED)


def translate_shape(raw: Any, prepared: Prepared, model: str) -> TranslationResult:
    from core.generation.translate import Kind, TranslationResult

    translation = _text_field(raw, "translation_text")
    source, target = prepared.extra.get("src_lang"), prepared.extra.get("tgt_lang")
    # The server knows how the model picks its languages; a pair sent is a pair of language codes.
    kind = Kind.LANGUAGE_CODES if source else Kind.SINGLE_PAIR
    return TranslationResult(
        text=prepared.texts[0],
        translation=translation,
        src_lang=source,
        tgt_lang=target,
        kind=kind,
        model=model,
        device=HOSTED,
    )


def generate_shape(raw: Any, prepared: Prepared, model: str) -> GenerationResult:
    """The API returns the continuation only: it is the result's text, as the local stream's is. The prompt is
    the model's input as sent (no ids: the hosted API returns text, not tokens)."""
    from core.generation.generate import GenerationResult, GenerationSettings, Prompt

    answers = raw if isinstance(raw, list) else [raw]
    prompt = prepared.texts[0]
    settings = prepared.extra.get("settings") or GenerationSettings(
        max_new_tokens=prepared.extra["parameters"]["max_new_tokens"]
    )
    return GenerationResult(
        prompt=Prompt(text=prompt, chat=False, input_ids=None, attention_mask=None, model_text=prompt),
        settings=settings,
        texts=[_text(answer, "generated_text") for answer in answers],
        model=model,
        device=HOSTED,
        done=True,
    )


def fill_mask_shape(raw: Any, prepared: Prepared, model: str) -> FillMaskResult:
    from core.text.fill_mask import FillMaskResult

    out = []
    for item in _items(raw, "the answer"):
        if not isinstance(item, dict):
            raise ValueError("a candidate is not an object")
        out.append(
            {
                "score": _number(item.get("score"), "score"),
                "token": int(_number(item.get("token"), "token")),
                "token_str": _text(item.get("token_str"), "token_str"),
                "sequence": _text(item.get("sequence"), "sequence"),
            }
        )
    candidates = sorted(out, key=lambda item: item["score"], reverse=True)
    # The server does not say which mask token its model uses: left empty.
    return FillMaskResult(text=prepared.texts[0], candidates=candidates, mask_token="", model=model)


def similarity_shape(raw: Any, prepared: Prepared, model: str) -> SimilarityResult:
    from core.text.similarity import SimilarityResult

    n = len(prepared.texts)
    matrix = [[_number(x, "a similarity") for x in _items(row, "a row")] for row in _items(raw, "the answer")]
    if len(matrix) != n or any(len(row) != n for row in matrix):
        raise ValueError(f"expected a {n}×{n} matrix of similarities")
    # The API returns similarities, not the sentence vectors: no dimensions, no vector preview.
    return SimilarityResult(sentences=prepared.texts, matrix=matrix, dimensions=0, model=model)


def detect_shape(raw: Any, prepared: Prepared, model: str) -> DetectionResult:
    from core.vision.detect import DEFAULT_MAX_DETECTIONS, Detection, DetectionResult

    out = []
    for item in _items(raw, "the answer"):
        box = item.get("box") if isinstance(item, dict) else None
        if not isinstance(box, dict):
            raise ValueError("a detection has no box")
        out.append(
            {
                "score": _number(item.get("score"), "score"),
                "label": _text(item.get("label"), "label"),
                "box": {k: int(_number(box.get(k), k)) for k in ("xmin", "ymin", "xmax", "ymax")},
            }
        )
    # As the local tab: best first, only the classes asked for (any case), at most max_detections boxes.
    out.sort(key=lambda item: item["score"], reverse=True)
    wanted = prepared.extra.get("labels")
    if wanted:
        out = [item for item in out if item["label"].lower() in wanted]
    limit = prepared.extra.get("max_detections")
    found = [
        Detection(score=item["score"], label=item["label"], box=item["box"], query=i)
        for i, item in enumerate(out[: limit or None])
    ]
    # No ``raw``: the API returns boxes only, not the model's view of the photo nor its attention.
    return DetectionResult(
        detections=found,
        raw=None,
        threshold=prepared.extra["threshold"],
        labels=tuple(wanted or ()),
        max_detections=limit or DEFAULT_MAX_DETECTIONS,
        found=len(out),
    )
