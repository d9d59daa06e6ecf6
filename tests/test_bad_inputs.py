"""Bad input through the real app: each answered with a clear message, and the app keeps serving.

Each case is (api_name, arguments, a pattern the message must match). The models are tiny
offline ones; ``{name}`` in an argument is replaced by that model's folder.
"""

import pytest
from gradio_client.exceptions import AppError

HUGE = "word " * 30_000  # 150,000 characters
CASES = [
    ("/classify", ("", "{classifier}"), "The text is empty"),
    ("/classify", (" \n\t ", "{classifier}"), "The text is empty"),
    ("/classify", (HUGE, "{classifier}"), "characters long; the limit is 100,000"),
    ("/classify", ("\n".join(["line"] * 65), "{classifier}"), "65 lines; at most 64"),
    ("/classify", ("hi", ""), "No model given"),
    ("/classify", ("hi", "../../etc"), "no config.json|There is no folder"),
    ("/classify", ("hi", "/etc/passwd"), "There is no folder"),
    ("/classify", ("hi", "https://huggingface.co/gpt2"), "not a Hub model id"),
    ("/classify", ("hi", "org/na..me"), "not a valid Hub model id"),
    ("/classify", ("hi", "evil\x00model"), "control or invisible characters"),
    ("/classify", ("hi", "org/\u202emodel"), "control or invisible characters"),
    ("/classify", ("hi", "🤗/🤗"), "not a valid Hub model id"),
    ("/classify", ("hi", "x" * 500), "500 characters long"),
    ("/classify", ("hi", "nobody/no-such-model"), "not downloaded on this machine"),
    ("/classify", ("hi", "{masked_lm}"), "BertForMaskedLM"),
    ("/classify", ("hi", "{classifier}", "cuda"), "no usable GPU"),
    ("/classify", ("hi", "{classifier}", "tpu"), "tpu is not in the list of choices"),
]
GOOD = {"/classify": ("I like apple", "{classifier}")}


@pytest.fixture(scope="module")
def models(tiny_classifier, tiny_masked_lm):
    return {"classifier": str(tiny_classifier), "masked_lm": str(tiny_masked_lm)}


def fill(args, models):
    return tuple(a.format(**models) if isinstance(a, str) and a.startswith("{") else a for a in args)


@pytest.mark.parametrize(("api_name", "args", "message"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_bad_input_gets_a_clear_message_and_the_app_still_serves(client, models, api_name, args, message):
    with pytest.raises(AppError, match=message) as caught:
        client.predict(*fill(args, models), api_name=api_name)
    assert "Traceback" not in str(caught.value)
    assert client.predict(*fill(GOOD[api_name], models), api_name=api_name)[0]


def test_right_to_left_and_emoji_text_is_ordinary_text(client, models):
    raw = client.predict("مرحبا بالعالم 🌍\n안녕하세요 😊", models["classifier"], api_name="/classify")[0]
    assert len(raw) == 2 and all(len(row) == 3 for row in raw)
