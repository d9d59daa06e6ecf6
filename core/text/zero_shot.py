"""Zero-shot classification: the course's ``pipeline("zero-shot-classification")``, made robust.

An NLI model (trained to say whether a hypothesis follows from a premise) classifies text into
labels it never saw in training: each label becomes a hypothesis ("This example is {label}.")
and the score of *entailment* says how well it fits. transformers' own pipeline does the work,
on a model from the shared cache; this module checks the labels and the template, picks a
Korean template for Korean text, and fits a long text into the model's window.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any, TypedDict

from core.errors import BadInput, WrongModelKind
from core.inputs.text import require_text
from core.inputs.token_window import Truncation, fit_text, max_input_length, special_token_count
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

TASK = get_task("zero_shot")
MAX_LABELS = 20
ENGLISH_TEMPLATE = "This example is {}."
KOREAN_TEMPLATE = "이 글은 {}에 관한 내용이다."
_LABEL_SEPARATORS = re.compile(r"[,，、\n]")
_HANGUL = re.compile("[\uac00-\ud7a3\u3131-\u318e]")


class ZeroShotJSON(TypedDict):
    sequence: str
    labels: list[str]
    scores: list[float]


@dataclass
class ZeroShotResult:
    sequence: str
    labels: list[str]
    scores: list[float]
    hypothesis_template: str
    multi_label: bool
    truncation: Truncation | None = None
    model: str = ""
    seconds: float = 0.0

    def to_json(self) -> ZeroShotJSON:
        """The pipeline's own shape: labels best first, with their scores."""
        return ZeroShotJSON(sequence=self.sequence, labels=self.labels, scores=self.scores)

    @property
    def hypotheses(self) -> list[str]:
        """The sentences the NLI model actually judged, one per label."""
        return [self.hypothesis_template.format(label) for label in self.labels]


def is_korean(text: str) -> bool:
    """True when at least a third of the letters are Hangul."""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and len(_HANGUL.findall(text)) * 3 >= len(letters)


def default_template(text: str) -> str:
    return KOREAN_TEMPLATE if is_korean(text) else ENGLISH_TEMPLATE


def best_hypothesis(text: str, result: Any, template: str | None) -> str:
    """The hypothesis the zero-shot tab's best label was judged with, from the tab's raw output (labels best
    first); ``BadInput`` before a run, since until then there is no best label."""
    labels = result.get("labels") if isinstance(result, dict) else None
    if not labels:
        raise BadInput(
            "Classify the text first: the attention view shows the text beside the best label's hypothesis.",
            ko="먼저 분류를 실행하세요. 어텐션 보기는 문장과 가장 높은 레이블의 가설 문장을 함께 보여 줘요.",
        )
    return check_template((template or "").strip() or default_template(text)).format(labels[0])


def parse_labels(labels: str | list[str] | None) -> list[str]:
    """Labels from a comma-separated string (commas, full-width commas or new lines); 1 to 20, no duplicates."""
    items = labels if isinstance(labels, list) else _LABEL_SEPARATORS.split(labels or "")
    parsed = [str(item).strip() for item in items if str(item).strip()]
    if not parsed:
        raise BadInput(
            "No labels given. Type the candidate labels separated by commas, e.g. 'sports, politics, education'.",
            ko="레이블이 없어요. 후보 레이블을 쉼표로 구분해서 입력하세요. 예: '스포츠, 정치, 교육'",
        )
    if len(parsed) > MAX_LABELS:
        raise BadInput(
            f"There are {len(parsed)} labels; at most {MAX_LABELS} are allowed (each label is one more pass "
            f"through the model). Remove {len(parsed) - MAX_LABELS}.",
            ko=f"레이블이 {len(parsed)}개예요. 최대 {MAX_LABELS}개까지 쓸 수 있어요(레이블마다 모델을 한 번 더 실행해요). "
            f"{len(parsed) - MAX_LABELS}개를 지워 주세요.",
        )
    seen: dict[str, str] = {}
    duplicates = []
    for label in parsed:
        key = label.casefold()
        if key in seen:
            duplicates.append(label)
        seen.setdefault(key, label)
    if duplicates:
        listed = ", ".join(f"'{d}'" for d in dict.fromkeys(duplicates))
        raise BadInput(
            f"Duplicate labels: {listed}. Each label must appear once (capitals do not make a new label).",
            ko=f"중복된 레이블이 있어요: {listed}. 레이블은 한 번씩만 쓰세요(대소문자만 다른 것도 중복이에요).",
        )
    return parsed


