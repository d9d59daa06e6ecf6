"""The attention view under a task's result: a head view drawn in the browser from the weights in the page.

The handler sends the weights once, in the HTML (base64 JSON in a data attribute: no ``$``, ``{`` or ``<`` that
gradio's template or the browser could read), and a small script draws lines between tokens with SVG.
Choosing another layer or head redraws in the browser: no server round trip, no model run.

One endpoint is public: ``/attention`` (registered once, with the sentiment tab, as a ``gr.api``: the JSON for
any encoder or encoder-decoder model). Each tab's panel calls the same core function through a private event
that reads the tab's own inputs (the sentiment tab's first sentence, the translation tab's output).
"""

from __future__ import annotations

import base64
import inspect
import json
from collections.abc import Callable
from typing import Any

import gradio as gr

from core.call import CallContext
from core.insight.attention import MAX_TOKENS, AttentionResult, attention, notebook_code
from core.localized import Localized
from tabs.call import settings_inputs, task_handler
from tabs.context import AppContext
from tabs.i18n import tr

#: Lines fainter than this are not drawn (nor sent to the page): they would be invisible.
MIN_WEIGHT = 0.01
#: Weights in the page are whole numbers of 1/10,000 (4 decimals): a third of the JSON's size.
SCALE = 10_000

STRINGS = {
    "en": {
        "attention.title": "🔍 Attention: which tokens each token looks at",
        "attention.explain": (
            "A Transformer (2017) replaced RNNs/LSTMs with **self-attention**: in every layer, each token "
            "builds its new vector as a weighted average of all tokens' vectors. The weights are a softmax "
            "row (they add up to 1), and each layer has several **heads** that each learn their own pattern "
            "(the next word, the [SEP] token, the word a pronoun refers to …). A line from a token on the left "
            "to a token on the right is as strong as that weight. Choose a layer and a head, or *all heads* "
            "to see them side by side; switching redraws at once without running the model again. "
            "In question answering and zero-shot classification the model reads two texts as one sequence "
            "(question + context; your text + the best label's hypothesis), with [SEP] between them. "
            "In a translation or summarization model the decoder also attends to the source: that "
            "**cross-attention** is an alignment between the output (left) and your text (right); what the "
            'task puts before your text (T5\'s "summarize: " or "translate English to German: ") is drawn '
            "dimmed. The weights come from the model itself (eager attention), up to 256 tokens; the same JSON "
            "is the API `/attention`."
        ),
        "attention.run": "Show attention",
        "attention.view": "Attention (head view)",
    },
    "ko": {
        "attention.title": "🔍 어텐션: 각 토큰이 어떤 토큰을 보는지",
        "attention.explain": (
            "트랜스포머(2017)는 RNN/LSTM 대신 **셀프 어텐션**을 써요: 레이어마다 각 토큰이 모든 토큰 벡터의 "
            "가중 평균으로 새 벡터를 만들어요. 가중치는 소프트맥스 한 행이라 합이 1이고, 레이어마다 여러 **헤드**가 "
            "각자 다른 패턴(다음 단어, [SEP] 토큰, 대명사가 가리키는 단어 …)을 배워요. 왼쪽 토큰에서 오른쪽 토큰으로 "
            "이어진 선의 진하기가 그 가중치예요. 레이어와 헤드를 고르거나 *모든 헤드*를 골라 나란히 보세요. "
            "바꾸면 모델을 다시 실행하지 않고 바로 다시 그려요. 질의응답과 제로샷 분류에서는 두 텍스트(질문 + 본문, "
            "내 문장 + 가장 높은 레이블의 가설 문장)를 [SEP]로 이어 한 시퀀스로 읽어요. 번역·요약 모델에서는 "
            "디코더가 원문도 보는데, 이 **크로스 어텐션**은 출력(왼쪽)과 내 문장(오른쪽)의 정렬이에요. 작업이 내 "
            '문장 앞에 붙이는 것(T5의 "summarize: ", "translate English to German: ")은 흐리게 보여 줘요. '
            "가중치는 모델이 직접 계산한 값(eager 어텐션)이고 256토큰까지 보여 줘요. "
            "같은 JSON을 API `/attention`으로도 받을 수 있어요."
        ),
        "attention.run": "어텐션 보기",
        "attention.view": "어텐션 (헤드 보기)",
    },
}

#: Words the script writes into the page, in the call's language.
_SCRIPT_WORDS = {
    "en": {"layer": "Layer", "head": "Head", "all": "All heads", "grid": "Attention",
           "self": "Self-attention", "cross": "Cross-attention (translation → source)",
           "encoder": "Encoder self-attention (source)"},
    "ko": {"layer": "레이어", "head": "헤드", "all": "모든 헤드", "grid": "어텐션",
           "self": "셀프 어텐션", "cross": "크로스 어텐션 (번역 → 원문)", "encoder": "인코더 셀프 어텐션 (원문)"},
}  # fmt: skip

