"""After an error, no result of an earlier run stays on screen (issue 14, item 7): the wiring, without a browser.

The browser walk (tests/test_browser_walk.py) shows it in every tab; this checks that every public event has
its clean-up, so a new tab cannot miss it.
"""

import gradio as gr
import pytest

from tabs.boundary import KEEP_RESULTS_ON_FAILURE


@pytest.fixture(scope="module")
def demo():
    from app import build_app

    return build_app()


def test_every_public_event_empties_its_results_when_it_fails(demo):
    cleanups = {fn.trigger_after: fn for fn in demo.fns.values() if fn.trigger_only_on_failure}
    public = [fn for fn in demo.fns.values() if fn.api_visibility == "public" and fn.fn is not None]
    assert {"classify", "inspect", "generate", "detect", "finetune", "remote"} <= {fn.api_name for fn in public}
    for event in public:
        if event.api_name in KEEP_RESULTS_ON_FAILURE:
            assert event._id not in cleanups, event.api_name
            continue
        cleanup = cleanups[event._id]
        inputs = {block._id for block in event.inputs}
        expected = [b._id for b in event.outputs if b._id not in inputs and not isinstance(b, gr.State)]
        assert [block._id for block in cleanup.outputs] == expected, event.api_name
        assert cleanup.api_visibility == "private" and not cleanup.queue
        emptied = cleanup.fn()
        assert (emptied if len(expected) > 1 else [emptied]) == [None] * len(expected)


def test_an_editable_input_table_and_the_state_survive_a_failed_training_run(demo):
    """The fine-tuning lab's data table is both an input and an output of /finetune: a refused run keeps it."""
    finetune = next(fn for fn in demo.fns.values() if fn.api_name == "finetune")
    cleanup = next(fn for fn in demo.fns.values() if fn.trigger_only_on_failure and fn.trigger_after == finetune._id)
    data_table = next(b for b in finetune.outputs if b._id in {i._id for i in finetune.inputs})
    assert data_table._id not in {b._id for b in cleanup.outputs}
    assert not any(isinstance(b, gr.State) for b in cleanup.outputs)
