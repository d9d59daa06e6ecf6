"""Extractive question answering: the course's ``pipeline("question-answering")``, rebuilt for transformers 5.

transformers 5 removed that pipeline, so this module is its three steps written out, with the
behaviour of transformers 4.57's ``QuestionAnsweringPipeline`` for a fast tokenizer:

- ``preprocess``: question and context are encoded together; a context longer than the window is
  cut into overlapping windows (``max_seq_len`` tokens, ``doc_stride`` tokens shared between
  neighbours), each with its offset mapping back to characters of the context.
- ``forward``: the model gives every token a start logit and an end logit.
- ``postprocess``: per window, question and padding tokens are masked, both logit rows become
  probabilities, every span (start ≤ end, at most ``max_answer_len`` tokens) scores
  P(start)·P(end); the best spans of all windows are mapped to character offsets (widened to whole
  words), equal answers from overlapping windows add up, and the ``top_k`` best are returned.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, TypedDict

from core.code_panel import text_literal
from core.errors import BadInput
from core.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.registry import get_task
from core.text_input import require_text

TASK = get_task("answer")
#: Windows run through the model together (a 100,000-character context makes about a hundred).
WINDOW_BATCH = 16
#: Logit given to tokens that cannot be part of an answer, as v4 did.
MASKED_LOGIT = -10000.0
#: Bounds a student can choose from; beyond them the answer is meaningless or the run is slow.
LIMITS = {"top_k": (1, 20), "max_answer_len": (1, 512), "max_question_len": (1, 512), "max_seq_len": (16, 4096)}


class Answer(TypedDict):
    score: float
    start: int
    end: int
    answer: str


@dataclass(frozen=True)
class QASettings:
    """The v4 pipeline's options, with its names and defaults."""

    top_k: int = 1
    doc_stride: int = 128
    max_answer_len: int = 15
    max_seq_len: int = 384
    max_question_len: int = 64
    handle_impossible_answer: bool = False


@dataclass
class Windows:
    """What ``preprocess`` hands to ``forward``: the encoded windows and what maps them back to the text."""

    encoding: Any  # transformers BatchEncoding (one row per window)
    context_mask: list[list[bool]]  # True where a token may be part of an answer
    question_first: bool
    question_tokens: int
    context_tokens: int
    max_seq_len: int

    @property
    def count(self) -> int:
        return len(self.encoding["input_ids"])


@dataclass
class AnswerResult:
    question: str
    context: str
    answers: list[Answer]
    windows: int = 1
    question_tokens: int = 0
    context_tokens: int = 0
    settings: QASettings = field(default_factory=QASettings)
    model: str = ""
    device: str = "cpu"
    seconds: float = 0.0

    def to_json(self) -> Answer | list[Answer]:
        """v4's shape: one answer is a dict; several (``top_k`` > 1) are a list, best first."""
        return self.answers[0] if len(self.answers) == 1 else self.answers


def _check_range(name: str, value: int) -> int:
    low, high = LIMITS[name]
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise BadInput(
            f"`{name}` must be a whole number from {low} to {high} (got {value!r}).",
            ko=f"`{name}` 값은 {low}~{high} 사이의 정수여야 해요 (입력값: {value!r}).",
        )
    return value


def model_window(loaded: LoadedModel) -> int:
    """The longest input the model accepts: its tokenizer's limit, bounded by its position embeddings."""
    limits = [getattr(loaded.preprocessor, "model_max_length", None)]
    limits.append(getattr(loaded.config, "max_position_embeddings", None))
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else 512


def validate(settings: QASettings) -> QASettings:
    """Raise ``BadInput`` for options outside what the algorithm can use."""
    for name in LIMITS:
        _check_range(name, getattr(settings, name))
    if not isinstance(settings.doc_stride, int) or settings.doc_stride < 0:
        raise BadInput(
            f"`doc_stride` must be 0 or more (got {settings.doc_stride!r}).",
            ko=f"`doc_stride`는 0 이상이어야 해요 (입력값: {settings.doc_stride!r}).",
        )
    if settings.doc_stride > settings.max_seq_len:
        raise BadInput(
            f"`doc_stride` ({settings.doc_stride}) is larger than `max_seq_len` ({settings.max_seq_len}). "
            "The overlap between windows must be smaller than a window: lower doc_stride.",
            ko=f"`doc_stride`({settings.doc_stride})가 `max_seq_len`({settings.max_seq_len})보다 커요. "
            "창끼리 겹치는 길이는 창보다 작아야 해요: doc_stride를 줄이세요.",
        )
    return settings


