"""The fine-tuning lab's data: (text, label) rows from a CSV or a table, checked and split.

A row may name its split ("train" or "eval"); when no row does, a seeded, stratified share
is held out for evaluation, so the "before" and "after" scores are measured on sentences the
model never trained on. Labels come from the data, in order of first appearance.

Real data repeats itself. A sentence that comes back with the same label is trained on once: the
repeat is left out, and the result says which row and why (it would count twice in training, or
sit in both training and evaluation). The same sentence with two labels is a conflict that only
the student can settle: by default the rows are listed and nothing trains; ``Conflicts`` lets the
student keep the first row's label or leave the sentence out.
"""

from __future__ import annotations

import csv
import io
import random
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from core.errors import BadInput

MAX_ROWS = 5_000
MAX_TEXT_CHARS = 2_000
DEFAULT_EVAL_FRACTION = 0.2
REQUIRED_COLUMNS = ("text", "label")
#: The starter sets written for this project (see data/finetune/README.md).
STARTER_DIR = Path(__file__).resolve().parents[2] / "data" / "finetune"


class Split(str, Enum):
    TRAIN = "train"
    EVAL = "eval"


class Conflicts(str, Enum):
    """What to do with one sentence that has two or more labels (the student chooses)."""

    ASK = "ask"  # train nothing; list the rows so the student fixes the labels
    FIRST = "first"  # keep the first row's label, leave the other rows out
    DROP = "drop"  # leave every row of that sentence out


class DropReason(str, Enum):
    """Why a row was left out of training and evaluation."""

    REPEAT = "repeat"  # same sentence and label as an earlier row of the same split: it would count twice
    LEAK = "leak"  # same sentence as an earlier row of the other split: evaluation would test a trained row
    CONFLICT = "conflict"  # same sentence as another row with another label (the student's choice)


@dataclass(frozen=True)
class DroppedRow:
    """A row left out: its number in the table (from 1), what it said, why, and the row it repeats."""

    row: int
    text: str
    label: str
    reason: DropReason
    same_as: int

    def to_json(self) -> dict[str, object]:
        return {
            "row": self.row,
            "text": self.text,
            "label": self.label,
            "reason": self.reason.value,
            "same_as": self.same_as,
        }


@dataclass(frozen=True)
class Conflict:
    """One sentence with different labels: the rows (numbered from 1) and the label of each."""

    text: str
    rows: tuple[int, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class Example:
    text: str
    label: str


@dataclass(frozen=True)
class LabelledData:
    """Training and held-out evaluation rows, and the label names in a fixed order."""

    train: tuple[Example, ...]
    eval: tuple[Example, ...]
    labels: tuple[str, ...]
    #: Rows of the input left out (repeats, and conflicts the student chose to resolve), in row order.
    dropped: tuple[DroppedRow, ...] = ()

    @property
    def label2id(self) -> dict[str, int]:
        return {label: i for i, label in enumerate(self.labels)}

    def rows(self) -> list[list[str]]:
        """Every row as ``[text, label, split]``, the table's and the CSV's shape."""
        return [[e.text, e.label, Split.TRAIN.value] for e in self.train] + [
            [e.text, e.label, Split.EVAL.value] for e in self.eval
        ]


@dataclass(frozen=True)
class StarterSet:
    id: str
    title_en: str
    title_ko: str
    files: tuple[tuple[str, Split], ...]


STARTER_SETS: dict[str, StarterSet] = {
    s.id: s
    for s in (
        StarterSet(
            "sentiment_en_ko",
            "Sentiment, English + Korean (positive / neutral / negative)",
            "감성, 영어 + 한국어 (긍정 / 중립 / 부정)",
            (("sentiment_train.csv", Split.TRAIN), ("sentiment_eval.csv", Split.EVAL)),
        ),
        StarterSet(
            "course",
            'The course\'s six sentences ("I like apple", …)',
            '강의의 여섯 문장 ("I like apple" …)',
            (("course_train.csv", Split.TRAIN), ("course_eval.csv", Split.EVAL)),
        ),
    )
}


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):  # None or NaN from a table
        return ""
    return str(value).strip()


def decode_csv(raw: bytes) -> str:
    """The CSV's text: UTF-8 (with or without BOM), or CP949, which Korean Excel writes."""
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadInput(
        "The CSV file is not text in UTF-8 (or the Korean Excel encoding CP949). "
        "In Excel use 'Save As → CSV UTF-8'; in Google Sheets 'Download → CSV'.",
        ko="CSV 파일이 UTF-8(또는 한글 엑셀의 CP949) 텍스트가 아니에요. "
        "엑셀에서는 '다른 이름으로 저장 → CSV UTF-8', 구글 시트에서는 '다운로드 → CSV'를 쓰세요.",
    )


