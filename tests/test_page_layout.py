"""Where things sit on the page, read from the built app's layout (no browser).

A click is lost when the button moves between the press and the release: the model box commits a typed id when
it loses focus, that is on the press on Run, and the line describing the model changes its height a moment later.
So every tab's model status line sits under its Run button, and every component an event writes to is on the page
(a status line made unrendered and never placed would leave its events writing to nothing).
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tabs.widgets.model_picker import STATUS_CLASS


@pytest.fixture(scope="module")
def config() -> dict[str, Any]:
    import app

    return app.build_app().config


def in_page_order(node: dict[str, Any]) -> Iterator[int]:
    """Component ids as the page shows them, top to bottom (a depth-first walk of the layout)."""
    yield node["id"]
    for child in node.get("children", []):
        yield from in_page_order(child)


def by_id(config: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {component["id"]: component for component in config["components"]}


def tab_panels(config: dict[str, Any]) -> list[dict[str, Any]]:
    """The layout nodes of the task tabs (each ``gr.Tab`` inside the app's tab row)."""
    components = by_id(config)
    panels = []

    def walk(node: dict[str, Any]) -> None:
        if components.get(node["id"], {}).get("type") == "tabitem":
            panels.append(node)
            return
        for child in node.get("children", []):
            walk(child)

    walk(config["layout"])
    return panels


def is_status_line(component: dict[str, Any]) -> bool:
    return STATUS_CLASS in (component["props"].get("elem_classes") or [])


def is_primary_button(component: dict[str, Any]) -> bool:
    return component["type"] == "button" and component["props"].get("variant") == "primary"


def status_lines(config: dict[str, Any]) -> list[tuple[int, bool]]:
    """Each model status line's id, and whether it sits under the first Run button of its tab."""
    components = by_id(config)
    found = []
    for panel in tab_panels(config):
        order = [components[i] for i in in_page_order(panel)]
        first_run = next((k for k, c in enumerate(order) if is_primary_button(c)), len(order))
        found += [(c["id"], k > first_run) for k, c in enumerate(order) if is_status_line(c)]
    return found


def test_every_model_status_line_sits_under_its_tabs_run_button(config):
    lines = status_lines(config)
    assert len(lines) >= 14  # every task tab with a model box (tabs/widgets/model_picker.py)
    assert [line for line, under in lines if not under] == []


def test_every_component_an_event_writes_to_is_on_the_page(config):
    on_page = set(in_page_order(config["layout"]))
    components = by_id(config)
    for dependency in config["dependencies"]:
        missing = [
            i
            for i in dependency["outputs"]
            if i not in on_page and components[i]["type"] not in ("state", "browserstate")
        ]
        assert not missing, f"event {dependency.get('api_name') or dependency['id']} writes to unplaced {missing}"


def test_the_layout_check_finds_a_status_line_above_the_button():
    """The check itself: a status line rendered before the Run button is found."""
    page = {
        "layout": {"id": 0, "children": [{"id": 1, "children": [{"id": 2}, {"id": 3}]}]},
        "components": [
            {"id": 0, "type": "tabs", "props": {}},
            {"id": 1, "type": "tabitem", "props": {}},
            {"id": 2, "type": "markdown", "props": {"elem_classes": [STATUS_CLASS]}},
            {"id": 3, "type": "button", "props": {"variant": "primary"}},
        ],
    }
    assert status_lines(page) == [(2, False)]
    page["layout"]["children"][0]["children"].reverse()
    assert status_lines(page) == [(2, True)]
