"""Attributions (core/insight): equal to Captum's, complete, and explaining the model's own output.

The tiny test models have near-uniform outputs, so the comparisons with Captum run on a classifier with larger
random weights (``sharp_classifier``): its scores are far from zero, and a wrong sum would show.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.call import Backend, CallContext
from core.errors import BadInput, WrongModelKind
from core.insight.attributions import CLASSIFY, MAX_TOKENS, explain, explain_call, notebook_code
from core.insight.gradients import gauss_legendre, gradient_x_input, integrated_gradients
from core.runtime.loading import load_for_task
from core.text.classify import classify
from core.text.zero_shot import zero_shot
from tests.kit.tiny_models import SENTIMENT_LABELS, minilm_tokenizer, save, tiny_bert_config

SENTENCE = "I like apple very much but the pear was awful"


@pytest.fixture(scope="module")
def sharp_classifier(tmp_path_factory) -> Path:
    """A tiny BERT classifier with weights ten times the usual spread: probabilities far from uniform."""
    from transformers import BertForSequenceClassification

    torch.manual_seed(0)
    config = tiny_bert_config(
        initializer_range=0.3, id2label=SENTIMENT_LABELS, label2id={v: k for k, v in SENTIMENT_LABELS.items()}
    )
    return save(BertForSequenceClassification(config), minilm_tokenizer(), tmp_path_factory.mktemp("sharp"))


@pytest.fixture(scope="module")
def minilm_classifier(tmp_path_factory) -> Path:
    """The bundled MiniLM with a new classification head: the real 6-layer model, as the fine-tuning lab builds."""
    from transformers import AutoModelForSequenceClassification

    from core.registry import BUNDLED_MINILM, bundled_path

    torch.manual_seed(0)
    model = AutoModelForSequenceClassification.from_pretrained(
        bundled_path(BUNDLED_MINILM), num_labels=2, id2label={0: "NEGATIVE", 1: "POSITIVE"}
    )
    return save(model, minilm_tokenizer(), tmp_path_factory.mktemp("minilm-classifier"))


def captum_scores(model_dir: Path, text: str, target: str, baseline_ids: list[int] | None, steps: int, logit: bool):
    """Captum's ``LayerIntegratedGradients`` (its default Gauss-Legendre rule) on the embedding layer."""
    from captum.attr import LayerIntegratedGradients

    loaded = load_for_task(CLASSIFY, str(model_dir))
    model, inputs = loaded.model, loaded.preprocessor(text, return_tensors="pt")
    index = loaded.config.label2id[target]

    def f(ids, mask, types):
        logits = model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits
        return logits[:, index] if logit else logits.softmax(-1)[:, index]

    explainer = LayerIntegratedGradients(f, model.get_input_embeddings())
    extra = (inputs["attention_mask"], inputs["token_type_ids"])
    scores = explainer.attribute(
        inputs["input_ids"], baselines=torch.tensor([baseline_ids]), additional_forward_args=extra, n_steps=steps
    )
    return scores.sum(-1)[0].tolist()


@pytest.mark.parametrize(("output", "steps"), [("probability", 50), ("logit", 50), ("probability", 7)])
def test_integrated_gradients_equal_captums(sharp_classifier, output, steps):
    result = explain(SENTENCE, str(sharp_classifier), "positive", steps=steps, output=output)
    reference = captum_scores(
        sharp_classifier, SENTENCE, "positive", result.baseline_ids, steps, logit=output == "logit"
    )
    assert max(abs(s) for s in result.scores) > 0.01  # far from zero, so the comparison means something
    assert result.scores == pytest.approx(reference, abs=1e-4)


def test_gradient_x_input_equals_captums(sharp_classifier):
    from captum.attr import LayerGradientXActivation

    result = explain(SENTENCE, str(sharp_classifier), "negative", method="gradient_x_input")
    loaded = load_for_task(CLASSIFY, str(sharp_classifier))
    inputs = loaded.preprocessor(SENTENCE, return_tensors="pt")

    def f(ids, mask, types):
        return loaded.model(input_ids=ids, attention_mask=mask, token_type_ids=types).logits.softmax(-1)[:, 0]

    reference = LayerGradientXActivation(f, loaded.model.get_input_embeddings()).attribute(
        inputs["input_ids"], additional_forward_args=(inputs["attention_mask"], inputs["token_type_ids"])
    )
    assert result.scores == pytest.approx(reference.sum(-1)[0].tolist(), abs=1e-5)
    assert result.steps == 1 and result.baseline_ids is None


