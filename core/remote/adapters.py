"""One small adapter per task: what to send through ``InferenceClient``, and how its answer becomes
the same typed result the local task returns (``ClassificationResult``, ``NerResult`` …), checked on the way.

Like gradio's ``pipelines_utils`` (one adapter per task), written as a table. Each adapter
has three steps with one job each, as a pipeline does: ``prepare`` (the user's values →
checked inputs), ``call`` (the only step that talks to the server), ``shape`` (the answer →
the task's typed result, or ``ValueError`` naming what was not as expected: ``core/remote/shapes.py``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.call import TaskInputs
from core.errors import BadInput
from core.inputs.text import require_text, split_lines
from core.remote import shapes

#: Each line is one request: fewer than locally, to stay within the free API's limits.
MAX_REMOTE_LINES = 8
MAX_NEW_TOKENS = 512
#: The remote backend's name for the task inputs (one type for both backends).
RemoteInputs = TaskInputs


@dataclass(frozen=True)
class Prepared:
    """Checked inputs: ``texts`` (one request each, or the one text) and task-specific ``extra``."""

    texts: list[str]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RemoteTask:
    id: str
    #: The task's name for InferenceClient and the providers (``PROVIDERS[provider][hub_task]``).
    hub_task: str
    #: The InferenceClient method, shown in the code panel.
    method: str
    prepare: Callable[[TaskInputs], Prepared]
    call: Callable[[Any, str | None, Prepared], Any]
    #: (answer as plain JSON, prepared inputs, model id) → the task's typed result.
    shape: Callable[[Any, Prepared, str], Any]
    #: The call's arguments as Python source, for the code panel.
    code_args: Callable[[Prepared], str]
    #: One request per line (``call`` returns one answer per line).
    per_line: bool = False


# --- the tasks -------------------------------------------------------------------------------


def _lines(inputs: TaskInputs) -> Prepared:
    return Prepared(split_lines(inputs.text, max_lines=MAX_REMOTE_LINES))


def _one_text(inputs: TaskInputs) -> Prepared:
    return Prepared([require_text(inputs.text)])


def _zero_shot_prepare(inputs: TaskInputs) -> Prepared:
    from core.text.zero_shot import check_template, default_template, parse_labels

    text = require_text(inputs.text)
    labels = parse_labels(inputs.labels) if (inputs.labels or "").strip() else []
    if len(labels) < 2:
        raise BadInput(
            "Zero-shot classification needs at least two candidate labels, separated by commas "
            "(e.g. 'sports, politics, cooking').",
            ko="제로샷 분류에는 쉼표로 구분한 후보 레이블이 두 개 이상 필요해요 (예: '스포츠, 정치, 요리').",
        )
    # As locally: an empty template is the default for the text's language (Korean for Korean text).
    template = check_template((inputs.options.get("hypothesis_template") or "").strip() or default_template(text))
    return Prepared(
        [text],
        {
            "candidate_labels": labels,
            "multi_label": bool(inputs.options.get("multi_label")),
            "hypothesis_template": template,
        },
    )


def _ner_prepare(inputs: TaskInputs) -> Prepared:
    from core.text.ner import check_strategy

    text = require_text(inputs.text)
    return Prepared([text], {"aggregation_strategy": check_strategy(inputs.options.get("aggregation_strategy"))})


def _given(inputs: TaskInputs, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: inputs.options[name] for name in names if inputs.options.get(name) is not None}


def _answer_prepare(inputs: TaskInputs) -> Prepared:
    from core.text.answer import QASettings, validate

    question = require_text(inputs.text, what="question", what_ko="질문")
    context = require_text(inputs.context, what="context", what_ko="지문")
    # The local tab's options are the API's parameters, with the same names and checks.
    parameters = _given(inputs, tuple(QASettings.__dataclass_fields__))
    validate(QASettings(**parameters))
    return Prepared([question], {"context": context, "parameters": parameters})


def _keyword_args(values: dict[str, Any]) -> str:
    return "".join(f", {name}={value!r}" for name, value in values.items())


#: Generation settings each seq2seq tab offers, sent as the API's ``generate_parameters``.
GENERATE_SETTINGS = {
    "summarize": ("max_length", "min_length", "num_beams", "do_sample", "no_repeat_ngram_size"),
    "translate": ("max_length", "num_beams"),
}


def _seq2seq_prepare(task_id: str) -> Callable[[TaskInputs], Prepared]:
    def prepare(inputs: TaskInputs) -> Prepared:
        from core.generation.seq2seq import GenerationOptions, validate

        text = require_text(inputs.text)
        generate = _given(inputs, GENERATE_SETTINGS[task_id])
        if generate.get("do_sample") is False:
            del generate["do_sample"]  # unchecked box: the model's default, as locally
        validate(GenerationOptions(**generate))
        extra: dict[str, Any] = {"generate_parameters": generate or None}
        languages = _given(inputs, ("src_lang", "tgt_lang"))
        if len(languages) == 2:  # the API takes both or neither
            extra.update(languages)
        return Prepared([text], extra)

    return prepare


def _seq2seq_args(prepared: Prepared) -> str:
    return repr(prepared.texts[0]) + _keyword_args({k: v for k, v in prepared.extra.items() if v is not None})


def _generate_prepare(inputs: TaskInputs) -> Prepared:
    prompt = require_text(inputs.text, what="prompt", what_ko="프롬프트")
    built = inputs.options.get("settings")
    tokens = built.max_new_tokens if built is not None else inputs.max_new_tokens
    if not isinstance(tokens, (int, float)) or not 1 <= tokens <= MAX_NEW_TOKENS:
        raise BadInput(
            f"The number of new tokens must be between 1 and {MAX_NEW_TOKENS}, not {tokens!r}.",
            ko=f"새로 만들 토큰 수는 1에서 {MAX_NEW_TOKENS} 사이여야 해요({tokens!r} 값은 안 돼요).",
        )
    settings = inputs.generation_settings()
    if settings is None:  # the Inference API tab: the model's own decoding defaults, as before
        return Prepared([prompt], {"parameters": {"max_new_tokens": int(tokens)}, "sequences": 1})
    # The generation tab: its knobs, checked as locally, with a concrete seed so a run can be reproduced.
    settings.validate()
    settings = settings.with_seed()
    kwargs = settings.generate_kwargs()
    # The API refuses the local "off" values (top_k 0, top_p 1.0): leaving a knob out is the same.
    if kwargs.get("top_k") == 0:
        del kwargs["top_k"]
    if kwargs.get("top_p") == 1.0:
        del kwargs["top_p"]
    kwargs["seed"] = settings.seed
    return Prepared([prompt], {"parameters": kwargs, "sequences": settings.num_return_sequences, "settings": settings})


def _generate_call(client: Any, model: str | None, prepared: Prepared) -> Any:
    """One request per returned sequence (the API returns one), the k-th with seed + k as the tab shows it."""
    parameters = prepared.extra["parameters"]
    answers = []
    for k in range(prepared.extra["sequences"]):
        seeded = {**parameters, "seed": parameters["seed"] + k} if "seed" in parameters else parameters
        answers.append(client.text_generation(prepared.texts[0], model=model, **seeded))
    return answers[0] if len(answers) == 1 else answers


def _fill_mask_prepare(inputs: TaskInputs) -> Prepared:
    from core.text.fill_mask import check_top_k

    text = require_text(inputs.text)
    top_k = inputs.options.get("top_k")
    return Prepared([text], {"top_k": check_top_k(top_k)} if top_k is not None else {})


def _similarity_prepare(inputs: TaskInputs) -> Prepared:
    sentences = split_lines(inputs.text, max_lines=MAX_REMOTE_LINES)
    if len(sentences) < 2:
        raise BadInput(
            "Sentence similarity compares sentences: write at least two, one a line.",
            ko="문장 유사도는 문장끼리 비교해요. 한 줄에 하나씩 두 문장 이상 쓰세요.",
        )
    return Prepared(sentences)


def _similarity_call(client: Any, model: str | None, prepared: Prepared) -> list:
    return [client.sentence_similarity(s, other_sentences=prepared.texts, model=model) for s in prepared.texts]


def _detect_prepare(inputs: TaskInputs) -> Prepared:
    if not inputs.image or not Path(inputs.image).is_file():
        raise BadInput(
            "No image given. Upload a picture, or click one of the examples.",
            ko="이미지가 없어요. 사진을 올리거나 예시를 눌러 보세요.",
        )
    if not isinstance(inputs.threshold, (int, float)) or not 0.0 <= inputs.threshold <= 1.0:
        raise BadInput(
            f"The threshold {inputs.threshold} is outside 0–1. Choose a score between 0 and 1, e.g. 0.5.",
            ko=f"임계값으로 준 {inputs.threshold} 값이 0~1 밖이에요. 0과 1 사이 값(예: 0.5)을 고르세요.",
        )
    from core.vision.detect import check_max_detections

    limit = inputs.options.get("max_detections")
    wanted = [part.strip().lower() for part in re.split(r"[,，、\n]", inputs.labels or "") if part.strip()]
    return Prepared(
        [inputs.image],
        {
            "threshold": float(inputs.threshold),
            "labels": wanted,
            "max_detections": check_max_detections(limit) if limit is not None else None,
        },
    )


def _quoted(prepared: Prepared) -> str:
    return repr(prepared.texts[0])


REMOTE_TASKS: dict[str, RemoteTask] = {
    task.id: task
    for task in (
        RemoteTask(
            "classify",
            "text-classification",
            "text_classification",
            _lines,
            lambda client, model, p: [client.text_classification(t, model=model) for t in p.texts],
            shapes.classify_shape,
            _quoted,
            per_line=True,
        ),
        RemoteTask(
            "zero_shot",
            "zero-shot-classification",
            "zero_shot_classification",
            _zero_shot_prepare,
            lambda client, model, p: client.zero_shot_classification(p.texts[0], model=model, **p.extra),
            shapes.zero_shot_shape,
            lambda p: (
                f"{p.texts[0]!r}, candidate_labels={p.extra['candidate_labels']!r}"
                + _keyword_args({k: v for k, v in p.extra.items() if k != "candidate_labels"})
            ),
        ),
        RemoteTask(
            "ner",
            "token-classification",
            "token_classification",
            _ner_prepare,
            lambda client, model, p: client.token_classification(p.texts[0], model=model, **p.extra),
            shapes.ner_shape,
            lambda p: f"{p.texts[0]!r}" + _keyword_args(p.extra),
        ),
        RemoteTask(
            "answer",
            "question-answering",
            "question_answering",
            _answer_prepare,
            lambda client, model, p: client.question_answering(
                p.texts[0], p.extra["context"], model=model, **p.extra["parameters"]
            ),
            shapes.answer_shape,
            lambda p: (
                f"question={p.texts[0]!r}, context={p.extra['context']!r}" + _keyword_args(p.extra["parameters"])
            ),
        ),
        RemoteTask(
            "summarize",
            "summarization",
            "summarization",
            _seq2seq_prepare("summarize"),
            lambda client, model, p: client.summarization(p.texts[0], model=model, **p.extra),
            shapes.summarize_shape,
            _seq2seq_args,
        ),
        RemoteTask(
            "translate",
            "translation",
            "translation",
            _seq2seq_prepare("translate"),
            lambda client, model, p: client.translation(p.texts[0], model=model, **p.extra),
            shapes.translate_shape,
            _seq2seq_args,
        ),
        RemoteTask(
            "generate",
            "text-generation",
            "text_generation",
            _generate_prepare,
            _generate_call,
            shapes.generate_shape,
            lambda p: f"{p.texts[0]!r}" + _keyword_args(p.extra["parameters"]),
        ),
        RemoteTask(
            "fill_mask",
            "fill-mask",
            "fill_mask",
            _fill_mask_prepare,
            lambda client, model, p: client.fill_mask(p.texts[0], model=model, **p.extra),
            shapes.fill_mask_shape,
            lambda p: f"{p.texts[0]!r}" + _keyword_args(p.extra),
        ),
        RemoteTask(
            "similarity",
            "sentence-similarity",
            "sentence_similarity",
            _similarity_prepare,
            _similarity_call,
            shapes.similarity_shape,
            lambda p: f"{p.texts[0]!r}, other_sentences={p.texts!r}",
        ),
        RemoteTask(
            "detect",
            "object-detection",
            "object_detection",
            _detect_prepare,
            lambda client, model, p: client.object_detection(p.texts[0], model=model, threshold=p.extra["threshold"]),
            shapes.detect_shape,
            lambda p: f'"image.jpg", threshold={p.extra["threshold"]}',
        ),
    )
}


def get_remote_task(task_id: str) -> RemoteTask:
    """The adapter for ``task_id``; ``BadInput`` naming the tasks the Inference API can run otherwise."""
    try:
        return REMOTE_TASKS[task_id]
    except KeyError:
        raise BadInput(
            f"The task '{task_id}' cannot run on the Inference API. Remote tasks: {', '.join(REMOTE_TASKS)}.",
            ko=f"'{task_id}' 작업은 Inference API에서 실행할 수 없어요. 원격 작업: {', '.join(REMOTE_TASKS)}.",
        ) from None
