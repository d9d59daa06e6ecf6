"""The embeddings tab's 2D maps: one point per token with the token written beside it, and the same
points as table rows, so that "apple lands near banana" can be read off the page."""

from typing import Any

from core.inspect.embeddings import TokenVectors
from tabs.widgets.vega_chart import TEXT_COLOR, vega_lite

MAP_HEIGHT = 380
POINT_HEADERS = ["#", "token", "x (embedding)", "y (embedding)", "x (last hidden)", "y (last hidden)"]


def _placed(vectors: TokenVectors, coords: list[list[float] | None]) -> list[dict[str, Any]]:
    """The tokens that have a place on the map (special tokens have none), with their position in the text."""
    return [
        {"#": i, "token": token, "x": xy[0], "y": xy[1]}
        for i, (token, xy) in enumerate(zip(vectors.tokens, coords, strict=True))
        if xy is not None
    ]


def token_map(vectors: TokenVectors, coords: list[list[float] | None]) -> Any:
    """A scatter chart of ``coords`` (one per token, None for those not shown), each point labelled."""
    axis = {"type": "quantitative", "scale": {"zero": False, "padding": 16}, "axis": {"tickCount": 5}}
    spec = {
        "data": {"values": _placed(vectors, coords)},
        "encoding": {
            "x": {"field": "x", "title": "PCA 1", **axis},
            "y": {"field": "y", "title": "PCA 2", **axis},
            "tooltip": [{"field": "#", "type": "ordinal"}, {"field": "token", "type": "nominal"}],
        },
        "layer": [
            {"mark": {"type": "point", "filled": True, "size": 50}},
            {
                "mark": {
                    "type": "text",
                    "align": "left",
                    "baseline": "middle",
                    "dx": 6,
                    "fontSize": 12,
                    "fill": TEXT_COLOR,
                    "strokeWidth": 0,
                },
                "encoding": {"text": {"field": "token", "type": "nominal"}},
            },
        ],
        "height": MAP_HEIGHT,
    }
    return vega_lite(spec, "scatter")


def point_rows(vectors: TokenVectors) -> list[list[Any]]:
    """One row per token on the maps: its position in the text, the token, and its place on each map."""
    rows = []
    for i, (token, embedded, hidden) in enumerate(
        zip(vectors.tokens, vectors.embedding_2d, vectors.hidden_2d, strict=True)
    ):
        if embedded is not None and hidden is not None:
            rows.append([i, token, *(round(value, 3) for value in (*embedded, *hidden))])
    return rows