CSS = """
.attn-view { padding-top: 28px; }
.attn-controls { display: flex; gap: 12px; flex-wrap: wrap; margin-bottom: 8px; align-items: center; }
.attn-controls select { padding: 2px 6px; border-radius: 4px; min-width: 72px; }
.attn-multi { display: flex; flex-wrap: wrap; gap: 10px; }
.attn-multi figure { margin: 0; text-align: center; font-size: 11px; }
.attn-tok { font-size: 13px; font-family: monospace; fill: currentColor; }
.attn-tok.special { opacity: .6; }
"""

JS = r"""
function render() {
  const holder = element.querySelector('.attn-data');
  const view = element.querySelector('.attn-view');
  if (!holder || !view) return;
  const bytes = Uint8Array.from(atob(holder.dataset.attn), c => c.charCodeAt(0));
  const data = JSON.parse(new TextDecoder().decode(bytes));
  const words = data.words;
  const NS = 'http://www.w3.org/2000/svg';
  view.replaceChildren();
  const controls = document.createElement('div');
  controls.className = 'attn-controls';
  function select(cls, label, options, value) {
    const wrap = document.createElement('label');
    wrap.textContent = label + ' ';
    const s = document.createElement('select');
    s.className = cls;
    options.forEach(([v, text]) => { const o = document.createElement('option'); o.value = v; o.textContent = text; s.appendChild(o); });
    s.value = value;
    wrap.appendChild(s);
    controls.appendChild(wrap);
    return s;
  }
  const grids = data.grids;
  const gridSel = select('attn-grid', words.grid, grids.map((g, i) => [String(i), g.name]), '0');
  if (grids.length < 2) gridSel.parentElement.style.display = 'none';
  const layerSel = select('attn-layer', words.layer, [], '0');
  const headSel = select('attn-head', words.head, [], '0');
  const board = document.createElement('div');
  view.appendChild(controls);
  view.appendChild(board);
  function fill(s, n, extra) {
    const keep = s.value;
    s.replaceChildren();
    for (let i = 0; i < n; i++) { const o = document.createElement('option'); o.value = String(i); o.textContent = String(i + 1); s.appendChild(o); }
    if (extra) { const o = document.createElement('option'); o.value = 'all'; o.textContent = extra; s.appendChild(o); }
    s.value = [...s.options].some(o => o.value === keep) ? keep : s.options[0].value;
  }
  function drawHead(grid, layer, head, small) {
    const rows = grid.weights[layer][head];
    const lineH = small ? 6 : 20, width = small ? 90 : 360, pad = small ? 4 : 130;
    const n = Math.max(grid.from.length, grid.to.length);
    const svg = document.createElementNS(NS, 'svg');
    svg.setAttribute('width', String(width + 2 * pad));
    svg.setAttribute('height', String(n * lineH + 10));
    svg.setAttribute('class', 'attn-svg');
    svg.dataset.layer = String(layer); svg.dataset.head = String(head);
    const x1 = pad, x2 = pad + width;
    rows.forEach((row, i) => {
      for (let k = 0; k < row.length; k += 2) {
        const j = row[k], w = row[k + 1] / data.scale;
        const l = document.createElementNS(NS, 'line');
        l.setAttribute('x1', x1); l.setAttribute('x2', x2);
        l.setAttribute('y1', 5 + i * lineH + lineH / 2); l.setAttribute('y2', 5 + j * lineH + lineH / 2);
        l.setAttribute('stroke', grid.color); l.setAttribute('stroke-width', small ? '1' : '2');
        l.setAttribute('stroke-opacity', String(w));
        l.setAttribute('class', 'attn-line');
        l.dataset.from = String(i); l.dataset.to = String(j); l.dataset.w = String(w);
        svg.appendChild(l);
      }
    });
    if (!small) {
      [[grid.from, x1 - 6, 'end', 'attn-from'], [grid.to, x2 + 6, 'start', 'attn-to']].forEach(([toks, x, anchor, cls]) => {
        toks.forEach((t, i) => {
          const tx = document.createElementNS(NS, 'text');
          tx.setAttribute('x', x); tx.setAttribute('y', 5 + i * lineH + lineH * 0.7);
          tx.setAttribute('text-anchor', anchor);
          tx.setAttribute('class', 'attn-tok ' + cls + (t.special ? ' special' : ''));
          tx.textContent = t.text;
          const title = document.createElementNS(NS, 'title'); title.textContent = t.token; tx.appendChild(title);
          tx.addEventListener('mouseenter', () => svg.querySelectorAll('.attn-line').forEach(l => {
            const mine = cls === 'attn-from' ? l.dataset.from === String(i) : l.dataset.to === String(i);
            l.style.display = mine ? '' : 'none'; }));
          tx.addEventListener('mouseleave', () => svg.querySelectorAll('.attn-line').forEach(l => { l.style.display = ''; }));
          svg.appendChild(tx);
        });
      });
    }
    return svg;
  }
  function draw() {
    const grid = grids[Number(gridSel.value)];
    fill(layerSel, grid.weights.length, null);
    fill(headSel, grid.weights[0].length, words.all);
    const layer = Number(layerSel.value);
    board.replaceChildren();
    board.dataset.grid = gridSel.value; board.dataset.layer = layerSel.value; board.dataset.head = headSel.value;
    if (headSel.value === 'all') {
      const multi = document.createElement('div'); multi.className = 'attn-multi';
      grid.weights[layer].forEach((_, h) => {
        const fig = document.createElement('figure');
        fig.appendChild(drawHead(grid, layer, h, true));
        const cap = document.createElement('figcaption'); cap.textContent = words.head + ' ' + (h + 1);
        fig.appendChild(cap); multi.appendChild(fig);
      });
      board.appendChild(multi);
    } else {
      board.appendChild(drawHead(grid, layer, Number(headSel.value), false));
    }
  }
  [gridSel, layerSel, headSel].forEach(s => s.addEventListener('change', draw));
  draw();
}
render();
watch('value', render);
"""


