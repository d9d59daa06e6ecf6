"""An MCP tool call against the same call through gradio_client: what ``--mcp`` costs an assistant.

Goal (issue 19): a tool call costs no more than 1.2× the same call through ``gradio_client``. The app
runs as ``app.py --offline --mcp`` on loopback; ``/classify`` on a random BERT classifier built from a
config (no network) is called warm, alternately through one ``gradio_client.Client`` and one open MCP
session (the official ``mcp`` client over streamable HTTP), and the medians are compared.

    python benchmarks/mcp_call.py [--repeat 30] [--size small|base]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.kit.environment import use_offline_environment  # noqa: E402

TEXT = "I watched this film twice and I would happily watch it again: the acting is wonderful."
SIZES = {
    "small": {"hidden_size": 384, "num_hidden_layers": 6, "num_attention_heads": 12, "intermediate_size": 1536},
    "base": {"hidden_size": 768, "num_hidden_layers": 12, "num_attention_heads": 12, "intermediate_size": 3072},
}
WARMUP_CALLS = 3


def build_classifier(size: str, where: Path) -> Path:
    from transformers import BertForSequenceClassification

    from tests.kit.tiny_models import SENTIMENT_LABELS, minilm_tokenizer, save, tiny_bert_config

    config = tiny_bert_config(
        **SIZES[size], id2label=SENTIMENT_LABELS, label2id={v: k for k, v in SENTIMENT_LABELS.items()}
    )
    return save(BertForSequenceClassification(config).eval(), minilm_tokenizer(), where / f"bert-{size}-classifier")


async def measure(url: str, model: str, repeat: int) -> dict[str, list[float]]:
    from gradio_client import Client
    from mcp import ClientSession
    from mcp.client.streamable_http import streamablehttp_client

    client = Client(url, verbose=False)
    times: dict[str, list[float]] = {"gradio_client": [], "mcp": []}
    async with (
        streamablehttp_client(f"{url}gradio_api/mcp/", timeout=120) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()

        async def through_mcp() -> None:
            result = await session.call_tool("classify", {"text": TEXT, "model": model})
            assert not result.isError, result.content

        def through_client() -> None:
            client.predict(TEXT, model, api_name="/classify")

        for _ in range(WARMUP_CALLS):
            await through_mcp()
            through_client()
        for _ in range(repeat):  # alternately, so machine load falls on both alike
            started = time.perf_counter()
            through_client()
            times["gradio_client"].append(time.perf_counter() - started)
            started = time.perf_counter()
            await through_mcp()
            times["mcp"].append(time.perf_counter() - started)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--size", choices=sorted(SIZES), default="small")
    args = parser.parse_args()
    use_offline_environment()
    from tests.kit.app import running_app

    with tempfile.TemporaryDirectory() as folder, running_app("--offline", "--mcp") as app:
        model = str(build_classifier(args.size, Path(folder)))
        times = asyncio.run(measure(app.url, model, args.repeat))
    client, tool = (statistics.median(times[way]) * 1000 for way in ("gradio_client", "mcp"))
    verdict = "meets" if tool <= 1.2 * client else "MISSES"
    print("| /classify, BERT-" + args.size + f" classifier, median of {args.repeat} warm calls | ms | ratio | goal |")
    print("|---|---|---|---|")
    print(f"| gradio_client (`client.predict(..., api_name='/classify')`) | {client:,.1f} | 1.00× | – |")
    print(
        f"| MCP tool `classify` (one open session, streamable HTTP) | {tool:,.1f} | {tool / client:.2f}× | ≤ 1.2× ({verdict}) |"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
