"""Every task as an MCP tool: the real app started with ``--mcp``, spoken to by the official ``mcp`` client.

An assistant sees what a student sees: the tools are named after their tasks, each described for a
program (what it does, each argument), and a call gives the same raw JSON and the same clear message
on bad input as the page does.
"""

from __future__ import annotations

import ast
import asyncio
import base64
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest

from tests.kit import images

#: The tasks of DESIGN.md's API table an assistant can call.
TASK_TOOLS = {
    "classify",
    "zero_shot",
    "ner",
    "answer",
    "summarize",
    "translate",
    "generate",
    "fill_mask",
    "similarity",
    "detect",
    "tokenize",
    "inspect",
    "embeddings",
    "compare",
    "remote",
    "logit_lens",
    "attributions",
    "attention",
}


def mcp_url(app_url: str) -> str:
    return f"{app_url.rstrip('/')}/gradio_api/mcp/"


def with_session(app_url: str, work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Open an MCP session over streamable HTTP, run ``work(session)``, close it."""
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    async def main() -> Any:
        async with (
            streamablehttp_client(mcp_url(app_url), timeout=120, sse_read_timeout=300) as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            return await work(session)

    # A thread of its own: a browser test on the same worker may have left an event loop running here.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, main()).result()


def list_tools(app_url: str) -> dict[str, Any]:
    async def work(session):
        return (await session.list_tools()).tools

    return {tool.name: tool for tool in with_session(app_url, work)}


def call_tool(app_url: str, name: str, arguments: dict[str, Any]) -> Any:
    async def work(session):
        return await session.call_tool(name, arguments)

    return with_session(app_url, work)


def first_json(result: Any) -> Any:
    """The tool's first output (the raw JSON of DESIGN.md), parsed.

    gradio's MCP server answers a queued event with one text, ``str()`` of the list of all its outputs (the
    JSON's values in Python's notation); the first is the raw JSON.
    """
    assert not result.isError, [getattr(part, "text", part) for part in result.content]
    return ast.literal_eval(result.content[0].text)[0]


@pytest.fixture(scope="module")
def tools(app_url) -> dict[str, Any]:
    return list_tools(app_url)


def test_every_task_is_a_tool_named_after_it(tools):
    assert set(tools) >= TASK_TOOLS, sorted(TASK_TOOLS - set(tools))


@pytest.mark.parametrize("helper", ["cache_list", "cache_delete", "prefetch", "prefetch_plan", "unload"])
def test_page_helpers_are_not_tools(tools, helper):
    assert helper not in tools and f"run_{helper}" not in tools


def test_each_tool_says_what_it_does_and_what_each_argument_means(tools):
    for name in TASK_TOOLS:
        tool = tools[name]
        assert len(tool.description) > 40, (name, tool.description)
        properties = tool.inputSchema["properties"]
        assert properties, name
        undescribed = [arg for arg, schema in properties.items() if not schema.get("description")]
        assert undescribed == [], (name, undescribed)


def test_classify_through_mcp_gives_the_raw_json(app_url, tiny_classifier):
    raw = first_json(call_tool(app_url, "classify", {"text": "I like apple", "model": str(tiny_classifier)}))
    assert [set(item) for item in raw] == [{"label", "score"}] * len(raw)
    assert abs(sum(item["score"] for item in raw) - 1) < 1e-4


def test_tokenize_through_mcp_gives_tokens_and_ids(app_url):
    from core.registry import BUNDLED_MINILM

    raw = first_json(call_tool(app_url, "tokenize", {"text": "I like apple", "tokenizer": BUNDLED_MINILM}))
    assert raw["input_ids"][0][0] == 101 and raw["input_ids"][0][-1] == 102


def test_detect_through_mcp_takes_an_image_as_data(app_url, tiny_detr):
    buffer = BytesIO()
    images.scene((320, 240)).save(buffer, format="PNG")
    data_url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    raw = first_json(
        call_tool(
            app_url, "detect", {"image": data_url, "threshold": 0.0, "model": str(tiny_detr), "max_detections": 3}
        )
    )
    assert len(raw) == 3 and {"score", "label", "box"} <= set(raw[0])


def test_a_bad_input_is_a_tool_error_with_the_pages_message(app_url, tiny_classifier):
    result = call_tool(app_url, "answer", {"question": "", "context": "Seoul is big.", "model": str(tiny_classifier)})
    assert result.isError
    message = " ".join(getattr(part, "text", "") for part in result.content)
    assert "question" in message.lower() and "Traceback" not in message and "&#" not in message


def test_public_mode_offers_no_tool_that_writes_to_disk(public_app_url):
    names = set(list_tools(public_app_url))
    assert {"classify", "tokenize"} <= names
    assert names.isdisjoint({"finetune", "train_tokenizer", "load_dataset"})


def test_a_model_box_takes_any_model_id_in_its_schema():
    """gradio lists a dropdown's choices as an enum even with allow_custom_value; a client would refuse a Hub id."""
    from tabs.widgets.open_dropdown import open_dropdown

    box = open_dropdown(
        choices=[("DistilBERT", "distilbert/x"), ("KcBERT", "beomi/kcbert-base")], value="distilbert/x"
    )
    assert box.api_info() == {"type": "string", "examples": ["distilbert/x", "beomi/kcbert-base"]}
    many = open_dropdown(choices=["a", "b"], multiselect=True, value=["a"])
    assert many.api_info() == {"type": "array", "items": {"type": "string", "examples": ["a", "b"]}}
    assert box.get_block_name() == "dropdown" and box.allow_custom_value  # the page draws gradio's dropdown
    assert not list(Path(open_dropdown.__code__.co_filename).parent.glob("*.pyi"))  # gradio wrote no stub


def test_common_settings_are_described_once_for_every_tool():
    from tabs.api_tools import COMMON_ARGS, with_common_args

    doc = with_common_args(
        "Classify a text.\n\nArgs:\n    text: what to classify.\nReturns:\n    the JSON.", ["text", "device"]
    )
    assert doc.splitlines() == [
        "Classify a text.",
        "",
        "Args:",
        "    text: what to classify.",
        f"    device: {COMMON_ARGS['device']}",
        "Returns:",
        "    the JSON.",
    ]
    assert with_common_args(doc, ["text", "device"]) == doc  # already described: nothing added twice