def preprocess(loaded: LoadedModel, question: str, context: str, settings: QASettings) -> Windows:
    """Encode question + context into overlapping windows with offsets (v4's fast-tokenizer path)."""
    tokenizer = loaded.preprocessor
    max_seq_len = min(settings.max_seq_len, model_window(loaded))
    question_first = tokenizer.padding_side == "right"
    question_tokens = len(tokenizer(question, add_special_tokens=False, verbose=False)["input_ids"])
    if question_tokens > settings.max_question_len:
        raise BadInput(
            f"The question is {question_tokens} tokens long; `max_question_len` is {settings.max_question_len}. "
            "Ask a shorter question, or raise max_question_len.",
            ko=f"질문이 {question_tokens}토큰이에요. `max_question_len`은 {settings.max_question_len}이에요. "
            "질문을 줄이거나 max_question_len을 늘리세요.",
        )
    room = max_seq_len - question_tokens - tokenizer.num_special_tokens_to_add(pair=True)
    if room <= settings.doc_stride:
        raise BadInput(
            f"The question ({question_tokens} tokens) leaves {max(room, 0)} tokens of each {max_seq_len}-token "
            f"window for the context, not more than doc_stride ({settings.doc_stride}). "
            "Shorten the question, lower doc_stride, or raise max_seq_len.",
            ko=f"질문({question_tokens}토큰) 때문에 {max_seq_len}토큰 창에 본문이 들어갈 자리가 {max(room, 0)}토큰뿐이라 "
            f"doc_stride({settings.doc_stride})보다 작아요. 질문을 줄이거나 doc_stride를 줄이거나 max_seq_len을 늘리세요.",
        )
    first, second = (question, context) if question_first else (context, question)
    encoding = tokenizer(
        first,
        second,
        truncation="only_second" if question_first else "only_first",
        max_length=max_seq_len,
        stride=settings.doc_stride,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
        padding="longest",
    )
    context_id = 1 if question_first else 0
    context_mask = []
    for row, ids in enumerate(encoding["input_ids"]):
        mask = [seq == context_id for seq in encoding.sequence_ids(row)]
        # v4 keeps [CLS] selectable: models trained on SQuAD 2.0 point at it when there is no answer.
        for i, token_id in enumerate(ids):
            if token_id == tokenizer.cls_token_id and tokenizer.cls_token_id is not None:
                mask[i] = True
        context_mask.append(mask)
    context_tokens = len(tokenizer(context, add_special_tokens=False, verbose=False)["input_ids"])
    return Windows(encoding, context_mask, question_first, question_tokens, context_tokens, max_seq_len)


def forward(loaded: LoadedModel, windows: Windows) -> tuple[Any, Any]:
    """Start and end logits for every token of every window (numpy arrays, windows × tokens)."""
    import numpy as np
    import torch

    names = [n for n in loaded.preprocessor.model_input_names if n in windows.encoding]
    starts, ends = [], []
    with torch.inference_mode():
        for first in range(0, windows.count, WINDOW_BATCH):
            batch = {
                n: torch.tensor(windows.encoding[n][first : first + WINDOW_BATCH], device=loaded.device) for n in names
            }
            output = loaded.model(**batch)
            starts.append(output.start_logits.float().cpu().numpy())
            ends.append(output.end_logits.float().cpu().numpy())
    return np.concatenate(starts), np.concatenate(ends)


def _probabilities(logits: Any, allowed: Any) -> Any:
    import numpy as np

    masked = np.where(allowed, logits, MASKED_LOGIT)
    exp = np.exp(masked - masked.max())
    return exp / exp.sum()


def best_spans(start: Any, end: Any, allowed: Any, top_k: int, max_answer_len: int) -> list[tuple[int, int, float]]:
    """The ``top_k`` (start, end, score) spans of one window: start ≤ end < start + max_answer_len, both allowed."""
    import numpy as np

    scores = np.triu(np.outer(start, end))
    scores = np.tril(scores, max_answer_len - 1)
    flat = scores.ravel()
    if top_k == 1:
        order = np.array([np.argmax(flat)])
    elif flat.size <= top_k:
        order = np.argsort(-flat)
    else:
        order = np.argpartition(-flat, top_k)[:top_k]
        order = order[np.argsort(-flat[order])]
    rows, cols = np.unravel_index(order, scores.shape)
    return [
        (int(s), int(e), float(scores[s, e])) for s, e in zip(rows, cols, strict=True) if allowed[s] and allowed[e]
    ]


def _char_span(encoding: Any, start: int, end: int, sequence_index: int) -> tuple[int, int]:
    """Character offsets of tokens start..end, widened to whole words as v4 did (``align_to_words``)."""
    try:
        first = encoding.word_to_chars(encoding.token_to_word(start), sequence_index=sequence_index)
        last = encoding.word_to_chars(encoding.token_to_word(end), sequence_index=sequence_index)
        return first[0], last[1]
    except Exception:  # some tokenizers have no words: plain token offsets then
        return encoding.offsets[start][0], encoding.offsets[end][1]


