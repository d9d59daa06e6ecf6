"""Bad input through the real app: each answered with a clear message, and the app keeps serving.

Each case is (api_name, arguments, a pattern the message must match). The models are tiny
offline ones; ``{name}`` in an argument is replaced by that model's folder.
"""

import pytest
from gradio_client.exceptions import AppError

HUGE = "word " * 30_000  # 150,000 characters
DETR = {"threshold": 0.5, "model": "{detr}"}
CASES = [
    # sentiment: text, model ids (hostile, malformed, missing, wrong kind), device
    ("/classify", {"text": "", "model": "{classifier}"}, "The text is empty"),
    ("/classify", {"text": " \n\t ", "model": "{classifier}"}, "The text is empty"),
    ("/classify", {"text": HUGE, "model": "{classifier}"}, "characters long; the limit is 100,000"),
    ("/classify", {"text": "\n".join(["line"] * 65), "model": "{classifier}"}, "65 lines; at most 64"),
    ("/classify", {"text": "hi", "model": ""}, "No model given"),
    ("/classify", {"text": "hi", "model": "../../etc"}, "no config.json|There is no folder"),
    ("/classify", {"text": "hi", "model": "/etc/passwd"}, "There is no folder"),
    ("/classify", {"text": "hi", "model": "https://huggingface.co/gpt2"}, "not a Hub model id"),
    ("/classify", {"text": "hi", "model": "org/na..me"}, "not a valid Hub model id"),
    ("/classify", {"text": "hi", "model": "evil\x00model"}, "control or invisible characters"),
    ("/classify", {"text": "hi", "model": "org/\u202emodel"}, "control or invisible characters"),
    ("/classify", {"text": "hi", "model": "🤗/🤗"}, "not a valid Hub model id"),
    ("/classify", {"text": "hi", "model": "x" * 500}, "500 characters long"),
    ("/classify", {"text": "hi", "model": "nobody/no-such-model"}, "not downloaded on this machine"),
    ("/classify", {"text": "hi", "model": "{masked_lm}"}, "BertForMaskedLM"),
    ("/classify", {"text": "hi", "model": "{classifier}", "device": "cuda"}, "no usable GPU"),
    ("/classify", {"text": "hi", "model": "{classifier}", "device": "tpu"}, "tpu is not in the list of choices"),
    # question answering
    ("/answer", {"question": "", "context": "Paris is in France.", "model": "{qa}"}, "question"),
    ("/answer", {"question": "Where?", "context": "  ", "model": "{qa}"}, "context"),
    ("/answer", {"question": "Where?", "context": "Paris.", "model": "{classifier}"}, "ForQuestionAnswering"),
    ("/answer", {"question": "Where?", "context": "Paris.", "model": "{qa}", "top_k": 0}, "less than minimum value 1"),
    # summarization and translation
    ("/summarize", {"text": "", "model": "{t5}"}, "empty"),
    ("/summarize", {"text": "A long story.", "model": "{classifier}"}, "ForConditionalGeneration"),
    ("/summarize", {"text": "A long story.", "model": "{t5}", "max_length": 5, "min_length": 20}, "min_length"),
    ("/translate", {"text": "", "model": "{marian}"}, "empty"),
    ("/translate", {"text": "Hello", "model": "{marian}", "src_lang": "xx", "tgt_lang": "yy"}, "xx"),
    # generation
    ("/generate", {"text": "", "model": "{gpt2}"}, "empty"),
    ("/generate", {"text": "Once", "model": "{gpt2}", "max_new_tokens": 600}, "512"),
    ("/generate", {"text": "Once", "model": "{gpt2}", "temperature": 0, "do_sample": True}, "temperature"),
    ("/generate", {"text": "Once", "model": "{gpt2}", "top_p": 1.5}, "top_p"),
    ("/generate", {"text": "Once", "model": "{classifier}"}, "ForCausalLM|LMHeadModel"),
    # zero-shot, NER, fill-mask, similarity
    ("/zero_shot", {"text": "I like apple", "labels": " , ", "model": "{nli}"}, "label"),
    ("/zero_shot", {"text": "I like apple", "labels": "fruit, fruit", "model": "{nli}"}, "fruit"),
    ("/zero_shot", {"text": "I like apple", "labels": ",".join(f"l{i}" for i in range(21)), "model": "{nli}"}, "20"),
    ("/zero_shot", {"text": "I like apple", "labels": "fruit, car", "model": "{classifier}"}, "entailment"),
    ("/ner", {"text": "", "model": "{ner}"}, "empty"),
    ("/ner", {"text": "Sarah lives in Seoul", "model": "{masked_lm}"}, "ForTokenClassification"),
    ("/fill_mask", {"text": "I like apple", "model": "{masked_lm}"}, "mask"),
    ("/fill_mask", {"text": "I [MASK] [MASK] apple", "model": "{masked_lm}"}, "mask"),
    ("/fill_mask", {"text": "I [MASK] apple", "model": "{ner}"}, "ForMaskedLM"),
    ("/similarity", {"text": "", "model": "{minilm}"}, "empty"),
    ("/similarity", {"text": "one\ntwo", "model": "{t5}"}, "encoder"),
    # tokenizer lab, inspector, compare
    ("/tokenize", {"text": "", "tokenizer": "{minilm}"}, "empty"),
    ("/tokenize", {"text": "hi", "tokenizer": "../../etc/passwd"}, "no config.json|There is no folder|tokenizer"),
    ("/train_tokenizer", {"corpus": "", "algorithm": "bpe", "vocab_size": 100, "word": "hi"}, "empty|corpus"),
    ("/inspect", {"model": "org/na..me"}, "not a valid Hub model id"),
    ("/inspect", {"model": "/etc"}, "no config.json"),
    ("/compare", {"text": "hi", "model_a": "../../etc", "model_b": "{minilm}", "runs": 1}, "no config.json|no folder"),
    # detection: not an image, a tiny image, a threshold out of range
    ("/detect", {"image": "{not_an_image}", **DETR}, "not an image|image"),
    ("/detect", {"image": "{one_pixel}", **DETR}, "small|pixel"),
    ("/detect", {"image": "{photo}", "threshold": 1.5, "model": "{detr}"}, "1.5|maximum"),
]
GOOD = {
    "/classify": {"text": "I like apple", "model": "{classifier}"},
    "/answer": {"question": "Where is Paris?", "context": "Paris is in France.", "model": "{qa}"},
    "/summarize": {"text": "The tower is tall. It is in Paris.", "model": "{t5}", "max_length": 8},
    "/translate": {"text": "Hello there", "model": "{marian}"},
    "/generate": {"text": "Once upon a time", "model": "{gpt2}", "max_new_tokens": 3},
    "/zero_shot": {"text": "I like apple", "labels": "fruit, car", "model": "{nli}"},
    "/ner": {"text": "Sarah lives in Seoul", "model": "{ner}"},
    "/fill_mask": {"text": "I [MASK] apple", "model": "{masked_lm}"},
    "/similarity": {"text": "I like apple\nI like pear", "model": "{minilm}"},
    "/tokenize": {"text": "I like apple", "tokenizer": "{minilm}"},
    "/train_tokenizer": {
        "corpus": "low lower lowest newer wider",
        "algorithm": "bpe",
        "vocab_size": 20,
        "word": "lowest",
    },
    "/inspect": {"model": "{minilm}"},
    "/compare": {"text": "I like apple", "model_a": "{minilm}", "model_b": "{classifier}", "runs": 1},
    "/detect": {"image": "{photo}", **DETR},
}


