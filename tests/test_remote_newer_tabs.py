"""Generation, zero-shot, NER, fill-mask, similarity and detection on the remote backend: the loopback router
answers, the tab's first output has the same shape as the local one, and the tab's settings reach the API."""

import gradio as gr
import pytest

from core.remote import RemoteInputs, get_remote_task
from core.remote.side_by_side import run_local
from core.runtime.loading import PRIVATE
from tabs.context import AppContext
from tabs.detect import make_handler as detect_handler
from tabs.fill_mask import make_handler as fill_mask_handler
from tabs.generate import make_handler as generate_handler
from tabs.ner import make_handler as ner_handler
from tabs.similarity import make_handler as similarity_handler
from tabs.zero_shot import make_handler as zero_shot_handler
from tests.kit import images
from tests.kit.fake_router import Reply

TOKEN = "hf_" + "Nw4" * 11 + "z"
MODEL = "org/model"
REMOTE = {"backend": "remote", "provider": "auto", "hf_token": TOKEN}
PROMPT = "Once upon a time,"
# generate: max_new_tokens, temperature, top_k, top_p, repetition_penalty, num_return_sequences, do_sample, seed
KNOBS = (8, 0.7, 40, 0.9, 1.2, 1, True, 7)
SARAH = {"entity_group": "PER", "score": 0.99, "word": "Sarah", "start": 11, "end": 16}
CAPITAL = {"score": 0.9, "token": 3007, "token_str": "capital", "sequence": "paris is the capital of france."}
CITY = {"score": 0.05, "token": 2103, "token_str": "city", "sequence": "paris is the city of france."}


@pytest.fixture
def ctx(router):
    return AppContext(inference_url=router.url)


@pytest.fixture(scope="module")
def photo(tmp_path_factory):
    return str(images.save(images.scene((64, 48)), tmp_path_factory.mktemp("remote") / "photo.png"))


def box(label, score, x=1):
    return {"score": score, "label": label, "box": {"xmin": x, "ymin": 2, "xmax": x + 10, "ymax": 20}}


# --- generation -------------------------------------------------------------------------------


def test_generation_runs_remotely_as_one_final_value_with_the_local_shape(router, ctx, tiny_gpt2):
    router.answer(MODEL, Reply(200, [{"generated_text": " there was a cat"}]))
    outputs = list(generate_handler(ctx)(PROMPT, MODEL, *KNOBS, "cpu", "en", **REMOTE))
    assert len(outputs) == 1
    raw, shown, notice, model_text, *panel, code = outputs[0]
    *_, local = generate_handler(AppContext())(PROMPT, str(tiny_gpt2), 3, device="cpu")
    assert raw == [{"generated_text": PROMPT + " there was a cat"}]
    assert [set(item) for item in raw] == [set(item) for item in local[0]]
    assert shown == " there was a cat" and model_text == PROMPT and panel == [None] * 4
    assert "🌐" in notice and "client.text_generation('Once upon a time,'" in code


def test_generation_knobs_reach_the_api_under_their_own_names(router, ctx):
    router.answer(MODEL, Reply(200, [{"generated_text": "!"}]))
    list(generate_handler(ctx)(PROMPT, MODEL, *KNOBS, **REMOTE))
    sent = router.seen[0].json()["parameters"]
    expected = {"max_new_tokens": 8, "do_sample": True, "temperature": 0.7, "top_k": 40, "top_p": 0.9}
    assert expected.items() <= sent.items()
    assert sent["repetition_penalty"] == 1.2 and sent["seed"] == 7


def test_greedy_generation_sends_no_sampling_knobs_nor_the_off_values(router, ctx):
    router.answer(MODEL, Reply(200, [{"generated_text": "!"}]))
    list(generate_handler(ctx)(PROMPT, MODEL, 8, 1.0, 0, 1.0, 1.0, 1, False, 7, **REMOTE))
    sent = router.seen[0].json()["parameters"]
    assert sent["do_sample"] is False
    assert not {"temperature", "top_k", "top_p", "repetition_penalty"} & set(sent)


def test_several_sequences_are_one_request_each_with_the_next_seed(router, ctx):
    router.answer(MODEL, Reply(200, [{"generated_text": " a"}]), Reply(200, [{"generated_text": " b"}]))
    ((raw, shown, *_),) = generate_handler(ctx)(PROMPT, MODEL, 8, 0.7, 40, 0.9, 1.0, 2, True, 7, **REMOTE)
    assert raw == [{"generated_text": PROMPT + " a"}, {"generated_text": PROMPT + " b"}]
    assert [seen.json()["parameters"]["seed"] for seen in router.seen] == [7, 8]
    assert "── 2 · seed 8 ──\n b" in shown  # each sequence with the seed it was sampled with, as locally


