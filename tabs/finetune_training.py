"""The lab's training section: the settings, then the run itself, streamed: status, loss curve, accuracy per
epoch, the confusion matrices and every evaluation row before and after; Stop keeps what was learned."""

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd

from core.finetune.data import Conflicts, LabelledData, prepare_data, read_csv
from core.finetune.train import FineTuneResult, Stage, TrainingSettings, Update, fine_tune, notebook_code
from core.localized import Localized
from core.public.storage import VisitorStorage
from core.registry import get_task
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.finetune_check import render_check, table_rows
from tabs.finetune_data import TABLE_HEADERS
from tabs.i18n import tr
from tabs.widgets.model_picker import model_picker

TASK = get_task("finetune")
DEFAULTS = TrainingSettings()
EPOCH_HEADERS = ["epoch", "step", "eval_accuracy"]
#: The loss curve's columns, numeric even before the first step: the browser fixes the chart's axis types on the
#: first value it draws (later values only replace the data), and an empty frame's columns would be read as text.
LOSS_COLUMNS = {"epoch": "int64", "step": "int64", "loss": "float64"}
#: A training step redraws the page at most this often: every update carries the whole loss curve, so a skipped
#: step loses nothing, and a small model's 30 steps a second no longer cost each browser 30 chart renders.
STEP_REDRAW_SECONDS = 0.5

STRINGS = {
    "en": {
        "finetune.learning_rate": "Learning rate",
        "finetune.learning_rate_info": "How big each update is (1e-6 to 1e-2)",
        "finetune.epochs": "Epochs",
        "finetune.epochs_info": "Passes over the training rows",
        "finetune.batch_size": "Batch size",
        "finetune.batch_size_info": "Sentences per update step",
        "finetune.seed": "Seed",
        "finetune.seed_info": "Same seed, same data, same settings: same result",
        "finetune.max_length": "Max length (tokens)",
        "finetune.max_length_info": "Longer sentences are cut",
        "finetune.output_dir": "Save to folder (empty: a new folder under ./finetuned)",
        "finetune.output_dir_info": "Must not exist yet, or be empty",
        "finetune.train": "Train",
        "finetune.stop": "Stop (keep what was learned)",
        "finetune.loss": "Training loss per step",
        "finetune.epoch_table": "Evaluation accuracy after each epoch",
        "finetune.before_matrix": "Before: confusion matrix (rows: true label)",
        "finetune.after_matrix": "After: confusion matrix (rows: true label)",
        "finetune.predictions": "Evaluation rows: before and after",
    },
    "ko": {
        "finetune.learning_rate": "학습률",
        "finetune.learning_rate_info": "한 번에 얼마나 크게 고칠지 (1e-6 ~ 1e-2)",
        "finetune.epochs": "에포크",
        "finetune.epochs_info": "학습 행 전체를 몇 번 돌지",
        "finetune.batch_size": "배치 크기",
        "finetune.batch_size_info": "한 번 고칠 때 보는 문장 수",
        "finetune.seed": "시드",
        "finetune.seed_info": "시드·데이터·설정이 같으면 결과도 같아요",
        "finetune.max_length": "최대 길이 (토큰)",
        "finetune.max_length_info": "더 긴 문장은 잘라요",
        "finetune.output_dir": "저장할 폴더 (비우면 ./finetuned 아래에 새 폴더)",
        "finetune.output_dir_info": "없는 폴더이거나 빈 폴더여야 해요",
        "finetune.train": "학습",
        "finetune.stop": "멈추기 (배운 것은 유지)",
        "finetune.loss": "스텝별 학습 손실",
        "finetune.epoch_table": "에포크마다 평가 정확도",
        "finetune.before_matrix": "학습 전: 혼동 행렬 (행: 정답 레이블)",
        "finetune.after_matrix": "학습 후: 혼동 행렬 (행: 정답 레이블)",
        "finetune.predictions": "평가 행: 학습 전과 후",
    },
}


