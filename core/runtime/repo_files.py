"""What a model repository holds, file by file, with sizes, before any weights are downloaded.

Online the sizes come from the Hub's metadata (``HfApi.model_info(files_metadata=True)``);
offline from the folder itself: a bundled model, a local folder, or the cached snapshot.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass
from pathlib import Path

from core.errors import ModelNotAvailable
from core.runtime.model_source import ModelSource, SourceKind, hub_offline

#: Weights for frameworks other than PyTorch: never needed here, often larger than the model itself.
FOREIGN_WEIGHTS = [
    "*.h5",
    "*.msgpack",
    "*.onnx",
    "*.ot",
    "*.tflite",
    "tf_model*",
    "flax_model*",
    "rust_model*",
    "onnx/*",
    "openvino/*",
    "coreml/*",
    "*.gguf",
]
PYTORCH_PICKLES = ["*.bin", "*.pt", "*.pth"]

#: (pattern, English, Korean): what a file is for, first match wins.
PURPOSES: list[tuple[str, str, str]] = [
    (
        "1_Pooling/*",
        "sentence-transformers: how token vectors become one sentence vector",
        "sentence-transformers: 토큰 벡터를 문장 벡터 하나로 모으는 방법",
    ),
    (
        "config.json",
        "the architecture: layers, hidden size, attention heads, dropout…",
        "모델 구조 정보: 레이어 수, hidden size, 어텐션 헤드 수, 드롭아웃…",
    ),
    (
        "generation_config.json",
        "default settings for generate() (max length, sampling…)",
        "generate() 기본 설정 (최대 길이, 샘플링…)",
    ),
    (
        "tokenizer.json",
        "the fast tokenizer: vocabulary and how text is split",
        "빠른 토크나이저: 어휘와 문장을 자르는 방식",
    ),
    ("vocab.txt", "the WordPiece vocabulary, one token a line", "WordPiece 어휘 목록 (한 줄에 토큰 하나)"),
    ("vocab.json", "the BPE vocabulary (token → id)", "BPE 어휘 (토큰 → id)"),
    ("merges.txt", "the BPE merge rules, most frequent pair first", "BPE 병합 규칙 (가장 자주 나온 쌍부터)"),
    ("*.model", "the SentencePiece model (vocabulary and rules)", "SentencePiece 모델 (어휘와 규칙)"),
    (
        "special_tokens_map.json",
        "which tokens are [CLS], [SEP], [PAD], [MASK], [UNK]",
        "특수 토큰 지정: [CLS], [SEP], [PAD], [MASK], [UNK]",
    ),
    (
        "tokenizer_config.json",
        "tokenizer settings (lower-casing, max length…)",
        "토크나이저 설정 (소문자화, 최대 길이…)",
    ),
    ("added_tokens.json", "tokens added after training", "학습 후 추가된 토큰"),
    ("*.safetensors.index.json", "which weight shard holds which tensor", "어떤 가중치 조각에 어떤 텐서가 있는지"),
    (
        "*.safetensors",
        "the weights (parameters), safetensors format: safe and fast to load",
        "모델 가중치(파라미터), safetensors 형식: 안전하고 빠르게 로드",
    ),
    (
        "pytorch_model*.bin",
        "the weights (parameters), PyTorch pickle format",
        "모델 가중치(파라미터), PyTorch pickle 형식",
    ),
    ("*.bin.index.json", "which weight shard holds which tensor", "어떤 가중치 조각에 어떤 텐서가 있는지"),
    (
        "preprocessor_config.json",
        "image/audio preprocessing (resize, normalise…)",
        "이미지/오디오 전처리 설정 (크기 조정, 정규화…)",
    ),
    (
        "README.md",
        "the model card: usage, training data, evaluation, limits",
        "모델 카드: 사용법, 학습 데이터, 평가 결과, 한계",
    ),
    (
        "modules.json",
        "sentence-transformers: the modules after the model (pooling…)",
        "sentence-transformers: 모델 뒤에 붙는 모듈 (풀링…)",
    ),
    ("data_config.json", "the datasets the model was trained on", "모델을 학습시킨 데이터셋 목록"),
    ("*sentence*", "sentence-transformers settings", "sentence-transformers 설정"),
    ("tf_model*", "TensorFlow weights (not needed with PyTorch)", "TensorFlow 가중치 (PyTorch에선 필요 없음)"),
    ("flax_model*", "JAX/Flax weights (not needed with PyTorch)", "JAX/Flax 가중치 (PyTorch에선 필요 없음)"),
    ("*onnx*", "ONNX export (not needed with PyTorch)", "ONNX 변환본 (PyTorch에선 필요 없음)"),
    (
        ".gitattributes",
        "git settings: which files are stored with Git LFS",
        "git 설정: 어떤 파일을 Git LFS로 저장하는지",
    ),
]


@dataclass(frozen=True)
class RepoFile:
    name: str
    size: int | None
    purpose_en: str
    purpose_ko: str
    #: True when from_pretrained (PyTorch) would download it; other frameworks' weights are skipped.
    needed: bool

    def to_json(self) -> dict:
        return {"name": self.name, "size": self.size, "purpose": self.purpose_en, "needed": self.needed}


def purpose_of(name: str) -> tuple[str, str]:
    """What a file in a model repository is for (English, Korean)."""
    base = name.rsplit("/", 1)[-1]
    for pattern, english, korean in PURPOSES:
        if fnmatch.fnmatch(name, pattern) or ("/" not in pattern and fnmatch.fnmatch(base, pattern)):
            return english, korean
    return "other file", "기타 파일"


def ignore_patterns(names: list[str]) -> list[str]:
    """Patterns of files PyTorch does not need: other frameworks, and pickles when safetensors exist."""
    has_safetensors = any(name.endswith(".safetensors") for name in names)
    return FOREIGN_WEIGHTS + (PYTORCH_PICKLES if has_safetensors else [])


def describe_files(sizes: dict[str, int | None]) -> list[RepoFile]:
    """Sorted, described files; ``needed`` says which ones a PyTorch download takes."""
    ignored = ignore_patterns(list(sizes))
    files = []
    for name in sorted(sizes):
        english, korean = purpose_of(name)
        needed = not any(fnmatch.fnmatch(name, pattern) for pattern in ignored)
        files.append(RepoFile(name, sizes[name], english, korean, needed))
    return files


def folder_sizes(folder: Path) -> dict[str, int]:
    """Every file under ``folder`` (following the cache's symlinks) with its size in bytes."""
    sizes = {}
    for root, _dirs, names in os.walk(folder):
        for name in names:
            path = Path(root) / name
            sizes[path.relative_to(folder).as_posix()] = path.stat().st_size
    return sizes


def cached_snapshot(model_id: str) -> Path | None:
    """The cached snapshot folder of a Hub model (None when its config.json was never downloaded)."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model_id, "config.json")
    return Path(found).parent if isinstance(found, str) else None


def hub_sizes(model_id: str) -> dict[str, int | None]:
    """The repository's files and sizes from the Hub's metadata: nothing is downloaded."""
    from huggingface_hub import HfApi

    info = HfApi().model_info(model_id, files_metadata=True)
    return {sibling.rfilename: sibling.size for sibling in info.siblings or []}


def not_downloaded_offline(model_id: str) -> ModelNotAvailable:
    """Any Hub model missing while offline: how to fetch exactly this one (the app's own prefetch command)."""
    from core.registry import get_task
    from core.runtime.loading import download_hint

    hint, hint_ko = download_hint(get_task("inspect"), model_id)
    return ModelNotAvailable(
        f"The model '{model_id}' is not downloaded on this machine, and the app is offline (--offline or "
        f"HF_HUB_OFFLINE=1). While online, download it once with: {hint}.",
        ko=f"'{model_id}' 모델이 이 컴퓨터에 없고 앱이 오프라인 상태예요. "
        f"온라인일 때 다음 명령으로 한 번 받아 두세요: {hint_ko}",
    )


def list_repo_files(source: ModelSource) -> tuple[list[RepoFile], str]:
    """The files of ``source`` and where the list came from ("folder", "cache" or "hub")."""
    if source.kind in (SourceKind.BUNDLED, SourceKind.LOCAL):
        return describe_files(folder_sizes(Path(source.location))), "folder"
    if not hub_offline():
        return describe_files(hub_sizes(source.name)), "hub"
    snapshot = cached_snapshot(source.name)
    if snapshot is None:
        raise not_downloaded_offline(source.name)
    return describe_files(folder_sizes(snapshot)), "cache"


def read_model_card(source: ModelSource) -> str:
    """The model card's text without its YAML header ("" when the repo has none or it cannot be fetched)."""
    from huggingface_hub import ModelCard

    if source.kind in (SourceKind.BUNDLED, SourceKind.LOCAL):
        path = Path(source.location) / "README.md"
    else:
        snapshot = cached_snapshot(source.name)
        path = snapshot / "README.md" if snapshot else None
        if (path is None or not path.is_file()) and not hub_offline():
            from huggingface_hub import hf_hub_download
            from huggingface_hub.errors import EntryNotFoundError, HfHubHTTPError

            try:
                path = Path(hf_hub_download(source.name, "README.md"))
            except (EntryNotFoundError, HfHubHTTPError, OSError):
                return ""
    if path is None or not path.is_file():
        return ""
    try:
        return ModelCard(path.read_text(encoding="utf-8", errors="replace"), ignore_metadata_errors=True).text
    except ValueError:
        return path.read_text(encoding="utf-8", errors="replace")
