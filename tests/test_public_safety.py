"""Issue 16: a shared link survives its class. Each test is one finding of the attack on --public / --auth.

No path oracle, no server path in public outputs, undecodable and non-finite input, odd ``architectures``.
The fair queue, disk quotas, training memory and login throttling have their own files
(tests/test_fair_queue.py, tests/test_public_storage.py, tests/test_training_memory.py, tests/test_auth_guard.py).
"""

import contextlib
import json
import os
import re
import shutil
from pathlib import Path

import gradio as gr
import pytest
from gradio_client.exceptions import AppError

from core.errors import BadInput, WrongModelKind
from core.runtime.model_source import resolve_model
from tabs.context import AppContext

ORACLE_IDS = ["data/../../../etc/shadow", "data/../../../etc/shadowX"]


# --- no path oracle ------------------------------------------------------------------------------------------


@contextlib.contextmanager
def watching_the_filesystem():
    """Record every question asked of the filesystem inside the block (the answers are the real ones)."""
    touched = []
    originals = {(os, "stat"): os.stat, (os.path, "exists"): os.path.exists, (os.path, "isdir"): os.path.isdir}

    def recorder(real):
        def record(*args, **kwargs):
            touched.append(args[:1])
            return real(*args, **kwargs)

        return record

    for (owner, name), real in originals.items():
        setattr(owner, name, recorder(real))
    try:
        yield touched
    finally:
        for (owner, name), real in originals.items():
            setattr(owner, name, real)


def _refusal(value: str, resolve) -> tuple[str, list]:
    """The message for ``value`` with the value itself blanked out, and what the filesystem was asked."""
    with watching_the_filesystem() as touched:
        try:
            resolve(value)
        except BadInput as error:
            message = error.message.replace(value, "<id>")
        else:
            message = "accepted"
    return message, touched


def test_public_mode_gives_one_message_whatever_exists_on_the_server():
    answers = [_refusal(value, lambda v: resolve_model(v, allow_local=False)) for value in ORACLE_IDS]
    assert answers[0][0] == answers[1][0] and "public mode" in answers[0][0]
    assert answers[0][1] == answers[1][1] == []


@pytest.mark.parametrize("value", ["/etc/passwd", "../x", "a/b/c", "~root", "C:\\x", "org/na..me"])
def test_public_mode_refuses_invalid_ids_without_touching_the_filesystem(value):
    message, touched = _refusal(value, lambda v: resolve_model(v, allow_local=False))
    assert "not a Hub model id" in message and touched == []


def test_the_remote_backend_in_public_mode_gives_the_same_message_and_touches_no_file():
    from core.remote import client

    def hub_model(value):
        try:
            return client._hub_model(value, public=True)
        except TypeError:  # before issue 16 the remote backend did not know the mode
            return client._hub_model(value)

    answers = [_refusal(value, hub_model) for value in ORACLE_IDS]
    assert answers[0][0] == answers[1][0] and answers[0][1] == answers[1][1] == []


def test_the_two_oracle_ids_get_the_same_answer_from_the_public_app(public_client):
    answers = []
    for value in ORACLE_IDS:
        with pytest.raises(AppError) as caught:
            public_client.predict("hi", value, api_name="/classify")
        answers.append(str(caught.value).replace(value, "<id>"))
    assert answers[0] == answers[1] and "public mode" in answers[0]


# --- odd `architectures` --------------------------------------------------------------------------------------

ODD_ARCHITECTURES = [["BertConfig"], ["logging"], [123], [None], ["AutoTokenizer"], ["__version__"]]


