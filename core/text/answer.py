"""Extractive question answering: the course's ``pipeline("question-answering")``, rebuilt for transformers 5.

transformers 5 removed that pipeline, so this module is its three steps written out, step for step
as transformers 4.57's ``QuestionAnsweringPipeline`` ran them with a fast tokenizer (a differential
test, tests/test_reference_parity.py, holds it to 4.57.6's own output):

- ``preprocess``: question and context are encoded together, unpadded; a context longer than the
  window is cut into overlapping windows (``max_seq_len`` tokens, ``doc_stride`` tokens shared
  between neighbours), each with its offset mapping back to characters of the context.
- ``forward``: the model gives every token a start logit and an end logit.
- ``postprocess``: per window (``select_starts_ends``), tokens that cannot answer are masked, both
  logit rows become probabilities, every span (start ≤ end, at most ``max_answer_len`` tokens)
  scores P(start)·P(end), and ``decode_spans`` keeps the best ``top_k * 2 + 10`` of them; each is
  widened to whole words (``get_indices``), candidates with the same text (``get_answer``) add up
  their scores, within a window and across windows, and the ``top_k`` best are returned.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypedDict

from core.code_panel import text_literal
from core.errors import BadInput, WrongModelKind
from core.inputs.text import require_text
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task
from core.text.answer_spans import NO_NULL_SCORE, get_indices, select_starts_ends
from core.validators import whole_number

TASK = get_task("answer")
#: Windows run through the model together (a 100,000-character context makes about a hundred).
WINDOW_BATCH = 16
#: v4's ``doc_stride`` when none is given: half the window, at most this.
MAX_DEFAULT_STRIDE = 128
#: Bounds a student can choose from; beyond them the answer is meaningless or the run is slow.
LIMITS = {"top_k": (1, 20), "max_answer_len": (1, 512), "max_question_len": (1, 512), "max_seq_len": (16, 4096)}


class Answer(TypedDict):
    score: float
    start: int
    end: int
    answer: str


@dataclass(frozen=True)
class QASettings:
    """The v4 pipeline's options, with its names and defaults.

    ``doc_stride=None`` is v4's default, ``min(max_seq_len // 2, 128)``. ``max_question_len`` is
    checked but, as in v4's fast-tokenizer path, never cuts the question (v4 used it only with
    slow tokenizers, which this module refuses).
    """

    top_k: int = 1
    doc_stride: int | None = None
    max_answer_len: int = 15
    max_seq_len: int = 384
    max_question_len: int = 64
    handle_impossible_answer: bool = False
    align_to_words: bool = True

    @property
    def stride(self) -> int:
        """The overlap used: the one given, else v4's default for this ``max_seq_len``."""
        if self.doc_stride is not None:
            return self.doc_stride
        return min(self.max_seq_len // 2, MAX_DEFAULT_STRIDE)

    @property
    def candidates(self) -> int:
        """Spans kept per window: v4's ``pre_topk``, more than ``top_k`` since word alignment merges some."""
        return self.top_k * 2 + 10 if self.align_to_words else self.top_k


@dataclass
class Windows:
    """What ``preprocess`` hands to ``forward``: the encoded windows and what maps them back to the text."""

    encoding: Any  # transformers BatchEncoding (one row per window, unpadded as in v4)
    p_mask: list[list[int]]  # v4's p_mask: 1 where a token cannot be part of an answer
    question_first: bool
    question_tokens: int
    context_tokens: int
    max_seq_len: int
    pad_shift: list[int] = field(default_factory=list)  # v4's left-padding ``offset``, per window

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


def model_window(loaded: LoadedModel) -> int:
    """The longest input the model accepts: its tokenizer's limit, bounded by its position embeddings."""
    limits = [getattr(loaded.preprocessor, "model_max_length", None)]
    limits.append(getattr(loaded.config, "max_position_embeddings", None))
    usable = [int(x) for x in limits if isinstance(x, int) and 0 < x < 1_000_000]
    return min(usable) if usable else 512


def validate(settings: QASettings) -> QASettings:
    """``settings`` with its numbers as ints (a slider may send 5.0); ``BadInput`` for options outside what the
    algorithm can use."""
    checked = {name: whole_number(getattr(settings, name), f"`{name}`", *LIMITS[name]) for name in LIMITS}
    if settings.doc_stride is not None:
        checked["doc_stride"] = whole_number(settings.doc_stride, "`doc_stride`", 0)
    settings = replace(settings, **checked)
    if settings.stride > settings.max_seq_len:
        raise BadInput(
            f"`doc_stride` ({settings.stride}) is larger than `max_seq_len` ({settings.max_seq_len}). "
            "The overlap between windows must be smaller than a window: lower doc_stride.",
            ko=f"`doc_stride`({settings.stride})가 `max_seq_len`({settings.max_seq_len})보다 커요. "
            "창끼리 겹치는 길이는 창보다 작아야 해요: doc_stride를 줄이세요.",
        )
    return settings


def _require_fast_tokenizer(loaded: LoadedModel) -> None:
    if not getattr(loaded.preprocessor, "is_fast", False):
        raise WrongModelKind(
            f"'{loaded.source.name}' has a slow (Python) tokenizer, which cannot map tokens back to characters "
            "of the context. This tab needs a model with a fast tokenizer (a tokenizer.json), as most "
            "question-answering models on the Hub have: choose one of those.",
            ko=f"'{loaded.source.name}'의 토크나이저는 느린(파이썬) 토크나이저라 토큰을 본문의 글자 위치로 되돌릴 수 "
            "없어요. 이 탭은 빠른 토크나이저(tokenizer.json)가 있는 모델이 필요해요. 그런 모델을 고르세요.",
        )


def _count_tokens(tokenizer: Any, text: str) -> int:
    return len(tokenizer(text, add_special_tokens=False, verbose=False)["input_ids"])


def preprocess(loaded: LoadedModel, question: str, context: str, settings: QASettings) -> Windows:
    """Encode question + context into overlapping windows with offsets (v4's fast-tokenizer path)."""
    _require_fast_tokenizer(loaded)
    tokenizer = loaded.preprocessor
    max_seq_len = min(settings.max_seq_len, model_window(loaded))
    stride = settings.stride
    question_first = tokenizer.padding_side == "right"
    question_tokens = _count_tokens(tokenizer, question)
    context_tokens = _count_tokens(tokenizer, context)
    specials = tokenizer.num_special_tokens_to_add(pair=True)
    room = max_seq_len - question_tokens - specials
    if question_tokens + context_tokens + specials > max_seq_len and room <= stride:
        # The tokenizer could not make windows (v4 failed here with the tokenizer's own error).
        raise BadInput(
            f"The question ({question_tokens} tokens) leaves {max(room, 0)} tokens of each {max_seq_len}-token "
            f"window for the context, not more than doc_stride ({stride}). "
            "Shorten the question, lower doc_stride, or raise max_seq_len.",
            ko=f"질문({question_tokens}토큰) 때문에 {max_seq_len}토큰 창에 본문이 들어갈 자리가 {max(room, 0)}토큰뿐이라 "
            f"doc_stride({stride})보다 작아요. 질문을 줄이거나 doc_stride를 줄이거나 max_seq_len을 늘리세요.",
        )
    encoding = tokenizer(
        text=question if question_first else context,
        text_pair=context if question_first else question,
        padding="do_not_pad",
        truncation="only_second" if question_first else "only_first",
        max_length=max_seq_len,
        stride=stride,
        return_token_type_ids=True,
        return_overflowing_tokens=True,
        return_offsets_mapping=True,
    )
    p_mask, pad_shift = [], []
    for row, ids in enumerate(encoding["input_ids"]):
        # v4 masks all but the context when the question comes first; with the context first
        # (left-padding tokenizers) it masked nothing, and so neither does this.
        mask = [int(seq != 1) if question_first else 0 for seq in encoding.sequence_ids(row)]
        # [CLS] stays selectable: models trained on SQuAD 2.0 point at it when there is no answer.
        if tokenizer.cls_token_id is not None:
            for i, token_id in enumerate(ids):
                if token_id == tokenizer.cls_token_id:
                    mask[i] = 0
        p_mask.append(mask)
        # v4 shifted token indices by the pad tokens in a window when padding on the left.
        left = tokenizer.padding_side == "left" and tokenizer.pad_token_id is not None
        pad_shift.append(sum(token_id == tokenizer.pad_token_id for token_id in ids) if left else 0)
    return Windows(encoding, p_mask, question_first, question_tokens, context_tokens, max_seq_len, pad_shift)


def forward(loaded: LoadedModel, windows: Windows) -> tuple[list[Any], list[Any]]:
    """Start and end logits for every token of every window (one float32 numpy row per window).

    Windows of one length (all but the last, usually) run together; none is padded, as in v4.
    """
    import numpy as np
    import torch

    names = [n for n in loaded.preprocessor.model_input_names if n in windows.encoding]
    starts: list[Any] = []
    ends: list[Any] = []
    with torch.inference_mode():
        first = 0
        while first < windows.count:
            length = len(windows.encoding["input_ids"][first])
            last = first + 1
            while (
                last < windows.count
                and last - first < WINDOW_BATCH
                and len(windows.encoding["input_ids"][last]) == length
            ):
                last += 1
            batch = {n: torch.tensor(windows.encoding[n][first:last], device=loaded.device) for n in names}
            output = loaded.model(**batch)
            starts.extend(np.asarray(output.start_logits.float().cpu().numpy()))
            ends.extend(np.asarray(output.end_logits.float().cpu().numpy()))
            first = last
    return starts, ends


def get_answer(answers: list[Answer], target: str) -> Answer | None:
    """The answer already found with the same text, case aside (v4 adds the new score to it)."""
    return next((answer for answer in answers if answer["answer"].lower() == target.lower()), None)


def postprocess(
    windows: Windows, context: str, start_logits: Sequence[Any], end_logits: Sequence[Any], settings: QASettings
) -> list[Answer]:
    """The ``top_k`` answers over all windows, best first, with character offsets into ``context``."""
    min_null_score = NO_NULL_SCORE
    answers: list[Answer] = []
    sequence_index = 1 if windows.question_first else 0
    for row in range(windows.count):
        length = len(windows.encoding["input_ids"][row])
        attention = windows.encoding["attention_mask"][row] if "attention_mask" in windows.encoding else None
        starts, ends, scores, min_null_score = select_starts_ends(
            start_logits[row][:length],
            end_logits[row][:length],
            windows.p_mask[row],
            attention,
            min_null_score,
            settings.candidates,
            settings.handle_impossible_answer,
            settings.max_answer_len,
        )
        encoding = windows.encoding.encodings[row]
        shift = windows.pad_shift[row] if windows.pad_shift else 0
        for s, e, score in zip(starts, ends, scores, strict=True):
            first, last = get_indices(encoding, s - shift, e - shift, sequence_index, settings.align_to_words)
            same = get_answer(answers, context[first:last])
            if same is not None:
                same["score"] += score.item()
            else:
                answers.append(Answer(score=score.item(), start=first, end=last, answer=context[first:last]))
    if settings.handle_impossible_answer:
        answers.append(Answer(score=min_null_score, start=0, end=0, answer=""))
    return sorted(answers, key=lambda a: a["score"], reverse=True)[: settings.top_k]


def answer(
    question: str,
    context: str,
    model: str = TASK.default.id,
    *,
    top_k: int = 1,
    doc_stride: int | None = None,
    max_answer_len: int = 15,
    max_seq_len: int = 384,
    max_question_len: int = 64,
    handle_impossible_answer: bool = False,
    align_to_words: bool = True,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> AnswerResult:
    """Find the answer to ``question`` inside ``context`` with an extractive QA ``model``.

    Both texts go to the tokenizer as given (v4 did not strip them); offsets index ``context``.
    """
    require_text(question, what="question", what_ko="질문")
    require_text(context, what="context", what_ko="본문")
    settings = validate(
        QASettings(
            top_k,
            doc_stride,
            max_answer_len,
            max_seq_len,
            max_question_len,
            bool(handle_impossible_answer),
            bool(align_to_words),
        )
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
    """The transformers 5 code that replaces ``pipeline("question-answering")`` (v4's steps, the short version)."""
    short = text_literal(context)
    if settings.align_to_words:
        span = """first = inputs.word_to_chars(w, inputs.token_to_word(w, s), sequence_index=1).start
        last = inputs.word_to_chars(w, inputs.token_to_word(w, e), sequence_index=1).end"""
    else:
        span = "first, last = offsets[w][s][0].item(), offsets[w][e][1].item()"
    return f"""# pipeline("question-answering") was removed in transformers 5: these are its steps.
import torch
from transformers import AutoModelForQuestionAnswering, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model!r})
model = AutoModelForQuestionAnswering.from_pretrained({model!r})

question = {question!r}
context = {short}

# 1. preprocess: question + context; a long context becomes overlapping windows
inputs = tokenizer(question, context, truncation="only_second", max_length={settings.max_seq_len},
                   stride={settings.stride}, return_overflowing_tokens=True,
                   return_offsets_mapping=True, padding="longest", return_tensors="pt")
offsets = inputs.pop("offset_mapping")
inputs.pop("overflow_to_sample_mapping")

# 2. forward: a start score and an end score for every token
with torch.no_grad():
    out = model(**inputs)

# 3. postprocess, as v4: in each window the {settings.candidates} best spans (start <= end, at most
#    {settings.max_answer_len} tokens) among context tokens; spans that come to the same text add up their scores
answers = {{}}
for w in range(len(inputs["input_ids"])):
    allowed = torch.tensor([s == 1 for s in inputs.sequence_ids(w)]) & inputs["attention_mask"][w].bool()
    allowed[0] = True  # [CLS] ("no answer") takes part in the softmax, as in v4 ...
    start = out.start_logits[w].masked_fill(~allowed, -1e4).softmax(-1)
    end = out.end_logits[w].masked_fill(~allowed, -1e4).softmax(-1)
    start[0] = end[0] = 0.0  # ... but is never returned as a span
    scores = torch.triu(start[:, None] * end[None, :]).tril({settings.max_answer_len - 1})
    best = scores.flatten().topk(min({settings.candidates}, scores.numel()))
    for score, flat in zip(best.values.tolist(), best.indices.tolist()):
        s, e = divmod(flat, scores.shape[1])
        if score == 0.0 or not (allowed[s] and allowed[e]):
            continue
        {span}
        same = answers.setdefault(context[first:last].lower(), [0.0, first, last])
        same[0] += score

score, start, end = max(answers.values())
print({{"score": score, "start": start, "end": end, "answer": context[start:end]}})
"""
