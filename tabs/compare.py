"""Compare tab: two models measured on this machine with the same sentences, and the ratios between them."""

from collections.abc import Callable

import gradio as gr

from core.inspect.compare import DEFAULT_RUNS, MAX_RUNS, Comparison, compare, notebook_code
from core.localized import Localized
from core.registry import BUNDLED_MINILM, COMPARE_DEFAULTS, get_task
from tabs.boundary import resolve_language, user_errors
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_box
from tabs.widgets.task_tab import raw_and_code, task_tab

TASK = get_task("inspect")
TAB_ID = "compare"

STRINGS = {
    "en": {
        "compare.tab": "⚖️ Compare models",
        "compare.explain": (
            "The course says DistilBERT, made from BERT by *knowledge distillation*, needs 40% less memory and "
            "runs 60% faster. Check it here, on this machine: both models get the same sentences, each is loaded "
            "in a fresh process and run several times. You see parameters, size on disk, load time, the median "
            "time of one run, peak memory, and the ratio B ÷ A (0.6 means B needs 40% less). Timings depend on "
            "the machine and on what else it is doing: run it twice."
        ),
        "compare.text": "Sentences (one a line, up to 8)",
        "compare.text_info": "Both models get exactly this batch",
        "compare.model_a": "Model A",
        "compare.model_b": "Model B",
        "compare.runs": "Runs per model",
        "compare.runs_info": "The median of these is shown (after one warm-up run)",
        "compare.run": "Measure both",
        "compare.table": "Side by side",
    },
    "ko": {
        "compare.tab": "⚖️ 모델 비교",
        "compare.explain": (
            "강의 노트에 따르면 DistilBERT는 BERT를 *지식 증류*로 줄인 모델로, 메모리는 40% 적게 쓰고 60% 더 빨라요. "
            "여기서 이 컴퓨터로 직접 확인해 보세요: 두 모델에 같은 문장을 넣고, 각각 새 프로세스에서 불러와 여러 번 실행해요. "
            "파라미터 수, 디스크 크기, 로드 시간, 한 번 실행하는 시간(중앙값), 최대 메모리, 그리고 비율 B ÷ A를 보여줘요 "
            "(0.6이면 B가 40% 덜 써요). 시간은 컴퓨터와 그때 하는 다른 일에 따라 달라지니 두 번 실행해 보세요."
        ),
        "compare.text": "문장 (한 줄에 하나, 최대 8개)",
        "compare.text_info": "두 모델에 똑같은 문장 묶음을 넣어요",
        "compare.model_a": "모델 A",
        "compare.model_b": "모델 B",
        "compare.runs": "모델마다 실행 횟수",
        "compare.runs_info": "워밍업 1회 뒤, 이 횟수의 중앙값을 보여줘요",
        "compare.run": "둘 다 측정",
        "compare.table": "나란히 보기",
    },
}

ROWS = [
    ("parameters", "parameters", lambda v: f"{v / 1e6:,.1f}M"),
    ("disk_bytes", "size on disk", lambda v: f"{v / 1e6:,.1f} MB"),
    ("load_seconds", "load time", lambda v: f"{v:.2f} s"),
    ("median_latency_seconds", "median run time", lambda v: f"{v * 1000:,.1f} ms"),
    ("peak_memory_bytes", "peak memory", lambda v: f"{v / 1e6:,.0f} MB"),
]


def table(result: Comparison) -> list[list]:
    a, b, ratios = result.first.to_json(), result.second.to_json(), result.ratios
    rows = []
    for key, name, show in ROWS:
        ratio = ratios[key]
        rows.append(
            [
                name,
                "?" if a[key] is None else show(a[key]),
                "?" if b[key] is None else show(b[key]),
                "?" if ratio is None else f"{ratio:.2f}",
            ]
        )
    return rows


