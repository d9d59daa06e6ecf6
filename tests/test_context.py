"""The context's registry: how one tab drives another's component without searching the page for it."""

import pytest

from tabs.context import AppContext


def test_a_registered_component_is_found_by_its_name():
    ctx = AppContext()
    box = object()
    ctx.register("classify.model", box)
    assert ctx.component("classify.model") is box
    assert ctx.component("ner.model") is None


def test_a_name_is_registered_once():
    ctx = AppContext()
    ctx.register("classify.model", object())
    with pytest.raises(ValueError, match=r"'classify\.model' is registered twice"):
        ctx.register("classify.model", object())


def test_wiring_waits_for_a_tab_built_later_and_runs_once():
    ctx = AppContext()
    wired = []
    ctx.on_component("classify.model", wired.append)
    assert wired == []
    box = object()
    ctx.register("classify.model", box)
    assert wired == [box]
    ctx.register("other.box", object())
    assert wired == [box]


def test_wiring_runs_at_once_when_the_tab_is_already_built():
    ctx = AppContext()
    box = object()
    ctx.register("classify.model", box)
    wired = []
    ctx.on_component("classify.model", wired.append)
    assert wired == [box]


def test_without_the_tab_nothing_is_wired():
    ctx = AppContext()
    wired = []
    ctx.on_component("classify.model", wired.append)
    assert wired == [] and ctx.component("classify.model") is None
