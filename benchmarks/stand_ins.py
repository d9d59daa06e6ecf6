"""Real-size stand-ins for the tasks' default Hub models: the same architecture, random weights.

No network here, so no checkpoint; but speed and memory depend on the architecture, not on the
trained weights. Each stand-in is saved with the bundled MiniLM tokenizer (BERT's uncased
WordPiece, 30,522 tokens, the vocabulary size of the defaults below).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

SENTIMENT_LABELS = {"id2label": {0: "NEGATIVE", 1: "POSITIVE"}, "label2id": {"NEGATIVE": 0, "POSITIVE": 1}}


def _bert(head: str, **config) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        import transformers

        getattr(transformers, head)(transformers.BertConfig(**config)).save_pretrained(path)

    return build


def _model(head: str, config: str, **settings) -> Callable[[Path], None]:
    def build(path: Path) -> None:
        import transformers

        getattr(transformers, head)(getattr(transformers, config)(**settings)).save_pretrained(path)

    return build


#: task id → how to build a model of its default's architecture (see core/registry.py for the ids).
PLANS: dict[str, Callable[[Path], None]] = {
    # distilbert/distilbert-base-uncased-finetuned-sst-2-english
    "classify": _model("DistilBertForSequenceClassification", "DistilBertConfig", **SENTIMENT_LABELS),
    "ner": _bert("BertForTokenClassification", num_labels=9),
    "answer": _model("DistilBertForQuestionAnswering", "DistilBertConfig"),
    "fill_mask": _bert("BertForMaskedLM"),
    "zero_shot": _model("RobertaForSequenceClassification", "RobertaConfig", vocab_size=30522, num_labels=3),
    "generate": _model("GPT2LMHeadModel", "GPT2Config", vocab_size=30522),
    "summarize": _model("T5ForConditionalGeneration", "T5Config", vocab_size=30522, decoder_start_token_id=0),
}


def build_stand_in(task_id: str, path: Path) -> Path:
    """Save a stand-in for ``task_id``'s default model (and the tokenizer) into ``path``."""
    import torch

    from tests.kit.tiny_models import minilm_tokenizer

    torch.manual_seed(0)
    PLANS[task_id](path)
    minilm_tokenizer().save_pretrained(path)
    return path


def build_stand_ins(folder: Path) -> dict[str, Path]:
    """task id → a saved stand-in, for every task in :data:`PLANS`."""
    return {task_id: build_stand_in(task_id, folder / task_id) for task_id in PLANS}
