"""The zero-shot, NER, fill-mask and similarity handlers: contract outputs first, failures as clear gr.Errors."""

import gradio as gr
import pandas as pd
import pytest

from core.inputs.text import MAX_CHARS
from tabs import fill_mask, ner, similarity, zero_shot
from tabs.context import AppContext

LONG = ("Berlin is the [MASK] of Germany. " + "word " * (MAX_CHARS // 5))[:MAX_CHARS]


def test_zero_shot_handler_gives_json_then_a_bar_chart(tiny_nli):
    raw, chart, hypotheses, notice, code = zero_shot.make_handler(AppContext())(
        "I love football", "sports, politics", str(tiny_nli)
    )
    assert set(raw) == {"sequence", "labels", "scores"}
    assert isinstance(chart, pd.DataFrame) and chart["label"].tolist() == raw["labels"]
    assert chart["score"].tolist() == raw["scores"]
    assert "This example is sports." in hypotheses and notice == ""
    assert str(tiny_nli) in code


def test_zero_shot_handler_uses_the_korean_template_for_korean_text(tiny_nli):
    _raw, _chart, hypotheses, *_ = zero_shot.make_handler(AppContext())(
        "손흥민이 골을 넣었다", "스포츠, 정치", str(tiny_nli)
    )
    assert "이 글은 스포츠에 관한 내용이다." in hypotheses


def test_ner_handler_gives_json_then_highlights_and_a_table(tiny_ner):
    text = "Sylvain works at Hugging Face in Brooklyn."
    raw, highlighted, table, notice, code = ner.make_handler(AppContext())(text, str(tiny_ner), "simple")
    assert raw and all("entity_group" in e for e in raw)
    assert highlighted["text"] == text
    assert [(e["entity"], e["start"], e["end"]) for e in highlighted["entities"]] == [
        (e["entity_group"], e["start"], e["end"]) for e in raw
    ]
    assert [row[0] for row in table] == [text[e["start"] : e["end"]] for e in raw]
    assert "`B-PER`" in notice and "aggregation_strategy='simple'" in code


def test_fill_mask_handler_shows_the_models_mask_token(tiny_masked_lm):
    raw, label, table, notice, code = fill_mask.make_handler(AppContext())(
        "Paris is the <mask> of France.", str(tiny_masked_lm), 3, "cpu", "en"
    )
    assert len(raw) == 3 and len(label) == 3 and [row[0] for row in table] == [1, 2, 3]
    assert "mask token is `[MASK]`" in notice
    assert "'Paris is the [MASK] of France.'" in code


def test_similarity_handler_gives_json_then_a_heatmap():
    raw, heatmap, summary, code = similarity.make_handler(AppContext())(
        "I like apple\nI like <b>pear</b>", "sentence-transformers/all-MiniLM-L6-v2"
    )
    assert raw["matrix"][0][0] == pytest.approx(1.0, abs=1e-5)
    assert heatmap.count("<tr>") == 3 and "1.00" in heatmap
    assert "<b>pear" not in heatmap and "&lt;b&gt;pear" in heatmap
    assert "**384**" in summary and "#1 ↔ #2" in summary
    assert "mask.sum(1)" in code


@pytest.mark.parametrize("language", ["en", "ko"])
def test_long_text_is_truncated_with_a_notice_in_the_users_language(language, tiny_ner, tiny_masked_lm, tiny_nli):
    expected = "the model read only the first" if language == "en" else "앞부분"
    *_, notice, _code = ner.make_handler(AppContext())(LONG, str(tiny_ner), "simple", "cpu", language)
    assert expected in notice
    *_, notice, _code = fill_mask.make_handler(AppContext())(LONG, str(tiny_masked_lm), 5, "cpu", language)
    assert expected in notice
    *_, notice, _code = zero_shot.make_handler(AppContext())(LONG, "a, b", str(tiny_nli), False, "", "cpu", language)
    assert expected in notice


ZERO_SHOT = (zero_shot, ("hi", "{labels}", "{nli}"))
NER = (ner, ("{text}", "{ner}", "simple"))
FILL_MASK = (fill_mask, ("{text}", "{mlm}", 5))
SIMILARITY = (similarity, ("{text}", "{mlm}"))


@pytest.mark.parametrize(
    ("tab", "args", "values", "message"),
    [
        (*ZERO_SHOT, {"labels": ""}, "No labels given"),
        (*ZERO_SHOT, {"labels": "a, b, A"}, "Duplicate labels: 'A'"),
        (*ZERO_SHOT, {"labels": ",".join("abcdefghijklmnopqrstu")}, "21 labels; at most 20"),
        (*ZERO_SHOT, {"labels": "a, b", "nli": "{classifier}"}, "not an NLI model"),
        (*NER, {"text": " "}, "The text is empty"),
        (*NER, {"text": "Berlin", "ner": "{mlm}"}, "needs a model whose architecture ends in ForTokenClassification"),
        (*NER, {"text": "x" * (MAX_CHARS + 1)}, "the limit is 100,000"),
        (*FILL_MASK, {"text": "no blank here"}, "no mask in the text"),
        (*FILL_MASK, {"text": "[MASK] and [MASK]"}, "2 masks"),
        (*FILL_MASK, {"text": "a [MASK]", "mlm": "{ner}"}, "ForMaskedLM"),
        (*SIMILARITY, {"text": ""}, "The text is empty"),
        (*SIMILARITY, {"text": "a\nb", "mlm": "{t5}"}, "encoder-decoder"),
    ],
)
def test_bad_input_becomes_a_clear_gr_error(
    tab, args, values, message, tiny_nli, tiny_ner, tiny_masked_lm, tiny_classifier, tiny_t5
):
    paths = {"nli": tiny_nli, "ner": tiny_ner, "mlm": tiny_masked_lm, "classifier": tiny_classifier, "t5": tiny_t5}
    fields = {name: str(path) for name, path in paths.items()} | values
    call = [arg.format(**fields).format(**fields) if isinstance(arg, str) else arg for arg in args]
    with pytest.raises(gr.Error, match=message):
        tab.make_handler(AppContext())(*call)


def test_errors_follow_the_language_setting(tiny_masked_lm):
    with pytest.raises(gr.Error, match="마스크가 없어요"):
        fill_mask.make_handler(AppContext())("빈칸이 없는 문장", str(tiny_masked_lm), 5, "cpu", "ko")


@pytest.mark.parametrize("tab", [zero_shot, ner, fill_mask, similarity])
def test_public_mode_refuses_local_paths(tab, tiny_masked_lm):
    args = ("hi", "a, b", str(tiny_masked_lm)) if tab is zero_shot else ("a [MASK]", str(tiny_masked_lm))
    with pytest.raises(gr.Error, match="public mode"):
        tab.make_handler(AppContext(public=True))(*args)


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "Mask token of this model: `[MASK]`"), ("ko", "마스크 토큰: `[MASK]`")]
)
def test_fill_mask_tab_shows_the_mask_token_before_a_run(language, expected, tiny_masked_lm):
    assert expected in fill_mask.mask_token_line(str(tiny_masked_lm), language)


def test_fill_mask_tab_says_when_the_mask_token_is_not_known_yet():
    assert "after the first run" in fill_mask.mask_token_line("google-bert/bert-base-uncased", "en")
