"""Differential tests: our rebuilt pipelines against the reference itself.

- ``/answer`` (core.text.answer) against transformers 4.57.6's ``pipeline("question-answering")``: 240 seeded
  cases on tiny models; every item of the top-k list must have the same start, end and answer, and
  the same score within 1e-5 relative.
- ``/summarize`` and ``/translate`` (core.generation.summarize, core.generation.translate) against 4.57.6's summarization
  and translation pipelines: the same encoder input and the same settings reach ``generate``.
- ``/ner`` (core.text.ner) against transformers 5's own ``pipeline("token-classification")``.

4.57.6 runs in one subprocess beside the project (tests/reference_v4.py installs it once into a cache).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from core.errors import BadInput
from tests.kit import tiny_models
from tests.reference_v4 import run_reference

SEED = 15
CASES = 240
SCORE_TOLERANCE = 1e-5

EN_SENTENCES = (
    "My name is Wolfgang and I live in Berlin.",
    "Hugging Face is based in New York City.",
    "The Eiffel Tower is 330 metres tall and was finished in 1889.",
    "Marie Curie won two Nobel prizes, in physics and in chemistry.",
    "Seoul is the capital of South Korea.",
    "Transformers turn text into tokens, tokens into vectors, and vectors into answers.",
    "I went to school today and had lunch with my friends.",
)
KO_SENTENCES = (
    "세종대왕은 조선의 제4대 왕이다.",
    "1443년에 훈민정음을 창제하였고, 1446년에 이를 반포하였다.",
    "서울은 대한민국의 수도이다.",
    "나는 오늘 학교에 가서 친구들과 점심을 먹었다.",
    "집현전을 설치하여 학자들을 길렀다.",
)
MIXED_SENTENCES = (
    "Hugging Face의 transformers 라이브러리는 2016년에 시작되었다.",
    "BTS는 Seoul Olympic Stadium에서 concert를 열었다.",
    "나는 Berlin에 살고, Wolfgang은 New York City에 산다.",
)
#: Words the vocabularies split into many pieces.
LONG_WORDS = (
    "Supercalifragilisticexpialidocious",
    "antidisestablishmentarianism",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch",
    "xqzvbnmkwrtplkjh",
    "3.14159265358979323846",
    "훈민정음해례본언해본",
)
REPEATED = ("the red house", "Berlin Berlin berlin BERLIN", "topic 7.", "서울 서울 서울")
QUESTIONS = (
    "Where do I live?",
    "Who won?",
    "What is the capital?",
    "Which topic?",
    "What is tall?",
    "  Where is it?  ",
    "훈민정음은 언제 창제되었나?",
    "누가 어디에 살아요?",
    "Which word is the longest one in this text, and how many letters does it have?",
    "Supercalifragilisticexpialidocious?",
)


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Hundreds of tiny forward passes: one torch thread is fastest, above all on a busy machine."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


# --- tiny models (the conftest's, plus three that only these tests need) ---------------------------------


@pytest.fixture(scope="module")
def tiny_qa_left(models_dir) -> Path:
    path = models_dir / "tiny-bert-qa-left"
    return path if path.exists() else tiny_models.build_bert_qa(path, padding_side="left")


@pytest.fixture(scope="module")
def tiny_gpt2_qa(models_dir) -> Path:
    path = models_dir / "tiny-gpt2-qa"
    return path if path.exists() else tiny_models.build_gpt2_qa(path)


@pytest.fixture(scope="module")
def tiny_m2m100(models_dir) -> Path:
    path = models_dir / "tiny-m2m100"
    return path if path.exists() else tiny_models.build_m2m100(path)


# --- question answering -------------------------------------------------------------------------------


def _context(rng: random.Random, kind: str) -> str:
    if kind == "short":
        return " ".join(rng.sample(EN_SENTENCES, rng.randint(1, 3)))
    if kind == "long":
        pool = EN_SENTENCES + KO_SENTENCES + MIXED_SENTENCES
        return " ".join(rng.choice(pool) for _ in range(rng.randint(12, 40)))
    if kind == "numbered":
        return " ".join(f"Sentence number {i} talks about topic {i}." for i in range(rng.randint(10, 50)))
    if kind == "repeated":
        phrase = rng.choice(REPEATED)
        return rng.choice([". ", " ", ", "]).join([phrase] * rng.randint(3, 12)) + "."
    if kind == "korean":
        return " ".join(rng.sample(KO_SENTENCES, rng.randint(1, 4)))
    if kind == "mixed":
        return " ".join(rng.sample(MIXED_SENTENCES + KO_SENTENCES[:2] + EN_SENTENCES[:2], rng.randint(2, 5)))
    words = rng.choice(EN_SENTENCES).split()
    for _ in range(rng.randint(1, 3)):
        words.insert(rng.randrange(len(words) + 1), rng.choice(LONG_WORDS))
    return " ".join(words)


def qa_cases(count: int = CASES, seed: int = SEED) -> list[dict[str, Any]]:
    """Seeded cases: model, question, context and the v4 pipeline's options (names as v4 spelt them)."""
    rng = random.Random(seed)
    kinds = ("short", "long", "numbered", "repeated", "korean", "mixed", "long words")
    cases = []
    for index in range(count):
        kind = kinds[index % len(kinds)]
        options: dict[str, Any] = {"top_k": rng.randint(1, 5), "max_answer_len": rng.choice([1, 2, 3, 5, 10, 15, 30])}
        if rng.random() < 0.5:
            options["handle_impossible_answer"] = rng.random() < 0.5
        max_seq_len = rng.choice([32, 48, 64, 96, 128, 384] if kind in ("long", "numbered") else [48, 64, 384])
        if max_seq_len != 384 or rng.random() < 0.5:
            options["max_seq_len"] = max_seq_len
        stride = rng.choice([None, 0, 4, 8, 16, 32, 64, 128])
        if stride is not None and stride < max_seq_len // 2:
            options["doc_stride"] = stride
        if rng.random() < 0.15:
            options["align_to_words"] = False
        if rng.random() < 0.1:
            options["max_question_len"] = rng.choice([2, 4])  # v4's fast path never applied it
        model = rng.choices(["right", "left", "gpt2"], weights=[6, 2, 2])[0]
        question = rng.choice(QUESTIONS)
        cases.append({"model": model, "kind": kind, "question": question, "context": _context(rng, kind), **options})
    return cases


