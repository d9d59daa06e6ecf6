"""Charts as whole Vega-Lite specs in a ``gr.Plot``: data, axis and colours travel together, so a chart
redraws exactly what its update says.

Why not ``gr.BarPlot``/``gr.ScatterPlot`` (gradio 6's native plots)? Their page keeps one Vega view and
rebuilds it when a setting such as ``y_lim`` changes, and the rebuilt view takes the data of the value
*before* the update: after a slider move the bars showed the previous values against the new axis
(issue 14). They also cannot write a label beside a point. A ``gr.Plot`` value is the whole chart, drawn
afresh on every change.

``chart`` names gradio's own styling of a Vega-Lite spec (fonts and colours of the page's theme, light or
dark, and the container's width). That styling recolours the ``color`` channel, so charts here colour
bars through ``fill`` and points through ``stroke``. SVG rather than canvas: marks and labels are
elements of the page that screen readers (and the browser tests) can read.
"""

import json
from typing import Any, Literal

from gradio.components.plot import AltairPlotData

SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
#: Text drawn on a chart in the colour of the page's text, whatever the theme.
TEXT_COLOR = "currentColor"


def vega_lite(spec: dict[str, Any], chart: Literal["bar", "scatter"]) -> AltairPlotData:
    """A ``gr.Plot`` value for a Vega-Lite ``spec`` (its data inline), drawn as SVG without the actions menu."""
    full = {
        "$schema": SCHEMA,
        "background": "transparent",  # the block's own background, light or dark (Vega's default is white)
        **spec,
        "usermeta": {"embedOptions": {"renderer": "svg", "actions": False}},
    }
    return AltairPlotData(type="altair", plot=json.dumps(full, allow_nan=False), chart=chart)