@pytest.mark.parametrize(("steps", "tolerance"), [(50, 1e-4), (300, 1e-4), (10, 1e-2)])
def test_scores_add_up_to_the_difference_of_the_two_outputs(sharp_classifier, steps, tolerance):
    result = explain(SENTENCE, str(sharp_classifier), "positive", steps=steps)
    difference = result.f_input - result.f_baseline
    assert abs(difference) > 0.05
    assert sum(result.scores) == pytest.approx(difference, abs=tolerance)
    assert result.gap == pytest.approx(sum(result.scores) - difference)


def test_the_gap_shrinks_with_more_steps(sharp_classifier):
    gaps = [abs(explain(SENTENCE, str(sharp_classifier), "positive", steps=n).gap) for n in (2, 8)]
    assert gaps[1] < gaps[0]


def test_f_input_is_the_models_own_score(sharp_classifier):
    scores = {s["label"]: s["score"] for s in classify(SENTENCE, str(sharp_classifier)).scores[0]}
    for label in SENTIMENT_LABELS.values():
        assert explain(SENTENCE, str(sharp_classifier), label, steps=4).f_input == pytest.approx(
            scores[label], abs=1e-6
        )


def test_an_empty_target_explains_the_predicted_label(sharp_classifier):
    predicted = classify(SENTENCE, str(sharp_classifier)).scores[0][0]["label"]
    result = explain(SENTENCE, str(sharp_classifier), "", steps=4)
    assert result.target == predicted and result.targets == list(SENTIMENT_LABELS.values())


def test_the_baseline_keeps_special_tokens_and_pads_the_words(sharp_classifier):
    result = explain(SENTENCE, str(sharp_classifier), "positive", steps=4)
    assert result.tokens[0] == "[CLS]" and result.tokens[-1] == "[SEP]"
    assert result.baseline_ids == [101] + [0] * (len(result.tokens) - 2) + [102]
    assert result.scores[0] == result.scores[-1] == 0.0  # the same embedding at both ends: nothing to attribute


def test_the_json_has_the_contracts_shape(sharp_classifier):
    raw = explain(SENTENCE, str(sharp_classifier), "neutral", steps=5).to_json()
    assert set(raw) == {"tokens", "scores", "method", "steps", "completeness"}
    assert len(raw["tokens"]) == len(raw["scores"]) and raw["method"] == "integrated_gradients" and raw["steps"] == 5
    assert set(raw["completeness"]) == {"output", "f_input", "f_baseline", "baseline_ids"}
    assert raw["completeness"]["output"] == "probability"


def test_zero_shot_explains_the_pipelines_entailment_score(tiny_nli):
    text, labels = "The match ended with a late goal", "sports, politics, cooking"
    scores = zero_shot(text, labels, str(tiny_nli), multi_label=True).to_json()
    by_label = dict(zip(scores["labels"], scores["scores"], strict=True))
    result = explain(text, str(tiny_nli), "politics", steps=20, labels=labels)
    assert result.f_input == pytest.approx(by_label["politics"], abs=1e-6)
    assert result.hypothesis == "This example is politics." and result.targets == ["sports", "politics", "cooking"]
    assert result.tokens.count("[SEP]") == 2 and "politics" in result.tokens
    assert sum(result.scores) == pytest.approx(result.f_input - result.f_baseline, abs=1e-5)
    assert explain(text, str(tiny_nli), "", steps=2, labels=labels).target == max(by_label, key=by_label.get)


def test_a_long_text_is_cut_to_the_limit_with_a_notice(tiny_classifier):
    result = explain("word " * 400, str(tiny_classifier), "", steps=2)
    assert len(result.tokens) == MAX_TOKENS
    assert result.truncation is not None and result.truncation.tokens == 400
    assert explain("word " * 10, str(tiny_classifier), "", steps=2).truncation is None


