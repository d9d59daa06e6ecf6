"""What the student sees after the first run (issue 14): the generation tab's next-token charts against their
own table as the knobs move, the embeddings maps' token labels, and the detection tab's threshold and bad files.

Every check reads the page as drawn: a chart's bars, points and labels from its SVG (each Vega mark carries
its data in ``aria-label``; the y axis's ticks give the scale), a table's cells, an error toast's text.
The launched app and the browser are the session's (``tests/conftest.py``); the page helpers are
``tests/test_browser.py``'s.
"""

import re
import time
from collections.abc import Callable
from typing import Any

import pytest

from core.registry import BUNDLED_MINILM
from tests.test_browser import (
    RESULT_TIMEOUT_MS,
    click_example,
    detect_at_threshold_zero,
    fill_slider,
    run_and_read,
    select_tab,
    set_model,
    strings,
)

#: How long a view may take to redraw after a slider move (it never calls the model).
REDRAW_TIMEOUT_S = 30
#: The table shows probabilities rounded to 4 decimals.
TABLE_ROUNDING = 5e-5
#: How far (in pixels) a drawn bar may be from where the axis puts its value: antialiasing and rounding.
PIXEL_TOLERANCE = 1.5

READ_CHART = """block => {
  const svg = block.querySelector('svg.marks');
  if (!svg) return null;
  const items = selector => [...svg.querySelectorAll(selector)].map(e => {
    const r = e.getBoundingClientRect();
    return {label: e.getAttribute('aria-label') || '', text: e.textContent, left: r.left, right: r.right,
            top: r.top, bottom: r.bottom};
  });
  const yAxis = [...svg.querySelectorAll('.role-axis')]
    .find(axis => (axis.getAttribute('aria-label') || '').startsWith('Y-axis'));
  return {
    bars: items('.mark-rect.role-mark path'),
    points: items('.mark-symbol.role-mark path'),
    labels: items('.mark-text.role-mark text'),
    ticks: yAxis ? [...yAxis.querySelectorAll('.role-axis-tick line')].map(l => l.getBoundingClientRect().top) : [],
    tick_labels: yAxis ? [...yAxis.querySelectorAll('.role-axis-label text')].map(t => t.textContent) : [],
    legends: svg.querySelectorAll('.role-legend').length,
  };
}"""

READ_TABLE = """block => {
  const rows = {};
  for (const cell of block.querySelectorAll('[role=gridcell][data-row][data-col]')) {
    (rows[cell.dataset.row] ??= [])[Number(cell.dataset.col)] = cell.innerText.trim();
  }
  return Object.keys(rows).sort((a, b) => a - b).map(row => rows[row]);
}"""

BAR_LABEL = re.compile(r"^token: (?P<token>.*); (?P<column>[^;]+): (?P<p>[-+0-9.e]+)(?:; sampling: (?P<fate>.*))?$")


# --- reading the page ------------------------------------------------------------------------------------


def block_labelled(page, panel, label: str):
    """The component whose label reads ``label``."""
    return panel.locator(".block", has=page.get_by_text(label, exact=True)).last


def text_box(panel, label: str):
    """The text box labelled ``label`` (its accessible name goes on with the box's info line)."""
    return panel.get_by_label(re.compile(rf"^\s*{re.escape(label)}(\s|$)"))


def read_chart(block) -> dict[str, Any] | None:
    return block.evaluate(READ_CHART)


def read_table(block) -> list[list[str]]:
    return block.evaluate(READ_TABLE)


def axis_value(chart: dict[str, Any], y: float) -> float:
    """The value the y axis puts at page height ``y`` (from its first and last ticks and their labels)."""
    ticks, labels = chart["ticks"], [float(text) for text in chart["tick_labels"]]
    assert len(ticks) == len(labels) >= 2, f"the y axis has no readable scale: {chart['tick_labels']}"
    (y0, v0), (y1, v1) = (ticks[0], labels[0]), (ticks[-1], labels[-1])
    return v0 + (y - y0) * (v1 - v0) / (y1 - y0)


