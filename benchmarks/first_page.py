"""From navigation to the first usable textbox: the app against a bare one-textbox gradio app (issue 21).

A class opens the link at once, on phones and a shared Wi-Fi. Chromium (the system's, through Playwright)
loads each page in a fresh context (empty cache), with the network emulated through CDP
(``Network.emulateNetworkConditions``: 1.6 Mbit/s down, 750 kbit/s up, 150 ms latency, "Fast 3G") and
without throttling. "Usable" means the first task's text box is on screen and editable (the app:
``#tab-classify textarea``; the bare app: its one ``textarea``), stamped in the page with
``performance.now()`` (milliseconds since navigation started). Bytes are what CDP says crossed the
wire (``encodedDataLength``: headers and the compressed body): the HTML document, and every response
until the page went quiet. The two apps alternate, so both see the same machine load.

Goal: the app's median at 1.6 Mbit/s ≤ 1.5× the bare app's in the same run; the document < 150 kB.

    python benchmarks/first_page.py [--runs 5] [--wide]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.kit.environment import use_offline_environment  # noqa: E402

#: Chrome DevTools' "Fast 3G" as the issue measured it: bytes per second, milliseconds.
FAST_3G = {"offline": False, "latency": 150, "downloadThroughput": 1_600_000 / 8, "uploadThroughput": 750_000 / 8}
UNTHROTTLED = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
READY = """(selector) => {
    const box = document.querySelector(selector);
    if (!box || box.disabled || box.readOnly || !box.offsetParent) return false;
    const r = box.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return false;
    window.__first_usable = performance.now();
    return true;
}"""
BARE_APP = """
import sys, gradio as gr
with gr.Blocks() as demo:
    box = gr.Textbox(label="Text")
    out = gr.JSON()
    box.submit(lambda t: {"text": t}, box, out)
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""
#: The app with its first tab only (the same header, ``build(ctx)`` and launch): what one page per task would
#: weigh, measured rather than guessed (issue 21's remainder).
FIRST_TAB_APP = """
import sys
sys.path.insert(0, sys.argv[2])
import tabs
tabs.TAB_NAMES = tabs.TAB_NAMES[:1]
import app
sys.exit(app.main(["--offline", "--host", "127.0.0.1", "--port", sys.argv[1]]))
"""
#: ``--wide``: a bare gradio app as wide as this one (17 tabs, 612 textboxes, 306 events, plain labels): what
#: gradio's front end costs per component, with none of this app's code.
WIDE_APP = """
import sys, gradio as gr
with gr.Blocks() as demo:
    with gr.Tabs():
        for t in range(17):
            with gr.Tab(f"Tab {t}"):
                for j in range(18):
                    a, b = gr.Textbox(label=f"In {t}.{j}"), gr.Textbox(label=f"Out {t}.{j}")
                    a.submit(lambda x: x, a, b)
demo.launch(server_name="127.0.0.1", server_port=int(sys.argv[1]))
"""
#: After the box is usable, how long the network must stay quiet before the page counts as settled.
QUIET_S = 1.5


@dataclass
class Load:
    ready_ms: float
    script_ms: float  # main-thread JavaScript until usable (CDP Performance.getMetrics ScriptDuration)
    document_bytes: int
    bytes_until_ready: int
    bytes_total: int
    responses: int


@dataclass
class Wire:
    """What CDP reports per request: url, type, and bytes on the wire once it finished."""

    urls: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    done: dict[str, int] = field(default_factory=dict)
    last_event: float = field(default_factory=time.monotonic)

    def on_request(self, event: dict) -> None:
        self.urls[event["requestId"]] = event["request"]["url"]
        self.kinds[event["requestId"]] = event.get("type", "")
        self.last_event = time.monotonic()

    def on_finished(self, event: dict) -> None:
        self.done[event["requestId"]] = int(event["encodedDataLength"])
        self.last_event = time.monotonic()

    def document(self) -> int:
        return sum(n for rid, n in self.done.items() if self.kinds.get(rid) == "Document")