@pytest.fixture(scope="module")
def odd_models(tiny_encoder, tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("odd-architectures")
    made = {}
    for i, odd in enumerate(ODD_ARCHITECTURES):
        path = folder / f"odd-{i}"
        shutil.copytree(tiny_encoder, path)
        config = json.loads((path / "config.json").read_text())
        config["architectures"] = odd
        (path / "config.json").write_text(json.dumps(config))
        made[repr(odd)] = path
    return made


def _views():
    from tabs import compare, embeddings, inspector

    ctx = AppContext()
    return {
        "inspect": lambda m: inspector.make_handler(ctx)(m, "en"),
        "run_model": lambda m: inspector.make_run_handler(ctx)("hi", m, "cpu", "en"),
        "embeddings": lambda m: embeddings.make_handler(ctx)("hi there", m),
        "compare": lambda m: compare.make_handler(ctx)("hi", m, "sentence-transformers/all-MiniLM-L6-v2", 1),
    }


@pytest.mark.parametrize("view", ["inspect", "run_model", "embeddings", "compare"])
@pytest.mark.parametrize("odd", [repr(o) for o in ODD_ARCHITECTURES])
def test_an_odd_architectures_field_gets_the_wrong_kind_message(odd_models, view, odd):
    with pytest.raises(gr.Error) as caught:
        result = _views()[view](str(odd_models[odd]))
        if hasattr(result, "__next__"):
            list(result)
    assert caught.value.title == WrongModelKind.title_en, caught.value.message
    assert "architecture" in caught.value.message and "unexpected" not in caught.value.message


def test_a_task_tab_refuses_a_non_string_architecture_as_the_wrong_kind(odd_models):
    from core.registry import get_task
    from core.runtime.loading import load_for_task

    with pytest.raises(WrongModelKind, match="architectures"):
        load_for_task(get_task("classify"), str(odd_models[repr([123])]))


# --- text that cannot be decoded, numbers that are not finite -------------------------------------------------


@pytest.mark.parametrize(
    ("api_name", "args", "message"),
    [
        ("/classify", {"text": "I like \ud800 apple", "model": "{classifier}"}, "cannot be read.*U\\+D800"),
        ("/tokenize", {"text": "hi \udfff", "tokenizer": "sentence-transformers/all-MiniLM-L6-v2"}, "cannot be read"),
        ("/zero_shot", {"text": "I like apple", "labels": "fruit, \ud83d", "model": "{classifier}"}, "cannot be read"),
        ("/generate", {"text": "Once", "model": "{gpt2}", "temperature": float("nan")}, "nan is not a number"),
        ("/generate", {"text": "Once", "model": "{gpt2}", "top_p": float("inf")}, "inf is not a number"),
        ("/answer", {"question": "Where?", "context": "Paris.", "model": "{qa}", "top_k": float("nan")}, "nan is"),
        ("/finetune", {"data": None, "model": "{classifier}", "learning_rate": float("-inf")}, "inf is not a"),
        ("/finetune", {"data": None, "model": "{classifier}", "seed": float("nan")}, "nan is not a number"),
    ],
    ids=["classify-text", "tokenize-text", "zero-shot-labels", "temperature", "top_p", "top_k", "lr", "seed"],
)
def test_undecodable_text_and_non_finite_numbers_get_a_clear_message(
    app_url, tiny_classifier, tiny_gpt2, tiny_qa, api_name, args, message
):
    from tests.kit.raw_http import call

    models = {"{classifier}": str(tiny_classifier), "{gpt2}": str(tiny_gpt2), "{qa}": str(tiny_qa)}
    args = {k: models.get(v, v) if isinstance(v, str) else v for k, v in args.items()}
    event, data = call(app_url, api_name, args)
    # Text is refused as it joins the queue (HTTP 400), a number by gradio's range check or the handler.
    assert event in ("error", "http 400"), (event, data)
    assert re.search(message, str(data)), data
    assert "unexpected" not in str(data).lower()


def test_a_lone_surrogate_in_the_fine_tuning_table_is_named_before_gradio_reads_the_table(app_url, tiny_encoder):
    """A table is turned into a pandas frame before any handler runs, and pandas cannot store the character."""
    from tests.kit.raw_http import call

    rows = {"headers": ["text", "label", "split"], "data": [["good \udc80", "pos", "train"], ["bad", "neg", "train"]]}
    event, data = call(app_url, "/finetune", {"data": None, "model": str(tiny_encoder), "rows": rows})
    assert event == "http 400", (event, data)
    assert "cannot be read" in data and "U+DC80" in data


def test_check_inputs_names_the_parameter_in_both_languages():
    from tabs.boundary import check_inputs

    with pytest.raises(BadInput) as caught:
        check_inputs({"labels": ["fine", "bad \ud800"]})
    assert "labels" in caught.value.message and "U+D800" in caught.value.message
    assert "서로게이트" in caught.value.text("ko")
    with pytest.raises(BadInput, match="max_new_tokens = inf"):
        check_inputs({"max_new_tokens": float("inf")})
