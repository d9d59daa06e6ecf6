"""Sentence similarity: sentence embeddings by mean pooling, and the cosine similarity of every pair.

This is what sentence-transformers does for all-MiniLM-L6-v2, written out as the steps a
student can follow: tokenize → the encoder gives one vector per token → average the vectors
of the real tokens (the attention mask leaves padding out) → scale to length 1 → a dot
product of two such vectors is their cosine similarity. The bundled MiniLM runs with no network.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TypedDict

from core.errors import WrongModelKind
from core.inputs.text import split_lines
from core.inputs.token_window import max_input_length
from core.registry import get_task
from core.runtime.loading import PRIVATE, LoadedModel, LoadPolicy, load_for_task

TASK = get_task("similarity")
#: How many leading numbers of each embedding the result keeps to show (the full vector is long).
PREVIEW_DIMENSIONS = 8


class SimilarityJSON(TypedDict):
    sentences: list[str]
    matrix: list[list[float]]


@dataclass(frozen=True)
class LineTruncation:
    """Line ``index`` had ``tokens`` tokens; the model read the first ``kept``."""

    index: int
    tokens: int
    kept: int


@dataclass
class SimilarityResult:
    sentences: list[str]
    matrix: list[list[float]]
    dimensions: int
    preview: list[list[float]] = field(default_factory=list)
    truncated: list[LineTruncation] = field(default_factory=list)
    model: str = ""
    seconds: float = 0.0

    def to_json(self) -> SimilarityJSON:
        return SimilarityJSON(sentences=self.sentences, matrix=self.matrix)

    def most_similar_pair(self) -> tuple[int, int, float] | None:
        """The two different sentences with the highest cosine similarity (None for one sentence)."""
        pairs = [
            (i, j, self.matrix[i][j]) for i in range(len(self.sentences)) for j in range(i + 1, len(self.sentences))
        ]
        return max(pairs, key=lambda pair: pair[2]) if pairs else None


def check_encoder(loaded: LoadedModel) -> None:
    """Mean pooling needs one vector per input token: an encoder (BERT-like), not an encoder-decoder."""
    if getattr(loaded.config, "is_encoder_decoder", False):
        raise WrongModelKind(
            f"'{loaded.source.name}' is an encoder-decoder model ({loaded.config.model_type}); sentence embeddings "
            f"come from an encoder such as {TASK.default.id}. Try: {', '.join(m.id for m in TASK.models)}.",
            ko=f"'{loaded.source.name}' 모델은 인코더-디코더 모델이에요. 문장 임베딩은 {TASK.default.id} 같은 "
            "인코더 모델로 만들어요.",
        )


def embed(loaded: LoadedModel, sentences: list[str], max_length: int):  # -> torch.Tensor
    """One unit-length vector per sentence: the attention-masked mean of the last hidden states."""
    import torch
    import torch.nn.functional as F

    inputs = loaded.preprocessor(sentences, padding=True, truncation=True, max_length=max_length, return_tensors="pt")
    accepted = set(loaded.preprocessor.model_input_names)
    inputs = {k: v.to(loaded.device) for k, v in inputs.items() if k in accepted}
    with torch.inference_mode():
        hidden = loaded.model(**inputs).last_hidden_state
    mask = inputs["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
    return F.normalize(pooled.float(), p=2, dim=1)


def similarity(
    text: str,
    model: str = TASK.default.id,
    *,
    device: str = "auto",
    policy: LoadPolicy = PRIVATE,
) -> SimilarityResult:
    """The cosine similarity of every pair of lines of ``text`` (one sentence a line)."""
    sentences = split_lines(text)
    loaded = load_for_task(TASK, model, device=device, policy=policy)
    check_encoder(loaded)
    max_length = max_input_length(loaded.preprocessor, loaded.config)
    lengths = [len(ids) for ids in loaded.preprocessor(sentences, verbose=False)["input_ids"]]
    started = time.perf_counter()
    embeddings = embed(loaded, sentences, max_length)
    matrix = (embeddings @ embeddings.T).clamp(-1.0, 1.0)
    return SimilarityResult(
        sentences=sentences,
        matrix=matrix.tolist(),
        dimensions=int(embeddings.shape[1]),
        preview=embeddings[:, :PREVIEW_DIMENSIONS].tolist(),
        truncated=[LineTruncation(i, n, max_length) for i, n in enumerate(lengths) if n > max_length],
        model=loaded.source.name,
        seconds=time.perf_counter() - started,
    )


def notebook_code(model: str, sentences: list[str]) -> str:
    """The Python that reproduces this result in a notebook (Colab, Jupyter)."""
    listed = ",\n    ".join(repr(s) for s in sentences[:10])
    return f"""import torch
import torch.nn.functional as F
from transformers import AutoModel, AutoTokenizer

tokenizer = AutoTokenizer.from_pretrained({model!r})
model = AutoModel.from_pretrained({model!r})

sentences = [
    {listed},
]
inputs = tokenizer(sentences, padding=True, truncation=True, return_tensors="pt")
with torch.no_grad():
    hidden = model(**inputs).last_hidden_state          # (sentences, tokens, hidden size)

# mean pooling: average the vectors of the real tokens (attention_mask is 0 on padding)
mask = inputs["attention_mask"].unsqueeze(-1).float()
embeddings = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
embeddings = F.normalize(embeddings, p=2, dim=1)        # length 1: a dot product is the cosine

print((embeddings @ embeddings.T).round(decimals=3))
# The same with sentence-transformers:
#   from sentence_transformers import SentenceTransformer
#   st = SentenceTransformer({model!r})
#   vectors = st.encode(sentences)
#   print(st.similarity(vectors, vectors))
"""