@pytest.fixture(scope="module")
def models(
    tiny_classifier,
    tiny_masked_lm,
    tiny_qa,
    tiny_t5,
    tiny_marian,
    tiny_gpt2,
    tiny_nli,
    tiny_ner,
    tiny_detr,
    tmp_path_factory,
):
    from gradio_client import handle_file
    from PIL import Image

    from core.registry import BUNDLED_MINILM

    folder = tmp_path_factory.mktemp("bad-input-files")
    (folder / "notes.png").write_text("this is not an image")
    Image.new("RGB", (1, 1)).save(folder / "dot.png")
    Image.new("RGB", (320, 240), "orange").save(folder / "photo.png")
    paths = {
        "classifier": tiny_classifier,
        "masked_lm": tiny_masked_lm,
        "qa": tiny_qa,
        "t5": tiny_t5,
        "marian": tiny_marian,
        "gpt2": tiny_gpt2,
        "nli": tiny_nli,
        "ner": tiny_ner,
        "detr": tiny_detr,
    }
    values = {name: str(path) for name, path in paths.items()}
    values["minilm"] = BUNDLED_MINILM
    values["not_an_image"] = handle_file(str(folder / "notes.png"))
    values["one_pixel"] = handle_file(str(folder / "dot.png"))
    values["photo"] = handle_file(str(folder / "photo.png"))
    return values


