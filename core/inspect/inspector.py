"""The model inspector: what a checkpoint is, how big, and which files it holds, before its weights download.

Only ``config.json`` (and the model card) is read: the parameter count comes from building the
architecture on PyTorch's ``meta`` device, which allocates no memory and needs no weights.
"""

from __future__ import annotations

import contextlib
import copy
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from core.errors import ModelNotAvailable, WrongModelKind
from core.registry import get_task
from core.runtime.loading import MODEL_BUILD_LOCK, PRIVATE, LoadPolicy, config_architectures, explained_failures
from core.runtime.model_source import ModelSource, SourceKind, hub_offline, resolve_model
from core.runtime.repo_files import RepoFile, list_repo_files, not_downloaded_offline, read_model_card

TASK = get_task("inspect")

#: Bytes per parameter at each precision.
PRECISIONS = {"fp32": 4, "fp16": 2, "bf16": 2}

#: Config fields a student asks about, with one line each (English, Korean). Aliases resolve through
#: transformers' attribute_map (GPT-2's n_layer answers to num_hidden_layers).
CONFIG_FIELDS: dict[str, tuple[str, str]] = {
    "model_type": ("the architecture family", "아키텍처 계열"),
    "num_hidden_layers": ("how many transformer blocks are stacked", "쌓여 있는 트랜스포머 블록(레이어) 수"),
    "hidden_size": ("length of each token's vector inside the model", "모델 안에서 토큰 하나를 나타내는 벡터의 길이"),
    "num_attention_heads": (
        "attention heads per layer: each looks at the sentence its own way",
        "레이어마다 있는 어텐션 헤드 수: 헤드마다 문장을 다르게 봐요",
    ),
    "intermediate_size": ("width of the feed-forward layer in each block", "각 블록의 피드포워드 층 너비"),
    "vocab_size": ("how many different tokens the model knows", "모델이 아는 토큰 종류 수"),
    "max_position_embeddings": ("the longest input, in tokens", "입력할 수 있는 최대 토큰 수"),
    "type_vocab_size": ("how many segment types (sentence A / B)", "문장 구분(segment) 종류 수 (문장 A/B)"),
    "hidden_act": ("the activation function", "활성화 함수"),
    "hidden_dropout_prob": (
        "dropout on hidden vectors during training",
        "학습할 때 hidden 벡터에 적용하는 드롭아웃 비율",
    ),
    "attention_probs_dropout_prob": (
        "dropout on attention weights during training",
        "학습할 때 어텐션 가중치에 적용하는 드롭아웃 비율",
    ),
    "dropout": ("dropout during training", "학습할 때 드롭아웃 비율"),
    "layer_norm_eps": ("a small number that keeps layer normalisation stable", "레이어 정규화를 안정시키는 작은 수"),
    "num_labels": ("how many labels the task head predicts", "태스크 헤드가 예측하는 레이블 수"),
    "is_encoder_decoder": ("encoder + decoder (like T5, BART)?", "인코더+디코더 구조인가요? (T5, BART 등)"),
    "num_decoder_layers": ("decoder blocks (encoder-decoder models)", "디코더 블록 수 (인코더-디코더 모델)"),
    "tie_word_embeddings": ("input and output embeddings share weights", "입력·출력 임베딩이 가중치를 공유하는지"),
}
NAMED_FIELDS = ("num_hidden_layers", "hidden_size", "num_attention_heads")


@dataclass(frozen=True)
class ConfigField:
    name: str
    value: Any
    meaning_en: str
    meaning_ko: str


@dataclass
class ModelReport:
    """Everything the inspector shows about one checkpoint."""

    model: str
    model_type: str
    architecture: str
    kind: str
    num_parameters: int
    parameters_by_module: dict[str, int]
    config: list[ConfigField]
    files: list[RepoFile]
    files_from: str
    card: str = ""
    labels: dict[int, str] = field(default_factory=dict)

    def field(self, name: str) -> Any:
        return next((f.value for f in self.config if f.name == name), None)

    @property
    def memory_bytes(self) -> dict[str, int]:
        return {name: self.num_parameters * width for name, width in PRECISIONS.items()}

    @property
    def download_bytes(self) -> int:
        return sum(f.size or 0 for f in self.files if f.needed)

    def to_json(self) -> dict:
        return {
            "model": self.model,
            "model_type": self.model_type,
            "architecture": self.architecture,
            "kind": self.kind,
            "num_parameters": self.num_parameters,
            **{name: self.field(name) for name in NAMED_FIELDS},
            "parameters_by_module": self.parameters_by_module,
            "memory_bytes": self.memory_bytes,
            "config": {f.name: f.value for f in self.config},
            "labels": {str(k): v for k, v in self.labels.items()},
            "files": [f.to_json() for f in self.files],
            "files_from": self.files_from,
            "download_bytes": self.download_bytes,
        }


@contextlib.contextmanager
def explained(source: ModelSource) -> Iterator[None]:
    """Loading failures as clear errors; an architecture this transformers does not know, said plainly."""
    try:
        with explained_failures(TASK, source):
            yield
    except ModelNotAvailable as error:
        # The generic message suggests `--prefetch inspect`, which fetches the inspector's default, not this model.
        if source.is_hub and hub_offline() and "not downloaded" in error.message:
            raise not_downloaded_offline(source.name) from error
        raise
    except WrongModelKind as error:
        cause = str(error.__cause__ or "")
        if "does not recognize this architecture" not in cause:
            raise
        import transformers

        raise WrongModelKind(
            f"'{source.name}' uses an architecture that transformers {transformers.__version__} does not know. "
            "Upgrade transformers (pip install -U transformers), or choose another model.",
            ko=f"'{source.name}' 모델은 transformers {transformers.__version__} 버전이 모르는 아키텍처예요. "
            "transformers를 업그레이드하거나 다른 모델을 고르세요.",
        ) from error