def postprocess(
    windows: Windows, context: str, start_logits: Any, end_logits: Any, settings: QASettings
) -> list[Answer]:
    """The ``top_k`` answers over all windows, best first, with character offsets into ``context``."""
    import numpy as np

    null_score = 1_000_000.0
    answers: list[Answer] = []
    sequence_index = 1 if windows.question_first else 0
    for row in range(windows.count):
        attention = np.array(windows.encoding["attention_mask"][row], dtype=bool)
        allowed = np.array(windows.context_mask[row], dtype=bool) & attention
        start = _probabilities(start_logits[row], allowed)
        end = _probabilities(end_logits[row], allowed)
        if settings.handle_impossible_answer:
            null_score = min(null_score, float(start[0] * end[0]))
        start[0] = end[0] = 0.0  # the [CLS] position is "no answer", never a span
        encoding = windows.encoding.encodings[row]
        for s, e, score in best_spans(start, end, allowed, settings.top_k, settings.max_answer_len):
            first, last = _char_span(encoding, s, e, sequence_index)
            text = context[first:last]
            same = next((a for a in answers if a["answer"].lower() == text.lower()), None)
            if same is not None:  # overlapping windows found the same answer: v4 adds the scores
                same["score"] += score
            else:
                answers.append(Answer(score=score, start=first, end=last, answer=text))
    if settings.handle_impossible_answer:
        answers.append(Answer(score=null_score, start=0, end=0, answer=""))
    return sorted(answers, key=lambda a: a["score"], reverse=True)[: settings.top_k]


def answer(
    question: str,
    context: str,
    model: str = TASK.default.id,
    *,
    top_k: int = 1,
    doc_stride: int = 128,
    max_answer_len: int = 15,
    max_seq_len: int = 384,
    max_question_len: int = 64,
    handle_impossible_answer: bool = False,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> AnswerResult:
    """Find the answer to ``question`` inside ``context`` with an extractive QA ``model``."""
    question = require_text(question, what="question", what_ko="질문")
    require_text(context, what="context", what_ko="본문")  # offsets stay relative to the context as given
    settings = validate(
        QASettings(top_k, doc_stride, max_answer_len, max_seq_len, max_question_len, bool(handle_impossible_answer))
    )
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    started = time.perf_counter()
    windows = preprocess(loaded, question, context, settings)
    start_logits, end_logits = forward(loaded, windows)
    answers = postprocess(windows, context, start_logits, end_logits, settings)
    return AnswerResult(
        question=question,
        context=context,
        answers=answers,
        windows=windows.count,
        question_tokens=windows.question_tokens,
        context_tokens=windows.context_tokens,
        settings=settings,
        model=loaded.source.name,
        device=loaded.device,
        seconds=time.perf_counter() - started,
    )


def notebook_code(model: str, question: str, context: str, settings: QASettings = QASettings()) -> str:
    """The transformers 5 code that replaces ``pipeline("question-answering")`` (the short version)."""
    short = text_literal(context)
    return f"""# pipeline("question-answering") was removed in transformers 5: these are its steps.
import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model!r})
model = AutoModelForQuestionAnswering.from_pretrained({model!r})

question = {question!r}
context = {short}

# 1. preprocess: question + context; a long context becomes overlapping windows
inputs = tokenizer(question, context, truncation="only_second", max_length={settings.max_seq_len},
                   stride={settings.doc_stride}, return_overflowing_tokens=True,
                   return_offsets_mapping=True, padding="longest", return_tensors="pt")
offsets = inputs.pop("offset_mapping")
inputs.pop("overflow_to_sample_mapping")

# 2. forward: a start score and an end score for every token
with torch.no_grad():
    out = model(**inputs)

# 3. postprocess: best span (start <= end, at most {settings.max_answer_len} tokens) among context tokens
best = (0.0, 0, 0)
for w in range(len(inputs["input_ids"])):
    allowed = torch.tensor([s == 1 for s in inputs.sequence_ids(w)]) & inputs["attention_mask"][w].bool()
    allowed[0] = True  # [CLS] ("no answer") takes part in the softmax, as in v4 ...
    start = out.start_logits[w].masked_fill(~allowed, -1e4).softmax(-1)
    end = out.end_logits[w].masked_fill(~allowed, -1e4).softmax(-1)
    start[0] = end[0] = 0.0  # ... but is never returned as a span
    scores = torch.triu(start[:, None] * end[None, :]).tril({settings.max_answer_len - 1})
    score, flat = scores.flatten().max(0)
    s, e = divmod(flat.item(), scores.shape[1])
    if score > best[0]:
        best = (score.item(), offsets[w][s][0].item(), offsets[w][e][1].item())

# (the tab also widens a span to whole words and adds up equal answers from overlapping windows, as v4 did)
score, start, end = best
print({{"score": score, "start": start, "end": end, "answer": context[start:end]}})
"""
