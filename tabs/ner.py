"""NER tab: entities highlighted in the text, a table of them, and the aggregation strategy to play with."""

from collections.abc import Callable

import gradio as gr

from core import runner
from core.call import CallContext, TaskInputs
from core.localized import Localized
from core.text.ner import AGGREGATION_STRATEGIES, TASK, NerResult, entity_type
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.literal import md_code
from tabs.widgets.attention_view import attention_panel
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab
from tabs.widgets.truncation_notice import truncation_notice

KOREAN_MODEL = TASK.model_for_language("ko")

STRINGS = {
    "en": {
        "ner.tab": "🔎 NER",
        "ner.explain": (
            "**Named-entity recognition** finds names in a text (people, organisations, places, …). The model "
            "tags every *token* (B-PER = first token of a person, I-PER = inside one, O = not an entity). "
            "Tokens are often pieces of words (“Wolf”, “##gang”), so the pipeline has to put them back together: "
            "that is the **aggregation strategy**."
        ),
        "ner.strategies": (
            "- **simple**: join neighbouring tokens with the same tag into one entity. A word can still be split "
            "between two entities.\n"
            "- **first**: every word takes the tag of its first token, then as *simple*.\n"
            "- **average**: every word takes the tag with the best score averaged over its tokens.\n"
            "- **max**: every word takes the tag of its most confident token.\n"
            "- **none**: no grouping: one row per token, with its raw tag (B-/I-) and its index. "
            "Best for seeing what the model really outputs.\n\n"
            "*first*, *average* and *max* need a fast tokenizer that knows where words end.\n\n"
            "Tags differ by model: the English models use PER, ORG, LOC, MISC; the Korean KoELECTRA model uses "
            "the Korean national corpus tags PS (person), OG (organisation), LC (location), DT (date), TI (time), "
            "QT (quantity), EV (event), AF (artifact), CV (civilisation), and more."
        ),
        "ner.text": "Text",
        "ner.strategy": "Aggregation strategy",
        "ner.strategy_info": "How tokens are grouped into entities (explained above)",
        "ner.highlighted": "Entities in the text",
        "ner.table": "Entities",
        "ner.labels": "Tags this model knows",
    },
    "ko": {
        "ner.tab": "🔎 개체명 인식",
        "ner.explain": (
            "**개체명 인식**(NER)은 글에서 사람, 기관, 장소 같은 이름을 찾아요. 모델은 *토큰*마다 태그를 붙여요"
            "(B-PER = 사람 이름의 첫 토큰, I-PER = 그 안쪽 토큰, O = 개체 아님). 토큰은 단어 조각인 경우가 많아서"
            "(“Wolf”, “##gang”) 파이프라인이 다시 묶어야 해요. 그 방법이 **aggregation strategy**(묶는 방식)예요."
        ),
        "ner.strategies": (
            "- **simple**: 태그가 같은 이웃 토큰을 하나의 개체로 묶어요. 한 단어가 두 개체로 나뉠 수도 있어요.\n"
            "- **first**: 단어마다 첫 토큰의 태그를 쓰고, 그다음은 *simple*과 같아요.\n"
            "- **average**: 단어의 토큰 점수를 평균 내서 가장 높은 태그를 써요.\n"
            "- **max**: 단어에서 가장 확신이 큰 토큰의 태그를 써요.\n"
            "- **none**: 묶지 않아요. 토큰마다 원래 태그(B-/I-)와 위치(index)가 한 줄씩 나와요. "
            "모델이 실제로 내놓는 값을 보기에 가장 좋아요.\n\n"
            "*first*, *average*, *max*는 단어 경계를 아는 fast 토크나이저가 필요해요.\n\n"
            "태그는 모델마다 달라요. 영어 모델은 PER(사람), ORG(기관), LOC(장소), MISC(기타)를 쓰고, 한국어 "
            "KoELECTRA 모델은 국립국어원 말뭉치 태그 PS(사람), OG(기관), LC(장소), DT(날짜), TI(시간), QT(수량), "
            "EV(사건), AF(인공물), CV(문명) 등을 써요."
        ),
        "ner.text": "글",
        "ner.strategy": "묶는 방식 (aggregation strategy)",
        "ner.strategy_info": "토큰을 개체로 묶는 방법 (위 설명 참고)",
        "ner.highlighted": "글 속의 개체",
        "ner.table": "개체 목록",
        "ner.labels": "이 모델이 아는 태그",
    },
}