_STAGE_TEXT = {
    Stage.LOADED: ("Model loaded; measuring the untrained head…", "모델을 불러왔어요. 학습 전 헤드를 평가하는 중…"),
    Stage.BEFORE: ("Before: {before}. Training…", "학습 전: {before}. 학습하는 중…"),
    Stage.STEP: (
        "Step {step}/{total} · epoch {epoch}/{epochs} · loss {loss:.4f}",
        "스텝 {step}/{total} · 에포크 {epoch}/{epochs} · 손실 {loss:.4f}",
    ),
    Stage.EPOCH: (
        "Epoch {epoch}/{epochs} done · evaluation accuracy {accuracy:.1%}",
        "에포크 {epoch}/{epochs} 끝 · 평가 정확도 {accuracy:.1%}",
    ),
    Stage.AFTER: ("Measuring after training; saving…", "학습 후 평가 완료, 저장하는 중…"),
    Stage.SAVED: (
        "✅ Done in {seconds:.1f} s{stopped}: before {before} → after {after}. Saved to `{saved_to}`.",
        "✅ {seconds:.1f}초 만에 끝났어요{stopped}: 학습 전 {before} → 학습 후 {after}. 저장한 곳: `{saved_to}`",
    ),
}


class TrainingRuns:
    """The Stop signal of each browser session's running training (at most one per session)."""

    def __init__(self) -> None:
        self._signals: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def start(self, session: str) -> threading.Event:
        with self._lock:
            self._signals[session] = threading.Event()
            return self._signals[session]

    def stop(self, session: str) -> bool:
        with self._lock:
            signal = self._signals.get(session)
        if signal is not None:
            signal.set()
        return signal is not None

    def finish(self, session: str) -> None:
        with self._lock:
            self._signals.pop(session, None)


def _accuracy(evaluation) -> str:
    if evaluation is None:
        return "–"
    correct = sum(p["label"] == p["predicted"] for p in evaluation.predictions)
    return f"{evaluation.accuracy:.0%} ({correct}/{len(evaluation.predictions)})"


def _status(update: Update, language: str) -> str:
    result = update.result
    last = result.history[-1] if result.history else {"epoch": 0, "loss": 0.0}
    stopped = ""
    if result.stopped:
        stopped = Localized(" (stopped at step {n})", " ({n}스텝에서 멈춤)").format(n=result.steps_done).text(language)
    return (
        Localized(*_STAGE_TEXT[update.stage])
        .text(language)
        .format(
            step=result.steps_done,
            total=result.total_steps,
            epoch=last["epoch"],
            epochs=result.settings.epochs,
            loss=last["loss"],
            accuracy=result.epochs[-1]["eval_accuracy"] if result.epochs else 0.0,
            before=_accuracy(result.before),
            after=_accuracy(result.after),
            seconds=result.seconds,
            stopped=stopped,
            saved_to=result.saved_to,
        )
    )


def _epoch_rows(result: FineTuneResult) -> pd.DataFrame:
    """Accuracy after each epoch as a student reads it, "36.7%" (the raw JSON keeps 0.36666…)."""
    rows = [[e["epoch"], e["step"], f"{e['eval_accuracy']:.1%}"] for e in result.epochs or []]
    return pd.DataFrame(rows, columns=EPOCH_HEADERS)


def _matrix(evaluation, labels: list[str]) -> list[list]:
    if evaluation is None:
        return []
    return [[label, *row] for label, row in zip(labels, evaluation.confusion_matrix, strict=True)]


def _predictions(result: FineTuneResult) -> list[list]:
    def mark(p) -> str:
        return f"{p['predicted']} {'✓' if p['predicted'] == p['label'] else '✗'} ({p['score']:.2f})"

    before = result.before.predictions if result.before else []
    after = result.after.predictions if result.after else [None] * len(before)
    return [[b["text"], b["label"], mark(b), mark(a) if a else ""] for b, a in zip(before, after, strict=True)]


