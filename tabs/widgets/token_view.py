"""Tokens drawn over the ORIGINAL text: each token's characters, its string and its id, in colour.

Pure presentation (HTML strings from core's ``TokenPiece`` records); no model logic. Pieces whose
character spans overlap (a Korean syllable split into jamo, a character split into bytes) share
one box, so every character of the text is shown exactly once.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

from core.tokenizers.tokenize import TokenizedBatch, TokenPiece

#: The coloured view stops here; counts and tables still cover everything.
MAX_SHOWN_TOKENS = 1500
COLOURS = ("#fde68a", "#bfdbfe", "#bbf7d0", "#fbcfe8", "#ddd6fe")

CSS = """
.tokview { padding-top: 26px; }
.seq { margin: 0 0 14px 0; line-height: 1.2; }
.seq-head { font-size: 12px; opacity: .7; margin-bottom: 4px; }
.tok { display: inline-flex; flex-direction: column; align-items: center; margin: 0 2px 6px 0;
       padding: 2px 4px; border-radius: 4px; color: #111; vertical-align: top; }
.tok .txt { font-size: 16px; white-space: pre; }
.tok .str { font-family: monospace; font-size: 11px; opacity: .75; }
.tok .ids { font-family: monospace; font-size: 11px; font-weight: 600; }
.tok.cont { margin-left: -2px; border-left: 2px dashed #555; border-top-left-radius: 0; border-bottom-left-radius: 0; }
.tok.special { background: #334155 !important; border: 1px dashed #94a3b8; }
.tok.special span { color: #f8fafc; }
.tok.pad { background: #e5e7eb !important; }
.tok.pad span { color: #4b5563; }
.tok.unk.special { background: #fecaca !important; }
.tok.unk span { color: #7f1d1d; }
.tok.unk { background: #fecaca !important; border: 2px solid #dc2626; }
.gap { white-space: pre; font-size: 16px; opacity: .5; }
.sep { display: inline-block; width: 10px; }
"""


def escape_html(text: str) -> str:
    """HTML-escape, and keep gradio's template syntax (``${…}``, ``{{…}}``) from reading user text."""
    return html.escape(text).replace("$", "&#36;").replace("{", "&#123;").replace("}", "&#125;")


@dataclass
class _Box:
    pieces: list[TokenPiece] = field(default_factory=list)
    start: int = 0
    end: int = 0


def _boxes(pieces: list[TokenPiece]) -> list[_Box | TokenPiece]:
    """Consecutive text pieces grouped by overlapping spans; special and padding pieces stand alone."""
    out: list[_Box | TokenPiece] = []
    for piece in pieces:
        if piece.start is None:
            out.append(piece)
            continue
        last = out[-1] if out else None
        if isinstance(last, _Box) and piece.sequence == last.pieces[-1].sequence and piece.start < last.end:
            last.pieces.append(piece)
            last.end = max(last.end, piece.end)
        else:
            out.append(_Box([piece], piece.start, piece.end))
    return out


def _chip(classes: str, original: str, tokens: list[str], ids: list[int], colour: str = "") -> str:
    style = f' style="background:{colour}"' if colour else ""
    title = escape_html(" ".join(tokens))
    return (
        f'<span class="tok {classes}"{style} title="{title}"><span class="txt">{escape_html(original) or "&nbsp;"}</span>'
        f'<span class="str">{escape_html(" ".join(tokens))}</span>'
        f'<span class="ids">{" ".join(map(str, ids))}</span></span>'
    )


def render_sequence(pieces: list[TokenPiece], sources: list[str]) -> str:
    """One sequence's boxes; ``sources`` are its original texts (the first, and the second of a pair)."""
    parts, cursor, sequence, colour = [], 0, 0, 0
    boxes = _boxes(pieces)
    pads = [b for b in boxes if isinstance(b, TokenPiece) and b.padding]
    for box in boxes:
        if isinstance(box, TokenPiece):
            if box.padding:
                continue
            parts.append(_chip("special" + (" unk" if box.unknown else ""), box.token, [box.token], [box.id]))
            continue
        seq = box.pieces[0].sequence or 0
        if seq != sequence:
            sequence, cursor = seq, 0
            parts.append('<span class="sep"></span>')
        source = sources[min(seq, len(sources) - 1)]
        if box.start > cursor:
            parts.append(f'<span class="gap">{escape_html(source[cursor : box.start])}</span>')
        cursor = max(cursor, box.end)
        first = box.pieces[0].token
        flags = (
            ("cont", first.startswith("##")),
            ("unk", any(p.unknown for p in box.pieces)),
            ("special", any(p.special for p in box.pieces)),
        )
        classes = " ".join(name for name, on in flags if on)
        tokens = [p.token for p in box.pieces]
        parts.append(_chip(classes, source[box.start : box.end], tokens, [p.id for p in box.pieces], COLOURS[colour]))
        colour = (colour + 1) % len(COLOURS)
    if pads:
        parts.append(_chip("special pad", f"× {len(pads)}", [pads[0].token], [pads[0].id]))
    return "".join(parts)


def render_batch(result: TokenizedBatch, limit: int = MAX_SHOWN_TOKENS) -> tuple[str, int]:
    """The whole batch as HTML, at most ``limit`` tokens; returns the HTML and how many tokens it shows."""
    rows, shown = [], 0
    for i, tokens in enumerate(result.tokens):
        if shown >= limit:
            break
        visible = result.pieces_of(i, limit - shown)
        shown += len(visible)
        sources = [result.texts[i]] + ([result.pairs[i]] if result.pairs else [])
        head = f"#{i + 1} · {len(tokens)} tokens / 토큰"
        rows.append(f'<div class="seq"><div class="seq-head">{head}</div>{render_sequence(visible, sources)}</div>')
    return f'<div class="tokview">{"".join(rows)}</div>', shown