TABLE_HEADERS = ["entity", "type", "score", "start", "end"]


def _highlighted(result: NerResult) -> dict:
    entities = [{"entity": entity_type(e), "start": e["start"], "end": e["end"]} for e in result.entities]
    return {"text": result.text, "entities": [e for e in entities if e["start"] is not None]}


def _notice(result: NerResult, language: str) -> str:
    """What the local model did: the part of the text it read, and the tags it knows."""
    notice = truncation_notice(result.truncation, language)
    known = ""
    if result.labels:
        known = f"{Localized('Tags', '태그').text(language)}: " + ", ".join(md_code(label) for label in result.labels)
    return "\n\n".join(part for part in (notice, known) if part)


def _table(result: NerResult) -> list[list]:
    return [
        [
            result.text[e["start"] : e["end"]] if e.get("start") is not None else e["word"],
            entity_type(e),
            round(e["score"], 4),
            e.get("start"),
            e.get("end"),
        ]
        for e in result.entities
    ]


def make_handler(ctx: AppContext) -> Callable:
    """The /ner handler for this app's mode (public mode accepts Hub ids only)."""

    @task_handler(ctx)
    def run_ner(
        text: str,
        model: str,
        aggregation_strategy: str = "simple",
        *,
        call: CallContext,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """Named-entity recognition: find people, organisations, places and other names in a text; the first output lists the entities as the transformers pipeline does.

        Args:
            text: The text to tag, up to 100,000 characters (cut to the model's window).
            model: A token-classification (NER) model: a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
            aggregation_strategy: How tokens are grouped into entities: simple (default), first, average, max, or none (one row per token with its raw B-/I- tag and index).
        Returns:
            The raw JSON [{"entity_group", "score", "word", "start", "end"}, …] ("entity" and "index" instead of "entity_group" with none); then the highlighted text, a table of entities, a notice and the Python code.
        """
        inputs = TaskInputs(text=text, model=model, options={"aggregation_strategy": aggregation_strategy})
        ran = runner.run(TASK.id, inputs, call)
        result = ran.result
        return result.to_json(), _highlighted(result), _table(result), ran.notice(call.language, _notice), ran.code

    return run_ner


def build(ctx: AppContext) -> None:
    """The NER tab: text and strategy left, highlighted entities and their table right."""
    with task_tab("ner", TASK.id, "ner.strategies"):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(label=tr("ner.text"), lines=5, max_lines=20)
                model, status = model_picker(TASK, ctx)
                strategy = gr.Radio(
                    list(AGGREGATION_STRATEGIES),
                    value="simple",
                    label=tr("ner.strategy"),
                    info=tr("ner.strategy_info"),
                )
                run = gr.Button(tr("common.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            with gr.Column():
                highlighted = gr.HighlightedText(label=tr("ner.highlighted"), show_legend=True)
                notice = gr.Markdown()
                table = gr.Dataframe(headers=TABLE_HEADERS, label=tr("ner.table"), wrap=True)
        attention_panel(ctx, [text, model], task=TASK.id)
        raw, code = raw_and_code()
        link_button(ctx, TASK.id, {"text": text, "model": model, "aggregation_strategy": strategy})
        examples(
            [
                ["My name is Wolfgang and I live in Berlin.", TASK.default.id, "simple"],
                [
                    "Hugging Face Inc. is a company based in New York City. "
                    "Its headquarters are in DUMBO, therefore very close to the Manhattan Bridge.",
                    TASK.default.id,
                    "first",
                ],
                ["Sylvain works at Hugging Face in Brooklyn.", TASK.default.id, "none"],
                ["이순신은 조선 중기의 무신으로 한산도 대첩을 승리로 이끌었다.", KOREAN_MODEL.id, "simple"],
                ["삼성전자는 서울 서초구에 본사를 둔 기업이다.", KOREAN_MODEL.id, "simple"],
            ],
            inputs=[text, model, strategy],
            headers=["Text · 문장", "Model · 모델", "aggregation_strategy · 묶는 방식"],
        )
        ran = run.click(
            make_handler(ctx),
            inputs=[text, model, strategy, *settings_inputs(ctx)],
            outputs=[raw, highlighted, table, notice, code],
            api_name="ner",
        )
        refresh_status_after(ctx, model, ran)