def drawn_bars(chart: dict[str, Any]) -> list[dict[str, Any]]:
    """Each bar as the page draws it: its token, its value (from its mark), where the axis puts its top,
    and its fill's meaning (``sampling``)."""
    bars = []
    for bar in chart["bars"]:
        match = BAR_LABEL.match(bar["label"])
        assert match, f"a bar without its data: {bar['label']!r}"
        top = axis_value(chart, bar["top"])
        pixel = abs(axis_value(chart, bar["top"] + PIXEL_TOLERANCE) - top)
        bottom = axis_value(chart, bar["bottom"])
        bars.append({**match.groupdict(), "value": float(match["p"]), "top": top, "pixel": pixel, "bottom": bottom})
    return bars


def chart_disagreements(chart: dict[str, Any] | None, table: list[list[str]], column: int) -> list[str]:
    """How the bars differ from the table's ``column`` (empty when every bar shows its row's value)."""
    if not chart or not table:
        return ["nothing drawn yet"]
    bars = drawn_bars(chart)
    rows = {f"{row[0]}. {row[1]}": row for row in table}
    problems = [] if len(bars) == len(rows) else [f"{len(bars)} bars for {len(rows)} rows"]
    for bar in bars:
        row = rows.get(bar["token"])
        if row is None:
            problems.append(f"bar {bar['token']!r} is not in the table")
            continue
        expected = float(row[column])
        if abs(bar["value"] - expected) > TABLE_ROUNDING:
            problems.append(f"{bar['token']!r}: bar {bar['value']:.4f}, table {expected}")
        if abs(bar["top"] - expected) > bar["pixel"] + TABLE_ROUNDING:
            problems.append(f"{bar['token']!r}: drawn up to {bar['top']:.4f} on the axis, table {expected}")
        if abs(bar["bottom"]) > bar["pixel"]:
            problems.append(f"{bar['token']!r}: bar starts at {bar['bottom']:.4f}, not 0")
        if bar["fate"] is not None and (bar["fate"] == "kept") != (row[5] == "true"):
            problems.append(f"{bar['token']!r}: bar says {bar['fate']!r}, table says kept={row[5]}")
    return problems


def wait_for(read: Callable[[], Any], problems: Callable[[Any], list[str]], what: str) -> Any:
    """Read the page until ``problems`` finds none in what it shows; fail with the last ones otherwise."""
    deadline = time.monotonic() + REDRAW_TIMEOUT_S
    while True:
        value = read()
        found = problems(value)
        if not found:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{what}; what the page shows instead: {found[:6]}")
        time.sleep(0.3)


def unless(condition: bool, problem: str) -> list[str]:
    return [] if condition else [problem]


# --- text generation: the next-token panel ------------------------------------------------------------------

GENERATE = strings("generate", "en")
P_MODEL, P_SHAPED = 3, 4  # the table's columns p (T=1) and p (T)


def next_token_panel(page, panel) -> Callable[[], tuple]:
    """A reader of the panel: (left chart, right chart, table), as drawn."""
    left = block_labelled(page, panel, GENERATE["generate.next_model"])
    right = block_labelled(page, panel, GENERATE["generate.next_shaped"])
    table = block_labelled(page, panel, GENERATE["generate.next_table"])
    return lambda: (read_chart(left), read_chart(right), read_table(table))


def panel_disagreements(seen: tuple) -> list[str]:
    left, right, table = seen
    return [f"left chart: {p}" for p in chart_disagreements(left, table, P_MODEL)] + [
        f"right chart: {p}" for p in chart_disagreements(right, table, P_SHAPED)
    ]


def redrawn_from(before: list[list[str]]) -> Callable[[tuple], list[str]]:
    """What keeps the panel from showing a new table (not ``before``) drawn exactly by both charts."""
    return lambda seen: unless(seen[2] != before, "the table did not change") or panel_disagreements(seen)


def generate_once(page, model: str):
    """The generation tab's first example run on ``model``; the panel's reader and what it shows."""
    panel = select_tab(page, GENERATE["generate.tab"])
    click_example(page, panel)
    set_model(panel, GENERATE, model)
    run_and_read(page, panel, GENERATE)
    read = next_token_panel(page, panel)
    return panel, read, wait_for(read, redrawn_from([]), "after Run, both charts should draw the table's values")


KNOB_MOVES = [
    ("generate.temperature", 1.7),  # away from where the drag below left it
    ("generate.temperature", 0.3),  # the favourites grow far above the T=1 axis
    ("generate.top_k", 3),  # all but three are cut: filled as cut, table says kept=false
    ("generate.top_p", 0.05),
    ("generate.repetition_penalty", 2.0),  # the prompt's own tokens (",") fall
]