@contextmanager
def script_app(script: str):
    """``python -c script PORT ROOT`` on a free port, until it answers."""
    from tests.kit.app import free_port, wait_until_up

    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(port), str(ROOT)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_up(url, process, timeout=180)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def load_once(browser, url: str, selector: str, network: dict) -> Load:
    context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        wire = Wire()
        cdp.on("Network.requestWillBeSent", wire.on_request)
        cdp.on("Network.loadingFinished", wire.on_finished)
        cdp.send("Network.enable")
        cdp.send("Performance.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        cdp.send("Network.emulateNetworkConditions", network)
        page.goto(url, wait_until="commit", timeout=120_000)
        page.wait_for_function(READY, arg=selector, polling="raf", timeout=120_000)
        ready_ms = page.evaluate("window.__first_usable")
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        script_ms = metrics.get("ScriptDuration", 0.0) * 1000
        until_ready = sum(wire.done.values())
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and time.monotonic() - wire.last_event < QUIET_S:
            page.wait_for_timeout(100)
        return Load(ready_ms, script_ms, wire.document(), until_ready, sum(wire.done.values()), len(wire.done))
    finally:
        context.close()


def median_load(loads: list[Load]) -> Load:
    return Load(
        statistics.median(x.ready_ms for x in loads),
        statistics.median(x.script_ms for x in loads),
        int(statistics.median(x.document_bytes for x in loads)),
        int(statistics.median(x.bytes_until_ready for x in loads)),
        int(statistics.median(x.bytes_total for x in loads)),
        int(statistics.median(x.responses for x in loads)),
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="loads per app and network (median reported)")
    parser.add_argument("--wide", action="store_true", help="also a bare gradio app with 17 tabs of 36 textboxes")
    args = parser.parse_args()
    use_offline_environment()
    from playwright.sync_api import sync_playwright

    from tests.kit.app import running_app
    from tests.kit.browser import CHROMIUM, CHROMIUM_ARGS

    networks = {"1.6 Mbit/s, 150 ms": FAST_3G, "loopback": UNTHROTTLED}
    with ExitStack() as stack:
        app = stack.enter_context(running_app("--offline"))
        bare = stack.enter_context(script_app(BARE_APP))
        first_tab = stack.enter_context(script_app(FIRST_TAB_APP))
        playwright = stack.enter_context(sync_playwright())
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        targets = {
            "bare gradio app (one textbox)": (bare, "textarea"),
            "app": (app.url, "#tab-classify textarea"),
            "app, first tab only": (first_tab, "#tab-classify textarea"),
        }
        if args.wide:
            targets["bare gradio app, 17 tabs × 36 textboxes"] = (
                stack.enter_context(script_app(WIDE_APP)),
                "textarea",
            )
        for url, selector in targets.values():  # warm both servers (imports, templates) before measuring
            load_once(browser, url, selector, UNTHROTTLED)
        results: dict[tuple[str, str], list[Load]] = {}
        for _ in range(args.runs):
            for net_name, network in networks.items():
                for name, (url, selector) in targets.items():
                    results.setdefault((net_name, name), []).append(load_once(browser, url, selector, network))
        browser.close()

    print(f"Medians of {args.runs} loads each, fresh browser context per load, apps alternating.")
    print(
        "| network | page | first usable textbox (ms) | ratio | script until usable (ms) "
        "| document (kB on the wire) | until usable (kB) | all responses (kB) | responses |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    verdicts = []
    for net_name in networks:
        floor = median_load(results[(net_name, "bare gradio app (one textbox)")])
        for name in targets:
            m = median_load(results[(net_name, name)])
            ratio = m.ready_ms / floor.ready_ms
            print(
                f"| {net_name} | {name} | {m.ready_ms:,.0f} | {ratio:.2f}× | {m.script_ms:,.0f} "
                f"| {m.document_bytes / 1000:,.1f} | {m.bytes_until_ready / 1000:,.1f} "
                f"| {m.bytes_total / 1000:,.1f} | {m.responses} |"
            )
            if name == "app" and net_name.startswith("1.6"):
                verdict = "meets" if ratio <= 1.5 else "MISSES"
                verdicts.append(f"goal ≤ 1.5× at 1.6 Mbit/s: {verdict} ({ratio:.2f}×)")
                verdicts.append(
                    f"goal document < 150 kB: {'meets' if m.document_bytes < 150_000 else 'MISSES'} "
                    f"({m.document_bytes / 1000:,.1f} kB)"
                )
    for net_name in networks:
        ranges = ", ".join(
            f"{name} {min(x.ready_ms for x in results[(net_name, name)]):,.0f}–"
            f"{max(x.ready_ms for x in results[(net_name, name)]):,.0f}"
            for name in targets
        )
        print(f"Range of the loads at {net_name} (ms): {ranges}.")
    for verdict in verdicts:
        print(verdict)
    return 0


if __name__ == "__main__":
    sys.exit(main())
