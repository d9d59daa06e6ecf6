"""Attributions: which tokens pushed a classifier towards a label, split exactly by integrated gradients.

The explained output ``f`` is the number the tab shows: for the sentiment task the label's probability (softmax,
or sigmoid where the pipeline uses it), for zero-shot the entailment probability of the label's hypothesis
judged on its own (the zero-shot pipeline's ``multi_label=True`` score: softmax over contradiction and
entailment). Integrated gradients walks from a baseline (the same sentence with every word replaced by
``[PAD]``, special tokens kept) to the input; the token scores add up to ``f(input) - f(baseline)``, and both
numbers are reported so a student can check the split. Gradient × input is the one-pass quick look.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any, TypedDict

from core.call import CallContext
from core.code_panel import text_literal
from core.errors import BadInput
from core.inputs.text import require_text, split_lines
from core.inputs.token_window import Truncation, fit_text, max_input_length, special_token_count
from core.insight import local_only, require_local
from core.localized import Localized
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.text.zero_shot import check_nli_head, check_template, default_template, parse_labels
from core.validators import whole_number

if TYPE_CHECKING:  # torch is imported on first use, not when the app is built
    from core.insight.gradients import Attribution

CLASSIFY = get_task("classify")
ZERO_SHOT = get_task("zero_shot")
#: Longer texts are cut to this many tokens (special tokens included): every step is a pass over the text.
MAX_TOKENS = 256
DEFAULT_STEPS = 50
MAX_STEPS = 300


class Method(str, Enum):
    """How the scores are computed."""

    INTEGRATED_GRADIENTS = "integrated_gradients"
    GRADIENT_X_INPUT = "gradient_x_input"

    @classmethod
    def parse(cls, value: str | Method | None) -> Method:
        """The method a user named (empty: integrated gradients); ``BadInput`` for any other name."""
        if isinstance(value, Method):
            return value
        name = (value or cls.INTEGRATED_GRADIENTS.value).strip().lower().replace("-", "_").replace(" ", "_")
        try:
            return cls(name)
        except ValueError:
            choices = ", ".join(f"'{m.value}'" for m in cls)
            raise BadInput(
                f"Unknown attribution method '{value}'. Choose one of {choices}.",
                ko=f"'{value}'라는 기여도 계산 방법은 없어요. {choices} 중에서 고르세요.",
            ) from None


class Output(str, Enum):
    """Which number is explained: the probability the tab shows, or the logit before softmax."""

    PROBABILITY = "probability"
    LOGIT = "logit"

    @classmethod
    def parse(cls, value: str | Output | None) -> Output:
        if isinstance(value, Output):
            return value
        name = (value or cls.PROBABILITY.value).strip().lower()
        try:
            return cls(name)
        except ValueError:
            raise BadInput(
                f"Unknown output '{value}'. Choose 'probability' or 'logit'.",
                ko=f"'{value}'라는 출력은 없어요. 'probability'(확률)나 'logit'(로짓) 중에서 고르세요.",
            ) from None


class CompletenessJSON(TypedDict):
    output: str
    f_input: float
    f_baseline: float
    baseline_ids: list[int] | None


class AttributionJSON(TypedDict):
    tokens: list[str]
    scores: list[float]
    method: str
    steps: int
    completeness: CompletenessJSON


@dataclass
class AttributionResult:
    tokens: list[str]
    scores: list[float]
    method: Method
    steps: int
    output: Output
    f_input: float
    f_baseline: float
    baseline_ids: list[int] | None
    #: The label explained, and every label that could be (the model's, or the zero-shot candidates).
    target: str
    targets: list[str]
    text: str
    #: The zero-shot hypothesis judged against the text; ``None`` for the sentiment task.
    hypothesis: str | None = None
    truncation: Truncation | None = None
    model: str = ""
    seconds: float = 0.0

    @property
    def gap(self) -> float:
        """How far the scores' sum is from ``f_input - f_baseline`` (the quadrature's error for IG)."""
        return sum(self.scores) - (self.f_input - self.f_baseline)

    def to_json(self) -> AttributionJSON:
        return AttributionJSON(
            tokens=self.tokens,
            scores=self.scores,
            method=self.method.value,
            steps=self.steps,
            completeness=CompletenessJSON(
                output=self.output.value,
                f_input=self.f_input,
                f_baseline=self.f_baseline,
                baseline_ids=self.baseline_ids,
            ),
        )


def check_steps(steps: Any) -> int:
    return whole_number(
        steps,
        "The number of integration steps",
        1,
        MAX_STEPS,
        name_ko="적분 단계 수",
        hint=f"More steps make the scores add up more exactly; {DEFAULT_STEPS} is plenty for most sentences.",
        hint_ko=f"단계가 많을수록 점수 합이 더 정확해져요. 대부분의 문장에는 {DEFAULT_STEPS}이면 충분해요.",
    )


def pick_target(target: str | None, targets: list[str], best: Callable[[], str]) -> str:
    """The label named by ``target`` (case-insensitive; empty: ``best()``, the predicted one, run only then)."""
    wanted = (target or "").strip()
    if not wanted:
        return best()
    for label in targets:
        if label.casefold() == wanted.casefold():
            return label
    listed = ", ".join(f"'{label}'" for label in targets)
    raise BadInput(
        f"Unknown target label '{wanted}'. Choose one of {listed}, or leave it empty for the predicted label.",
        ko=f"'{wanted}' 레이블은 없어요. {listed} 중에서 고르거나, 비워 두면 예측된 레이블을 설명해요.",
    )


def _class_scores(loaded: LoadedModel, logits: Any, output: Output) -> Any:
    """Each label's explained number, as the text-classification pipeline scores it."""
    if output is Output.LOGIT:
        return logits
    config = loaded.config
    if config.num_labels == 1 or getattr(config, "problem_type", None) == "multi_label_classification":
        return logits.sigmoid()
    return logits.softmax(-1)