def drag_temperature_down(page, panel) -> None:
    """Drag the temperature handle from its default (1.0 of 0.05–2) to the left, as a mouse does."""
    track = panel.get_by_label(f"range slider for {GENERATE['generate.temperature']}", exact=True)
    track.scroll_into_view_if_needed()
    box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.5, y)  # the handle sits at 1.0 of 0.05–2
    page.mouse.down()
    for fraction in (0.4, 0.3, 0.2, 0.12):
        page.mouse.move(box["x"] + box["width"] * fraction, y, steps=3)
    page.mouse.up()


def test_dragged_and_typed_knobs_and_a_second_run_redraw_the_charts_with_the_tables_values(
    app_url, tiny_gpt2, page_for
):
    """After Run, every move of a knob (dragged, or typed + Enter) and a second run redraw both next-token
    charts with exactly the values of the table (it used to keep the T=1 bars)."""
    page = page_for(app_url)
    page.goto(app_url)
    panel, read, seen = generate_once(page, str(tiny_gpt2))

    drag_temperature_down(page, panel)
    seen = wait_for(read, redrawn_from(seen[2]), "after dragging the temperature, both charts should redraw")
    assert float(panel.get_by_label(f"number input for {GENERATE['generate.temperature']}").input_value()) < 0.5

    text_box(panel, GENERATE["generate.text"]).fill("Once upon a time")
    raw = run_and_read(page, panel, GENERATE, done=lambda raw: raw[0]["generated_text"].startswith("Once"))
    assert raw[0]["generated_text"].startswith("Once upon a time")
    seen = wait_for(read, redrawn_from(seen[2]), "after a second run, both charts should draw the new table")

    for knob, value in KNOB_MOVES:
        fill_slider(panel, GENERATE[knob], value)  # typed, then Enter
        seen = wait_for(read, redrawn_from(seen[2]), f"after {knob} = {value}, both charts should redraw the table")
    assert sum(row[5] == "false" for row in seen[2]) >= 17  # top_k 3 and top_p 0.05 cut most: drawn as cut


# --- embeddings: maps with words -----------------------------------------------------------------------------

EMBEDDINGS = strings("embeddings", "en")
MAPS = ("embeddings.map_embeddings", "embeddings.map_hidden")


def map_labels_beside_points(chart: dict[str, Any]) -> list[str]:
    """The words written on a map, each checked to sit just right of its own point."""
    assert chart["legends"] == 0  # the words say which point is which: no legend to clip
    assert len(chart["labels"]) == len(chart["points"])
    for label, point in zip(chart["labels"], chart["points"], strict=True):
        middle = (point["top"] + point["bottom"]) / 2
        assert -2 <= label["left"] - point["right"] <= 12, f"{label['text']!r} is not beside its point"
        assert label["top"] <= middle <= label["bottom"], f"{label['text']!r} is not level with its point"
    return [label["text"] for label in chart["labels"]]


def shown_tokens(raw: dict[str, Any]) -> list[str]:
    """The tokens the maps place: every token but the special ones ([CLS], [SEP])."""
    return [t for t, xy in zip(raw["tokens"], raw["projection"]["embeddings"], strict=True) if xy is not None]


def check_maps_and_points(page, panel, raw: dict[str, Any]) -> None:
    tokens = shown_tokens(raw)
    for key in MAPS:
        chart = wait_for(
            lambda key=key: read_chart(block_labelled(page, panel, EMBEDDINGS[key])),
            lambda chart: unless(bool(chart) and sorted(t["text"] for t in chart["labels"]) == sorted(tokens), chart),
            f"the map {EMBEDDINGS[key]!r} should write every token beside its point: {tokens}",
        )
        assert sorted(map_labels_beside_points(chart)) == sorted(tokens)
    rows = read_table(block_labelled(page, panel, EMBEDDINGS["embeddings.points"]))
    assert [row[1] for row in rows] == tokens
    for row in rows:
        position = int(row[0])
        assert raw["tokens"][position] == row[1]
        for shown, exact in zip(row[2:4], raw["projection"]["embeddings"][position], strict=True):
            assert float(shown) == pytest.approx(exact, abs=1e-3)
        for shown, exact in zip(row[4:6], raw["projection"]["last_hidden_state"][position], strict=True):
            assert float(shown) == pytest.approx(exact, abs=1e-3)


