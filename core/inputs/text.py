"""Checks on the text a student pastes: present, not absurdly long, a bounded batch."""

from __future__ import annotations

from core.errors import BadInput

MAX_BATCH = 64
#: Far beyond any model's window; stops a pasted book from tying up the server while it is tokenized.
MAX_CHARS = 100_000


def require_text(text: str | None, *, what: str = "text", what_ko: str = "텍스트") -> str:
    """The text without surrounding whitespace; ``BadInput`` when nothing is left or it is huge."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise BadInput(
            f"The {what} is empty. Type or paste some text, or click one of the examples.",
            ko=f"{what_ko} 칸이 비어 있어요. 문장을 입력하거나 아래 예시를 눌러 보세요.",
        )
    if len(cleaned) > MAX_CHARS:
        raise BadInput(
            f"The {what} is {len(cleaned):,} characters long; the limit is {MAX_CHARS:,}. Paste a shorter part.",
            ko=f"{what_ko} 칸의 글이 {len(cleaned):,}자로 너무 길어요. {MAX_CHARS:,}자 이하로 줄여 주세요.",
        )
    return cleaned


def split_lines(text: str | None, *, max_lines: int = MAX_BATCH) -> list[str]:
    """One sentence a line, blank lines dropped; at most ``max_lines`` of them."""
    lines = [line.strip() for line in require_text(text).splitlines() if line.strip()]
    if len(lines) > max_lines:
        raise BadInput(
            f"There are {len(lines)} lines; at most {max_lines} sentences are run at once. "
            f"Remove {len(lines) - max_lines} lines or split the batch.",
            ko=f"{len(lines)}줄이에요. 한 번에 최대 {max_lines}문장까지 처리해요. {len(lines) - max_lines}줄을 지우거나 나눠서 실행하세요.",
        )
    return lines