def read_csv(path: str | Path) -> list[list[str]]:
    """The rows of a CSV file with a header that has ``text`` and ``label`` (and maybe ``split``)."""
    raw = Path(path).read_bytes()
    text = decode_csv(raw)
    if "\x00" in text:
        raise BadInput(
            "The file is not a CSV (it contains binary data). Upload a .csv file with the columns text,label.",
            ko="CSV 파일이 아니에요(바이너리 데이터가 있어요). text,label 열이 있는 .csv 파일을 올려 주세요.",
        )
    try:
        table = [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]
    except csv.Error as error:
        raise BadInput(
            f"The CSV file could not be read ({error}). Check its quotes and commas.",
            ko=f"CSV 파일을 읽지 못했어요({error}). 따옴표와 쉼표를 확인하세요.",
        ) from None
    if not table:
        raise BadInput(
            "The CSV file is empty. It needs a header line 'text,label' and one row per sentence.",
            ko="CSV 파일이 비어 있어요. 첫 줄에 'text,label' 머리글과 문장마다 한 줄이 필요해요.",
        )
    return rows_from_table([c.strip().lower() for c in table[0]], table[1:])


def rows_from_table(header: Sequence[str], body: Iterable[Sequence[object]]) -> list[list[str]]:
    """``[text, label, split]`` rows from a header and its rows (a CSV's or an edited table's)."""
    columns = [str(c).strip().lower() for c in header]
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        found = ", ".join(repr(c) for c in columns if c) or "none"
        raise BadInput(
            f"The data needs the columns 'text' and 'label'; it is missing {', '.join(map(repr, missing))} "
            f"(found: {found}). Make the first line of the CSV exactly: text,label",
            ko=f"데이터에 'text'와 'label' 열이 필요한데 {', '.join(map(repr, missing))} 열이 없어요(찾은 열: {found}). "
            "CSV 첫 줄을 정확히 text,label 로 만드세요.",
        )
    where = {name: columns.index(name) for name in (*REQUIRED_COLUMNS, "split") if name in columns}
    rows = []
    for row in body:
        cells = list(row)
        rows.append([_cell(cells[i]) if i < len(cells) else "" for i in where.values()])
        if "split" not in where:
            rows[-1].append("")
    return rows


def _numbers(numbers: Iterable[int], limit: int = 8) -> str:
    """Row numbers for a message: ``1, 4, 9`` (and how many more)."""
    shown = [str(n) for n in numbers]
    return ", ".join(shown[:limit]) + (f" and {len(shown) - limit} more" if len(shown) > limit else "")


