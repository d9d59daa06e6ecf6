"""The page's one load event (tabs/page_load.py): each part gets its own inputs and fills its own outputs; a
part that fails leaves its outputs alone and the others still answer."""

import logging

import gradio as gr
import pytest

from tabs.page_load import PageLoad


def build(*parts):
    """A page whose load event runs ``parts``: each (fn, input names, output names) over shared boxes."""
    page_load = PageLoad()
    with gr.Blocks() as demo:
        boxes = {name: gr.Textbox(value=name.upper(), label=name) for name in "abcxyz"}
        for fn, inputs, outputs in parts:
            page_load.add(fn, [boxes[n] for n in inputs], [boxes[n] for n in outputs])
        page_load.wire(demo)
    (event,) = [fn for fn in demo.fns.values() if any(name == "load" for _, name in fn.targets)]
    return event, boxes


def run(event, boxes, request=None):
    values = [box.value for box in event.inputs]
    return dict(zip([b.label for b in event.outputs], event.fn(request, *values), strict=True))


def echo(*values, request=None):
    return " ".join(values) + (" (asked)" if request is not None else "")


def test_each_part_gets_its_own_inputs_once_each_and_the_request():
    def pair(a, b, request=None):
        return f"{a}{b}", f"{b}{a}"

    event, boxes = build((pair, "ab", "xy"), (echo, "ba", "z"))
    assert [box.label for box in event.inputs] == ["a", "b"]  # b is asked for once
    assert run(event, boxes, request="req") == {"x": "AB", "y": "BA", "z": "B A (asked)"}
    assert event.api_visibility == "private" and event.show_progress == "hidden"


def test_a_failing_part_leaves_its_outputs_and_the_others_answer(caplog):
    def broken(a, request=None):
        raise RuntimeError("disk gone")

    event, boxes = build((broken, "a", "xy"), (echo, "c", "z"))
    with caplog.at_level(logging.ERROR, logger="playground"):
        shown = run(event, boxes)
    assert shown["z"] == "C"
    assert all(isinstance(shown[k], type(gr.skip())) and shown[k] == gr.skip() for k in "xy")
    assert "page-load part broken failed" in caplog.text


def test_a_students_message_from_a_part_is_still_said(monkeypatch):
    said = []
    monkeypatch.setattr(gr, "Warning", lambda message, **options: said.append((message, options["title"])))

    def refuses(a, request=None):
        raise gr.Error("캐시 폴더를 읽을 수 없어요: 권한을 확인하세요.", title="캐시")

    event, boxes = build((refuses, "a", "x"), (echo, "b", "y"))
    shown = run(event, boxes)
    assert said == [("캐시 폴더를 읽을 수 없어요: 권한을 확인하세요.", "캐시")]
    assert shown["x"] == gr.skip() and shown["y"] == "B"


def test_two_parts_may_not_write_one_component():
    with pytest.raises(ValueError, match="writes a component another page-load part writes"):
        build((echo, "a", "x"), (echo, "b", "x"))


def test_nothing_registered_adds_no_event():
    with gr.Blocks() as demo:
        PageLoad().wire(demo)
    assert not demo.fns