def _entailment(loaded: LoadedModel, logits: Any, output: Output) -> Any:
    """The zero-shot pipeline's ``multi_label`` score of each row: softmax over (contradiction, entailment)."""
    entail = next(i for label, i in loaded.config.label2id.items() if str(label).lower().startswith("entail"))
    contradiction = -1 if entail == 0 else 0
    if output is Output.LOGIT:
        return logits[:, entail]
    return logits[:, [contradiction, entail]].softmax(-1)[:, 1]


@dataclass(frozen=True)
class _Problem:
    """One text ready for the model: its ids, and how a batch of its embeddings becomes the explained numbers."""

    loaded: LoadedModel
    encoding: Any
    #: 1 where the tokenizer added a special token ([CLS], [SEP]): the baseline keeps those.
    special: list[int]
    truncation: Truncation | None

    def embeddings(self, ids: Any) -> Any:
        return self.loaded.model.get_input_embeddings()(ids.to(self.loaded.model.device))

    def logits(self, embeds: Any) -> Any:
        rows = embeds.shape[0]
        extra = {k: v.to(embeds.device).expand(rows, -1) for k, v in self.encoding.items() if k != "input_ids"}
        return self.loaded.model(inputs_embeds=embeds, **extra).logits.float()


def _encode(loaded: LoadedModel, text: str, hypothesis: str | None) -> _Problem:
    """The text (cut to ``MAX_TOKENS`` with the hypothesis kept whole) as the model's input tensors."""
    tokenizer = loaded.preprocessor
    limit = min(MAX_TOKENS, max_input_length(tokenizer, loaded.config))
    room = limit - special_token_count(tokenizer, pair=hypothesis is not None)
    if hypothesis is not None:
        room -= len(tokenizer.tokenize(hypothesis))
    window = fit_text(tokenizer, text, room)
    pair = (window.text, hypothesis) if hypothesis is not None else (window.text,)
    encoding = tokenizer(*pair, return_tensors="pt", return_special_tokens_mask=True)
    special = encoding.pop("special_tokens_mask")[0].tolist()
    return _Problem(loaded, encoding, special, window.truncation)


