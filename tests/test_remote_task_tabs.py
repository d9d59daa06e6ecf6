"""Question answering, summarization and translation on the remote backend: the loopback router answers,
the tab's first output keeps the local contract's shape, and the tab's settings reach the API."""

import gradio as gr
import pytest

from core.errors import BadInput
from core.remote import RemoteInputs, get_remote_task
from core.remote.side_by_side import run_local
from core.runtime.loading import PRIVATE
from tabs.answer import make_handler as answer_handler
from tabs.context import AppContext
from tabs.remote import make_compare_handler
from tabs.remote import make_handler as make_remote_handler
from tabs.summarize import make_handler as summarize_handler
from tabs.translate import make_handler as translate_handler
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Qs8" * 11 + "x"
MODEL = "org/model"
CONTEXT = "My name is Wolfgang and I live in Berlin."
BERLIN = {"score": 0.9, "start": 34, "end": 40, "answer": "Berlin"}
WOLFGANG = {"score": 0.05, "start": 11, "end": 19, "answer": "Wolfgang"}
# answer: question, context, model, top_k, doc_stride, max_answer_len, max_seq_len, max_question_len, impossible
QA_OPTIONS = (1, 128, 15, 384, 64, False)


@pytest.fixture
def ctx(router):
    return AppContext(inference_url=router.url)


def remote_answer(ctx, top_k=1, **kwargs):
    options = (top_k, *QA_OPTIONS[1:])
    return answer_handler(ctx)("Where do I live?", CONTEXT, MODEL, *options, "cpu", "en", "remote", "auto", TOKEN)


def test_answer_runs_remotely_with_the_local_shape(router, ctx, tiny_qa):
    router.answer(MODEL, Reply(200, BERLIN))
    raw, highlight, table, notice, code = remote_answer(ctx)
    local = answer_handler(AppContext())("Where do I live?", CONTEXT, str(tiny_qa), *QA_OPTIONS, "cpu", "en")[0]
    assert raw == BERLIN and set(raw) == set(local) and isinstance(local, dict)
    assert highlight == {"text": CONTEXT, "entities": [{"entity": "1 · 0.90", "start": 34, "end": 40}]}
    assert table == [[1, "Berlin", 0.9, 34, 40]]
    assert "🌐" in notice and "client.question_answering(question='Where do I live?'" in code


def test_answer_settings_reach_the_api_under_their_own_names(router, ctx):
    router.answer(MODEL, Reply(200, BERLIN))
    remote_answer(ctx)
    body = router.seen[0].json()
    assert body["inputs"] == {"question": "Where do I live?", "context": CONTEXT}
    assert body["parameters"] == {
        "top_k": 1,
        "doc_stride": 128,
        "max_answer_len": 15,
        "max_seq_len": 384,
        "max_question_len": 64,
        "handle_impossible_answer": False,
    }


def test_answer_with_top_k_is_a_list_best_first_as_locally(router, ctx):
    router.answer(MODEL, Reply(200, [WOLFGANG, BERLIN]))
    raw, highlight, table, *_ = remote_answer(ctx, top_k=2)
    assert raw == [BERLIN, WOLFGANG]
    assert [row[1] for row in table] == ["Berlin", "Wolfgang"] and len(highlight["entities"]) == 2
    assert router.seen[0].json()["parameters"]["top_k"] == 2


def test_answer_settings_are_checked_before_any_request(router, ctx):
    with pytest.raises(gr.Error, match="doc_stride"):
        answer_handler(ctx)("Q?", CONTEXT, MODEL, 1, 999, 15, 384, 64, False, "cpu", "en", "remote", "auto", TOKEN)
    assert router.seen == []


def test_summarize_runs_remotely_with_the_local_shape(router, ctx):
    router.answer(MODEL, Reply(200, [{"summary_text": "A tall tower."}]))
    outputs = list(
        summarize_handler(ctx)(
            "The tower is tall. " * 5, MODEL, 40, 5, 2, False, None, "cpu", "en", "remote", "auto", TOKEN
        )
    )
    assert len(outputs) == 1
    raw, summary, notice, code = outputs[0]
    assert raw == [{"summary_text": "A tall tower."}] and summary == "A tall tower."
    assert router.seen[0].json()["parameters"] == {
        "generate_parameters": {"max_length": 40, "min_length": 5, "num_beams": 2}
    }
    assert "🌐" in notice and "generate_parameters={'max_length': 40, 'min_length': 5, 'num_beams': 2}" in code


