"""The logit lens as a grid: one row per layer (the embeddings first, the model's output last), one column per
rank, each cell a token and its probability, shaded by that probability.

Everything shown is text the tokenizer produced, so every cell is escaped; the grid's cells carry the layer,
rank, token id and probability as data attributes, for screen readers' titles and for tests alike.
"""

from html import escape
from typing import Any

from core.generation.next_token import readable_token
from core.localized import Localized

#: The cell's shade: the probability as the alpha of one blue, at most 0.5 so text keeps 4.5:1 in both themes.
SHADE = "rgba(59, 130, 246, {alpha:.3f})"
GRID_STYLE = (
    "<style>"
    ".lens-grid{border-collapse:collapse;font-size:0.9em;width:100%}"
    ".lens-grid th,.lens-grid td{border:1px solid var(--border-color-primary,#ddd);padding:2px 6px;text-align:left}"
    ".lens-grid td .lens-p{opacity:0.8;font-size:0.85em;margin-left:4px}"
    ".lens-grid caption{caption-side:bottom;text-align:left;opacity:0.8;font-size:0.85em}"
    "</style>"
)


def shown_probability(p: float) -> str:
    """A probability as the grid writes it: three significant digits (tiny ones in scientific notation)."""
    return f"{p:.3g}"


def layer_name(layer: int, last: int, language: str) -> str:
    if layer == 0:
        return Localized("embeddings", "임베딩").text(language)
    if layer == last:
        return Localized(f"layer {layer} (output)", f"{layer}층 (출력)").text(language)
    return Localized(f"layer {layer}", f"{layer}층").text(language)


def lens_grid(raw: dict[str, Any], language: str) -> str:
    """The grid's HTML for the contract's JSON (``tokens``, ``position``, ``layers``)."""
    layers = raw["layers"]
    last = layers[-1]["layer"] if layers else 0
    ranks = max((len(row["top"]) for row in layers), default=0)
    rank_label = Localized("#{}", "{}위").text(language)
    head = "".join(f"<th scope='col'>{escape(rank_label.format(r + 1))}</th>" for r in range(ranks))
    layer_label = Localized("layer", "층").text(language)
    rows = []
    for row in layers:
        cells = []
        for rank, top in enumerate(row["top"]):
            token = escape(readable_token(top["token"]))
            shown = shown_probability(top["p"])
            shade = SHADE.format(alpha=min(1.0, max(0.0, top["p"])) * 0.5)
            cells.append(
                f"<td class='lens-cell' data-layer='{row['layer']}' data-rank='{rank + 1}' data-id='{top['id']}' "
                f"data-p='{top['p']!r}' style='background:{shade}' title='id {top['id']}'>"
                f"<span class='lens-token'>{token}</span><span class='lens-p'>{shown}</span></td>"
            )
        name = escape(layer_name(row["layer"], last, language))
        rows.append(f"<tr><th scope='row'>{name}</th>{''.join(cells)}</tr>")
    position = raw.get("position", len(raw["tokens"]) - 1)
    at = readable_token(raw["tokens"][position]) if raw["tokens"] else ""
    caption = Localized(
        f"Read at token {position} ({at}) of {len(raw['tokens'])}; each row: that layer's hidden state through the "
        "final norm and the head.",
        f"{len(raw['tokens'])}개 토큰 중 {position}번째 토큰({at}) 위치에서 읽었어요. 각 행: 그 층의 은닉 상태를 최종 "
        "정규화와 헤드에 통과시킨 결과.",
    ).text(language)
    return (
        f"{GRID_STYLE}<table class='lens-grid'><caption>{escape(caption)}</caption>"
        f"<thead><tr><th scope='col'>{escape(layer_label)}</th>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def lens_message(message: str) -> str:
    """A sentence in place of the grid (e.g. why there is none with the remote backend)."""
    return f"<p class='lens-message'>{escape(message)}</p>"
