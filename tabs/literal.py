"""Literal text where gradio renders HTML or Markdown: ``<mask>`` stays ``<mask>``, ``<img …>`` stays text.

gradio renders an error/info/warning toast's message as (sanitised) HTML and a ``gr.Markdown`` value as
Markdown with raw HTML allowed, so a literal ``<mask>``, ``<s>`` or a typed ``<img src=x onerror=…>`` is
eaten as a tag (or becomes one). Three tools, each for one place:

- ``toast_text``: a message for ``gr.Error`` / ``gr.Info`` / ``gr.Warning`` (HTML-escaped).
- ``md_literal`` / ``md_code``: a value (a typed model id, a label, an error message) put inside our own
  Markdown, shown exactly as written, as prose or as a code span.
- ``markdown_without_html``: the guard every Markdown output of the app passes through (``escape_markdown_outputs``
  wires it once for the whole app): our Markdown (``code``, **bold**) still renders, raw HTML and images never
  do. Code spans are turned into ``<code>`` elements here, with their text escaped, so that nothing depends on
  the browser's Markdown parser agreeing with this one about where a span ends.
"""

import html
import re
import string
from functools import partial

import gradio as gr

_PUNCTUATION = frozenset(string.punctuation)
#: What formats text inside a line of Markdown (or would start HTML, a table cell, a link, LaTeX).
_INLINE_MARKS = frozenset("\\`*_[]<>&|~$")
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
#: marked's (and CommonMark's) code span: a backtick run closed by a run of the same length; one line only.
_CODE_SPAN = re.compile(r"(`+)([^`\n]|[^`\n][^\n]*?[^`\n])\1(?!`)")
_BACKTICKS = re.compile(r"`+")


def toast_text(text: str) -> str:
    """``text`` for a toast (gradio renders its message as HTML): shown exactly as written."""
    return html.escape(text, quote=False)


def md_literal(text: str) -> str:
    """``text`` inside a line of Markdown, shown exactly as written: the marks that format inline are escaped.

    A model id like ``a_b/c_d`` or an error quoting ``'_'`` would otherwise turn into emphasis, a ``|`` would
    split a table cell, and ``[x](y)`` would become a link.
    """
    return "".join(f"\\{char}" if char in _INLINE_MARKS else char for char in text)


def md_code(text: str) -> str:
    """``text`` as one Markdown code span, whatever backticks or newlines it holds."""
    text = text.replace("\n", " ")
    fence = "`" * (max((len(run) for run in _BACKTICKS.findall(text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _code_element(content: str) -> str:
    if content.startswith(" ") and content.endswith(" ") and content.strip(" "):
        content = content[1:-1]  # CommonMark drops one space on each side
    shown = "".join(f"&#{ord(char)};" if char in _PUNCTUATION else char for char in content)
    return f"<code>{shown}</code>"


def markdown_without_html(text: str) -> str:
    """Our Markdown with every ``<``, ``>``, ``&`` shown as the character and no image: no HTML gets through.

    Backslash escapes and code spans keep their Markdown meaning; a code span becomes a ``<code>`` element
    whose text is escaped (inside a span, an escaped ``&lt;`` would otherwise show as the five characters).
    """
    out: list[str] = []
    i = 0
    while i < len(text):
        char = text[i]
        if char == "\\" and i + 1 < len(text) and text[i + 1] in _PUNCTUATION:
            escaped = text[i + 1]
            out.append(_ENTITIES.get(escaped, text[i : i + 2]))
            i += 2
        elif char == "`":
            span = _CODE_SPAN.match(text, i)
            run = span or _BACKTICKS.match(text, i)
            out.append(_code_element(span.group(2)) if span else run.group())
            i = run.end()
        elif char == "!" and text.startswith("[", i + 1):
            out.append("&#33;")  # "![alt](src)" would be an image
            i += 1
        else:
            out.append(_ENTITIES.get(char, char))
            i += 1
    return "".join(out)


def _guarded(postprocess, value):
    return postprocess(markdown_without_html(value) if isinstance(value, str) else value)


def escape_markdown_outputs(blocks: gr.Blocks) -> None:
    """Every ``gr.Markdown`` of the app shows its values through ``markdown_without_html``, and no LaTeX.

    One place for the whole app, so a new tab's status line or notice cannot forget it. Labels and
    explanations given as ``tr(...)`` keys are translated in the browser and pass through unchanged.
    """
    for block in blocks.blocks.values():
        already = isinstance(block, gr.Markdown) and getattr(block.postprocess, "func", None) is _guarded
        if isinstance(block, gr.Markdown) and not already:
            block.postprocess = partial(_guarded, block.postprocess)
            block.latex_delimiters = []