def _view(update: Update, data: LabelledData, language: str) -> tuple:
    """The outputs for one moment of the run: raw JSON first, then what the student looks at.

    A training step changes only the JSON, the status and the curve; the rest is sent when it changes.
    The data check is sent once, at the start: the rows that train, those left out, the vocabulary.
    """
    result = update.result
    headers = ["true \\ predicted", *result.labels]
    first = update.stage is Stage.LOADED
    step = update.stage is Stage.STEP
    return (
        result.to_json(),
        _status(update, language),
        pd.DataFrame(data.rows(), columns=TABLE_HEADERS) if first else gr.skip(),
        pd.DataFrame(result.history or [], columns=list(LOSS_COLUMNS)).astype(LOSS_COLUMNS),
        _epoch_rows(result),
        gr.skip() if step else gr.Dataframe(value=_matrix(result.before, result.labels), headers=headers),
        gr.skip() if step else gr.Dataframe(value=_matrix(result.after, result.labels), headers=headers),
        gr.skip() if step else _predictions(result),
        result.saved_to or "",
        notebook_code(result.model, result.settings, result.labels) if first else gr.skip(),
        str(result.folder or ""),  # the server-side copy that "use it", "push" and the zip trust; never shown
        render_check(data, language, vocabulary=result.vocabulary) if first else gr.skip(),
    )


def _rows(data: str | None, rows: pd.DataFrame | list | None) -> list[list[str]]:
    """The CSV file's rows when one was given, else the table's."""
    return read_csv(data) if data else table_rows(rows)


def make_handler(ctx: AppContext, runs: TrainingRuns | None = None, storage: VisitorStorage | None = None) -> Callable:
    """The /finetune handler (a stream of updates); ``runs`` lets the Stop button reach it; ``storage`` (public
    mode) keeps each visitor's models in a temporary folder of its own."""
    runs = runs or TrainingRuns()

    @user_errors
    def run_finetune(
        data: str | None,
        model: str,
        learning_rate: float = DEFAULTS.learning_rate,
        epochs: int = DEFAULTS.epochs,
        batch_size: int = DEFAULTS.batch_size,
        seed: int = DEFAULTS.seed,
        max_length: int = DEFAULTS.max_length,
        rows: pd.DataFrame | None = None,
        output_dir: str = "",
        device: str = "auto",
        language: str = "auto",
        conflicts: str = Conflicts.ASK.value,
        request: gr.Request = None,
        progress: gr.Progress = gr.Progress(),  # noqa: B008 (gradio's idiom)
    ) -> Iterator[tuple]:
        """Fine-tune a text classifier on labelled rows, evaluate it before and after, and save it (a stream of updates); the first output is {"labels", "before": {"accuracy", …}, "after": {"accuracy", …}, "history": [{"epoch", "step", "loss"}, …], "saved_to", …} (the last value of the stream is final).

        Args:
            data: A CSV file (path or URL) with a header naming columns text and label, optionally split (train or eval), at most 5,000 rows; None (default) = use rows.
            model: The base model to fine-tune for sequence classification: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            learning_rate: The optimizer's learning rate: 1e-6 to 1e-2, default 1e-4 (typical values 2e-5 to 1e-4).
            epochs: Passes over the training rows: 1 to 20, default 3.
            batch_size: Rows per training step: 1 to 128, default 16.
            seed: Seed for the shuffle, the held-out split and the new head: 0 to 4294967295, default 42.
            max_length: Tokens per sentence (longer ones are cut): 8 to 512, default 64.
            rows: The rows when data is None: a table of [text, label, split] rows (split train, eval or empty); with no split given, a stratified 20% is held out for evaluation; a repeated (text, label) row trains once.
            output_dir: Folder to save the model in, new or empty; empty (default) = a new folder under ./finetuned (public mode: must stay empty).
            conflicts: A sentence given two or more labels: ask (default: train nothing and list them), first (keep the first row's label) or drop (leave them all out).
        Returns:
            The raw JSON (also "epochs", "stopped", "steps", "total_steps", "model", "settings"); then the status, loss curve, accuracy per epoch, confusion matrices before and after, evaluation rows, the saved folder and the Python code.
        """
        language = resolve_language(language, request)
        settings = TrainingSettings(learning_rate, epochs, batch_size, seed, max_length).check()
        try:
            labelled = prepare_data(_rows(data, rows), seed=settings.seed, conflicts=conflicts)
        finally:
            if ctx.public and data:  # an upload is read once; in public mode it does not stay on the server
                Path(data).unlink(missing_ok=True)
        session = getattr(request, "session_hash", None) or "direct"
        stop = runs.start(session)
        try:
            updates = fine_tune(
                labelled,
                model,
                settings,
                device=device,
                policy=ctx.policy,
                output_dir=output_dir,
                stop=stop,
                storage=storage,
                visitor=session,
            )
            last_step = None
            for update in updates:
                if update.stage is Stage.STEP:  # the first step always shows (Stop needs a running step)
                    now = time.monotonic()
                    if last_step is not None and now - last_step < STEP_REDRAW_SECONDS:
                        continue
                    last_step = now
                result = update.result
                progress((result.steps_done, result.total_steps), desc=update.stage.value)
                yield _view(update, labelled, language)
        finally:
            runs.finish(session)

    run_finetune.runs = runs
    return run_finetune