def fill(arguments: dict, models: dict) -> dict:
    """Replace each ``"{name}"`` value by that model's folder or file."""
    return {
        key: models[value[1:-1]]
        if isinstance(value, str) and value[1:-1] in models and value.startswith("{")
        else value
        for key, value in arguments.items()
    }


def test_the_suite_covers_every_task_tab_with_forty_cases_or_more():
    assert len(CASES) >= 40
    assert {api for api, _, _ in CASES} >= {
        "/classify",
        "/answer",
        "/summarize",
        "/translate",
        "/generate",
        "/zero_shot",
        "/ner",
        "/fill_mask",
        "/similarity",
        "/tokenize",
        "/inspect",
        "/detect",
    }


@pytest.mark.parametrize(("api_name", "args", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_gets_a_clear_message_and_the_app_still_serves(client, models, api_name, args, message):
    with pytest.raises(AppError, match=message) as caught:
        client.predict(**fill(args, models), api_name=api_name)
    assert "Traceback" not in str(caught.value)
    assert client.predict(**fill(GOOD[api_name], models), api_name=api_name)[0]


def test_right_to_left_and_emoji_text_is_ordinary_text(client, models):
    raw = client.predict("مرحبا بالعالم 🌍\n안녕하세요 😊", models["classifier"], api_name="/classify")[0]
    assert len(raw) == 2 and all(len(row) == 3 for row in raw)


PUBLIC_CASES = [
    ("/classify", {"text": "hi", "model": "{classifier}"}),
    ("/answer", {"question": "Where?", "context": "Paris.", "model": "{qa}"}),
    ("/summarize", {"text": "A story.", "model": "{t5}"}),
    ("/translate", {"text": "Hello", "model": "{marian}"}),
    ("/generate", {"text": "Once", "model": "{gpt2}"}),
    ("/zero_shot", {"text": "I like apple", "labels": "fruit, car", "model": "{nli}"}),
    ("/ner", {"text": "Sarah lives in Seoul", "model": "{ner}"}),
    ("/fill_mask", {"text": "I [MASK] apple", "model": "{masked_lm}"}),
    ("/similarity", {"text": "one\ntwo", "model": "{classifier}"}),
    ("/tokenize", {"text": "hi", "tokenizer": "{classifier}"}),
    ("/inspect", {"model": "{classifier}"}),
    ("/detect", {"image": "{photo}", "threshold": 0.5, "model": "{detr}"}),
]


@pytest.mark.parametrize(("api_name", "args"), PUBLIC_CASES, ids=[c[0] for c in PUBLIC_CASES])
def test_public_mode_refuses_server_paths_in_every_tab(public_client, models, api_name, args):
    with pytest.raises(AppError, match="public mode"):
        public_client.predict(**fill(args, models), api_name=api_name)


@pytest.mark.parametrize(
    ("api_name", "args"),
    [("/cache_delete", {"repos": ["org/name"], "confirm": True}), ("/prefetch", {"tasks": ["classify"]})],
)
def test_public_mode_keeps_the_servers_cache_read_only(public_client, api_name, args):
    with pytest.raises(AppError, match="public mode"):
        public_client.predict(**args, api_name=api_name)
