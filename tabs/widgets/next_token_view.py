"""The generation tab's next-token panel: two bar charts and a table drawn from the same candidates.

The left chart is the model's own probability (the table's ``p (T=1)``), the right one the same tokens
after temperature and repetition penalty (``p (T)``), filled by what sampling does with them. Both
share one y axis that holds the tallest bar of either, so moving a slider can never push a bar out of
its chart, and the two stay comparable.
"""

from typing import Any

import gradio as gr

from core.generation.generate import GenerationSettings
from core.generation.next_token import NextTokenDistribution, readable_token
from tabs.widgets.vega_chart import TEXT_COLOR, vega_lite

CANDIDATE_HEADERS = ["rank", "token", "id", "p (T=1)", "p (T)", "kept", "p (sampled)"]
MODEL_P, SHAPED_P = CANDIDATE_HEADERS[3], CANDIDATE_HEADERS[4]
KEPT, CUT = "kept", "cut by top-k/top-p"
CHOSEN, NOT_CHOSEN = "chosen (greedy)", "never chosen (greedy)"
COLORS = {KEPT: "#3b82f6", CUT: "#f97316", CHOSEN: "#3b82f6", NOT_CHOSEN: "#f97316"}
CHART_HEIGHT = 260
#: Room above the tallest bar, so that it never touches the top of the chart.
HEADROOM = 1.05


def _fate(kept: bool, do_sample: bool) -> str:
    if do_sample:
        return KEPT if kept else CUT
    return CHOSEN if kept else NOT_CHOSEN


def bar_chart(rows: list[dict[str, Any]], column: str, top: float, fates: tuple[str, str] | None = None) -> Any:
    """Bars of ``rows[i][column]`` per token, in rank order, on a y axis from 0 to ``top``;
    with ``fates``, each bar is filled by its ``sampling`` value (and a legend says which is which)."""
    encoding: dict[str, Any] = {
        "x": {
            "field": "token",
            "type": "nominal",
            "sort": [row["token"] for row in rows],
            "title": "token",
            "axis": {"labelAngle": -45, "labelLimit": 90},
        },
        "y": {
            "field": column,
            "type": "quantitative",
            "title": column,
            "scale": {"domain": [0, top], "nice": False},
        },
        "tooltip": [
            {"field": "token", "type": "nominal"},
            {"field": column, "type": "quantitative", "format": ".4f"},
        ],
    }
    if fates:
        encoding["fill"] = {
            "field": "sampling",
            "type": "nominal",
            "title": None,
            "scale": {"domain": list(fates), "range": [COLORS[fate] for fate in fates]},
            "legend": {"orient": "bottom", "labelColor": TEXT_COLOR},
        }
        encoding["tooltip"].append({"field": "sampling", "type": "nominal"})
    spec = {
        "data": {"values": rows},
        "mark": {"type": "bar"},
        "encoding": encoding,
        "height": CHART_HEIGHT,
    }
    return vega_lite(spec, "bar")


def next_token_views(distribution: NextTokenDistribution | None, settings: GenerationSettings) -> tuple:
    """The two bar charts and the table of the next-token panel (unchanged when nothing was generated yet)."""
    if distribution is None:
        return gr.skip(), gr.skip(), gr.skip()
    candidates = distribution.candidates(settings)
    rows = [
        {
            "token": f"{c['rank']}. {readable_token(c['token'])}",
            MODEL_P: c["probability"],
            SHAPED_P: c["probability_at_temperature"],
            "sampling": _fate(c["kept"], settings.do_sample),
        }
        for c in candidates
    ]
    top = max(max(row[MODEL_P], row[SHAPED_P]) for row in rows) * HEADROOM
    fates = (KEPT, CUT) if settings.do_sample else (CHOSEN, NOT_CHOSEN)
    table = [
        [c["rank"], readable_token(c["token"]), c["token_id"], round(c["probability"], 4)]
        + [round(c["probability_at_temperature"], 4), c["kept"], round(c["sampling_probability"], 4)]
        for c in candidates
    ]
    return bar_chart(rows, MODEL_P, top), bar_chart(rows, SHAPED_P, top, fates), table
