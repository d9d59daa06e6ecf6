"""core.validators: what counts as a number, once; and every range check that used to write its own."""

import math
from collections.abc import Callable
from fractions import Fraction
from typing import Any

import numpy as np
import pytest

from core.errors import BadInput
from core.finetune.hub_data import check_row_cap
from core.finetune.train import TrainingSettings
from core.generation import seq2seq
from core.generation.decoding import parse_settings
from core.generation.generate import GenerationSettings
from core.inspect.compare import check_runs
from core.text import answer
from core.text.fill_mask import check_top_k
from core.tokenizers.tokenize import check_max_length
from core.tokenizers.training import check_vocab_size
from core.validators import finite_number, number_in, whole_number
from core.vision.detect import check_max_detections, check_threshold

NOT_NUMBERS = [None, True, False, math.nan, math.inf, -math.inf, "abc", "", [3], "nan", "inf"]


@pytest.mark.parametrize("value", [3, 3.0, "3", " 3 ", np.int64(3), np.float64(3.0), Fraction(3)])
def test_whole_number_accepts_three_however_it_is_written(value):
    result = whole_number(value, "`n`", 1, 5)
    assert result == 3 and type(result) is int


@pytest.mark.parametrize("value", [*NOT_NUMBERS, 2.5, "2.5", 0, 6, -1, "1e400"])
def test_whole_number_refuses_with_one_message_quoting_the_value(value):
    with pytest.raises(BadInput) as caught:
        whole_number(value, "`n`", 1, 5)
    assert caught.value.message == f"`n` must be a whole number from 1 to 5; got {value!r}."
    assert caught.value.text("ko") == f"`n` 값은 1~5 사이의 정수여야 해요. 입력값: {value!r}."


def test_whole_number_bounds_are_inclusive_and_may_be_open_above():
    assert whole_number(1, "`n`", 1, 5) == 1 and whole_number(5, "`n`", 1, 5) == 5
    assert whole_number(10**12, "`n`", 0) == 10**12
    with pytest.raises(BadInput, match=r"whole number of 0 or more; got -1\.$"):
        whole_number(-1, "`n`", 0)


def test_messages_use_thousands_separators_korean_names_and_hints():
    with pytest.raises(BadInput) as caught:
        whole_number(0, "The row cap", 1, 5000, name_ko="행 수 제한", hint="Fewer, please.", hint_ko="줄이세요.")
    assert caught.value.message == "The row cap must be a whole number from 1 to 5,000; got 0. Fewer, please."
    assert caught.value.text("ko") == "행 수 제한 값은 1~5,000 사이의 정수여야 해요. 입력값: 0. 줄이세요."


def test_a_number_too_large_for_a_float_is_refused_not_overflowed():
    with pytest.raises(BadInput, match="must be a whole number from 1 to 5"):
        whole_number(10**400, "`n`", 1, 5)
    assert whole_number(10**400, "`n`", 0) == 10**400


def test_a_long_bad_value_is_quoted_short():
    with pytest.raises(BadInput) as caught:
        whole_number("x" * 500, "`n`", 1, 5)
    assert len(caught.value.message) < 120 and caught.value.message.endswith("….")


@pytest.mark.parametrize("value", [0, 0.5, 1, "0.25", np.float32(0.5)])
def test_number_in_accepts_a_number_in_the_closed_range(value):
    assert number_in(value, "`p`", 0, 1) == float(value)


@pytest.mark.parametrize("value", [*NOT_NUMBERS, -0.1, 1.5])
def test_number_in_refuses_with_one_message(value):
    with pytest.raises(BadInput) as caught:
        number_in(value, "`p`", 0, 1)
    assert caught.value.message == f"`p` must be a number between 0 and 1; got {value!r}."
    assert caught.value.text("ko").startswith("`p` 값은 0~1 사이의 숫자여야 해요.")


def test_finite_number_checks_only_that_it_is_a_number():
    assert finite_number("-7.5", "`x`") == -7.5
    with pytest.raises(BadInput, match=r"^`x` must be a number; got nan\.$"):
        finite_number(math.nan, "`x`")


def test_a_refusal_is_still_a_value_error():
    with pytest.raises(ValueError):
        whole_number(math.nan, "`n`", 1, 5)


#: Every range check of core, each handed NaN (and infinity) as a script can send it. Before core.validators,
#: check_runs, check_vocab_size, check_top_k (infinity), check_max_length, check_max_detections (infinity) and the
#: decoding table's whole-number cells called int() on it and ended as an "unexpected error".
CALL_SITES: dict[str, Callable[[Any], Any]] = {
    "check_runs": check_runs,
    "check_vocab_size": check_vocab_size,
    "check_row_cap": check_row_cap,
    "check_threshold": check_threshold,
    "check_max_detections": check_max_detections,
    "check_top_k": check_top_k,
    "check_max_length": lambda v: check_max_length(v, 512, "bert"),
    "seq2seq.validate": lambda v: seq2seq.validate(seq2seq.GenerationOptions(max_length=v)),
    "answer.validate": lambda v: answer.validate(answer.QASettings(max_answer_len=v)),
    "answer.validate doc_stride": lambda v: answer.validate(answer.QASettings(doc_stride=v)),
    "TrainingSettings.check": lambda v: TrainingSettings(epochs=v).check(),
    "TrainingSettings.check learning_rate": lambda v: TrainingSettings(learning_rate=v).check(),
    "GenerationSettings.validate": lambda v: GenerationSettings(num_beams=v).validate(),
    "decoding table": lambda v: parse_settings([["greedy"], ["beam", v]]),
}


@pytest.mark.parametrize("value", [math.nan, math.inf, "nan"])
@pytest.mark.parametrize("site", CALL_SITES)
def test_every_range_check_answers_nan_and_infinity_with_a_clear_message(site, value):
    with pytest.raises(BadInput) as caught:
        CALL_SITES[site](value)
    assert f"got {value!r}" in caught.value.message
    assert f"입력값: {value!r}" in caught.value.text("ko")


def test_whole_floats_from_a_slider_become_ints_where_the_settings_are_used():
    assert seq2seq.validate(seq2seq.GenerationOptions(max_length=40.0, num_beams=2.0)).num_beams == 2
    assert type(answer.validate(answer.QASettings(top_k=3.0)).top_k) is int
    assert type(TrainingSettings(epochs=2.0).check().epochs) is int