def _refusals() -> list[dict[str, Any]]:
    """Inputs v4 could not answer: ours must refuse them too, with a message."""
    return [
        {"model": "right", "kind": "refused", "question": "Who?", "context": EN_SENTENCES[0], "doc_stride": 500},
        {
            "model": "right",
            "kind": "refused",
            "question": " ".join(["why"] * 40),
            "context": " ".join(EN_SENTENCES),
            "max_seq_len": 48,
            "doc_stride": 8,
        },
    ]


@pytest.fixture(scope="module")
def qa_models(tiny_qa, tiny_qa_left, tiny_gpt2_qa) -> dict[str, str]:
    return {"right": str(tiny_qa), "left": str(tiny_qa_left), "gpt2": str(tiny_gpt2_qa)}


def _options(case: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in case.items() if k not in ("model", "kind", "question", "context")}


def _qa_job(case: dict[str, Any], models: dict[str, str]) -> dict[str, Any]:
    return {
        "kind": "question_answering",
        "model": models[case["model"]],
        "question": case["question"],
        "context": case["context"],
        "options": _options(case),
    }


def _ours(case: dict[str, Any], models: dict[str, str]) -> dict[str, Any]:
    from core.text.answer import answer

    try:
        result = answer(case["question"], case["context"], models[case["model"]], **_options(case))
    except BadInput as error:
        return {"error": str(error)}
    return {"answers": result.answers, "windows": result.windows}