def _quote(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


Row = tuple[int, list[str]]  # (number in the table from 1, [text, label, split])


def _check_rows(rows: list[list[str]]) -> list[Row]:
    """The non-blank rows with their numbers in the table, when every one can be trained on as written."""
    numbered = [(i + 1, row) for i, row in enumerate(rows) if any(row[:2])]  # a blank table line is not a row
    if not numbered:
        raise BadInput(
            "There are no rows. Load a starter set, upload a CSV with the columns text,label, or type rows in the table.",
            ko="데이터가 없어요. 예제 데이터를 불러오거나, text,label 열이 있는 CSV를 올리거나, 표에 직접 입력하세요.",
        )
    if len(numbered) > MAX_ROWS:
        raise BadInput(
            f"There are {len(numbered):,} rows; the lab trains on at most {MAX_ROWS:,} (on a CPU that already takes "
            f"minutes). Keep a sample of {MAX_ROWS:,} rows or fewer.",
            ko=f"{len(numbered):,}행이에요. 실험실은 최대 {MAX_ROWS:,}행까지 학습해요(CPU에서는 그것도 몇 분 걸려요). "
            f"{MAX_ROWS:,}행 이하로 줄여 주세요.",
        )
    empty = [n for n, row in numbered if not row[0] or not row[1]]
    if empty:
        raise BadInput(
            f"Row(s) {_numbers(empty)} have an empty text or label. Fill them in or delete them.",
            ko=f"{_numbers(empty)}번째 행의 text 또는 label이 비어 있어요. 채우거나 지우세요.",
        )
    long = [n for n, row in numbered if len(row[0]) > MAX_TEXT_CHARS]
    if long:
        raise BadInput(
            f"Row(s) {_numbers(long)} are longer than {MAX_TEXT_CHARS:,} characters. Use sentences or short "
            "paragraphs; the model reads at most max_length tokens anyway.",
            ko=f"{_numbers(long)}번째 행이 {MAX_TEXT_CHARS:,}자보다 길어요. 문장이나 짧은 문단을 쓰세요.",
        )
    bad_split = [(n, row) for n, row in numbered if row[2].lower() not in ("", "train", "eval")]
    if bad_split:
        raise BadInput(
            f"Row(s) {_numbers(n for n, _ in bad_split)} have a split other than 'train' or 'eval' "
            f"(e.g. {bad_split[0][1][2]!r}). Use train, eval, or leave the column empty.",
            ko=f"{_numbers(n for n, _ in bad_split)}번째 행의 split이 'train'이나 'eval'이 아니에요. "
            "train, eval 중 하나를 쓰거나 비워 두세요.",
        )
    return numbered


def _sentence(text: str) -> str:
    """What makes two texts the same sentence: case and spacing do not count."""
    return " ".join(text.split()).casefold()


def find_conflicts(rows: list[Row]) -> list[Conflict]:
    """Each sentence that appears with two or more labels, with all its rows, in table order."""
    groups: dict[str, list[Row]] = defaultdict(list)
    for number, row in rows:
        groups[_sentence(row[0])].append((number, row))
    return [
        Conflict(text=group[0][1][0], rows=tuple(n for n, _ in group), labels=tuple(row[1] for _, row in group))
        for group in groups.values()
        if len({row[1] for _, row in group}) > 1
    ]


def parse_conflicts(value: Conflicts | str | None) -> Conflicts:
    """The student's choice for conflicting labels; ``BadInput`` naming the choices otherwise."""
    try:
        return Conflicts(value or Conflicts.ASK)
    except ValueError:
        choices = ", ".join(c.value for c in Conflicts)
        raise BadInput(
            f"conflicts = {value!r} is not a choice. Use one of: {choices}.",
            ko=f"conflicts에 준 {value!r} 값은 고를 수 없는 값이에요. 다음 중 하나를 쓰세요: {choices}.",
        ) from None


def _conflict_error(conflicts: list[Conflict]) -> BadInput:
    def one(c: Conflict) -> str:
        return f"rows {_numbers(c.rows)} ({_quote(c.text)}: {', '.join(dict.fromkeys(c.labels))})"

    def one_ko(c: Conflict) -> str:
        return f"{_numbers(c.rows)}행({_quote(c.text)}: {', '.join(dict.fromkeys(c.labels))})"

    more = len(conflicts) - 5
    return BadInput(
        f"The same sentence has different labels in {'; '.join(map(one, conflicts[:5]))}"
        f"{f' (and {more} more sentences)' if more > 0 else ''}. A model cannot learn two answers for one "
        "sentence, so choose: correct or delete the wrong rows in the table, or under 'Same sentence, different "
        "labels' keep the first row's label or leave these sentences out.",
        ko=f"같은 문장에 레이블이 서로 달라요: {'; '.join(map(one_ko, conflicts[:5]))}"
        f"{f' (그 밖에 {more}문장)' if more > 0 else ''}. 한 문장에 정답이 둘일 수는 없으니 고르세요: 표에서 틀린 행을 "
        "고치거나 지우세요. 또는 '같은 문장, 다른 레이블'에서 첫 행의 레이블을 쓰거나 그 문장을 빼도록 고르세요.",
    )


def leave_out_repeats(rows: list[Row], conflicts: Conflicts = Conflicts.FIRST) -> tuple[list[Row], list[DroppedRow]]:
    """The rows to use (a sentence once) and the rows left out, each with its reason and the row it repeats.

    The first row of a sentence is kept. A later row with the same label is a repeat (a leak when one of the
    two is an evaluation row and the other a training row); with another label it is a conflict, settled by
    ``conflicts``: FIRST keeps the first row, DROP leaves out every row of that sentence.
    """
    split_given = any(row[2] for _, row in rows)

    def split_of(row: list[str]) -> str:
        return Split.EVAL.value if row[2].lower() == Split.EVAL.value else Split.TRAIN.value

    conflicted = {_sentence(c.text): c for c in find_conflicts(rows)}
    first: dict[str, Row] = {}
    kept: list[Row] = []
    dropped: list[DroppedRow] = []
    for number, row in rows:
        key = _sentence(row[0])
        conflict = conflicted.get(key)
        if conflict is not None and conflicts is Conflicts.DROP:
            other = next(n for n, label in zip(conflict.rows, conflict.labels, strict=True) if label != row[1])
            dropped.append(DroppedRow(number, row[0], row[1], DropReason.CONFLICT, other))
            continue
        if key not in first:
            first[key] = (number, row)
            kept.append((number, row))
            continue
        same_as, original = first[key]
        if original[1] != row[1]:
            reason = DropReason.CONFLICT
        elif split_given and split_of(original) != split_of(row):
            reason = DropReason.LEAK
        else:
            reason = DropReason.REPEAT
        dropped.append(DroppedRow(number, row[0], row[1], reason, same_as))
    return kept, sorted(dropped, key=lambda d: d.row)


def _hold_out(examples: list[Example], fraction: float, seed: int) -> tuple[list[Example], list[Example]]:
    """A stratified split: about ``fraction`` of each label's rows go to evaluation (at least one, if it has 2+)."""
    by_label: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_label[example.label].append(example)
    rng = random.Random(seed)
    train, held = [], []
    for group in by_label.values():
        group = group[:]
        rng.shuffle(group)
        n_eval = min(len(group) - 1, max(1, round(len(group) * fraction))) if len(group) > 1 else 0
        held.extend(group[:n_eval])
        train.extend(group[n_eval:])
    order = {id(e): i for i, e in enumerate(examples)}
    return sorted(train, key=lambda e: order[id(e)]), sorted(held, key=lambda e: order[id(e)])


def prepare_data(
    rows: list[list[str]],
    *,
    eval_fraction: float = DEFAULT_EVAL_FRACTION,
    seed: int = 42,
    conflicts: Conflicts | str = Conflicts.ASK,
) -> LabelledData:
    """Check ``[text, label, split]`` rows, leave out repeats, and split them; ``BadInput`` says what to fix.

    A sentence with two labels stops here (listing its rows) unless ``conflicts`` says how to settle it.
    """
    conflicts = parse_conflicts(conflicts)
    numbered = _check_rows([[_cell(c) for c in (list(row) + ["", "", ""])[:3]] for row in rows])
    found = find_conflicts(numbered)
    if found and conflicts is Conflicts.ASK:
        raise _conflict_error(found)
    kept, dropped = leave_out_repeats(numbered, conflicts)
    if not kept:
        raise BadInput(
            "No rows are left: every sentence has rows with different labels, and you chose to leave those out. "
            "Correct the labels in the table, or keep the first row's label.",
            ko="남은 행이 없어요. 모든 문장이 레이블이 다른 행을 가지고 있고, 그런 문장은 빼도록 골랐어요. "
            "표에서 레이블을 고치거나, 첫 행의 레이블을 쓰도록 고르세요.",
        )
    rows = [row for _, row in kept]
    examples = [Example(text, label) for text, label, _ in rows]
    labels = tuple(dict.fromkeys(e.label for e in examples))
    if len(labels) < 2:
        raise BadInput(
            f"All rows have the label {labels[0]!r}. A classifier needs at least two labels to choose between: "
            "add rows with another label.",
            ko=f"모든 행의 레이블이 {labels[0]!r}이에요. 분류기는 고를 레이블이 두 개 이상 필요해요. 다른 레이블의 행을 추가하세요.",
        )
    if any(row[2] for row in rows):
        train = [e for e, row in zip(examples, rows, strict=True) if row[2].lower() != Split.EVAL.value]
        held = [e for e, row in zip(examples, rows, strict=True) if row[2].lower() == Split.EVAL.value]
    else:
        train, held = _hold_out(examples, eval_fraction, seed)
    counts = Counter(e.label for e in train)
    untrained = [label for label in labels if not counts[label]]
    if untrained:
        raise BadInput(
            f"The label(s) {', '.join(map(repr, untrained))} have no training rows, so the model cannot learn them. "
            "Add training rows with that label (or mark some of its rows split=train).",
            ko=f"{', '.join(map(repr, untrained))} 레이블에는 학습 행이 없어서 모델이 배울 수 없어요. "
            "그 레이블의 학습 행을 추가하세요(또는 일부 행의 split을 train으로).",
        )
    if not held:
        raise BadInput(
            "There are no evaluation rows, so 'before' and 'after' cannot be measured. Mark some rows split=eval, "
            "or leave the split column empty to hold out 20% automatically (a label needs 2+ rows for that).",
            ko="평가 행이 없어서 학습 전후를 비교할 수 없어요. 일부 행의 split을 eval로 하거나, "
            "split 열을 비워 두면 20%를 자동으로 떼어 놓아요(레이블마다 2행 이상 필요).",
        )
    return LabelledData(train=tuple(train), eval=tuple(held), labels=labels, dropped=tuple(dropped))


def load_starter(set_id: str) -> list[list[str]]:
    """The ``[text, label, split]`` rows of a shipped starter set."""
    try:
        starter = STARTER_SETS[set_id]
    except KeyError:
        raise BadInput(
            f"Unknown starter set {set_id!r}. Choose one of: {', '.join(STARTER_SETS)}.",
            ko=f"알 수 없는 예제 데이터 {set_id!r}예요. 다음 중에서 고르세요: {', '.join(STARTER_SETS)}.",
        ) from None
    rows = []
    for name, split in starter.files:
        rows.extend([text, label, split.value] for text, label, _ in read_csv(STARTER_DIR / name))
    return rows


def to_csv(rows: Iterable[Sequence[str]]) -> str:
    """Rows as CSV text with the header ``text,label,split`` (what the download button gives)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["text", "label", "split"])
    writer.writerows([_cell(c) for c in (list(row) + ["", "", ""])[:3]] for row in rows)
    return out.getvalue()