def test_generation_knobs_are_checked_before_any_request(router, ctx):
    with pytest.raises(gr.Error, match="num_return_sequences"):
        list(generate_handler(ctx)(PROMPT, MODEL, 8, 0.7, 40, 0.9, 1.0, 2, False, 7, **REMOTE))
    assert router.seen == []


def test_the_inference_api_tab_sends_only_the_token_count():
    prepared = get_remote_task("generate").prepare(RemoteInputs(text=PROMPT, max_new_tokens=5))
    assert prepared.extra == {"parameters": {"max_new_tokens": 5}, "sequences": 1}


def test_an_emptied_seed_box_sends_a_concrete_seed():
    options = {"seed": -1, "do_sample": True}
    prepared = get_remote_task("generate").prepare(RemoteInputs(text=PROMPT, max_new_tokens=5, options=options))
    assert prepared.extra["parameters"]["seed"] >= 0


# --- zero-shot, NER, fill-mask, similarity ----------------------------------------------------


def test_zero_shot_runs_remotely_with_the_local_shape(router, ctx, tiny_nli):
    router.answer(MODEL, Reply(200, [{"label": "politics", "score": 0.1}, {"label": "sports", "score": 0.9}]))
    raw, chart, hypotheses, notice, code = zero_shot_handler(ctx)(
        "The match ended 2-1", "sports, politics", MODEL, True, "", **REMOTE
    )
    local = zero_shot_handler(AppContext())("The match ended 2-1", "sports, politics", str(tiny_nli))[0]
    assert raw == {"sequence": "The match ended 2-1", "labels": ["sports", "politics"], "scores": [0.9, 0.1]}
    assert set(raw) == set(local)
    assert list(chart["label"]) == ["sports", "politics"] and "This example is sports." in hypotheses
    assert "🌐" in notice and "multi_label=True" in code


@pytest.mark.parametrize(
    ("text", "template", "sent"),
    [
        ("The match ended 2-1", "", "This example is {}."),
        ("손흥민이 골을 넣었다.", "", "이 글은 {}에 관한 내용이다."),
        ("The match ended 2-1", "A text about {}.", "A text about {}."),
    ],
)
def test_zero_shot_sends_the_template_the_local_tab_would_use(router, ctx, text, template, sent):
    router.answer(MODEL, Reply(200, [{"label": "a", "score": 0.5}, {"label": "b", "score": 0.5}]))
    zero_shot_handler(ctx)(text, "a, b", MODEL, False, template, **REMOTE)
    parameters = router.seen[0].json()["parameters"]
    assert parameters["hypothesis_template"] == sent and parameters["candidate_labels"] == ["a", "b"]


def test_zero_shot_template_is_checked_before_any_request(router, ctx):
    with pytest.raises(gr.Error, match="exactly once"):
        zero_shot_handler(ctx)("Text.", "a, b", MODEL, False, "no slot", **REMOTE)
    assert router.seen == []


def test_ner_runs_remotely_with_the_local_shape(router, ctx, tiny_ner):
    router.answer(MODEL, Reply(200, [SARAH]))
    raw, highlighted, table, notice, code = ner_handler(ctx)("My name is Sarah", MODEL, "first", **REMOTE)
    local = ner_handler(AppContext())("My name is Sarah", str(tiny_ner), "first")[0]
    assert raw == [SARAH] and all(set(entity) == set(SARAH) for entity in local)
    assert highlighted["entities"] == [{"entity": "PER", "start": 11, "end": 16}] and table[0][:2] == ["Sarah", "PER"]
    assert router.seen[0].json()["parameters"]["aggregation_strategy"] == "first"
    assert "🌐" in notice and "aggregation_strategy='first'" in code


def test_ner_without_aggregation_keeps_the_per_token_keys(router, ctx, tiny_ner):
    token = {"entity": "B-PER", "score": 0.9, "index": 4, "word": "Sarah", "start": 11, "end": 16}
    router.answer(MODEL, Reply(200, [token]))
    raw = ner_handler(ctx)("My name is Sarah", MODEL, "none", **REMOTE)[0]
    local = ner_handler(AppContext())("My name is Sarah", str(tiny_ner), "none")[0]
    assert raw == [token] and list(raw[0]) == list(local[0])


