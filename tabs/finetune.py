"""Fine-tuning lab tab: data table, "before", training with a live loss curve and Stop, "after", save, use it.

The lab is built from sections, as the tokenizer lab is: tabs/finetune_data.py (the table and where its rows
come from), tabs/finetune_check.py (what will train), tabs/finetune_training.py (settings and the live run),
tabs/finetune_saving.py (zip, push, "use it"). This module lays them out and wires what crosses sections.
"""

import gradio as gr

from core.public.storage import VisitorStorage
from tabs import finetune_check, finetune_data, finetune_saving, finetune_training
from tabs.context import AppContext
from tabs.finetune_check import make_check_handler
from tabs.finetune_training import TASK, TrainingRuns, make_handler
from tabs.widgets.model_picker import refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab

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
        **finetune_data.STRINGS["en"],
        **finetune_check.STRINGS["en"],
        **finetune_training.STRINGS["en"],
        **finetune_saving.STRINGS["en"],
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
        **finetune_data.STRINGS["ko"],
        **finetune_check.STRINGS["ko"],
        **finetune_training.STRINGS["ko"],
        **finetune_saving.STRINGS["ko"],
    },
}


def build(ctx: AppContext) -> None:
    """The lab: data left, settings right, live training below, results and saving last."""
    runs = TrainingRuns()
    storage = VisitorStorage() if ctx.public else None
    with task_tab("finetune", TASK.id) as tab:
        with gr.Row():
            with gr.Column(scale=3):
                data = finetune_data.build_section(ctx, storage)
            with gr.Column(scale=2):
                settings = finetune_training.build_settings(ctx)
        progress = finetune_training.build_progress()
        saved_to, saved = finetune_saving.build_section(ctx, storage, tab)
        raw, code = raw_and_code()

    # The check follows the student's edits, not training's own rewrite of the table (its first update
    # sends the check of the rows it really uses, with the rows it left out).
    check = {
        "fn": make_check_handler(ctx),
        "inputs": [data.table, settings.model, data.conflicts, ctx.language],
        "outputs": data.data_check,
    }
    gr.on(
        [tab.select, data.table.input, settings.model.change, data.conflicts.change, ctx.language.change],
        **check,
        api_visibility="private",
    )
    for edit in data.edits:
        edit.then(**check, api_visibility="private")
    status, *shown = progress
    ran = settings.train.click(
        make_handler(ctx, runs, storage),
        inputs=[
            data.data,
            settings.model,
            *settings.numbers,
            data.table,
            settings.output_dir,
            ctx.device,
            ctx.language,
            data.conflicts,
        ],
        outputs=[raw, status, data.table, *shown, saved_to, code, saved, data.data_check],
        api_name="finetune",
        concurrency_limit=1,
        concurrency_id="finetune",
        show_progress="minimal",
    )
    refresh_status_after(ctx, settings.model, ran)
    settings.stop.click(
        finetune_training.make_stop_handler(runs),
        inputs=ctx.language,
        outputs=status,
        api_visibility="private",
        queue=False,
    )