def check_template(template: str) -> str:
    """The template with exactly one ``{}`` where the label goes."""
    template = template.strip()
    try:
        filled = template.format("X")
    except (IndexError, KeyError, ValueError):
        filled = None
    if template.count("{}") != 1 or filled is None:
        raise BadInput(
            f"The hypothesis template '{template}' must contain '{{}}' exactly once, where the label goes, "
            f"e.g. '{ENGLISH_TEMPLATE}' or '{KOREAN_TEMPLATE}'.",
            ko=f"가설 템플릿 '{template}'에는 레이블이 들어갈 자리 '{{}}'가 정확히 한 번 있어야 해요. "
            f"예: '{KOREAN_TEMPLATE}'",
        )
    return template


def _pipeline(loaded: LoadedModel) -> Any:
    from transformers import pipeline

    # The cache shares a sequence-classification model with the sentiment tab: a key of our own.
    if "zero-shot-classification" not in loaded.extras:
        loaded.extras["zero-shot-classification"] = pipeline(
            "zero-shot-classification", model=loaded.model, tokenizer=loaded.preprocessor, device=loaded.model.device
        )
    return loaded.extras["zero-shot-classification"]


def check_nli_head(loaded: LoadedModel) -> None:
    """Zero-shot needs an NLI model: one of its labels must be 'entailment'."""
    labels = [str(label) for label in loaded.config.id2label.values()]
    if any(label.lower().startswith("entail") for label in labels):
        return
    suggestions = ", ".join(m.id for m in TASK.models)
    raise WrongModelKind(
        f"'{loaded.source.name}' is not an NLI model: its labels are {labels}, and zero-shot classification needs "
        f"one called 'entailment' (with 'neutral' and 'contradiction'). Try: {suggestions}.",
        ko=f"'{loaded.source.name}' 모델은 NLI 모델이 아니에요. 레이블이 {labels}인데, 제로샷 분류에는 'entailment'"
        f"(함의) 레이블이 있는 모델이 필요해요. 추천: {suggestions}",
    )


def zero_shot(
    text: str,
    labels: str | list[str],
    model: str = TASK.default.id,
    *,
    multi_label: bool = False,
    hypothesis_template: str | None = None,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> ZeroShotResult:
    """Score each of ``labels`` for ``text``; an empty template means the default for the text's language."""
    text = require_text(text)
    candidates = parse_labels(labels)
    template = check_template((hypothesis_template or "").strip() or default_template(text))
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    check_nli_head(loaded)
    tokenizer = loaded.preprocessor
    longest_hypothesis = max(len(tokenizer.tokenize(template.format(label))) for label in candidates)
    room = max_input_length(tokenizer, loaded.config) - special_token_count(tokenizer, pair=True) - longest_hypothesis
    window = fit_text(tokenizer, text, room)
    started = time.perf_counter()
    raw = _pipeline(loaded)(
        window.text,
        candidate_labels=candidates,
        hypothesis_template=template,
        multi_label=multi_label,
        batch_size=len(candidates),
    )
    return ZeroShotResult(
        sequence=raw["sequence"],
        labels=[str(label) for label in raw["labels"]],
        scores=[float(score) for score in raw["scores"]],
        hypothesis_template=template,
        multi_label=multi_label,
        truncation=window.truncation,
        model=loaded.source.name,
        seconds=time.perf_counter() - started,
    )


def notebook_code(model: str, text: str, labels: list[str], template: str, multi_label: bool) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    return f"""from transformers import pipeline

classifier = pipeline("zero-shot-classification", model={model!r})

result = classifier(
    {text[:500]!r},
    candidate_labels={labels!r},
    # each label becomes a hypothesis sentence the NLI model judges against the text
    hypothesis_template={template!r},
    # False: scores compete and add up to 1; True: each label is judged on its own
    multi_label={multi_label!r},
)
for label, score in zip(result["labels"], result["scores"]):
    print(f"{{label}}: {{score:.3f}}")
"""