def _tokens(tokens: list[str], spans: list, text: str) -> list[dict[str, Any]]:
    """Each token labelled with the student's own characters where it has them (``##ing`` shows ``ing``)."""
    out = []
    for i, token in enumerate(tokens):
        span = spans[i] if i < len(spans) else None
        shown = text[span[0] : span[1]] if span else token
        out.append({"text": shown, "token": token, "special": span is None and bool(spans)})
    return out


def _sparse(layers: list) -> list:
    """layers × heads × rows → per row ``[j, weight × SCALE, …]`` for the weights worth a line."""
    return [
        [[[v for j, w in enumerate(row) if w >= MIN_WEIGHT for v in (j, round(w * SCALE))] for row in head]
         for head in layer]
        for layer in layers
    ]  # fmt: skip


def page_data(result: AttentionResult, text: str, language: str) -> dict[str, Any]:
    """What the script draws: one grid per kind of attention, its token labels and sparse weights."""
    words = _SCRIPT_WORDS.get(language, _SCRIPT_WORDS["en"])
    source = _tokens(result.tokens, result.spans, text)
    if result.kind == "seq2seq":
        target = [{"text": t, "token": t, "special": False} for t in result.target_tokens]
        grids = [
            {"name": words["cross"], "from": target, "to": source, "weights": _sparse(result.cross_attention),
             "color": "#ea580c"},
            {"name": words["encoder"], "from": source, "to": source, "weights": _sparse(result.attention),
             "color": "#2563eb"},
        ]  # fmt: skip
    else:
        grids = [{"name": words["self"], "from": source, "to": source, "weights": _sparse(result.attention),
                  "color": "#2563eb"}]  # fmt: skip
    return {"grids": grids, "words": words, "scale": SCALE}


def view_html(result: AttentionResult, text: str, language: str) -> str:
    """The HTML the gr.HTML shows: the data, and an empty place the script draws into."""
    payload = json.dumps(page_data(result, text, language), separators=(",", ":"), ensure_ascii=False)
    encoded = base64.b64encode(payload.encode("utf-8")).decode("ascii")
    return f'<div class="attn-data" hidden data-attn="{encoded}"></div><div class="attn-view"></div>'


def notice(result: AttentionResult, language: str) -> str:
    if not result.truncated:
        return ""
    return Localized(
        f"✂️ Your text has {result.total_tokens} tokens; the attention view shows the first {len(result.tokens)} "
        f"(at most {MAX_TOKENS}).",
        f"✂️ 입력이 {result.total_tokens}토큰이라 어텐션 보기는 앞의 {len(result.tokens)}토큰만 보여 줘요 "
        f"(최대 {MAX_TOKENS}토큰).",
    ).text(language)


def _outputs(look: tuple, model: str, call: CallContext, task: str | None) -> tuple:
    """The view, notice and code of what a tab's ``prepare`` chose: ``(text, text_pair)``, and for a translation
    ``(text, text_pair, {"src_lang": …, "tgt_lang": …})``."""
    text, text_pair, *rest = look
    result = attention(text, model, call, text_pair=text_pair, task=task, **(rest[0] if rest else {}))
    return (
        view_html(result, text, call.language),
        notice(result, call.language),
        notebook_code(result, text, text_pair),
    )


