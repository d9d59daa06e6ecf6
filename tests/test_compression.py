"""The page's document is compressed on the wire and still correct without compression; streams pass untouched."""

import gzip
import json
from concurrent.futures import ThreadPoolExecutor

import brotli
import httpx
import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from tabs.compression import CompressedCache, DocumentCompression, accepted_encoding

PAGE = "<html><body>" + "<div class='tab'>Pipeline Playground</div>" * 2000 + "</body></html>"


async def page(request):
    return HTMLResponse(PAGE)


async def events(request):
    async def stream():
        for i in range(3):
            yield f"data: {json.dumps({'n': i, 'pad': 'x' * 800})}\n\n"

    return StreamingResponse(stream(), media_type="text/event-stream")


async def streamed_html(request):
    async def stream():
        yield PAGE[:5000]
        yield PAGE[5000:]

    return StreamingResponse(stream(), media_type="text/html")


async def small(request):
    return JSONResponse({"ok": True})


async def image(request):
    return Response(b"\x89PNG" + bytes(5000), media_type="image/png")


ALREADY_GZIPPED = gzip.compress(
    PAGE.encode(), mtime=0
)  # one fixed body: a fresh stamp per request differs once a second


async def already(request):
    return Response(ALREADY_GZIPPED, media_type="text/html", headers={"content-encoding": "gzip"})


async def missing(request):
    return HTMLResponse(PAGE, status_code=404)


def make_client(cache: CompressedCache | None = None) -> TestClient:
    routes = [
        Route("/", page),
        Route("/config", page),
        Route("/gradio_api/queue/data", events),
        Route("/streamed", streamed_html),
        Route("/small", small),
        Route("/picture", image),
        Route("/already", already),
        Route("/missing", missing),
        Route("/assets/index.html", page),
        Route("/gradio_api/mcp/", page),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(DocumentCompression, cache=cache or CompressedCache())])
    return TestClient(app)


def raw_get(client: TestClient, path: str, encoding: str | None) -> httpx.Response:
    """The response as it crossed the wire (httpx would decode it)."""
    if encoding is None:
        client.headers.pop("accept-encoding", None)  # no header at all (httpx sends one by default)
    headers = {"accept-encoding": encoding} if encoding is not None else {}
    with client.stream("GET", path, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())
    return response


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("gzip, deflate, br, zstd", "br"),
        ("gzip", "gzip"),
        ("br;q=0, gzip;q=0.5", "gzip"),
        ("gzip;q=0", None),
        ("identity", None),
        ("", None),
        ("BR", "br"),
        ("br;q=nonsense, gzip", "gzip"),
    ],
)
def test_the_encoding_follows_what_the_browser_accepts(header, chosen):
    assert accepted_encoding(header) == chosen


def test_the_document_is_brotli_when_the_browser_accepts_it():
    response = raw_get(make_client(), "/", "gzip, deflate, br")
    assert response.headers["content-encoding"] == "br"
    assert "accept-encoding" in response.headers["vary"].lower()
    assert int(response.headers["content-length"]) == len(response.raw_body) < len(PAGE) / 10
    assert brotli.decompress(response.raw_body).decode() == PAGE


