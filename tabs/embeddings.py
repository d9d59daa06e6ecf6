"""Embeddings tab: tokens become vectors; see the first dimensions, a 2D map, and download the full vectors."""

import tempfile
from collections.abc import Callable
from pathlib import Path

import gradio as gr

from core.inspect.embeddings import SHOWN_DIMENSIONS, embed_tokens, notebook_code
from core.registry import get_task
from tabs.boundary import user_errors
from tabs.context import AppContext
from tabs.deep_link import link_button
from tabs.i18n import tr
from tabs.widgets.examples import examples
from tabs.widgets.model_picker import model_picker, refresh_status_after
from tabs.widgets.task_tab import raw_and_code, task_tab
from tabs.widgets.token_map import POINT_HEADERS, point_rows, token_map

TASK = get_task("inspect")
TAB_ID = "embeddings"

STRINGS = {
    "en": {
        "embeddings.tab": "🧭 Embeddings",
        "embeddings.explain": (
            "A model cannot read letters: the tokenizer turns text into token ids, and the model looks each id up "
            "in its **embedding table**, a row of numbers (384 of them for MiniLM) per token. The transformer "
            "layers then mix every token with its context: the result is the **last hidden state**. Both are "
            "shown below (first dimensions; download the CSV for all of them), and squeezed to two dimensions "
            "with PCA so you can see which tokens lie close: try words of a few families (fruit, animals, "
            "vehicles) and watch them group."
        ),
        "embeddings.text": "Text",
        "embeddings.text_info": "A sentence or a list of words (at most 128 tokens)",
        "embeddings.run": "Show the vectors",
        "embeddings.map_embeddings": "Embedding-table rows (2D PCA)",
        "embeddings.map_hidden": "Last hidden states (2D PCA)",
        "embeddings.points": "The points on the two maps: each token and where it lands",
        "embeddings.vectors": "First dimensions of each token's vectors",
        "embeddings.download": "All vectors (CSV)",
    },
    "ko": {
        "embeddings.tab": "🧭 임베딩 보기",
        "embeddings.explain": (
            "모델은 글자를 읽지 못해요: 토크나이저가 문장을 토큰 id로 바꾸면, 모델은 id마다 **임베딩 테이블**에서 "
            "숫자 한 줄(MiniLM은 384개)을 꺼내요. 그다음 트랜스포머 레이어들이 각 토큰을 문맥과 섞어요: 그 결과가 "
            "**last hidden state**예요. 아래에서 둘 다 볼 수 있고(앞쪽 차원만, 전체는 CSV로 내려받기), PCA로 2차원으로 "
            "줄여서 어떤 토큰끼리 가까운지 보여줘요: 과일, 동물, 탈것처럼 여러 종류의 단어를 넣고 모이는지 보세요."
        ),
        "embeddings.text": "텍스트",
        "embeddings.text_info": "문장이나 단어 목록 (최대 128토큰)",
        "embeddings.run": "벡터 보기",
        "embeddings.map_embeddings": "임베딩 테이블의 행 (2D PCA)",
        "embeddings.map_hidden": "마지막 은닉 상태 (last hidden state, 2D PCA)",
        "embeddings.points": "두 지도의 점: 토큰마다 놓인 자리",
        "embeddings.vectors": "토큰별 벡터의 앞쪽 차원",
        "embeddings.download": "전체 벡터 (CSV)",
    },
}

EXAMPLES = [
    "apple banana orange grape dog cat horse tiger car bus train bicycle",
    "I went to the bank to deposit money. We sat on the river bank.",
    "king queen man woman prince princess",
]


def make_handler(ctx: AppContext) -> Callable:
    """The /embeddings handler: vectors for each token of ``text`` under ``model``."""

    @user_errors
    def run_embeddings(
        text: str,
        model: str,
        device: str = "auto",
        language: str = "auto",
        request: gr.Request = None,
        progress: gr.Progress = gr.Progress(track_tqdm=True),  # noqa: B008 (gradio's idiom)
    ) -> tuple:
        """The vectors a model gives each token: input embeddings and last hidden state, projected to 2D with PCA; the first output is {"model", "tokens", "input_ids", "hidden_size", "embeddings_first_dims", "last_hidden_state_first_dims", "projection"}.

        Args:
            text: A sentence or a list of words, at most 128 tokens.
            model: An encoder model (BERT-like): a Hub model id (org/name) or, outside public mode, a local folder saved with save_pretrained.
        Returns:
            The raw JSON (the first 8 dimensions of each vector, and the 2D points); then the two PCA maps, the points table, the vectors table, a CSV file with the full vectors and the Python code.
        """
        vectors = embed_tokens(text, model, device=device, policy=ctx.policy)
        table = [
            [token, token_id, "embedding", *[round(x, 3) for x in emb[:SHOWN_DIMENSIONS]]]
            for token, token_id, emb in zip(vectors.tokens, vectors.input_ids, vectors.embeddings, strict=True)
        ] + [
            [token, token_id, "last_hidden_state", *[round(x, 3) for x in hid[:SHOWN_DIMENSIONS]]]
            for token, token_id, hid in zip(vectors.tokens, vectors.input_ids, vectors.last_hidden_state, strict=True)
        ]
        csv_path = vectors.to_csv(Path(tempfile.mkdtemp(prefix="embeddings-")) / "token_vectors.csv")
        return (
            vectors.to_json(),
            token_map(vectors, vectors.embedding_2d),
            token_map(vectors, vectors.hidden_2d),
            point_rows(vectors),
            table,
            str(csv_path),
            notebook_code(vectors.model, text.strip()),
        )

    return run_embeddings


def build(ctx: AppContext) -> None:
    with task_tab("embeddings", TAB_ID):
        with gr.Row():
            with gr.Column():
                text = gr.Textbox(
                    label=tr("embeddings.text"), info=tr("embeddings.text_info"), lines=2, value=EXAMPLES[0]
                )
                model, status = model_picker(TASK, ctx)
                run = gr.Button(tr("embeddings.run"), variant="primary")
                status.render()  # under the button: see tabs/widgets/model_picker.py
            download = gr.File(label=tr("embeddings.download"))
        with gr.Row():
            embedding_map = gr.Plot(label=tr("embeddings.map_embeddings"), show_label=True)
            hidden_map = gr.Plot(label=tr("embeddings.map_hidden"), show_label=True)
        points = gr.Dataframe(headers=POINT_HEADERS, label=tr("embeddings.points"), interactive=False)
        headers = ["token", "id", "vector", *(f"d{i}" for i in range(SHOWN_DIMENSIONS))]
        table = gr.Dataframe(headers=headers, label=tr("embeddings.vectors"))
        raw, code = raw_and_code()
        link_button(ctx, TAB_ID, {"text": text, "model": model})
        examples([[e] for e in EXAMPLES], inputs=[text], headers=["Text · 텍스트"])
        ran = run.click(
            make_handler(ctx),
            inputs=[text, model, ctx.device, ctx.language],
            outputs=[raw, embedding_map, hidden_map, points, table, download, code],
            api_name="embeddings",
        )
        refresh_status_after(ctx, model, ran)