def test_fill_mask_runs_remotely_with_top_k_and_the_local_shape(router, ctx, tiny_masked_lm):
    router.answer(MODEL, Reply(200, [CITY, CAPITAL]))
    raw, label, table, notice, code = fill_mask_handler(ctx)("Paris is the [MASK] of France.", MODEL, 2, **REMOTE)
    local = fill_mask_handler(AppContext())("Paris is the [MASK] of France.", str(tiny_masked_lm), 2)[0]
    assert raw == [CAPITAL, CITY] and [set(c) for c in raw] == [set(c) for c in local]
    assert label == {"capital": 0.9, "city": 0.05} and table[0][1] == "capital"
    assert router.seen[0].json()["parameters"] == {"top_k": 2} and "top_k=2" in code


def test_fill_mask_top_k_is_checked_before_any_request(router, ctx):
    with pytest.raises(gr.Error, match="top_k"):
        fill_mask_handler(ctx)("Paris is the [MASK].", MODEL, 500, **REMOTE)
    assert router.seen == []


def test_similarity_runs_remotely_with_the_local_shape(router, ctx, tiny_masked_lm):
    router.answer(MODEL, Reply(200, [1.0, 0.25]), Reply(200, [0.25, 1.0]))
    raw, heatmap, notice, code = similarity_handler(ctx)("I like apple\nI like pear", MODEL, **REMOTE)
    local = similarity_handler(AppContext())("I like apple\nI like pear", str(tiny_masked_lm))[0]
    assert raw == {"sentences": ["I like apple", "I like pear"], "matrix": [[1.0, 0.25], [0.25, 1.0]]}
    assert set(raw) == set(local) and "<table" in heatmap and "🌐" in notice


# --- detection --------------------------------------------------------------------------------


def test_detection_runs_remotely_best_first_with_the_local_shape(router, ctx, photo, tiny_detr):
    router.answer(MODEL, Reply(200, [box("dog", 0.6), box("cat", 0.95, x=30)]))
    raw, annotated, counts, notice, table, choices, code = detect_handler(ctx)(photo, 0.5, MODEL, "", 5, **REMOTE)
    local = detect_handler(AppContext())(photo, 0.0, str(tiny_detr), "", 5, "cpu", "en")[0]
    assert raw == [box("cat", 0.95, x=30), box("dog", 0.6)]
    assert all(set(item) == set(raw[0]) and set(item["box"]) == set(raw[0]["box"]) for item in local)
    assert annotated["value"] == (photo, [((30, 2, 40, 20), "cat 0.95"), ((1, 2, 11, 20), "dog 0.60")])
    assert "cat × 1" in counts and [row[0] for row in table] == ["cat", "dog"] and choices["choices"] == []
    assert router.seen[0].json()["parameters"] == {"threshold": 0.5} and "🌐" in notice


def test_detection_applies_the_class_filter_and_the_box_limit_as_locally(router, ctx, photo):
    router.answer(MODEL, Reply(200, [box("cat", 0.9), box("Dog", 0.8), box("dog", 0.7), box("cat", 0.6)]))
    raw = detect_handler(ctx)(photo, 0.5, MODEL, "DOG", 1, **REMOTE)[0]
    assert raw == [box("Dog", 0.8)]


def test_detection_limit_is_checked_before_any_request(router, ctx, photo):
    with pytest.raises(gr.Error, match="maximum number of boxes"):
        detect_handler(ctx)(photo, 0.5, MODEL, "", 0, **REMOTE)
    assert router.seen == []


# --- side by side -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("task", "fixture", "inputs"),
    [
        ("zero_shot", "tiny_nli", RemoteInputs(text="I love football", labels="sports, politics")),
        ("ner", "tiny_ner", RemoteInputs(text="My name is Sarah", options={"aggregation_strategy": "first"})),
        ("fill_mask", "tiny_masked_lm", RemoteInputs(text="Paris is the [MASK].", options={"top_k": 3})),
        ("similarity", "tiny_masked_lm", RemoteInputs(text="I like apple\nI like pear")),
        ("generate", "tiny_gpt2", RemoteInputs(text=PROMPT, max_new_tokens=3, options={"seed": 1})),
    ],
)
def test_side_by_side_runs_the_newer_tasks_locally(request, task, fixture, inputs):
    model = str(request.getfixturevalue(fixture))
    output, seconds = run_local(task, inputs, model, device="cpu", policy=PRIVATE)
    assert output and seconds >= 0
    if task == "fill_mask":
        assert len(output) == 3
    if task == "generate":
        assert output[0]["generated_text"].startswith(PROMPT)


def test_side_by_side_runs_detection_locally_with_its_settings(photo, tiny_detr):
    inputs = RemoteInputs(image=photo, threshold=0.0, options={"max_detections": 2})
    output, _seconds = run_local("detect", inputs, str(tiny_detr), device="cpu", policy=PRIVATE)
    assert len(output) <= 2 and all(set(item) == {"score", "label", "box"} for item in output)
