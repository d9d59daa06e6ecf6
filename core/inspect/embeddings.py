"""What "tokens become vectors" means: each token's embedding, its last hidden state, and a 2D map of them.

The *embedding* is the row of the model's embedding table for the token's id: the same for a word
wherever it appears. The *last hidden state* is what the transformer layers made of it in this
sentence (context included). A PCA projection to two dimensions shows which tokens lie close.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from core.errors import BadInput
from core.inputs.text import require_text
from core.inspect.inspector import TASK
from core.inspect.run_model import loaded_with_head
from core.runtime.loading import PRIVATE, LoadPolicy

MAX_TOKENS = 128
SHOWN_DIMENSIONS = 8


@dataclass
class TokenVectors:
    model: str
    tokens: list[str]
    input_ids: list[int]
    special: list[bool]
    #: One row per token: the embedding table's row, and the last hidden state.
    embeddings: list[list[float]]
    last_hidden_state: list[list[float]]
    #: 2D PCA coordinates per token (None for special tokens), for each kind of vector, and the variance kept.
    embedding_2d: list[list[float] | None]
    hidden_2d: list[list[float] | None]
    embedding_variance: float
    hidden_variance: float

    @property
    def dimensions(self) -> int:
        return len(self.embeddings[0]) if self.embeddings else 0

    def to_json(self) -> dict:
        """Tokens, ids, the first dimensions of each vector, and the 2D projections (full vectors: ``to_csv``)."""
        return {
            "model": self.model,
            "tokens": self.tokens,
            "input_ids": self.input_ids,
            "hidden_size": self.dimensions,
            "embeddings_first_dims": [[round(x, 4) for x in v[:SHOWN_DIMENSIONS]] for v in self.embeddings],
            "last_hidden_state_first_dims": [
                [round(x, 4) for x in v[:SHOWN_DIMENSIONS]] for v in self.last_hidden_state
            ],
            "projection": {
                "embeddings": self.embedding_2d,
                "last_hidden_state": self.hidden_2d,
                "explained_variance": {
                    "embeddings": self.embedding_variance,
                    "last_hidden_state": self.hidden_variance,
                },
            },
        }

    def to_csv(self, path: Path) -> Path:
        """Every token's full vectors, one row per token and kind: for a spreadsheet or numpy."""
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["position", "token", "input_id", "vector", *(f"d{i}" for i in range(self.dimensions))])
            for kind, rows in (("embedding", self.embeddings), ("last_hidden_state", self.last_hidden_state)):
                for i, (token, token_id, row) in enumerate(zip(self.tokens, self.input_ids, rows, strict=True)):
                    writer.writerow([i, token, token_id, kind, *(f"{x:.6g}" for x in row)])
        return path


def project_2d(vectors) -> tuple[list[list[float]], float]:
    """PCA to two dimensions (torch's SVD of the centred vectors); the coordinates and the variance kept."""
    import torch

    centred = vectors.float() - vectors.float().mean(dim=0, keepdim=True)
    if centred.shape[0] < 2:
        return [[0.0, 0.0] for _ in range(centred.shape[0])], 0.0
    _, singular, right = torch.linalg.svd(centred, full_matrices=False)
    coords = centred @ right[:2].T
    if coords.shape[1] < 2:
        coords = torch.nn.functional.pad(coords, (0, 2 - coords.shape[1]))
    variance = singular.pow(2)
    kept = float(variance[:2].sum() / variance.sum()) if float(variance.sum()) > 0 else 0.0
    return [[round(float(x), 5), round(float(y), 5)] for x, y in coords.tolist()], kept


def _project_rows(vectors, rows: list[int]) -> tuple[list[list[float] | None], float]:
    """PCA of the chosen rows only; the other rows get no coordinates."""
    coords, kept = project_2d(vectors[rows])
    placed: list[list[float] | None] = [None] * vectors.shape[0]
    for row, xy in zip(rows, coords, strict=True):
        placed[row] = xy
    return placed, kept


def embed_tokens(
    text: str, model: str = TASK.default.id, *, device: str = "auto", policy: LoadPolicy = PRIVATE
) -> TokenVectors:
    """Each token of ``text`` as vectors: embedding-table row and last hidden state, with 2D maps."""
    import torch

    cleaned = require_text(text)
    loaded = loaded_with_head(model, device=device, policy=policy)
    tokenizer, net = loaded.preprocessor, loaded.model
    inputs = tokenizer(cleaned, truncation=True, return_tensors="pt").to(loaded.device)
    ids = inputs["input_ids"][0]
    if len(ids) > MAX_TOKENS:
        raise BadInput(
            f"The text has {len(ids)} tokens; the embeddings view shows at most {MAX_TOKENS}. Use a shorter text.",
            ko=f"텍스트가 {len(ids)}토큰이에요. 임베딩 보기는 최대 {MAX_TOKENS}토큰까지 보여줘요. 더 짧게 입력하세요.",
        )
    extra = {}
    if getattr(net.config, "is_encoder_decoder", False):
        net, extra = net.get_encoder(), {}
    with torch.inference_mode():
        embedded = net.get_input_embeddings()(ids).float().cpu()
        outputs = net(**inputs, **extra, output_hidden_states=True)
    hidden = outputs.get("last_hidden_state")
    if hidden is None:
        hidden = outputs.hidden_states[-1]
    hidden = hidden[0].float().cpu()
    special_ids = set(getattr(tokenizer, "all_special_ids", []) or [])
    special = [i in special_ids for i in ids.tolist()]
    # [CLS], [SEP] and the like sit far from words and would take the map's two axes for themselves.
    words = [i for i, is_special in enumerate(special) if not is_special] or list(range(len(special)))
    embedding_2d, embedding_variance = _project_rows(embedded, words)
    hidden_2d, hidden_variance = _project_rows(hidden, words)
    return TokenVectors(
        model=loaded.source.name,
        tokens=tokenizer.convert_ids_to_tokens(ids.tolist()),
        input_ids=ids.tolist(),
        special=special,
        embeddings=embedded.tolist(),
        last_hidden_state=hidden.tolist(),
        embedding_2d=embedding_2d,
        hidden_2d=hidden_2d,
        embedding_variance=embedding_variance,
        hidden_variance=hidden_variance,
    )


def notebook_code(model: str, text: str) -> str:
    return f"""import torch
from transformers import AutoModel, AutoTokenizer

checkpoint = {model!r}
tokenizer = AutoTokenizer.from_pretrained(checkpoint)
model = AutoModel.from_pretrained(checkpoint)

inputs = tokenizer({text!r}, return_tensors="pt")
tokens = tokenizer.convert_ids_to_tokens(inputs["input_ids"][0])
with torch.no_grad():
    embeddings = model.get_input_embeddings()(inputs["input_ids"])[0]   # one row of the table per token
    hidden = model(**inputs).last_hidden_state[0]                       # after all layers: context included

# PCA to 2D: centre, SVD, keep the two main directions
centred = hidden - hidden.mean(dim=0)
_, _, v = torch.linalg.svd(centred, full_matrices=False)
for token, (x, y) in zip(tokens, (centred @ v[:2].T).tolist()):
    print(f"{{token:>12}} {{x:8.3f}} {{y:8.3f}}")
"""