def verdict(result: Comparison, language: str) -> str:
    """The course's claim, in its own terms: how much less memory, how much faster."""
    ratios = result.ratios
    memory, speed = ratios["peak_memory_bytes"], ratios["median_latency_seconds"]
    a, b = result.first.model, result.second.model
    parts = [
        Localized(
            f"**B ({b})** has {ratios['parameters']:.2f}× the parameters of **A ({a})**",
            f"**B ({b})** 는 **A ({a})** 에 비해 파라미터가 {ratios['parameters']:.2f}배",
        )
    ]
    if memory is not None and memory < 1:
        parts.append(Localized(f"uses {1 - memory:.0%} less peak memory", f"메모리를 {1 - memory:.0%} 덜 쓰고"))
    elif memory is not None:
        parts.append(Localized(f"uses {memory - 1:.0%} more peak memory", f"메모리를 {memory - 1:.0%} 더 쓰고"))
    parts.append(
        Localized(
            f"and takes {speed:.2f}× the time per run (below 1: B is faster).",
            f"실행 시간은 {speed:.2f}배예요 (1보다 작으면 B가 더 빨라요).",
        )
    )
    return ", ".join(part.text(language) for part in parts)


def make_handler(ctx: AppContext) -> Callable:
    """The /compare handler: both models measured, then the side-by-side table and the verdict."""

    @user_errors
    def run_compare(
        text: str,
        model_a: str,
        model_b: str,
        runs: int = DEFAULT_RUNS,
        language: str = "auto",
        request: gr.Request = None,
    ) -> tuple:
        """Compare two models on the same sentences: parameters, disk size, load time, latency and peak memory; the first output is {"texts", "runs", "models": [A, B], "ratios"}.

        Args:
            text: The sentences to run through both models, one a line, at most 8.
            model_a: Model A: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            model_b: Model B, measured against A: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            runs: Timed runs per model (the median latency is reported): 1 to 50, default 10.
        Returns:
            The raw JSON: per model {"model", "architecture", "parameters", "disk_bytes", "load_seconds", "latencies_seconds", "peak_memory_bytes", "median_latency_seconds"}, and "ratios" B ÷ A per metric; then the verdict, a table and the Python code.
        """
        result = compare(text, model_a, model_b, runs=runs, policy=ctx.policy)
        return (
            result.to_json(),
            verdict(result, resolve_language(language, request)),
            table(result),
            notebook_code(result.first.model, result.second.model, result.texts, result.runs),
        )

    return run_compare


def build(ctx: AppContext) -> None:
    with task_tab("compare", TAB_ID):
        with gr.Row():
            model_a = model_box(TASK, COMPARE_DEFAULTS[0], label="compare.model_a")
            model_b = model_box(TASK, COMPARE_DEFAULTS[1], label="compare.model_b")
        with gr.Row():
            text = gr.Textbox(
                label=tr("compare.text"),
                info=tr("compare.text_info"),
                lines=3,
                value="I like apple\nIt was a very informative, fun and enjoyable time.",
            )
            runs = gr.Slider(
                1, MAX_RUNS, value=DEFAULT_RUNS, step=1, label=tr("compare.runs"), info=tr("compare.runs_info")
            )
        run = gr.Button(tr("compare.run"), variant="primary")
        verdict_box = gr.Markdown()
        rows = gr.Dataframe(headers=["", "A", "B", "B ÷ A"], label=tr("compare.table"))
        raw, code = raw_and_code()
        link_button(
            ctx,
            TAB_ID,
            {"text": text, "model_a": model_a, "model_b": model_b, "runs": runs},
            model_fields=("model_a", "model_b"),
        )
        examples(
            [[COMPARE_DEFAULTS[0], COMPARE_DEFAULTS[1]], [BUNDLED_MINILM, COMPARE_DEFAULTS[1]]],
            inputs=[model_a, model_b],
            headers=["Model A · 모델 A", "Model B · 모델 B"],
        )
        run.click(
            make_handler(ctx),
            inputs=[text, model_a, model_b, runs, ctx.language],
            outputs=[raw, verdict_box, rows, code],
            api_name="compare",
            concurrency_limit=1,
        )
