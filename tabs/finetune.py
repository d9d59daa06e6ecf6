"""Fine-tuning lab tab: data table, "before", training with a live loss curve and Stop, "after", save, use it."""

import contextlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import gradio as gr
import pandas as pd

from core.finetune.data import (
    MAX_ROWS,
    STARTER_SETS,
    Conflicts,
    LabelledData,
    load_starter,
    prepare_data,
    read_csv,
    to_csv,
)
from core.finetune.hub_data import DEFAULT_ROW_CAP, PREVIEW_ROWS, HubRows, load_hub_rows
from core.finetune.train import FineTuneResult, Stage, TrainingSettings, Update, fine_tune, notebook_code, push_to_hub
from core.public.storage import VisitorStorage
from core.registry import FINETUNE_DATASETS, get_task
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.finetune_check import CONFLICT_CHOICES, make_check_handler, render_check, table_rows
from tabs.finetune_check import STRINGS as CHECK_STRINGS
from tabs.i18n import tr
from tabs.widgets.model_picker import model_picker, refresh_status_after

TASK = get_task("finetune")
DEFAULTS = TrainingSettings()
STARTER = "sentiment_en_ko"
TABLE_HEADERS = ["text", "label", "split"]
EPOCH_HEADERS = ["epoch", "step", "eval_accuracy"]
#: The loss curve's columns, numeric even before the first step: the browser fixes the chart's axis types on the
#: first value it draws (later values only replace the data), and an empty frame's columns would be read as text.
LOSS_COLUMNS = {"epoch": "int64", "step": "int64", "loss": "float64"}
#: The sentiment tab's model box, which "use it" fills (tabs/classify.py gives it this elem_id).
CLASSIFY_MODEL_ELEM_ID = "classify-model"

