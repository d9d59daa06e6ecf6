"""The course's notebook cell, made visible: tokens → AutoModel → last_hidden_state → task head → logits.

``AutoModel`` alone gives ``last_hidden_state`` (one vector per token); only a checkpoint with a
task head (``…ForSequenceClassification`` and the like) gives ``logits``, which softmax turns into
probabilities and argmax into the predicted label.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from core.inputs.text import split_lines
from core.inspect.inspector import TASK, architecture_of, explained, load_config
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

MAX_SENTENCES = 8
#: Logits wider than this (a vocabulary) are summarised by their best entries, not listed.
MAX_LISTED_LOGITS = 64
TOP_K = 5


@dataclass
class RunResult:
    model: str
    architecture: str
    texts: list[str]
    tokens: list[list[str]]
    last_hidden_state_shape: list[int]
    logits_shape: list[int] | None = None
    #: Per sentence: the raw logits (classification heads with few labels).
    logits: list[list[float]] | None = None
    #: Per sentence: the best labels with their softmax probabilities, best first.
    predictions: list[list[dict]] = field(default_factory=list)
    #: Per sentence, per token: the head's best guess (token-level heads: MLM, causal LM, NER).
    token_predictions: list[list[dict]] = field(default_factory=list)

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


def loaded_with_head(model: str, *, device: str = "auto", policy: LoadPolicy = PRIVATE) -> LoadedModel:
    """The checkpoint loaded as the class it was saved from (its head included), once per device."""
    source, config = load_config(model, policy)
    task = dataclasses.replace(TASK, auto_class=architecture_of(config, source))
    with explained(source):
        return load_for_task(task, model, device=device, policy=policy)


def _label_name(config: Any, index: int) -> str:
    return str((getattr(config, "id2label", None) or {}).get(index, f"LABEL_{index}"))


def padded_batch(tokenizer: Any, texts: list[str]) -> Any:
    """``texts`` as one padded batch of tensors (a ``BatchEncoding``).

    A tokenizer without a padding token (GPT-2) pads with its end-of-text token, as the course's
    ``tokenizer.pad_token = tokenizer.eos_token`` does, but without setting it: the tokenizer is shared by every
    visitor through the model cache, and each later run of this model would see a padding token it does not have.
    """
    from transformers import BatchEncoding

    eos_id = getattr(tokenizer, "eos_token_id", None)
    if getattr(tokenizer, "pad_token", None) is not None or eos_id is None:
        return tokenizer(texts, padding=True, truncation=True, return_tensors="pt")
    rows = tokenizer(texts, truncation=True)
    width = max(len(ids) for ids in rows["input_ids"])
    left = getattr(tokenizer, "padding_side", "right") == "left"
    fills = {"input_ids": eos_id, "attention_mask": 0, "token_type_ids": 0}
    padded = {}
    for key, fill in fills.items():
        if key in rows:
            padded[key] = [[fill] * (width - len(r)) + r if left else r + [fill] * (width - len(r)) for r in rows[key]]
    return BatchEncoding(padded, tensor_type="pt")


def run_model(
    text: str, model: str = TASK.default.id, *, device: str = "auto", policy: LoadPolicy = PRIVATE
) -> RunResult:
    """Run each line of ``text`` through ``model`` as one padded batch; shapes, logits, probabilities."""
    import torch

    texts = split_lines(text, max_lines=MAX_SENTENCES)
    loaded = loaded_with_head(model, device=device, policy=policy)
    tokenizer, net, config = loaded.preprocessor, loaded.model, loaded.config
    inputs = padded_batch(tokenizer, texts).to(loaded.device)
    extra = {}
    if getattr(config, "is_encoder_decoder", False):
        start = getattr(config, "decoder_start_token_id", None) or 0
        extra["decoder_input_ids"] = torch.full((len(texts), 1), start, device=loaded.device)
    with torch.inference_mode():
        outputs = net(**inputs, **extra, output_hidden_states=True)
    hidden = outputs.get("encoder_last_hidden_state")
    if hidden is None:
        hidden = outputs.get("last_hidden_state")
    if hidden is None:
        hidden = outputs.hidden_states[-1]
    result = RunResult(
        model=loaded.source.name,
        architecture=type(net).__name__,
        texts=texts,
        tokens=[tokenizer.convert_ids_to_tokens(ids) for ids in inputs["input_ids"].tolist()],
        last_hidden_state_shape=list(hidden.shape),
    )
    logits = outputs.get("logits")
    if logits is None or not torch.is_tensor(logits):
        return result
    logits = logits.float().cpu()
    result.logits_shape = list(logits.shape)
    probabilities = logits.softmax(-1)
    if logits.ndim == 2:
        if logits.shape[-1] <= MAX_LISTED_LOGITS:
            result.logits = [[round(x, 5) for x in row] for row in logits.tolist()]
        scores, indices = probabilities.topk(min(TOP_K, logits.shape[-1]), dim=-1)
        result.predictions = [
            [{"label": _label_name(config, i), "score": s} for s, i in zip(row_s, row_i, strict=True)]
            for row_s, row_i in zip(scores.tolist(), indices.tolist(), strict=True)
        ]
    elif logits.ndim == 3:
        is_vocabulary = logits.shape[-1] == getattr(config, "vocab_size", -1)
        best_scores, best = probabilities.max(-1)
        mask = inputs["attention_mask"].cpu().tolist()
        for row, (ids, scores, keep) in enumerate(zip(best.tolist(), best_scores.tolist(), mask, strict=True)):
            names = tokenizer.convert_ids_to_tokens(ids) if is_vocabulary else [_label_name(config, i) for i in ids]
            result.token_predictions.append(
                [
                    {"token": result.tokens[row][t], "prediction": names[t], "score": scores[t]}
                    for t in range(len(ids))
                    if keep[t] and t < len(result.tokens[row])
                ]
            )
    return result


def notebook_code(model: str, architecture: str, texts: list[str]) -> str:
    """The course's cell: AutoModel for last_hidden_state, the head class for logits."""
    head = architecture if architecture not in ("AutoModel",) and not architecture.endswith("Model") else ""
    lines = [
        "import torch",
        f"from transformers import AutoTokenizer, AutoModel{', ' + head if head else ''}",
        "",
        f"checkpoint = {model!r}",
        "tokenizer = AutoTokenizer.from_pretrained(checkpoint)",
        f"inputs = tokenizer({texts!r}, padding=True, truncation=True, return_tensors='pt')",
        "",
        "model = AutoModel.from_pretrained(checkpoint)   # the body only: no task head",
        "with torch.no_grad():",
        "    outputs = model(**inputs)",
        "print(outputs.last_hidden_state.shape)   # [sentences, tokens, hidden_size]",
    ]
    if head:
        lines += [
            "",
            f"model = {head}.from_pretrained(checkpoint)   # body + task head",
            "with torch.no_grad():",
            "    outputs = model(**inputs)",
            "print(outputs.logits.shape)",
            "print(outputs.logits)",
            "probabilities = outputs.logits.softmax(dim=-1)",
            "print(probabilities)",
            "best = probabilities.argmax(dim=-1)",
            "print([model.config.id2label[i] for i in best.tolist()])"
            if head.endswith("SequenceClassification")
            else "print(tokenizer.convert_ids_to_tokens(best[0]))   # the head's best token at each position",
        ]
    else:
        lines += ["# This checkpoint has no task head, so there is no outputs.logits."]
    return "\n".join(lines) + "\n"