def test_embedding_maps_write_each_token_beside_its_point_and_in_a_table(app_url, page_for):
    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, EMBEDDINGS["embeddings.tab"])
    set_model(panel, EMBEDDINGS, BUNDLED_MINILM)
    first = run_and_read(page, panel, EMBEDDINGS, "embeddings.run")
    assert {"apple", "banana", "dog", "cat"} <= set(shown_tokens(first))
    check_maps_and_points(page, panel, first)

    text_box(panel, EMBEDDINGS["embeddings.text"]).fill("king queen man woman")
    second = run_and_read(page, panel, EMBEDDINGS, "embeddings.run", done=lambda raw: "king" in raw["tokens"])
    check_maps_and_points(page, panel, second)
    assert "apple" not in shown_tokens(second)


# --- object detection: a threshold typed in, a damaged file after a good run ------------------------------

DETECT = strings("detect", "en")
DAMAGED = b"these bytes were a photo once" * 20
NOT_AN_IMAGE = "is not an image this app can read"


def upload(panel, path) -> None:
    panel.locator("input[type=file]").first.set_input_files(str(path))


def run_expecting_an_error(page, panel) -> str:
    panel.get_by_role("button", name=DETECT["common.run"], exact=True).first.click()
    toast = page.locator(".toast-body.error").first
    toast.wait_for(timeout=RESULT_TIMEOUT_MS)
    return toast.inner_text()


def split_between(scores: list[float]) -> float:
    """A threshold on the slider's 0.01 steps that some of ``scores`` pass and some do not (clear of all)."""
    steps = [k / 100 for k in range(1, 100)]
    clear = [t for t in steps if all(abs(s - t) > 0.002 for s in scores)]
    splitting = [t for t in clear if 0 < sum(s > t for s in scores) < len(scores)]
    assert splitting, f"no threshold splits these scores: {scores}"
    return min(splitting, key=lambda t: abs(sum(s > t for s in scores) - len(scores) / 2))


def check_a_typed_threshold_applies_at_once(page, panel, scores: list[float]) -> None:
    """A threshold typed + Enter filters the table at once (it used to wait until the box lost focus)."""
    table = block_labelled(page, panel, DETECT["detect.table"])
    every_box = lambda rows: unless(len(rows) == len(scores), rows)  # noqa: E731
    wait_for(lambda: read_table(table), every_box, "threshold 0: the table should list every box")

    threshold = split_between(scores)
    fill_slider(panel, DETECT["detect.threshold"], threshold)  # typed, then Enter: the box keeps the focus
    expected = sum(s > threshold for s in scores)
    rows = wait_for(
        lambda: read_table(table),
        lambda rows: unless(len(rows) == expected, rows),
        f"threshold {threshold} typed and entered: the table should list the {expected} boxes above it",
    )
    assert all(float(row[1]) > threshold for row in rows)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')").startswith("number input")

    fill_slider(panel, DETECT["detect.threshold"], 0)  # and back: every box again, from the cache
    wait_for(lambda: read_table(table), every_box, "threshold 0 again: the table should list every box")


def test_a_typed_threshold_applies_at_once_and_a_damaged_photo_gets_the_fresh_pages_message(
    app_url, tiny_detr, page_for, tmp_path
):
    damaged = tmp_path / "holiday.jpg"
    damaged.write_bytes(DAMAGED)

    fresh = page_for(app_url)
    fresh.goto(app_url)
    fresh_panel = select_tab(fresh, DETECT["detect.tab"])
    set_model(fresh_panel, DETECT, str(tiny_detr))
    upload(fresh_panel, damaged)
    on_a_fresh_page = run_expecting_an_error(fresh, fresh_panel)
    assert f"'holiday.jpg' {NOT_AN_IMAGE}" in on_a_fresh_page

    page = page_for(app_url)
    page.goto(app_url)
    panel = select_tab(page, DETECT["detect.tab"])
    detect_at_threshold_zero(page, panel, DETECT, str(tiny_detr))  # an example photo, as a student starts
    check_a_typed_threshold_applies_at_once(page, panel, [d["score"] for d in run_and_read(page, panel, DETECT)])
    upload(panel, damaged)  # after a good run: the same clear message as on a fresh page (it was red badges)
    assert run_expecting_an_error(page, panel) == on_a_fresh_page