def make_handler(ctx: AppContext) -> Callable:
    """The /attention handler: any encoder or encoder-decoder text model, its kind read from its config."""

    @task_handler(ctx)
    def run_attention(
        text: str, model: str, text_pair: str = "", src_lang: str = "", tgt_lang: str = "", *, call: CallContext
    ) -> dict[str, Any]:
        """Every layer's and head's attention weights of a text model on a text (encoder self-attention; for translation and summarization models also the decoder's cross-attention over the source).

        Args:
            text: The text to look at, at most 256 tokens (longer texts are cut, and "truncated" says so).
            model: An encoder model (BERT, DistilBERT, RoBERTa …, any head) or an encoder-decoder model (T5, Marian, BART): a Hub model id (org/name) or, outside public mode, a local folder; decoder-only and vision models are refused.
            text_pair: Optional: the second sentence for an encoder (e.g. a zero-shot hypothesis or a question's context); for a translation/summarization model the target text to align with (empty: the model's own greedy output). Default empty.
            src_lang: Optional: for a translation model, the source language as /translate takes it; given (or tgt_lang), the model is read as a translator and its encoder sees the translation's own input (T5's prefix, a Marian target token, NLLB's codes). Default empty.
            tgt_lang: Optional: the target language, as for src_lang. Default empty.
        Returns:
            The raw JSON {"tokens", "attention": layers × heads × tokens × tokens (softmax rows, 6 decimals), "model_type", "kind", "num_layers", "num_heads", "truncated", "total_tokens"} plus "target_tokens" and "cross_attention" (layers × heads × target × source) for encoder-decoder models.
        """
        languages = {"src_lang": src_lang or None, "tgt_lang": tgt_lang or None}
        task = "translate" if src_lang or tgt_lang else None
        return attention(text, model, call, text_pair=text_pair or "", task=task, **languages).to_json()

    return run_attention


def _panel_handler(ctx: AppContext, task: str, prepare: Callable[..., tuple], extras: int) -> Callable:
    """A private handler for a tab's panel: ``prepare(text, *extras)`` gives what to look at (see ``_outputs``).

    gradio passes the settings right after the inputs, so the handler's signature names exactly the panel's
    ``extras`` inputs between the model and the settings."""

    def show_attention(text: str, model: str, *, call: CallContext, **extra: Any) -> tuple:
        return _outputs(prepare(text or "", *(extra[f"extra_{k}"] for k in range(extras))), model, call, task)

    given = inspect.Parameter.POSITIONAL_OR_KEYWORD
    named = [inspect.Parameter(name, given, annotation=str) for name in ("text", "model")]
    named += [inspect.Parameter(f"extra_{k}", given, default=None) for k in range(extras)]
    call = inspect.Parameter("call", inspect.Parameter.KEYWORD_ONLY, annotation=CallContext)
    show_attention.__signature__ = inspect.Signature([*named, call], return_annotation=tuple)  # type: ignore[attr-defined]
    return task_handler(ctx)(show_attention)


def _as_is(text: str, extra: Any) -> tuple[str, str]:
    return text, ""


def with_pair(text: str, pair: Any) -> tuple[str, str]:
    """The tab's text with a second one: a QA context, or the translation or summary on screen (the target)."""
    return text, pair or ""


def attention_panel(
    ctx: AppContext,
    inputs: list,
    *,
    task: str,
    public: bool = False,
    prepare: Callable[..., tuple] = _as_is,
) -> gr.Button:
    """The folded panel: explanation, button, head view, notice and code, wired to ``inputs`` (text, model and
    any more components, which ``prepare`` reads); ``public`` also registers ``/attention``."""
    with gr.Accordion(tr("attention.title"), open=False, elem_classes=["attention-panel"]):
        gr.Markdown(tr("attention.explain"))
        run = gr.Button(tr("attention.run"), elem_classes=["attention-run"])
        view = gr.HTML(
            label=tr("attention.view"), show_label=True, container=True, css_template=CSS, js_on_load=JS,
            elem_classes=["attention-view"],
        )  # fmt: skip
        note = gr.Markdown()
        code = gr.Code(language="python", label=tr("common.code"))
    extra = inputs[2:] or [gr.State(None)]  # the handler's parameters after text and model, before the settings
    ran = run.click(
        _panel_handler(ctx, task, prepare, len(extra)),
        inputs=[*inputs[:2], *extra, *settings_inputs(ctx)],
        outputs=[view, note, code],
        api_visibility="private",
    )
    # after an error, no earlier view stays on screen (as every task's results, tabs/boundary.py)
    ran.failure(lambda: ("", "", ""), outputs=[view, note, code], api_visibility="private", queue=False)
    if public:  # the API and MCP tool, once for the whole app: the JSON alone, for any kind of text model
        gr.api(make_handler(ctx), api_name="attention")
    return run
