"""Side-by-side comparison: ratios from measured runs (never asserted as times), and its bad inputs."""

import gradio as gr
import pytest

from core.errors import BadInput, ModelNotAvailable
from core.inspect.compare import Comparison, Measurement, compare
from core.registry import BUNDLED_MINILM
from tabs.compare import make_handler, table, verdict
from tabs.context import AppContext


def measurement(model: str, scale: float) -> Measurement:
    return Measurement(
        model=model,
        architecture="BertModel",
        parameters=int(100 * scale),
        disk_bytes=int(400 * scale),
        load_seconds=2.0 * scale,
        latencies_seconds=[9.0, 1.0 * scale, 1.0 * scale, 0.5],
        peak_memory_bytes=int(1000 * scale),
    )


def test_ratios_are_second_over_first_and_use_the_median():
    result = Comparison(["hi"], 4, measurement("bert", 1.0), measurement("distilbert", 0.6))
    assert result.first.median_latency_seconds == 1.0
    assert result.ratios["parameters"] == pytest.approx(0.6)
    assert result.ratios["median_latency_seconds"] == pytest.approx(0.6)
    assert result.ratios["peak_memory_bytes"] == pytest.approx(0.6)
    assert "40% less peak memory" in verdict(result, "en")
    assert table(result)[0] == ["parameters", "0.0M", "0.0M", "0.60"]


def test_unknown_memory_gives_no_ratio():
    second = measurement("b", 0.5)
    second.peak_memory_bytes = None
    assert Comparison(["hi"], 4, measurement("a", 1.0), second).ratios["peak_memory_bytes"] is None


@pytest.fixture(scope="module")
def measured(tiny_classifier, tiny_masked_lm):
    """One real comparison; the fork server talks to its children over a local Unix socket (no network)."""
    import pytest_socket

    pytest_socket.socket_allow_hosts(["127.0.0.1", "::1", "localhost"], allow_unix_socket=True)
    return compare("I like apple\nI felt very sad", str(tiny_classifier), str(tiny_masked_lm), runs=3)


def test_both_tiny_models_are_measured(measured, tiny_classifier):
    first, second = measured.first, measured.second
    assert first.model == str(tiny_classifier) and first.architecture == "BertForSequenceClassification"
    assert second.architecture == "BertForMaskedLM"
    assert len(first.latencies_seconds) == len(second.latencies_seconds) == 3
    assert all(t > 0 for t in first.latencies_seconds + second.latencies_seconds)
    assert first.disk_bytes == sum(p.stat().st_size for p in tiny_classifier.iterdir())


def test_ratios_come_from_the_measured_runs(measured):
    ratios = measured.ratios
    assert ratios["parameters"] == measured.second.parameters / measured.first.parameters
    expected = measured.second.median_latency_seconds / measured.first.median_latency_seconds
    assert ratios["median_latency_seconds"] == pytest.approx(expected)
    assert set(measured.to_json()) == {"texts", "runs", "models", "ratios"}


def test_comparing_a_model_with_itself_is_refused(tiny_classifier):
    with pytest.raises(BadInput, match="comparing a model with itself"):
        compare("hi", str(tiny_classifier), str(tiny_classifier) + "/")


@pytest.mark.parametrize("runs", [0, 51, 2.5])
def test_runs_must_be_a_sensible_whole_number(runs, tiny_classifier):
    with pytest.raises(BadInput, match="whole number from 1 to 50"):
        compare("hi", str(tiny_classifier), BUNDLED_MINILM, runs=runs)


def test_a_missing_model_is_named_before_anything_runs(tiny_classifier):
    with pytest.raises(ModelNotAvailable, match="distilbert/distilbert-base-uncased' is not downloaded"):
        compare("hi", str(tiny_classifier), "distilbert/distilbert-base-uncased")


def test_handler_turns_the_self_comparison_into_a_gr_error():
    with pytest.raises(gr.Error, match="같은 모델끼리는"):
        make_handler(AppContext())("hi", BUNDLED_MINILM, BUNDLED_MINILM, 3, "ko")