def _differences(reference: dict[str, Any], ours: dict[str, Any]) -> str | None:
    """What differs between v4's answers and ours, or ``None``."""
    if "error" in reference or "error" in ours:
        both_refused = "error" in reference and "error" in ours
        return (
            None
            if both_refused
            else f"v4: {reference.get('error', 'answered')}; ours: {ours.get('error', 'answered')}"
        )
    if len(reference["answers"]) != len(ours["answers"]):
        return f"{len(reference['answers'])} answers from v4, {len(ours['answers'])} from ours"
    for rank, (theirs, mine) in enumerate(zip(reference["answers"], ours["answers"], strict=True)):
        same_span = all(theirs[key] == mine[key] for key in ("start", "end", "answer"))
        if not same_span or mine["score"] != pytest.approx(theirs["score"], rel=SCORE_TOLERANCE, abs=0):
            return f"item {rank}: v4 {theirs} vs ours {mine}"
    return None


@pytest.fixture(scope="module")
def reference(qa_models, seq2seq_models) -> dict[str, list[dict[str, Any]]]:
    """v4's answers to every QA case and every generation case: one subprocess for all of them."""
    qa_jobs = [_qa_job(case, qa_models) for case in qa_cases() + _refusals()]
    generation_jobs = [_generation_job(case, seq2seq_models) for case in GENERATION_CASES]
    answers = run_reference(qa_jobs + generation_jobs)
    return {"qa": answers[: len(qa_jobs)], "generation": answers[len(qa_jobs) :]}


@pytest.fixture(scope="module")
def qa_comparison(reference, qa_models) -> list[tuple[dict, dict, dict]]:
    """(case, v4's answer, ours) for every generated case and every refusal."""
    cases = qa_cases() + _refusals()
    return [(case, theirs, _ours(case, qa_models)) for case, theirs in zip(cases, reference["qa"], strict=True)]


def test_answer_equals_transformers_4_57_on_every_generated_case(qa_comparison):
    mismatches = []
    for case, reference, ours in qa_comparison:
        difference = _differences(reference, ours)
        if difference:
            mismatches.append(
                f"[{case['model']} · {case['kind']} · {_options(case)}] {case['question']!r}: {difference}"
            )
    answered = [ours for case, _, ours in qa_comparison if "answers" in ours]
    assert not mismatches, f"{len(mismatches)} of {len(qa_comparison)} cases differ from v4:\n" + "\n".join(
        mismatches[:12]
    )
    assert len(answered) >= 200


def test_the_generated_cases_cover_what_the_issue_lists(qa_comparison):
    answered = [(case, ours) for case, _, ours in qa_comparison if "answers" in ours]
    assert sum(ours["windows"] > 1 for _, ours in answered) >= 40  # multi-window contexts
    assert {case["top_k"] for case, _ in answered} == {1, 2, 3, 4, 5}
    assert {case.get("handle_impossible_answer") for case, _ in answered} == {None, True, False}
    assert {case["model"] for case, _ in answered} == {"right", "left", "gpt2"}
    assert len({case.get("doc_stride") for case, _ in answered}) >= 5
    assert len({case.get("max_seq_len") for case, _ in answered}) >= 5
    assert len({case["max_answer_len"] for case, _ in answered}) >= 5
    assert sum(item["answer"] == "" for _, ours in answered for item in ours["answers"]) >= 10  # "no answer"
    assert sum(case["kind"] in ("korean", "mixed") for case, _ in answered) >= 40


def test_refusals_are_the_inputs_v4_refused(qa_comparison):
    refused = [(case, reference, ours) for case, reference, ours in qa_comparison if case["kind"] == "refused"]
    assert refused and all("error" in reference and "error" in ours for _, reference, ours in refused)


# --- summarization and translation: the settings that reach generate -------------------------------------