STRINGS = {
    "en": {
        "finetune.tab": "🎓 Fine-tuning lab",
        "finetune.explain": (
            "**Fine-tuning** teaches a pretrained model a new job with your own labelled sentences. "
            "This is *transfer learning*: the encoder keeps what it learned from huge amounts of text, and a new, "
            "untrained *classification head* (one output per label) is added on top. "
            'First the lab measures the untrained head on the evaluation rows ("before": about chance), then trains '
            "for a few *epochs* (passes over the training rows) with a *learning rate* that says how big each "
            'update is, and measures again ("after"). The evaluation rows are never trained on. '
            "Rows with split=eval are held out; if no row has a split, 20% of each label is held out at random."
        ),
        "finetune.starter": "Starter set",
        "finetune.starter_info": "Written for this project: English and Korean",
        "finetune.load": "Load starter set",
        "finetune.data": "Or upload a CSV (columns text,label, optional split)",
        "finetune.table": "Data (editable: add, change or delete rows)",
        "finetune.download": "Download CSV",
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
        "finetune.saved_to": "Saved to",
        "finetune.use_it": "Use it in the Sentiment tab",
        "finetune.push": "Push to the Hugging Face Hub (optional)",
        "finetune.repo_id": "Repository (your-name/model-name)",
        "finetune.token": "Access token (write)",
        "finetune.token_info": "Used for this upload only, never stored",
        "finetune.private": "Private repository",
        "finetune.push_button": "Push",
        "finetune.hub": "Or a dataset from the Hub (online)",
        "finetune.hub_dataset": "Hub dataset id",
        "finetune.hub_dataset_info": "A suggestion, or any text-classification dataset 'org/name'",
        "finetune.hub_split": "Split",
        "finetune.hub_config": "Config (if the dataset has several)",
        "finetune.hub_rows": "Row cap",
        "finetune.hub_rows_info": "Only the first rows are streamed, never the whole dataset",
        "finetune.hub_text_column": "Text column (empty: detect)",
        "finetune.hub_label_column": "Label column (empty: detect)",
        "finetune.hub_preview": "Preview",
        "finetune.hub_use": "Use these rows",
        "finetune.hub_preview_table": "First rows",
        "finetune.hub_summary": (
            "**{rows:,} rows** from `{dataset}` ({split}) · text: `{text}` · label: `{label}` · "
            "columns: {columns} · labels: {counts}{skipped}"
        ),
        "finetune.hub_skipped": " · left out: {skipped}",
        "finetune.zip": "Download the model as a zip",
        "finetune.zip_file": "Your model (kept on the server for an hour at most)",
    },
    "ko": {
        "finetune.tab": "🎓 파인튜닝 실험실",
        "finetune.explain": (
            "**파인튜닝**은 사전학습된 모델에게 내 레이블 문장으로 새 일을 가르치는 거예요. "
            "이것이 *전이학습*이에요: 인코더는 많은 텍스트에서 배운 것을 그대로 쓰고, 그 위에 아직 학습되지 않은 "
            '새 *분류 헤드*(레이블마다 출력 하나)를 붙여요. 먼저 평가 행에서 학습 전 헤드를 재고("학습 전": 거의 찍기 수준), '
            '몇 *에포크*(학습 행 전체를 한 번 도는 것) 동안 *학습률*(한 번에 얼마나 크게 고칠지)로 학습한 뒤 다시 재요("학습 후"). '
            "평가 행으로는 학습하지 않아요. split=eval인 행은 평가용이고, split이 없으면 레이블마다 20%를 무작위로 떼어 놓아요."
        ),
        "finetune.starter": "예제 데이터",
        "finetune.starter_info": "이 프로젝트를 위해 쓴 영어·한국어 문장",
        "finetune.load": "예제 데이터 불러오기",
        "finetune.data": "또는 CSV 올리기 (text,label 열, split은 선택)",
        "finetune.table": "데이터 (직접 고칠 수 있어요: 행 추가, 수정, 삭제)",
        "finetune.download": "CSV 내려받기",
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
        "finetune.saved_to": "저장한 곳",
        "finetune.use_it": "감성 분석 탭에서 써 보기",
        "finetune.push": "Hugging Face Hub에 올리기 (선택)",
        "finetune.repo_id": "저장소 (내-아이디/모델-이름)",
        "finetune.token": "액세스 토큰 (write)",
        "finetune.token_info": "이번 업로드에만 쓰고 저장하지 않아요",
        "finetune.private": "비공개 저장소",
        "finetune.push_button": "올리기",
        "finetune.hub": "또는 Hub의 데이터셋 (온라인)",
        "finetune.hub_dataset": "Hub 데이터셋 id",
        "finetune.hub_dataset_info": "추천 목록에서 고르거나, 텍스트 분류 데이터셋 'org/name'을 입력하세요",
        "finetune.hub_split": "Split (데이터 나눔)",
        "finetune.hub_config": "Config (설정이 여러 개인 데이터셋만)",
        "finetune.hub_rows": "최대 행 수",
        "finetune.hub_rows_info": "앞쪽 행만 스트리밍으로 받아요. 전체를 내려받지 않아요",
        "finetune.hub_text_column": "텍스트 열 (비우면 자동)",
        "finetune.hub_label_column": "레이블 열 (비우면 자동)",
        "finetune.hub_preview": "미리 보기",
        "finetune.hub_use": "이 행으로 학습하기",
        "finetune.hub_preview_table": "앞쪽 행",
        "finetune.hub_summary": (
            "`{dataset}` ({split})에서 **{rows:,}행** · 텍스트: `{text}` · 레이블: `{label}` · "
            "열: {columns} · 레이블별 개수: {counts}{skipped}"
        ),
        "finetune.hub_skipped": " · 뺀 행: {skipped}",
        "finetune.zip": "모델을 zip으로 내려받기",
        "finetune.zip_file": "내 모델 (서버에는 최대 한 시간만 보관해요)",
    },
}
for _language, _strings in CHECK_STRINGS.items():
    STRINGS[_language].update(_strings)

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
    english, korean = _STAGE_TEXT[update.stage]
    last = result.history[-1] if result.history else {"epoch": 0, "loss": 0.0}
    stopped = ""
    if result.stopped:
        stopped = (
            f" (stopped at step {result.steps_done})" if language != "ko" else f" ({result.steps_done}스텝에서 멈춤)"
        )
    return (korean if language == "ko" else english).format(
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
        """Train a classifier on the rows (a repeat trains once; ``conflicts``: ask, first or drop)."""
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
            for update in updates:
                result = update.result
                progress((result.steps_done, result.total_steps), desc=update.stage.value)
                yield _view(update, labelled, language)
        finally:
            runs.finish(session)

    run_finetune.runs = runs
    return run_finetune


#: Why a dataset row was left out (core/finetune/hub_data.py's reasons), in English and Korean.
_SKIPPED = {
    "duplicate": ("duplicate", "중복"),
    "empty_text": ("empty text", "빈 텍스트"),
    "no_label": ("no label", "레이블 없음"),
    "too_long": ("too long", "너무 긴 글"),
}


def _summary(rows: HubRows, language: str) -> str:
    counts = ", ".join(f"{label} {n:,}" for label, n in rows.label_counts.items())
    korean = language == "ko"
    skipped = ", ".join(f"{_SKIPPED[reason][korean]} {n:,}" for reason, n in rows.skipped.items())
    strings = STRINGS["ko" if korean else "en"]
    return strings["finetune.hub_summary"].format(
        rows=len(rows.rows),
        dataset=rows.dataset,
        split=rows.split,
        text=rows.text_column,
        label=rows.label_column,
        columns=", ".join(f"`{c}`" for c in rows.columns),
        counts=counts,
        skipped=strings["finetune.hub_skipped"].format(skipped=skipped) if skipped else "",
    )


def make_dataset_handler(ctx: AppContext) -> Callable:
    """The /load_dataset handler: the first rows of a Hub dataset, previewed and ready for the table."""

    @user_errors
    def load_dataset(
        dataset: str,
        split: str = "train",
        config: str = "",
        text_column: str = "",
        label_column: str = "",
        max_rows: int = DEFAULT_ROW_CAP,
        language: str = "auto",
        request: gr.Request = None,
    ) -> tuple:
        """Stream up to max_rows (text, label) rows of one split; labels are the dataset's own class names."""
        language = resolve_language(language, request)
        rows = load_hub_rows(
            dataset,
            split,
            config,
            text_column=text_column,
            label_column=label_column,
            max_rows=max_rows,
            allow_local=not ctx.public,
        )
        preview = pd.DataFrame(rows.preview(PREVIEW_ROWS), columns=["text", "label"])
        return rows.to_json(), _summary(rows, language), preview, rows.lab_rows()

    return load_dataset


def _suggested_split(dataset: str) -> str:
    return next((d.split for d in FINETUNE_DATASETS if d.id == dataset), gr.skip())


def _use_rows(rows: list[list[str]]) -> pd.DataFrame:
    """The previewed rows into the lab's table, which training reads."""
    return pd.DataFrame(rows, columns=TABLE_HEADERS) if rows else gr.skip()


def _starter_rows(set_id: str) -> pd.DataFrame:
    return pd.DataFrame(load_starter(set_id), columns=TABLE_HEADERS)


def _find_block(ctx: AppContext, elem_id: str):
    blocks = getattr(ctx.blocks, "blocks", {}) or {}
    return next((b for b in blocks.values() if getattr(b, "elem_id", None) == elem_id), None)


def build(ctx: AppContext) -> None:
    """The lab: data left, settings right, live training below, results and saving last."""
    runs = TrainingRuns()
    storage = VisitorStorage() if ctx.public else None
    with gr.Tab(tr("finetune.tab"), id=TASK.id) as tab:
        with gr.Accordion(tr("common.about"), open=False):
            gr.Markdown(tr("finetune.explain"))
        with gr.Row():
            with gr.Column(scale=3):
                starter = gr.Dropdown(
                    [(f"{s.title_en} · {s.title_ko}", s.id) for s in STARTER_SETS.values()],
                    value=STARTER,
                    label=tr("finetune.starter"),
                    info=tr("finetune.starter_info"),
                )
                load = gr.Button(tr("finetune.load"), size="sm")
                data = gr.File(label=tr("finetune.data"), file_types=[".csv"], type="filepath", height=90)
                table = gr.Dataframe(
                    _starter_rows(STARTER),
                    headers=TABLE_HEADERS,
                    column_count=3,
                    interactive=True,
                    label=tr("finetune.table"),
                    max_height=320,
                    wrap=True,
                    show_row_numbers=True,  # the data check names rows by these numbers
                )
                conflicts = gr.Radio(
                    [(tr(key), value) for key, value in CONFLICT_CHOICES],
                    value=Conflicts.ASK.value,
                    label=tr("finetune.conflicts"),
                    info=tr("finetune.conflicts_info"),
                )
                data_check = gr.Markdown(elem_id="finetune-data-check")
                download = gr.DownloadButton(tr("finetune.download"), _csv_file(load_starter(STARTER)), size="sm")
                with gr.Accordion(tr("finetune.hub"), open=False):
                    with gr.Row():
                        hub_dataset = gr.Dropdown(
                            [(f"{d.id} · {d.note}", d.id) for d in FINETUNE_DATASETS],
                            value=FINETUNE_DATASETS[0].id,
                            allow_custom_value=True,
                            label=tr("finetune.hub_dataset"),
                            info=tr("finetune.hub_dataset_info"),
                            scale=3,
                        )
                        hub_split = gr.Textbox(FINETUNE_DATASETS[0].split, label=tr("finetune.hub_split"), scale=1)
                        hub_rows = gr.Number(
                            DEFAULT_ROW_CAP,
                            precision=0,
                            minimum=1,
                            maximum=MAX_ROWS,
                            label=tr("finetune.hub_rows"),
                            info=tr("finetune.hub_rows_info"),
                            scale=1,
                        )
                    with gr.Row():
                        hub_config = gr.Textbox("", label=tr("finetune.hub_config"))
                        hub_text = gr.Textbox("", label=tr("finetune.hub_text_column"))
                        hub_label = gr.Textbox("", label=tr("finetune.hub_label_column"))
                    with gr.Row():
                        hub_preview = gr.Button(tr("finetune.hub_preview"), size="sm")
                        hub_use = gr.Button(tr("finetune.hub_use"), size="sm", variant="secondary")
                    hub_summary = gr.Markdown()
                    hub_table = gr.Dataframe(
                        headers=["text", "label"], label=tr("finetune.hub_preview_table"), max_height=240, wrap=True
                    )
                    hub_raw = gr.JSON(label=tr("common.raw"), open=False)
                    hub_loaded = gr.State([])
            with gr.Column(scale=2):
                model, _status = model_picker(TASK, ctx)
                learning_rate = gr.Number(
                    DEFAULTS.learning_rate, label=tr("finetune.learning_rate"), info=tr("finetune.learning_rate_info")
                )
                epochs = gr.Slider(
                    1, 20, DEFAULTS.epochs, step=1, label=tr("finetune.epochs"), info=tr("finetune.epochs_info")
                )
                batch_size = gr.Slider(
                    1,
                    128,
                    DEFAULTS.batch_size,
                    step=1,
                    label=tr("finetune.batch_size"),
                    info=tr("finetune.batch_size_info"),
                )
                max_length = gr.Slider(
                    8,
                    512,
                    DEFAULTS.max_length,
                    step=8,
                    label=tr("finetune.max_length"),
                    info=tr("finetune.max_length_info"),
                )
                seed = gr.Number(DEFAULTS.seed, precision=0, label=tr("finetune.seed"), info=tr("finetune.seed_info"))
                output_dir = gr.Textbox(
                    "", label=tr("finetune.output_dir"), info=tr("finetune.output_dir_info"), visible=not ctx.public
                )
                train = gr.Button(tr("finetune.train"), variant="primary")
                stop = gr.Button(tr("finetune.stop"), variant="stop")
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
        with gr.Row():
            saved_to = gr.Textbox(label=tr("finetune.saved_to"), interactive=False, scale=3)
            use_it = gr.Button(tr("finetune.use_it"), visible=not ctx.public, scale=1)
            zip_button = gr.Button(tr("finetune.zip"), visible=ctx.public, scale=1)
        zip_file = gr.File(label=tr("finetune.zip_file"), interactive=False, visible=ctx.public)
        with gr.Accordion(tr("finetune.push"), open=False), gr.Row():
            repo_id = gr.Textbox(label=tr("finetune.repo_id"), placeholder="your-name/my-sentiment-model")
            token = gr.Textbox(label=tr("finetune.token"), info=tr("finetune.token_info"), type="password")
            private = gr.Checkbox(True, label=tr("finetune.private"))
            push = gr.Button(tr("finetune.push_button"))
        push_result = gr.Markdown()
        saved = gr.State("")
        raw = gr.JSON(label=tr("common.raw"))
        code = gr.Code(language="python", label=tr("common.code"))

    # The check follows the student's edits, not training's own rewrite of the table (its first update
    # sends the check of the rows it really uses, with the rows it left out).
    check = {"fn": make_check_handler(ctx), "inputs": [table, model, conflicts, ctx.language], "outputs": data_check}
    gr.on(
        [tab.select, table.input, model.change, conflicts.change, ctx.language.change],
        **check,
        api_visibility="private",
    )
    load.click(_starter_rows, inputs=starter, outputs=table, api_visibility="private").then(
        **check, api_visibility="private"
    )
    data.upload(_upload, inputs=[data, ctx.language], outputs=[table, data], api_visibility="private").then(
        **check, api_visibility="private"
    )
    table.change(_csv_writer(storage), inputs=table, outputs=download, api_visibility="private")
    if ctx.blocks is not None:
        ctx.blocks.unload(_forgetter(storage))
    if storage is not None:
        zip_button.click(_zipper(storage), inputs=[saved, ctx.language], outputs=zip_file, api_visibility="private")
    hub_dataset.input(_suggested_split, inputs=hub_dataset, outputs=hub_split, api_visibility="private")
    hub_preview.click(
        make_dataset_handler(ctx),
        inputs=[hub_dataset, hub_split, hub_config, hub_text, hub_label, hub_rows, ctx.language],
        outputs=[hub_raw, hub_summary, hub_table, hub_loaded],
        api_name="load_dataset",
    )
    hub_use.click(_use_rows, inputs=hub_loaded, outputs=table, api_visibility="private").then(
        **check, api_visibility="private"
    )
    ran = train.click(
        make_handler(ctx, runs, storage),
        inputs=[
            data,
            model,
            learning_rate,
            epochs,
            batch_size,
            seed,
            max_length,
            table,
            output_dir,
            ctx.device,
            ctx.language,
            conflicts,
        ],
        outputs=[raw, status, table, loss, epoch_table, before, after, predictions, saved_to, code, saved, data_check],
        api_name="finetune",
        concurrency_limit=1,
        concurrency_id="finetune",
        show_progress="minimal",
    )
    refresh_status_after(ctx, model, ran)
    stop.click(_stopper(runs), inputs=ctx.language, outputs=status, api_visibility="private", queue=False)
    push.click(
        _pusher,
        inputs=[saved, repo_id, token, private, ctx.language],
        outputs=push_result,
        api_visibility="private",
    )
    classify_model = _find_block(ctx, CLASSIFY_MODEL_ELEM_ID)
    tabs = getattr(tab, "parent", None)
    if classify_model is not None and isinstance(tabs, gr.Tabs):
        use_it.click(_use_it, inputs=saved, outputs=[classify_model, tabs], api_visibility="private")


@user_errors
def _upload(data: str | None, language: str = "auto", request: gr.Request = None) -> tuple:
    """Show an uploaded CSV in the table (which training then reads), and empty the upload box."""
    if not data:
        return gr.skip(), gr.skip()
    try:
        return pd.DataFrame(read_csv(data), columns=TABLE_HEADERS), None
    finally:
        with contextlib.suppress(OSError):
            Path(data).unlink()  # gradio's copy of the upload: now in the table, not needed on the server


#: Private mode: where each session's table CSV (the download button's file) is written, one file per session.
TABLES_ROOT = Path(tempfile.gettempdir()) / "pipeline-playground-tables"


def _table_folder(session: str | None, storage: VisitorStorage | None) -> Path:
    if storage is not None:  # public mode: in the visitor's folder, inside the disk cap, removed when they leave
        return storage.folder(session or "starter")
    folder = TABLES_ROOT / VisitorStorage.visitor_key(session or "starter")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _csv_writer(storage: VisitorStorage | None = None) -> Callable:
    def csv_file(rows: pd.DataFrame, request: gr.Request = None) -> str | None:
        """The table as a CSV file for the download button: one file per session, rewritten on each change."""
        path = _table_folder(getattr(request, "session_hash", None), storage) / "finetune_data.csv"
        table = rows.values.tolist() if isinstance(rows, pd.DataFrame) else (rows or [])
        path.write_text(to_csv(table), encoding="utf-8")
        return str(path)

    return csv_file


def _csv_file(rows: pd.DataFrame) -> str | None:
    """The starter table's CSV (the download button's first file)."""
    return _csv_writer()(rows)


def _forgetter(storage: VisitorStorage | None) -> Callable:
    def forget_visitor(request: gr.Request = None) -> None:
        """The page closed: the visitor's table CSV and, in public mode, their saved models go."""
        session = getattr(request, "session_hash", None)
        if not session:
            return
        import shutil

        shutil.rmtree(TABLES_ROOT / VisitorStorage.visitor_key(session), ignore_errors=True)
        if storage is not None:
            storage.forget(session)

    return forget_visitor


def _zipper(storage: VisitorStorage) -> Callable:
    @user_errors
    def zip_model(saved: str, language: str = "auto", request: gr.Request = None) -> str:
        """The visitor's saved model as a zip, to download (public mode keeps it on the server an hour at most)."""
        return str(storage.zip_model(Path(saved) if saved else storage.root / "none"))

    return zip_model


def _stopper(runs: TrainingRuns) -> Callable:
    def stop_training(language: str = "auto", request: gr.Request = None) -> str:
        stopped = runs.stop(getattr(request, "session_hash", None) or "direct")
        if resolve_language(language, request) == "ko":
            return (
                "⏹️ 지금 스텝이 끝나면 멈추고, 배운 것을 평가하고 저장해요." if stopped else "진행 중인 학습이 없어요."
            )
        return (
            "⏹️ Stopping after this step; what was learned is evaluated and saved."
            if stopped
            else "No training is running."
        )

    return stop_training


@user_errors
def _pusher(
    saved_to: str, repo_id: str, token: str, private: bool = True, language: str = "auto", request: gr.Request = None
) -> str:
    url = push_to_hub(saved_to, repo_id, token, private=private)
    return f"✅ [{url}]({url})"


def _use_it(saved_to: str) -> tuple:
    if not saved_to:
        return gr.skip(), gr.skip()
    return gr.update(value=saved_to), gr.Tabs(selected="classify")