def test_only_the_first_sentence_is_explained_for_the_sentiment_task(tiny_classifier):
    result = explain("\n I like apple\nI felt very sad", str(tiny_classifier), "", steps=2)
    assert result.tokens == ["[CLS]", "i", "like", "apple", "[SEP]"]


def test_the_bundled_minilm_classifier_works_offline(minilm_classifier):
    result = explain("What a wonderful day", str(minilm_classifier), "POSITIVE", steps=16)
    assert result.tokens == ["[CLS]", "what", "a", "wonderful", "day", "[SEP]"]
    assert sum(result.scores) == pytest.approx(result.f_input - result.f_baseline, abs=1e-4)


@pytest.mark.parametrize("steps", [0, 301, 2.5, "many", True, None])
def test_bad_steps_are_refused(tiny_classifier, steps):
    with pytest.raises(BadInput, match="number of integration steps must be a whole number from 1 to 300"):
        explain("hi", str(tiny_classifier), "", steps=steps)


def test_an_unknown_target_lists_the_labels(tiny_classifier):
    with pytest.raises(
        BadInput, match="Unknown target label 'happy'. Choose one of 'negative', 'neutral', 'positive'"
    ):
        explain("hi", str(tiny_classifier), "happy")


def test_an_unknown_zero_shot_target_lists_the_candidates(tiny_nli):
    with pytest.raises(BadInput, match="Unknown target label 'food'. Choose one of 'sports', 'politics'"):
        explain("hi", str(tiny_nli), "food", labels="sports, politics")


@pytest.mark.parametrize("method", ["saliency", "shap"])
def test_an_unknown_method_is_refused(tiny_classifier, method):
    with pytest.raises(BadInput, match=f"Unknown attribution method '{method}'.*'integrated_gradients'"):
        explain("hi", str(tiny_classifier), "", method=method)


def test_an_unknown_output_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="Unknown output 'loss'"):
        explain("hi", str(tiny_classifier), "", output="loss")


def test_a_model_of_the_wrong_kind_is_refused(tiny_masked_lm, tiny_classifier):
    with pytest.raises(WrongModelKind, match="BertForMaskedLM"):
        explain("hi", str(tiny_masked_lm))
    with pytest.raises(WrongModelKind, match="not an NLI model"):
        explain("hi", str(tiny_classifier), labels="sports, politics")


def test_the_remote_backend_says_the_model_is_needed_here(tiny_classifier):
    with pytest.raises(BadInput, match="need the model on this machine") as error:
        explain_call(CallContext(backend=Backend.REMOTE), "hi", str(tiny_classifier))
    assert "local" in error.value.text("ko")


@pytest.mark.parametrize(
    ("method", "labels"), [("integrated_gradients", ""), ("gradient_x_input", ""), ("integrated_gradients", "a, b")]
)
def test_the_notebook_code_reproduces_the_scores(sharp_classifier, tiny_nli, method, labels):
    model = tiny_nli if labels else sharp_classifier
    result = explain(SENTENCE, str(model), "", method=method, steps=12, labels=labels)
    namespace: dict = {"print": lambda *args: None}
    exec(notebook_code(result), namespace)
    assert namespace["scores"].tolist() == pytest.approx(result.scores, abs=1e-5)


def test_integrated_gradients_of_a_square_are_exact():
    """f(x) = Σ x²: from a zero baseline, each token's share is exactly its Σ x² (the integrand is linear)."""
    inputs = torch.tensor([[[1.0, 2.0], [-3.0, 0.5], [0.0, 0.0]]])
    result = integrated_gradients(lambda x: (x**2).sum((1, 2)), inputs, torch.zeros_like(inputs), steps=3)
    assert result.scores == pytest.approx([5.0, 9.25, 0.0]) and result.f_input == pytest.approx(14.25)
    quick = gradient_x_input(lambda x: (x**2).sum((1, 2)), inputs)
    assert quick.scores == pytest.approx([10.0, 18.5, 0.0])  # 2x · x: twice the share, as a first-order guess


def test_the_rule_is_gauss_legendre_on_the_unit_interval():
    alphas, weights = gauss_legendre(50)
    assert weights.sum() == pytest.approx(1.0) and 0 < alphas.min() < alphas.max() < 1
