"""The lab's data section: a starter set, a CSV upload or a Hub dataset's first rows, in one editable table
(which training reads) with its CSV download and, under it, the data check."""

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import pandas as pd
from gradio.events import Dependency

from core.finetune.data import MAX_ROWS, STARTER_SETS, load_starter, read_csv, to_csv
from core.finetune.hub_data import DEFAULT_ROW_CAP, PREVIEW_ROWS, HubRows, load_hub_rows
from core.localized import Localized
from core.public.storage import VisitorStorage
from core.registry import FINETUNE_DATASETS
from tabs import finetune_check
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.i18n import tr
from tabs.widgets.open_dropdown import open_dropdown

STARTER = "sentiment_en_ko"
TABLE_HEADERS = ["text", "label", "split"]

STRINGS = {
    "en": {
        "finetune.starter": "Starter set",
        "finetune.starter_info": "Written for this project: English and Korean",
        "finetune.load": "Load starter set",
        "finetune.data": "Or upload a CSV (columns text,label, optional split)",
        "finetune.table": "Data (editable: add, change or delete rows)",
        "finetune.download": "Download CSV",
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
    },
    "ko": {
        "finetune.starter": "예제 데이터",
        "finetune.starter_info": "이 프로젝트를 위해 쓴 영어·한국어 문장",
        "finetune.load": "예제 데이터 불러오기",
        "finetune.data": "또는 CSV 올리기 (text,label 열, split은 선택)",
        "finetune.table": "데이터 (직접 고칠 수 있어요: 행 추가, 수정, 삭제)",
        "finetune.download": "CSV 내려받기",
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
    },
}


#: Why a dataset row was left out (core/finetune/hub_data.py's reasons), in English and Korean.
_SKIPPED = {
    "duplicate": Localized("duplicate", "중복"),
    "empty_text": Localized("empty text", "빈 텍스트"),
    "no_label": Localized("no label", "레이블 없음"),
    "too_long": Localized("too long", "너무 긴 글"),
}


def _summary(rows: HubRows, language: str) -> str:
    counts = ", ".join(f"{label} {n:,}" for label, n in rows.label_counts.items())
    skipped = ", ".join(f"{_SKIPPED[reason].text(language)} {n:,}" for reason, n in rows.skipped.items())
    strings = STRINGS["ko" if language == "ko" else "en"]
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
        """Stream up to max_rows (text, label) rows of one split of a Hub dataset for the fine-tuning lab; labels are the dataset's own class names; the first output summarises what was read.

        Args:
            dataset: A Hub dataset id (org/name) or, outside public mode, a local dataset folder.
            split: The split to read, a plain name such as train, validation or test; default train.
            config: The dataset's configuration (subset) name when it has several; empty (default) = its default one.
            text_column: The column holding the text; empty (default) = guessed from the usual names (text, sentence, …).
            label_column: The column holding the label; empty (default) = guessed from the usual names (label, …).
            max_rows: At most this many rows: 1 to 5,000, default 1,000.
        Returns:
            The raw JSON {"dataset", "config", "split", "columns", "text_column", "label_column", "num_rows", "label_counts", "skipped", "preview": [{"text", "label"}, …]}; then a summary, a preview table and the rows as [text, label, split] for the lab's table.
        """
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
        shutil.rmtree(TABLES_ROOT / VisitorStorage.visitor_key(session), ignore_errors=True)
        if storage is not None:
            storage.forget(session)

    return forget_visitor


@dataclass(frozen=True)
class DataSection:
    """What the rest of the lab reads or follows: the table, the upload, the data check and its choice."""

    data: gr.File
    table: gr.Dataframe
    conflicts: gr.Radio
    data_check: gr.Markdown
    #: The events that change the table; the data check runs again after each.
    edits: tuple[Dependency, ...]


def build_section(ctx: AppContext, storage: VisitorStorage | None) -> DataSection:
    """The data column: starter set, upload, the table, the data check, the download, and the Hub's rows."""
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
    conflicts, data_check = finetune_check.build_section()
    download = gr.DownloadButton(tr("finetune.download"), _csv_file(load_starter(STARTER)), size="sm")
    with gr.Accordion(tr("finetune.hub"), open=False):
        with gr.Row():
            hub_dataset = open_dropdown(
                [(f"{d.id} · {d.note}", d.id) for d in FINETUNE_DATASETS],
                value=FINETUNE_DATASETS[0].id,
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

    edits = (
        load.click(_starter_rows, inputs=starter, outputs=table, api_visibility="private"),
        data.upload(_upload, inputs=[data, ctx.language], outputs=[table, data], api_visibility="private"),
        hub_use.click(_use_rows, inputs=hub_loaded, outputs=table, api_visibility="private"),
    )
    table.change(_csv_writer(storage), inputs=table, outputs=download, api_visibility="private")
    if ctx.blocks is not None:
        ctx.blocks.unload(_forgetter(storage))
    hub_dataset.input(_suggested_split, inputs=hub_dataset, outputs=hub_split, api_visibility="private")
    hub_preview.click(
        make_dataset_handler(ctx),
        inputs=[hub_dataset, hub_split, hub_config, hub_text, hub_label, hub_rows, ctx.language],
        outputs=[hub_raw, hub_summary, hub_table, hub_loaded],
        api_name="load_dataset",
    )
    return DataSection(data=data, table=table, conflicts=conflicts, data_check=data_check, edits=edits)