def test_the_document_is_gzip_for_a_browser_without_brotli():
    response = raw_get(make_client(), "/?tab=ner", "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(response.raw_body).decode() == PAGE


@pytest.mark.parametrize("encoding", [None, "identity", "gzip;q=0"])
def test_without_accepted_compression_the_document_goes_as_it_is(encoding):
    response = raw_get(make_client(), "/", encoding)
    assert "content-encoding" not in response.headers
    assert response.raw_body.decode() == PAGE
    assert int(response.headers["content-length"]) == len(PAGE)


def test_the_same_document_is_compressed_once_for_a_whole_class():
    cache = CompressedCache()
    client = make_client(cache)
    bodies = {raw_get(client, "/", "br").raw_body for _ in range(5)}
    assert len(bodies) == 1
    assert cache.hits == 4
    raw_get(client, "/", "gzip")
    assert cache.hits == 4  # another encoding is another entry


def test_the_cache_keeps_only_its_last_entries():
    cache = CompressedCache(entries=2)
    import anyio

    async def fill():
        for i in range(4):
            await cache.get(f"page {i}".encode() * 300, "gzip")
        await cache.get(b"page 0" * 300, "gzip")

    # In a thread of its own: a browser test on this worker may have left an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(anyio.run, fill).result()
    assert cache.hits == 0  # page 0 had been pushed out by pages 2 and 3


def test_the_queue_event_stream_passes_chunk_by_chunk_uncompressed():
    client = make_client()
    with client.stream("GET", "/gradio_api/queue/data", headers={"accept-encoding": "gzip, br"}) as response:
        chunks = [chunk for chunk in response.iter_raw() if chunk]
    assert "content-encoding" not in response.headers
    assert response.headers["content-type"].startswith("text/event-stream")
    assert len(chunks) == 3
    assert [json.loads(c.decode().removeprefix("data: "))["n"] for c in chunks] == [0, 1, 2]


def test_a_streamed_html_response_is_not_held_back():
    response = raw_get(make_client(), "/streamed", "br")
    assert "content-encoding" not in response.headers
    assert response.raw_body.decode() == PAGE


@pytest.mark.parametrize(
    "path", ["/small", "/picture", "/already", "/missing", "/assets/index.html", "/gradio_api/mcp/"]
)
def test_what_is_not_a_whole_document_here_is_left_as_it_is(path):
    client = make_client()
    plain = raw_get(client, path, None)
    offered = raw_get(client, path, "gzip, br")
    assert offered.raw_body == plain.raw_body
    assert offered.headers.get("content-encoding") == plain.headers.get("content-encoding")


def test_a_post_is_never_compressed():
    client = TestClient(
        Starlette(routes=[Route("/", page, methods=["POST"])], middleware=[Middleware(DocumentCompression)])
    )
    with client.stream("POST", "/", headers={"accept-encoding": "br"}) as response:
        body = b"".join(response.iter_raw())
    assert "content-encoding" not in response.headers and body.decode() == PAGE


# --- the launched app ---


def fetch_page(url: str, encoding: str | None) -> httpx.Response:
    headers = {"accept-encoding": encoding or "identity"}
    with httpx.Client(timeout=60) as http, http.stream("GET", url, headers=headers) as response:
        response.raw_body = b"".join(response.iter_raw())
    return response


@pytest.mark.parametrize(
    ("encoding", "decode"), [("gzip, deflate, br, zstd", brotli.decompress), ("gzip", gzip.decompress)]
)
def test_the_apps_page_is_compressed_and_the_same_page_uncompressed(app_url, encoding, decode):
    plain = fetch_page(app_url, None)
    packed = fetch_page(app_url, encoding)
    assert "content-encoding" not in plain.headers
    assert packed.headers["content-encoding"] == ("br" if "br" in encoding else "gzip")
    assert len(packed.raw_body) < len(plain.raw_body) / 5
    document = decode(packed.raw_body)
    assert b"window.gradio_config" in document and b"window.gradio_api_info" in document
    assert document == plain.raw_body


def test_a_deep_link_page_is_compressed_too(app_url):
    response = fetch_page(f"{app_url}?tab=translate&text=Hello", "br")
    assert response.headers["content-encoding"] == "br"
    assert b'"tab-translate"' in brotli.decompress(response.raw_body)


def test_the_queue_stream_is_not_compressed(app_url):
    headers = {"accept-encoding": "gzip, br"}
    with (
        httpx.Client(timeout=30) as http,
        http.stream(
            "GET", f"{app_url}gradio_api/queue/data", params={"session_hash": "compression-test"}, headers=headers
        ) as response,
    ):
        assert "content-encoding" not in response.headers
        assert response.headers["content-type"].startswith("text/event-stream")


def test_a_streamed_generation_arrives_in_pieces_through_the_middleware(client, tiny_gpt2):
    assert "br" in httpx.Client().headers["accept-encoding"]  # gradio_client's requests offer brotli, as browsers do
    job = client.submit("Hello, my name is", str(tiny_gpt2), 30, api_name="/generate")
    final = job.result()
    partial = [output[1] for output in job.outputs()[:-1]]
    assert len(partial) > 1 and all(final[1].startswith(text) for text in partial)