SUMMARY_TEXT = "The tower is 324 metres tall. It was the tallest structure in the world for 41 years. " * 2
#: (model fixture, v4 pipeline task, v4's input text, v4's options, our function, our options).
#: A multi-target Marian model wants its target token in front: v4 left that to the user, our tab adds it.
GENERATION_CASES = [
    ("t5", "summarization", SUMMARY_TEXT, {}, "summarize", {}),
    ("t5", "summarization", SUMMARY_TEXT, {"max_length": 40, "min_length": 5}, "summarize", {}),
    ("t5", "summarization", SUMMARY_TEXT, {"num_beams": 2, "no_repeat_ngram_size": 2}, "summarize", {}),
    ("bart", "summarization", SUMMARY_TEXT, {}, "summarize", {}),
    ("bart", "summarization", SUMMARY_TEXT, {"max_length": 30, "min_length": 10, "num_beams": 1}, "summarize", {}),
    ("t5", "translation_en_to_de", "Hello there, how are you?", {}, "translate", {"src_lang": "en", "tgt_lang": "de"}),
    (
        "t5",
        "translation_en_to_fr",
        "Hello there.",
        {"num_beams": 1, "max_length": 20},
        "translate",
        {"tgt_lang": "fr"},
    ),
    ("t5", "translation", "Hello there.", {}, "translate", {}),
    ("marian", "translation", "Hello there, how are you?", {}, "translate", {}),
    ("marian", "translation_en_to_ko", "Hello there.", {"max_length": 16}, "translate", {"tgt_lang": "ko"}),
    ("marian_multi", "translation", ">>kor<< I went to school today.", {}, "translate", {"tgt_lang": "kor"}),
    ("marian_multi", "translation", ">>jpn<< I went to school.", {"num_beams": 2}, "translate", {"tgt_lang": "jpn"}),
    ("nllb", "translation", "Hello there.", {"src_lang": "eng_Latn", "tgt_lang": "kor_Hang"}, "translate", {}),
    (
        "nllb",
        "translation",
        "이 영화 정말 재미있어요!",
        {"src_lang": "kor_Hang", "tgt_lang": "eng_Latn"},
        "translate",
        {},
    ),
    ("m2m100", "translation", "I went to school today.", {"src_lang": "en", "tgt_lang": "ko"}, "translate", {}),
    (
        "m2m100",
        "translation",
        "세종대왕은 훈민정음을 창제하였다.",
        {"src_lang": "ko", "tgt_lang": "en", "max_length": 20},
        "translate",
        {},
    ),
]
#: What ``generate`` runs with: the settings a summary or translation depends on.
GENERATION_KEYS = (
    "max_length",
    "max_new_tokens",
    "min_length",
    "min_new_tokens",
    "num_beams",
    "do_sample",
    "no_repeat_ngram_size",
    "encoder_no_repeat_ngram_size",
    "length_penalty",
    "early_stopping",
    "repetition_penalty",
    "num_return_sequences",
    "forced_bos_token_id",
    "forced_eos_token_id",
    "decoder_start_token_id",
    "bos_token_id",
    "eos_token_id",
    "pad_token_id",
    "bad_words_ids",
    "suppress_tokens",
    "begin_suppress_tokens",
)


@pytest.fixture(scope="module")
def seq2seq_models(tiny_t5, tiny_bart, tiny_marian, tiny_marian_multi, tiny_nllb, tiny_m2m100) -> dict[str, str]:
    models = {"t5": tiny_t5, "bart": tiny_bart, "marian": tiny_marian, "marian_multi": tiny_marian_multi}
    return {name: str(path) for name, path in {**models, "nllb": tiny_nllb, "m2m100": tiny_m2m100}.items()}


def _generation_job(case: tuple, models: dict[str, str]) -> dict[str, Any]:
    model, task, text, options, _, _ = case
    return {"kind": "generation", "model": models[model], "task": task, "text": text, "options": options}


class _Resolved(Exception):
    """Raised inside ``generate`` once it has resolved its settings: nothing needs to be generated."""


def _our_generation(case: tuple, models: dict[str, str]) -> dict[str, Any]:
    """The encoder input and the settings ``generate`` resolved when our tab ran this case."""
    from core.generation import summarize, translate
    from core.runtime.loading import load_for_task

    model, _, text, v4_options, function, options = case
    module = summarize if function == "summarize" else translate
    loaded = load_for_task(module.TASK, models[model])  # the cached model our tab runs
    generate, resolve = loaded.model.generate, loaded.model._prepare_generated_length
    seen: dict[str, Any] = {}

    def capture_inputs(*args, **kwargs):
        seen["input_ids"] = kwargs["input_ids"][0].tolist()
        return generate(*args, **kwargs)

    def capture_settings(*args, **kwargs):
        seen["config"] = resolve(*args, **kwargs).to_dict()
        raise _Resolved

    loaded.model.generate, loaded.model._prepare_generated_length = capture_inputs, capture_settings
    text = text.split("<< ", 1)[1] if text.startswith(">>") else text  # our tab adds the target token itself
    try:
        with pytest.raises(_Resolved):
            getattr(module, function)(text, models[model], **{**v4_options, **options})
    finally:
        del loaded.model.generate, loaded.model._prepare_generated_length
    return seen