def load_config(model: str, policy: LoadPolicy = PRIVATE) -> tuple[ModelSource, Any]:
    """The validated source and its config (one small file; no weights)."""
    import transformers

    source = resolve_model(model, allow_local=policy.allow_local)
    with explained(source):
        config = transformers.AutoConfig.from_pretrained(source.location)
    return source, config


def architecture_of(config: Any, source: ModelSource | None = None) -> str:
    """The class the checkpoint was saved from, when transformers has it; else the bare ``AutoModel``.

    A name transformers knows but that is not a model class (``BertConfig``, ``logging``) is refused as the
    wrong kind of model rather than built.
    """
    import transformers

    source = source or ModelSource(name="this model", location="", kind=SourceKind.HUB)
    for name in config_architectures(source, config):
        found = getattr(transformers, name, None)
        if found is None:
            continue
        if isinstance(found, type) and issubclass(found, transformers.PreTrainedModel):
            return name
        raise WrongModelKind(
            f"'{source.name}' names '{name}' as its architecture in config.json, and that is not a transformers "
            "model class. Choose a model saved with save_pretrained(), or fix the 'architectures' field.",
            ko=f"'{source.name}'의 config.json이 아키텍처로 '{name}' 클래스를 적었는데, transformers의 모델 클래스가 "
            "아니에요. save_pretrained()로 저장한 모델을 고르거나 'architectures' 항목을 고치세요.",
        )
    return "AutoModel"


def kind_of(config: Any, architecture: str) -> str:
    """encoder-only (BERT), decoder-only (GPT) or encoder-decoder (T5, BART)."""
    from transformers.models.auto.modeling_auto import (
        MODEL_FOR_CAUSAL_LM_MAPPING_NAMES,
        MODEL_FOR_MASKED_LM_MAPPING_NAMES,
    )

    if getattr(config, "is_encoder_decoder", False):
        return "encoder-decoder"
    model_type = getattr(config, "model_type", "")
    causal_only = (
        model_type in MODEL_FOR_CAUSAL_LM_MAPPING_NAMES and model_type not in MODEL_FOR_MASKED_LM_MAPPING_NAMES
    )
    if causal_only or architecture.endswith(("ForCausalLM", "LMHeadModel")):
        return "decoder-only"
    return "encoder-only"


def empty_model(config: Any, architecture: str) -> Any:
    """The architecture built on the ``meta`` device: real shapes, no memory, no weights."""
    import torch
    import transformers

    model_class = getattr(transformers, architecture)
    if getattr(config, "use_pretrained_backbone", False):
        config = copy.deepcopy(config)
        config.use_pretrained_backbone = False  # DETR and friends would download backbone weights
    with MODEL_BUILD_LOCK, torch.device("meta"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if architecture == "AutoModel":
            return model_class.from_config(config)
        return model_class._from_config(config)


def count_parameters(model: Any) -> tuple[int, dict[str, int]]:
    """Total parameters (shared ones once) and per top-level module, the base model opened one level."""
    total = sum(p.numel() for p in model.parameters())
    base_name = getattr(model, "base_model_prefix", "")
    by_module: dict[str, int] = {}
    for name, child in model.named_children():
        parts = list(child.named_children()) if name == base_name else []
        for sub_name, sub in parts or [("", child)]:
            count = sum(p.numel() for p in sub.parameters())
            if count:
                by_module[f"{name}.{sub_name}" if sub_name else name] = count
    return total, by_module


def config_fields(config: Any, with_head: bool) -> list[ConfigField]:
    """The key fields present in ``config``; ``num_labels`` only when there is a classification head."""
    fields = []
    for name, (english, korean) in CONFIG_FIELDS.items():
        value = getattr(config, name, None)
        if name == "num_labels" and not with_head:
            continue
        if value is not None and not callable(value):
            fields.append(ConfigField(name, value, english, korean))
    return fields


def inspect_model(model: str = TASK.default.id, *, policy: LoadPolicy = PRIVATE) -> ModelReport:
    """What ``model`` is, from its config and file list alone: nothing big is downloaded."""
    source, config = load_config(model, policy)
    architecture = architecture_of(config, source)
    with explained(source):
        total, by_module = count_parameters(empty_model(config, architecture))
        files, files_from = list_repo_files(source)
    with_head = architecture.endswith("Classification")
    labels = dict(getattr(config, "id2label", None) or {}) if with_head else {}
    return ModelReport(
        model=source.name,
        model_type=config.model_type,
        architecture=architecture,
        kind=kind_of(config, architecture),
        num_parameters=total,
        parameters_by_module=by_module,
        config=config_fields(config, with_head),
        files=files,
        files_from=files_from,
        card=read_model_card(source),
        labels=labels,
    )


def notebook_code(model: str) -> str:
    """The notebook cell that finds the same facts."""
    return f"""from transformers import AutoConfig, AutoModel
from huggingface_hub import HfApi

checkpoint = {model!r}
config = AutoConfig.from_pretrained(checkpoint)   # one small file: the architecture
print(config.num_hidden_layers, config.hidden_size, config.num_attention_heads)

# The files and their sizes, from the Hub's metadata (nothing is downloaded)
for f in HfApi().model_info(checkpoint, files_metadata=True).siblings:
    print(f.rfilename, f.size)

model = AutoModel.from_pretrained(checkpoint)     # downloads the weights
print(model.num_parameters())                      # parameters
print(model.get_memory_footprint() / 1e6, "MB")   # memory in fp32
"""
