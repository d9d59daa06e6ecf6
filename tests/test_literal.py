"""Literal ``<…>`` text stays text wherever gradio renders HTML or Markdown (issue 14, item 4)."""

import re
from html.parser import HTMLParser

import gradio as gr
import pytest
from markdown_it import MarkdownIt

from core.errors import BadInput
from tabs.boundary import user_errors
from tabs.literal import markdown_without_html, md_code, md_literal, toast_text

HOSTILE = "<img src=x onerror=alert(1)>"


class _Page(HTMLParser):
    """The tags and the visible text of an HTML fragment."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.text = ""

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text += data


def shown(markdown: str) -> _Page:
    """What a browser shows for ``markdown`` rendered the way gradio does (CommonMark + GFM tables, raw HTML on)."""
    page = _Page()
    page.feed(MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown_without_html(markdown)))
    page.text = page.text.strip()
    return page


def test_a_toast_shows_the_mask_token_it_names():
    assert toast_text("Put [MASK] (or [MASK] / <mask>) where the word goes") == (
        "Put [MASK] (or [MASK] / &lt;mask&gt;) where the word goes"
    )
    assert "<" not in toast_text(HOSTILE)


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        ("Put [MASK] (or [MASK] / <mask>) here", "Put [MASK] (or [MASK] / <mask>) here"),
        (f"typed: {HOSTILE} and <s>", f"typed: {HOSTILE} and <s>"),
        ("Mask token of this model: `<mask>`", "Mask token of this model: <mask>"),
        ("a `` ` <s> `` b", "a ` <s> b"),
        ("AT&amp;T & <b>bold</b>", "AT&amp;T & <b>bold</b>"),
        ("\\<escaped\\> \\*star\\*", "<escaped> *star*"),
        ("![cat](x) and [link](y)", "!cat and link"),  # links stay links; an image never forms
    ],
)
def test_markdown_keeps_literal_text_and_makes_no_html(markdown, text):
    page = shown(markdown)
    assert page.text == text
    assert set(page.tags) <= {"p", "code", "a"}


@pytest.mark.parametrize(
    "typed",
    [
        f"` {HOSTILE} `",  # a backtick that closes our code span early
        f"x`\n\n{HOSTILE}`",  # a code span across paragraphs: the browser's parser would not see it
        f"`a\n> {HOSTILE}`",  # ... nor across a block quote
        f"[a](x '`') {HOSTILE}`",  # a link title holding a backtick
        f"`a | {HOSTILE}`\n|-|-|",  # a table row splitting a code span
        f"<{HOSTILE}>",
        "<script>alert(1)</script>",
    ],
)
def test_no_typed_text_becomes_an_element(typed):
    """Whatever a student types inside our own Markdown (prose or a code span) makes no image or script."""
    for markdown in (f"You typed {typed}.", f"You typed `{typed}`.", f"You typed {md_code(typed)}.", typed):
        tags = set(shown(markdown).tags)
        assert tags <= {"p", "code", "a", "blockquote", "table", "thead", "tbody", "tr", "th", "td"}, markdown


def test_md_literal_shows_a_value_exactly_inside_prose_and_tables():
    value = "a_b_c *star* | <s> [x](y) ~~z~~"
    assert shown(f"Model **{md_literal(value)}** failed").text == f"Model {value} failed"
    table = "| score | hypothesis |\n|---:|---|\n" + f"| 0.5 | {md_literal(value)} |"
    assert value in shown(table).text


@pytest.mark.parametrize("value", ["plain", "with `tick`", "``double``", "`edge`", "<mask>", "two\nlines"])
def test_md_code_is_one_code_span_showing_the_value(value):
    page = shown(f"read: {md_code(value)}")
    assert page.tags == ["p", "code"]
    assert page.text == "read: " + value.replace("\n", " ")


def test_a_domain_error_reaches_the_toast_escaped():
    @user_errors
    def handler(text: str, language: str = "en"):
        raise BadInput(f"There is no mask in '{text}'. Put [MASK] (or <mask>) where the word goes.")

    with pytest.raises(gr.Error) as caught:
        handler(HOSTILE)
    assert "<" not in caught.value.message
    assert "&lt;mask&gt;" in caught.value.message and "&lt;img src=x" in caught.value.message


def test_every_markdown_of_the_app_escapes_its_values_and_renders_no_latex():
    from app import build_app

    demo = build_app()
    markdowns = [block for block in demo.blocks.values() if isinstance(block, gr.Markdown)]
    assert len(markdowns) > 40
    for block in markdowns:
        assert block.postprocess(f"❌ {HOSTILE} <mask>") == "❌ &lt;img src=x onerror=alert(1)&gt; &lt;mask&gt;"
        assert block.latex_delimiters == []
    assert not re.search(r"<(?!code>|/code>)", markdowns[0].postprocess("`<s>` <s>"))