def test_summarize_without_settings_sends_no_generation_parameters(router, ctx):
    router.answer(MODEL, Reply(200, [{"summary_text": "Short."}]))
    list(summarize_handler(ctx)("A long text.", MODEL, backend="remote", hf_token=TOKEN))
    assert "generate_parameters" not in router.seen[0].json().get("parameters", {})


def test_summarize_settings_are_checked_before_any_request(router, ctx):
    with pytest.raises(gr.Error, match="min_length"):
        list(summarize_handler(ctx)("Text.", MODEL, 10, 20, backend="remote", hf_token=TOKEN))
    assert router.seen == []


def test_translate_runs_remotely_with_the_language_pair(router, ctx):
    router.answer(MODEL, Reply(200, [{"translation_text": "안녕하세요"}]))
    *_, (raw, translation, notice, code) = translate_handler(ctx)(
        "Hello", MODEL, "eng_Latn", "kor_Hang", None, 3, "cpu", "ko", "remote", "auto", TOKEN
    )
    assert raw == [{"translation_text": "안녕하세요"}] and translation == "안녕하세요"
    assert router.seen[0].json()["parameters"] == {
        "src_lang": "eng_Latn",
        "tgt_lang": "kor_Hang",
        "generate_parameters": {"num_beams": 3},
    }
    assert "초" in notice and "src_lang='eng_Latn', tgt_lang='kor_Hang'" in code


def test_translate_sends_no_half_language_pair(router, ctx):
    router.answer(MODEL, Reply(200, [{"translation_text": "Hi"}]))
    list(translate_handler(ctx)("Hallo", MODEL, "de", "", backend="remote", hf_token=TOKEN))
    assert "src_lang" not in router.seen[0].json().get("parameters", {})


@pytest.mark.parametrize(
    ("handler", "args", "message"),
    [
        (summarize_handler, ("Text.",), "is not what summarization returns"),
        (translate_handler, ("Text.",), "is not what translation returns"),
    ],
)
def test_unexpected_answers_are_clear_errors(router, ctx, handler, args, message):
    router.answer(MODEL, Reply(200, [{"generated_text": "?"}]))
    with pytest.raises(gr.Error, match=message):
        list(handler(ctx)(*args, MODEL, backend="remote", hf_token=TOKEN))


def test_answer_unexpected_answer_is_a_clear_error(router, ctx):
    router.answer(MODEL, Reply(200, [{"label": "x", "score": 1.0}]))
    with pytest.raises(gr.Error, match="is not what question-answering returns"):
        remote_answer(ctx)


def test_local_folders_cannot_run_remotely(router, ctx, tiny_qa):
    with pytest.raises(gr.Error, match="folder on this machine"):
        answer_handler(ctx)("Q?", CONTEXT, str(tiny_qa), *QA_OPTIONS, "cpu", "en", "remote", "auto", TOKEN)


@pytest.mark.parametrize(
    ("options", "message"),
    [({"num_beams": 99}, "num_beams"), ({"max_length": 0}, "max_length")],
)
def test_seq2seq_adapters_check_generation_settings(options, message):
    with pytest.raises(BadInput, match=message):
        get_remote_task("summarize").prepare(RemoteInputs(text="Text.", options=options))


def test_side_by_side_runs_question_answering_both_ways(router, ctx, tiny_qa):
    router.answer(MODEL, Reply(200, BERLIN))
    both, rows = make_compare_handler(ctx)(
        "answer", "Where do I live?", MODEL, "auto", TOKEN, str(tiny_qa), CONTEXT, device="cpu"
    )
    assert set(both["local"]) == set(both["remote"]) == {"score", "start", "end", "answer"}
    assert [row[0] for row in rows] == ["local", "remote"]


@pytest.mark.parametrize(("task", "key"), [("summarize", "summary_text"), ("translate", "translation_text")])
def test_side_by_side_runs_seq2seq_tasks_locally_with_their_settings(tiny_t5, tiny_marian, task, key):
    local_model = tiny_t5 if task == "summarize" else tiny_marian
    inputs = RemoteInputs(text="Hello there.", options={"max_length": 6, "num_beams": 1})
    output, seconds = run_local(task, inputs, str(local_model), device="cpu", policy=PRIVATE)
    assert len(output) == 1 and set(output[0]) == {key} and seconds >= 0


def test_the_inference_api_tab_shows_the_best_of_several_answers(router, ctx):
    router.answer(MODEL, Reply(200, [WOLFGANG, BERLIN]))
    raw, _scores, shown, *_ = make_remote_handler(ctx)("answer", "Where?", MODEL, "auto", TOKEN, context=CONTEXT)
    assert raw == [WOLFGANG, BERLIN] and shown == "**Berlin** (0.900)"