def _baseline_ids(problem: _Problem) -> list[int] | None:
    """The input with every non-special token replaced by the pad token; ``None`` when there is no pad token."""
    pad = problem.loaded.preprocessor.pad_token_id
    if pad is None:
        return None
    ids = problem.encoding["input_ids"][0].tolist()
    return [token if is_special else int(pad) for token, is_special in zip(ids, problem.special, strict=True)]


def attribute(problem: _Problem, f: Any, method: Method, steps: int) -> tuple[Attribution, list[int] | None]:
    """The token scores of ``f`` for ``problem`` by ``method``, and the baseline ids used (``None``: zeros)."""
    import torch

    from core.insight.gradients import gradient_x_input, integrated_gradients

    with torch.no_grad():
        inputs = problem.embeddings(problem.encoding["input_ids"])
    if method is Method.GRADIENT_X_INPUT:
        return gradient_x_input(f, inputs), None
    baseline_ids = _baseline_ids(problem)
    with torch.no_grad():
        baseline = (
            torch.zeros_like(inputs) if baseline_ids is None else problem.embeddings(torch.tensor([baseline_ids]))
        )
    return integrated_gradients(f, inputs, baseline, steps), baseline_ids


def explain(
    text: str,
    model: str = CLASSIFY.default.id,
    target: str | None = None,
    method: str | Method = Method.INTEGRATED_GRADIENTS,
    steps: Any = DEFAULT_STEPS,
    *,
    labels: str | list[str] | None = None,
    hypothesis_template: str | None = None,
    output: str | Output = Output.PROBABILITY,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> AttributionResult:
    """Score each token of ``text`` for ``target`` (empty: the predicted label).

    Without ``labels`` the model is a text classifier and only the first non-blank line is explained (the
    sentiment tab's first sentence); with ``labels`` (zero-shot candidates) it is an NLI model and ``target`` is
    one of them, put into ``hypothesis_template`` and judged against the text.
    """
    chosen, steps, output = Method.parse(method), check_steps(steps), Output.parse(output)
    zero_shot = bool(labels if isinstance(labels, list) else (labels or "").strip())
    if zero_shot:
        candidates = parse_labels(labels)
        text = require_text(text)
        template = check_template((hypothesis_template or "").strip() or default_template(text))
        loaded = load_for_task(ZERO_SHOT, model, device=device, policy=policy)
        check_nli_head(loaded)
    else:
        text = split_lines(text, max_lines=10**6)[0]
        loaded = load_for_task(CLASSIFY, model, device=device, policy=policy)
        candidates = [str(loaded.config.id2label[i]) for i in range(loaded.config.num_labels)]
    started = time.perf_counter()
    if zero_shot:
        label = pick_target(target, candidates, lambda: _best_hypothesis(loaded, text, candidates, template, output))
        problem = _encode(loaded, text, template.format(label))
        hypothesis = template.format(label)

        def f(embeds: Any) -> Any:
            return _entailment(loaded, problem.logits(embeds), output)
    else:
        hypothesis = None
        problem = _encode(loaded, text, None)

        def predicted() -> str:
            with _no_grad():
                ids = problem.encoding["input_ids"]
                return candidates[
                    int(_class_scores(loaded, problem.logits(problem.embeddings(ids)), output)[0].argmax())
                ]

        label = pick_target(target, candidates, predicted)
        index = candidates.index(label)

        def f(embeds: Any) -> Any:
            return _class_scores(loaded, problem.logits(embeds), output)[:, index]

    ids = problem.encoding["input_ids"][0].tolist()
    attribution, baseline_ids = attribute(problem, f, chosen, steps)
    return AttributionResult(
        tokens=loaded.preprocessor.convert_ids_to_tokens(ids),
        scores=attribution.scores,
        method=chosen,
        steps=steps if chosen is Method.INTEGRATED_GRADIENTS else 1,
        output=output,
        f_input=attribution.f_input,
        f_baseline=attribution.f_baseline,
        baseline_ids=baseline_ids,
        target=label,
        targets=candidates,
        text=text,
        hypothesis=hypothesis,
        truncation=problem.truncation,
        model=loaded.source.name,
        seconds=time.perf_counter() - started,
    )


#: Why the view needs the model here: the hosted API's answer has no gradients in it.
LOCAL_ONLY = Localized(
    "Attributions need the model on this machine: the hosted Inference API returns only the scores, "
    "not the gradients they are made of. Set the backend to 'local' (the model is then downloaded once).",
    "기여도 분석은 모델이 이 컴퓨터에 있어야 해요. 원격 Inference API는 점수만 돌려주고 그래디언트는 "
    "주지 않아요. 실행 위치를 'local'로 바꾸세요(모델은 한 번만 내려받아요).",
)


def needs_local_model(call: CallContext) -> Localized | None:
    """What to tell the user when this call cannot be explained here (the remote backend); ``None`` when it can."""
    return local_only(call, LOCAL_ONLY)


def explain_call(call: CallContext, text: str, model: str, **options: Any) -> AttributionResult:
    """``explain`` for one event of the app; ``BadInput`` saying so on the remote backend (``LOCAL_ONLY``)."""
    require_local(call, LOCAL_ONLY)
    return explain(text, model, **options, device=call.device, policy=call.policy)


def _no_grad() -> Any:
    import torch

    return torch.no_grad()


def _best_hypothesis(loaded: LoadedModel, text: str, candidates: list[str], template: str, output: Output) -> str:
    """The candidate whose hypothesis the model finds most entailed (what an empty target explains)."""
    best, best_score = candidates[0], float("-inf")
    for label in candidates:
        problem = _encode(loaded, text, template.format(label))
        with _no_grad():
            score = float(
                _entailment(loaded, problem.logits(problem.embeddings(problem.encoding["input_ids"])), output)
            )
        if score > best_score:
            best, best_score = label, score
    return best


def notebook_code(result: AttributionResult) -> str:
    """The Python that reproduces this result in a notebook, with Captum (the reference implementation)."""
    if result.hypothesis is not None:
        given = f"{text_literal(result.text)}, {result.hypothesis!r}"
        pick = (
            'entail = next(i for name, i in model.config.label2id.items() if name.lower().startswith("entail"))\n'
            "contradiction = -1 if entail == 0 else 0  # as the zero-shot pipeline picks it"
        )
        explained = (
            "logits[:, entail]"
            if result.output is Output.LOGIT
            else "logits[:, [contradiction, entail]].softmax(-1)[:, 1]  # multi_label=True's score"
        )
    else:
        given = text_literal(result.text)
        pick = f"target = model.config.label2id[{result.target!r}]"
        explained = "logits[:, target]" if result.output is Output.LOGIT else "logits.softmax(-1)[:, target]"
    if result.method is Method.INTEGRATED_GRADIENTS:
        explainer = "LayerIntegratedGradients"
        attribute = (
            "special = tokenizer.get_special_tokens_mask(ids[0].tolist(), already_has_special_tokens=True)\n"
            "baseline = torch.where(torch.tensor(special).bool(), ids, tokenizer.pad_token_id)  # [PAD] for each word\n"
            f"scores = explainer.attribute(ids, baselines=baseline, additional_forward_args=extra, n_steps={result.steps})"
        )
    else:
        explainer = "LayerGradientXActivation"
        attribute = "scores = explainer.attribute(ids, additional_forward_args=extra)"
    return f"""# pip install captum
import torch
from captum.attr import {explainer}
from transformers import AutoModelForSequenceClassification, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({result.model!r})
model = AutoModelForSequenceClassification.from_pretrained({result.model!r}).eval()
inputs = tokenizer({given}, truncation=True, max_length={MAX_TOKENS}, return_tensors="pt")
ids = inputs.pop("input_ids")
names, extra = list(inputs), tuple(inputs.values())  # attention_mask, token_type_ids …
{pick}


def f(input_ids, *extra):
    logits = model(input_ids=input_ids, **dict(zip(names, extra))).logits
    return {explained}


explainer = {explainer}(f, model.get_input_embeddings())
{attribute}
scores = scores.sum(-1)[0]  # one score per token: summed over the embedding's dimensions
for token, score in zip(tokenizer.convert_ids_to_tokens(ids[0]), scores.tolist()):
    print(f"{{token:>12}} {{score:+.4f}}")
print("sum of scores:", scores.sum().item())
"""