def _expected(v4_config: dict[str, Any], options: dict[str, Any], positions: int | None) -> dict[str, Any]:
    """v4's settings with the two differences core/generation/seq2seq.py makes on purpose (see generation_plan):

    - a ``max_length`` the user gives counts; v4 let the pipeline's leftover ``max_new_tokens=256`` win;
    - lengths stop at a decoder's learned positions (v4 ran past them and failed with an IndexError).
    """
    expected = {key: v4_config.get(key) for key in GENERATION_KEYS}
    if "max_length" in options and expected["max_new_tokens"] is not None:
        expected["max_new_tokens"], expected["max_length"] = None, options["max_length"]
    if positions and expected["max_new_tokens"] is not None and expected["max_new_tokens"] > positions - 1:
        expected["max_new_tokens"], expected["max_length"] = positions - 1, positions
    elif positions and expected["max_new_tokens"] is None and expected["max_length"] > positions:
        expected["max_length"] = positions
    return expected


@pytest.mark.parametrize("index", range(len(GENERATION_CASES)))
def test_generation_settings_equal_transformers_4_57(reference, seq2seq_models, index):
    from transformers import AutoConfig

    case = GENERATION_CASES[index]
    theirs = reference["generation"][index]
    assert "error" not in theirs, theirs
    ours = _our_generation(case, seq2seq_models)
    assert ours["input_ids"] == theirs["input_ids"]  # the same prefix, language tokens and text
    positions = getattr(AutoConfig.from_pretrained(seq2seq_models[case[0]]), "max_position_embeddings", None)
    expected = _expected(theirs["config"], case[3], positions)
    assert {key: ours["config"].get(key) for key in GENERATION_KEYS} == expected


def test_the_generation_cases_meet_both_deliberate_differences(reference):
    """So that the two rules in ``_expected`` are exercised, not just written down."""
    v4_lengths = [
        (answer["config"]["max_new_tokens"], case[3])
        for case, answer in zip(GENERATION_CASES, reference["generation"], strict=True)
    ]
    assert any(tokens is not None and "max_length" in options for tokens, options in v4_lengths)
    assert any(tokens == 256 for tokens, _ in v4_lengths)  # past the tiny decoders' 64 or 128 positions


# --- NER: core.text.ner against transformers 5's own token-classification pipeline ------------------------------

NER_TEXTS = (
    "My name is Wolfgang and I live in Berlin. Sylvain works at Hugging Face in Brooklyn.",
    "  세종대왕은 조선의 왕이다. BTS는 Seoul Olympic Stadium에서 concert를 열었다.  ",
    # longer than the tiny model's 512 tokens, with words of many pieces around the cut
    " ".join(f"Supercalifragilistic{i} met Wolfgang in Berlin-{i}." for i in range(120)),
)


def _plain_entity(entity: dict[str, Any]) -> dict[str, Any]:
    return {key: (float(value) if key == "score" else value) for key, value in entity.items()}


@pytest.mark.parametrize("strategy", ["simple", "first", "average", "max", "none"])
def test_ner_equals_transformers_5_token_classification(tiny_ner, strategy):
    from transformers import pipeline

    from core.text.ner import recognize

    theirs_pipeline = pipeline("token-classification", model=str(tiny_ner), aggregation_strategy=strategy)
    for text in NER_TEXTS:
        ours = recognize(text, str(tiny_ner), aggregation_strategy=strategy).entities
        theirs = [_plain_entity(entity) for entity in theirs_pipeline(text)]
        assert [{k: v for k, v in e.items() if k != "score"} for e in ours] == [
            {k: v for k, v in e.items() if k != "score"} for e in theirs
        ]
        assert [e["score"] for e in ours] == pytest.approx([e["score"] for e in theirs], rel=SCORE_TOLERANCE)
