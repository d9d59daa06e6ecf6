"""The fine-tuning lab's data check, under the table: what will train, which rows are left out and why,
and whether the base model's vocabulary covers the data. Shown before training and again when it starts.

Every text here comes from the student's data, so it is escaped before Markdown renders it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import gradio as gr
import pandas as pd

from core.errors import PlaygroundError
from core.finetune.data import Conflicts, DroppedRow, DropReason, LabelledData, prepare_data, rows_from_table
from core.finetune.vocab import VocabularyReport, report_if_here
from core.localized import Localized
from tabs.boundary import resolve_language
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.literal import md_literal

#: Left-out rows listed by number; the raw output has them all.
SHOWN_ROWS = 12

STRINGS = {
    "en": {
        "finetune.conflicts": "Same sentence, different labels",
        "finetune.conflicts_info": "A model cannot learn two answers for one sentence: you decide",
        "finetune.conflicts_ask": "Stop and list them (I fix the table)",
        "finetune.conflicts_first": "Keep the first row's label",
        "finetune.conflicts_drop": "Leave those sentences out",
    },
    "ko": {
        "finetune.conflicts": "같은 문장, 다른 레이블",
        "finetune.conflicts_info": "한 문장에 정답이 둘일 수는 없어요. 어떻게 할지 고르세요",
        "finetune.conflicts_ask": "멈추고 보여 주기 (표를 직접 고칠게요)",
        "finetune.conflicts_first": "첫 행의 레이블 쓰기",
        "finetune.conflicts_drop": "그 문장은 빼기",
    },
}
CONFLICT_CHOICES = [(f"finetune.conflicts_{c.value}", c.value) for c in Conflicts]

_TEXT = {
    "summary": (
        "✅ **{rows} rows** will be used: {train} for training, {eval} for evaluation · labels: {counts}",
        "✅ **{rows}행**을 써요: 학습 {train}행, 평가 {eval}행 · 레이블: {counts}",
    ),
    "dropped": (
        "↩️ **{n} row(s) left out**, so that each sentence is used once:",
        "↩️ **{n}행을 뺐어요**. 같은 문장은 한 번만 써요:",
    ),
    DropReason.REPEAT: (
        "same sentence and label as row {same_as}: a repeat would count twice in training, or leak into evaluation",
        "{same_as}행과 문장·레이블이 같아요. 두 번 학습하거나 평가에 새어 들어갈 수 있어요",
    ),
    DropReason.LEAK: (
        "same sentence as row {same_as} in the other split: testing on a sentence the model trained on is no test",
        "다른 split의 {same_as}행과 같은 문장이에요. 학습한 문장으로 평가하면 시험이 아니에요",
    ),
    DropReason.CONFLICT: (
        "same sentence as row {same_as} with another label (your choice above)",
        "{same_as}행과 같은 문장인데 레이블이 달라요(위에서 고른 대로)",
    ),
    "more": ("… and {n} more (all in the raw output)", "… 그 밖에 {n}행 (원본 출력에 모두 있어요)"),
    "problem": ("⚠️ {message}", "⚠️ {message}"),
    "unknown": (
        "⚠️ **The tokenizer of {model} reads much of this data as {unk}** (a word it cannot spell): {shares}. "
        "For example: {examples}. Every such word becomes the same token, so the model cannot tell them apart "
        "or learn from them.",
        "⚠️ **{model}의 토크나이저가 이 데이터의 상당 부분을 {unk}(모르는 단어)로 읽어요**: {shares}. "
        "예: {examples}. 이런 단어는 모두 같은 토큰이 되어, 모델이 서로 구별하지도 배우지도 못해요.",
    ),
    "share": (
        "{label} {share:.0%} of words ({hit} of {rows} rows)",
        "{label} 단어의 {share:.0%} ({rows}행 중 {hit}행)",
    ),
    "suggest": (
        "A model whose vocabulary covers {languages}: **{model}** ({size}); choose it in the model box.",
        "{languages}를 아는 모델: **{model}** ({size}). 모델 칸에서 고르세요.",
    ),
    "no_suggestion": (
        "Choose a model whose vocabulary covers the data's languages.",
        "데이터의 언어를 아는 모델을 고르세요.",
    ),
    "covered": (
        "✅ The tokenizer of {model} knows the data's words ({share:.0%} read as {unk} at most per label).",
        "✅ {model}의 토크나이저가 데이터의 단어를 알아요(레이블마다 {unk}로 읽는 단어는 많아야 {share:.0%}).",
    ),
    "later": (
        "The vocabulary is checked when training starts (this model's tokenizer is not on this machine yet).",
        "어휘 확인은 학습을 시작할 때 해요(이 모델의 토크나이저가 아직 이 컴퓨터에 없어요).",
    ),
}
_LANGUAGES = {
    "en": Localized("English", "영어"),
    "ko": Localized("Korean", "한국어"),
    "multi": Localized("other scripts", "그 밖의 문자"),
}


def _code(text: str) -> str:
    """Inside a code span nothing is rendered, but a backtick would end it."""
    return "`" + text.replace("`", "'") + "`"


def _t(key: object, language: str, **values: object) -> str:
    return Localized(*_TEXT[key]).text(language).format(**values)


def _dropped_line(row: DroppedRow, language: str) -> str:
    quoted = md_literal(row.text if len(row.text) <= 60 else row.text[:59] + "…")
    where = Localized(f"row {row.row}", f"{row.row}행").text(language)
    return f"- {where} ({quoted}, {md_literal(row.label)}): {_t(row.reason, language, same_as=row.same_as)}"


def _vocabulary_lines(report: VocabularyReport, language: str) -> list[str]:
    model, unk = _code(report.model), _code(report.unknown_token or "[UNK]")
    if not report.much_unknown:
        share = max((c.share for c in report.labels), default=0.0)
        return [_t("covered", language, model=model, unk=unk, share=share)]
    shares = ", ".join(
        _t("share", language, label=md_literal(c.label), share=c.share, hit=c.rows_with_unknown, rows=c.rows)
        for c in report.labels
    )
    examples = ", ".join(md_literal(word) for word in report.examples)
    lines = [_t("unknown", language, model=model, unk=unk, shares=shares, examples=examples)]
    choice = report.suggestion
    if choice is None:
        return [*lines, _t("no_suggestion", language)]
    names = [_LANGUAGES[code].text(language) for code in report.languages]
    size = f"{choice.size_mb / 1000:.1f} GB" if choice.size_mb >= 1000 else f"{choice.size_mb} MB"
    return [*lines, _t("suggest", language, languages=", ".join(names), model=_code(choice.id), size=size)]


def render_check(
    data: LabelledData | None,
    language: str,
    *,
    problem: PlaygroundError | None = None,
    vocabulary: VocabularyReport | None = None,
) -> str:
    """The check as Markdown: the problem that stops training, or what trains, what was left out, the vocabulary."""
    if problem is not None or data is None:
        return _t("problem", language, message=md_literal(problem.text(language) if problem else ""))
    counts = Counter(e.label for e in data.train + data.eval)
    label_counts = ", ".join(f"{md_literal(label)} {counts[label]}" for label in data.labels)
    rows = len(data.train) + len(data.eval)
    lines = [_t("summary", language, rows=rows, train=len(data.train), eval=len(data.eval), counts=label_counts)]
    if data.dropped:
        lines += ["", _t("dropped", language, n=len(data.dropped))]
        lines += [_dropped_line(row, language) for row in data.dropped[:SHOWN_ROWS]]
        if len(data.dropped) > SHOWN_ROWS:
            lines.append(f"- {_t('more', language, n=len(data.dropped) - SHOWN_ROWS)}")
    lines += ["", *(_vocabulary_lines(vocabulary, language) if vocabulary else [_t("later", language)])]
    return "\n".join(lines)


def table_rows(table: pd.DataFrame | list | None) -> list[list[str]]:
    """The edited table's ``[text, label, split]`` rows."""
    if isinstance(table, pd.DataFrame):
        return rows_from_table(list(table.columns), table.values.tolist())
    return rows_from_table(table[0], table[1:]) if table else []


def make_check_handler(ctx: AppContext) -> Callable[..., str]:
    """The data check for the table as it is now (never a pop-up: a problem is shown in the panel)."""

    def check_data(
        table: pd.DataFrame | None,
        model: str,
        conflicts: str = Conflicts.ASK.value,
        language: str = "auto",
        request: gr.Request = None,
    ) -> str:
        language = resolve_language(language, request)
        try:
            data = prepare_data(table_rows(table), conflicts=conflicts)
        except PlaygroundError as problem:
            return render_check(None, language, problem=problem)
        try:
            vocabulary = report_if_here(data, model, policy=ctx.policy)
        except PlaygroundError:  # a wrong model name: the model box's status line says what is wrong
            vocabulary = None
        return render_check(data, language, vocabulary=vocabulary)

    return check_data


def build_section() -> tuple[gr.Radio, gr.Markdown]:
    """The choice for conflicting labels, and the panel the check is shown in (under the table)."""
    conflicts = gr.Radio(
        [(tr(key), value) for key, value in CONFLICT_CHOICES],
        value=Conflicts.ASK.value,
        label=tr("finetune.conflicts"),
        info=tr("finetune.conflicts_info"),
    )
    return conflicts, gr.Markdown(elem_id="finetune-data-check")
