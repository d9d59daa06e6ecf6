"""The fine-tuning lab's online data: a labelled dataset from the Hub, through the ``datasets`` library.

Only the first ``max_rows`` rows are read, by streaming (``streaming=True`` then ``take``), so a
student never waits for a whole dataset to download. Labels come from the data: a ``ClassLabel``
column gives its names ("negative", "positive"), any other column its values. The rows come back in
the lab's own ``[text, label, split]`` shape, so training is the same as for a CSV or a starter set.
``datasets`` is imported on first use, never at start-up, and no loading script ever runs (datasets 5
has none, and nothing here passes ``trust_remote_code``).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import BadInput, DataNotAvailable
from core.finetune.data import MAX_ROWS, MAX_TEXT_CHARS
from core.runtime.model_source import hub_offline
from core.validators import whole_number

DEFAULT_ROW_CAP = 1_000
MAX_ID_LENGTH = 300
PREVIEW_ROWS = 10
#: Column names that usually hold the text, and the label, in the Hub's classification datasets.
TEXT_COLUMNS = ("text", "sentence", "document", "review", "content", "comment", "tweet")
LABEL_COLUMNS = ("label", "labels", "sentiment", "class", "category")
#: More distinct labels than this among the rows read is not a classification the lab can teach.
MAX_CLASSES = 50
_SPLIT = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


@dataclass(frozen=True)
class HubRows:
    """The rows read from one split of a dataset, and what a student should know about them."""

    dataset: str
    config: str
    split: str
    columns: tuple[str, ...]
    text_column: str
    label_column: str
    rows: tuple[tuple[str, str], ...]
    #: Rows read but left out, by reason (duplicate text, empty text, no label, too long).
    skipped: dict[str, int] = field(default_factory=dict)

    @property
    def label_counts(self) -> dict[str, int]:
        return dict(Counter(label for _, label in self.rows))

    def lab_rows(self) -> list[list[str]]:
        """``[text, label, split]`` rows; the split is left empty so the lab holds out 20% itself."""
        return [[text, label, ""] for text, label in self.rows]

    def preview(self, n: int = PREVIEW_ROWS) -> list[list[str]]:
        return [[text, label] for text, label in self.rows[:n]]

    def to_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "config": self.config or None,
            "split": self.split,
            "columns": list(self.columns),
            "text_column": self.text_column,
            "label_column": self.label_column,
            "num_rows": len(self.rows),
            "label_counts": self.label_counts,
            "skipped": self.skipped,
            "preview": [{"text": t, "label": label} for t, label in self.rows[:PREVIEW_ROWS]],
        }


def resolve_dataset(value: str | None, *, allow_local: bool = True) -> tuple[str, bool]:
    """Validate a dataset box like a model box: a Hub id, or (outside public mode) a local folder.

    Returns ``(location, is_local)``.
    """
    name = (value or "").strip()
    if not name:
        raise BadInput(
            "No dataset given. Choose a suggestion or type a Hub dataset id such as 'stanfordnlp/sst2'.",
            ko="데이터셋이 비어 있어요. 추천 목록에서 고르거나 'stanfordnlp/sst2' 같은 Hub 데이터셋 id를 입력하세요.",
        )
    if len(name) > MAX_ID_LENGTH or any(unicodedata.category(ch).startswith("C") for ch in name):
        raise BadInput(
            f"The dataset name {name[:80]!r} is too long or has invisible characters. Type it as 'org/name'.",
            ko=f"{name[:80]!r} 데이터셋 이름이 너무 길거나 보이지 않는 문자가 있어요. 'org/name' 형식으로 입력하세요.",
        )
    if allow_local and Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve()), True
    looks_like_path = name.startswith(("/", ".", "~", "\\")) or "\\" in name or (len(name) > 1 and name[1] == ":")
    if looks_like_path and not allow_local:
        raise BadInput(
            f"'{name}' looks like a file path. This app is running in public mode, which accepts "
            "Hugging Face Hub dataset ids only (e.g. 'org/name').",
            ko=f"입력한 '{name}' 값은 파일 경로처럼 보여요. 공개 모드에서는 Hub 데이터셋 id('org/name')만 사용할 수 있어요.",
        )
    if looks_like_path:
        raise BadInput(
            f"There is no folder '{name}' on this machine. Check the path, or type a Hub dataset id such as 'org/name'.",
            ko=f"이 컴퓨터에 '{name}' 폴더가 없어요. 경로를 확인하거나 'org/name' 형식의 Hub 데이터셋 id를 입력하세요.",
        )
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:
        if name.count("/") > 1 or name.startswith(("http:", "https:")):
            raise HFValidationError("a URL or a longer path")
        validate_repo_id(name)
    except HFValidationError as error:
        raise BadInput(
            f"'{name}' is not a valid Hub dataset id ({error}). Use 'org/name' with letters, digits, '-', '_' and '.'.",
            ko=f"입력한 '{name}' 값은 올바른 Hub 데이터셋 id가 아니에요. 영문, 숫자, '-', '_', '.'로 'org/name' 형식을 쓰세요.",
        ) from None
    return name, False


def check_row_cap(max_rows: float | int | None) -> int:
    if max_rows is None:
        return DEFAULT_ROW_CAP
    return whole_number(
        max_rows,
        "The row cap",
        1,
        MAX_ROWS,
        name_ko="행 수 제한",
        hint=f"{MAX_ROWS:,} is the lab's limit.",
        hint_ko=f"{MAX_ROWS:,}행이 실험실의 한도예요.",
    )


def _open(location: str, config: str, split: str) -> Any:
    """A streaming view of one split: nothing is downloaded beyond the rows taken from it."""
    import datasets
    from huggingface_hub.errors import GatedRepoError, RepositoryNotFoundError

    try:
        return datasets.load_dataset(location, name=config or None, split=split, streaming=True)
    except (GatedRepoError, datasets.exceptions.DatasetNotFoundError) as error:
        if isinstance(error, GatedRepoError) or "gated" in str(error):
            raise DataNotAvailable(
                f"'{location}' is a gated dataset: accept its terms on huggingface.co/datasets/{location} and set "
                "HF_TOKEN, or use another dataset.",
                ko=f"'{location}' 데이터셋은 승인이 필요한(gated) 데이터셋이에요. huggingface.co/datasets/{location}에서 "
                "약관에 동의하고 HF_TOKEN을 설정하거나, 다른 데이터셋을 쓰세요.",
            ) from None
        raise _not_found(location) from None
    except RepositoryNotFoundError:
        raise _not_found(location) from None
    except ConnectionError as error:
        raise _unreachable(location, error) from None
    except RuntimeError as error:
        if "scripts are no longer supported" in str(error):
            raise BadInput(
                f"'{location}' is built by a loading script, and this app never runs code from a dataset. "
                "Choose a dataset stored as data files (parquet, CSV, JSON).",
                ko=f"'{location}' 데이터셋은 로딩 스크립트로 만드는 데이터셋인데, 이 앱은 데이터셋의 코드를 실행하지 않아요. "
                "파일(parquet, CSV, JSON)로 저장된 데이터셋을 고르세요.",
            ) from None
        raise
    except ValueError as error:
        text = str(error)
        if "Bad split" in text or "Unknown split" in text:
            raise BadInput(
                f"The dataset '{location}' has no split {split!r}. {_after_colon(text)}",
                ko=f"'{location}' 데이터셋에 {split!r} split이 없어요. {_after_colon(text)}",
            ) from None
        if "BuilderConfig" in text or "config" in text.lower():
            raise BadInput(
                f"The dataset '{location}' has no config {config!r}. {_after_colon(text)}",
                ko=f"'{location}' 데이터셋에 {config!r} 설정(config)이 없어요. {_after_colon(text)}",
            ) from None
        raise


def _after_colon(text: str) -> str:
    """The "Available: [...]" part of a datasets error, which tells the student what to type."""
    match = re.search(r"Available[^:]*:\s*(.*)", text)
    return f"Available: {match.group(1)}" if match else ""


def _unreachable(location: str, error: Exception) -> DataNotAvailable:
    return DataNotAvailable(
        f"Could not reach the Hugging Face Hub for '{location}' ({error}). Check the connection, "
        "or use the starter set or a CSV.",
        ko=f"'{location}' 데이터셋을 받으러 Hugging Face Hub에 연결하지 못했어요. 인터넷 연결을 확인하거나, "
        "예제 데이터나 CSV를 쓰세요.",
    )


def _not_found(location: str) -> DataNotAvailable:
    return DataNotAvailable(
        f"There is no dataset '{location}' on the Hugging Face Hub (or it is private). Check the spelling "
        "on huggingface.co/datasets, or use the starter set or a CSV.",
        ko=f"Hugging Face Hub에 '{location}' 데이터셋이 없어요(또는 비공개예요). huggingface.co/datasets에서 "
        "철자를 확인하거나, 예제 데이터나 CSV를 쓰세요.",
    )


def _pick(columns: list[str], chosen: str, usual: tuple[str, ...], what: str, what_ko: str) -> str:
    found = ", ".join(repr(c) for c in columns) or "none"
    if chosen:
        if chosen not in columns:
            raise BadInput(
                f"The dataset has no {what} column {chosen!r}. Its columns are: {found}.",
                ko=f"{what_ko} 열로 고른 {chosen!r} 열이 데이터셋에 없어요. 있는 열: {found}.",
            )
        return chosen
    by_lower = {c.lower(): c for c in columns}
    for name in usual:
        if name in by_lower:
            return by_lower[name]
    raise BadInput(
        f"No {what} column found (looked for {', '.join(usual)}). The dataset's columns are: {found}. "
        f"Type the name of the {what} column.",
        ko=f"{what_ko} 열을 찾지 못했어요({', '.join(usual)}). 데이터셋의 열: {found}. {what_ko} 열 이름을 입력하세요.",
    )


def _label_namer(feature: Any, column: str):
    """A function from a label value to its name; refuses what is not a class (numbers, lists)."""
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        names = feature.names
        return lambda value: names[value] if isinstance(value, int) and 0 <= value < len(names) else None
    dtype = getattr(feature, "dtype", None)
    if isinstance(feature, datasets.Value) and (dtype.startswith(("int", "uint")) or dtype in ("string", "bool")):
        return lambda value: None if value is None or value == -1 or value == "" else str(value)
    kind = dtype or type(feature).__name__
    raise BadInput(
        f"The column {column!r} holds {kind} values, not classes, so this is not a text-classification dataset "
        "(it may be regression, tagging or question answering). Choose a dataset with one class label per text.",
        ko=f"{column!r} 열의 값이 클래스가 아니라 {kind}이에요. 텍스트 분류 데이터셋이 아니에요(회귀, 태깅, 질의응답일 수 "
        "있어요). 문장마다 레이블이 하나 있는 데이터셋을 고르세요.",
    )


def load_hub_rows(
    dataset: str,
    split: str = "train",
    config: str = "",
    *,
    text_column: str = "",
    label_column: str = "",
    max_rows: int = DEFAULT_ROW_CAP,
    allow_local: bool = True,
) -> HubRows:
    """The first ``max_rows`` (text, label) rows of one split of a Hub dataset, checked for the lab."""
    location, is_local = resolve_dataset(dataset, allow_local=allow_local)
    limit = check_row_cap(max_rows)
    split = (split or "train").strip()
    config = (config or "").strip()
    if not _SPLIT.match(split) or (config and not _SPLIT.match(config)):
        raise BadInput(
            f"The split {split!r} or config {config!r} is not a plain name (e.g. train, validation, test).",
            ko=f"split {split!r} 또는 config {config!r}가 올바른 이름이 아니에요(예: train, validation, test).",
        )
    if not is_local and hub_offline():
        raise DataNotAvailable(
            f"Loading '{location}' from the Hub needs the internet, and this app is offline. "
            "Use the starter set or a CSV.",
            ko=f"Hub에서 '{location}' 데이터셋을 불러오려면 인터넷이 필요한데, 지금은 오프라인이에요. 예제 데이터나 CSV를 쓰세요.",
        )
    stream = _open(location, config, split)
    if stream.features is None:  # CSV/JSON files carry no schema: datasets infers it from the first rows
        try:
            stream = stream._resolve_features()
        except ConnectionError as error:
            raise _unreachable(location, error) from None
    features = stream.features or {}
    columns = list(features)
    text_name = _pick(columns, (text_column or "").strip(), TEXT_COLUMNS, "text", "텍스트")
    label_name = _pick(columns, (label_column or "").strip(), LABEL_COLUMNS, "label", "레이블")
    name_of = _label_namer(features[label_name], label_name)
    rows: list[tuple[str, str]] = []
    seen: set[str] = set()
    skipped: Counter[str] = Counter()
    try:
        records = list(stream.take(limit))
    except ConnectionError as error:
        raise _unreachable(location, error) from None
    for record in records:
        text = str(record.get(text_name) or "").strip()
        label = name_of(record.get(label_name))
        key = " ".join(text.split()).casefold()
        reason = (
            "empty_text"
            if not text
            else "no_label"
            if label is None
            else "too_long"
            if len(text) > MAX_TEXT_CHARS
            else "duplicate"
            if key in seen
            else None
        )
        if reason:
            skipped[reason] += 1
            continue
        seen.add(key)
        rows.append((text, label))
    result = HubRows(location, config, split, tuple(columns), text_name, label_name, tuple(rows), dict(skipped))
    _check_classes(result)
    return result


def _check_classes(result: HubRows) -> None:
    counts = result.label_counts
    where = f"the first rows of '{result.dataset}' ({result.split})"
    if not counts:
        raise BadInput(
            f"None of {where} has a label (a test split often hides them). Choose the train or validation split.",
            ko=f"'{result.dataset}' ({result.split})의 행에 레이블이 없어요(test split은 레이블을 숨기기도 해요). "
            "train이나 validation split을 고르세요.",
        )
    if len(counts) < 2:
        only = next(iter(counts))
        raise BadInput(
            f"All of {where} have the label {only!r}; a classifier needs two or more. Raise the row cap, choose "
            "another split, or another label column.",
            ko=f"'{result.dataset}' ({result.split})의 모든 행이 {only!r} 레이블이에요. 분류에는 두 개 이상 필요해요. "
            "행 수를 늘리거나 다른 split이나 레이블 열을 고르세요.",
        )
    if len(counts) > MAX_CLASSES:
        raise BadInput(
            f"The column {result.label_column!r} has {len(counts)} different values in {where}: it looks like an id "
            f"or a score, not a class. This is not a classification dataset; choose another label column or dataset.",
            ko=f"{result.label_column!r} 열의 값이 {len(counts)}가지예요. 클래스가 아니라 id나 점수 같아요. 분류 "
            "데이터셋이 아니에요. 다른 레이블 열이나 데이터셋을 고르세요.",
        )