def make_stop_handler(runs: TrainingRuns) -> Callable:
    """The Stop button: the running training of this browser session stops after its current step."""

    def stop_training(language: str = "auto", request: gr.Request = None) -> str:
        if runs.stop(getattr(request, "session_hash", None) or "direct"):
            answer = Localized(
                "⏹️ Stopping after this step; what was learned is evaluated and saved.",
                "⏹️ 지금 스텝이 끝나면 멈추고, 배운 것을 평가하고 저장해요.",
            )
        else:
            answer = Localized("No training is running.", "진행 중인 학습이 없어요.")
        return answer.text(resolve_language(language, request))

    return stop_training


@dataclass(frozen=True)
class Settings:
    """The settings column: the base model, the training settings (in /finetune's order), Train and Stop."""

    model: gr.Dropdown
    numbers: tuple[gr.components.Component, ...]
    output_dir: gr.Textbox
    train: gr.Button
    stop: gr.Button


def build_settings(ctx: AppContext) -> Settings:
    """The base model and how to train it; every default comes from core's ``TrainingSettings``."""
    model, status = model_picker(TASK, ctx)
    learning_rate = gr.Number(
        DEFAULTS.learning_rate, label=tr("finetune.learning_rate"), info=tr("finetune.learning_rate_info")
    )
    epochs = gr.Slider(1, 20, DEFAULTS.epochs, step=1, label=tr("finetune.epochs"), info=tr("finetune.epochs_info"))
    batch_size = gr.Slider(
        1, 128, DEFAULTS.batch_size, step=1, label=tr("finetune.batch_size"), info=tr("finetune.batch_size_info")
    )
    max_length = gr.Slider(
        8, 512, DEFAULTS.max_length, step=8, label=tr("finetune.max_length"), info=tr("finetune.max_length_info")
    )
    seed = gr.Number(DEFAULTS.seed, precision=0, label=tr("finetune.seed"), info=tr("finetune.seed_info"))
    output_dir = gr.Textbox(
        "", label=tr("finetune.output_dir"), info=tr("finetune.output_dir_info"), visible=not ctx.public
    )
    train = gr.Button(tr("finetune.train"), variant="primary")
    stop = gr.Button(tr("finetune.stop"), variant="stop")
    status.render()  # under the buttons: see tabs/widgets/model_picker.py
    numbers = (learning_rate, epochs, batch_size, seed, max_length)
    return Settings(model=model, numbers=numbers, output_dir=output_dir, train=train, stop=stop)


def build_progress() -> tuple[gr.components.Component, ...]:
    """What a run shows while it streams, in /finetune's output order: status, loss curve, accuracy per epoch,
    the confusion matrices before and after, and the evaluation rows."""
    status = gr.Markdown()
    with gr.Row():
        # A loss is never negative: from 0 up, the ticks are round numbers and the fall shows to scale.
        loss = gr.LinePlot(x="step", y="loss", label=tr("finetune.loss"), height=260, y_lim=[0, None])
        epoch_table = gr.Dataframe(headers=EPOCH_HEADERS, label=tr("finetune.epoch_table"))
    with gr.Row():
        before = gr.Dataframe(label=tr("finetune.before_matrix"))
        after = gr.Dataframe(label=tr("finetune.after_matrix"))
    predictions = gr.Dataframe(
        headers=["text", "label", "before", "after"], label=tr("finetune.predictions"), wrap=True, max_height=360
    )
    return status, loss, epoch_table, before, after, predictions
