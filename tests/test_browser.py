"""The app in a real browser: `streamlit run app.py` on 127.0.0.1, driven by Debian's Chromium.

What only a browser shows: the network view's canvas is drawn from the inlined
vis-network (no CDN), physics stops after stabilisation, no script errors, no
request leaves the machine, and markup in a name stays text.  Screenshots are
left in test-artifacts/ for a human to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from graph.build import build

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
EVIL = "<img src=x onerror=alert(1)>"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _streamlit(location: Path, log: Path) -> Iterator[str]:
    """`streamlit run app.py` on a free loopback port, stopped however the test ends."""
    port = free_port()
    env = {**os.environ, "REPGRAPH_STORE": str(location), "REPGRAPH_MODE": "public"}
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1",
             "--server.port", str(port), "--server.headless", "true",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("streamlit did not start:\n" + log.read_text()[-3000:])
            time.sleep(0.3)
        yield url
    finally:
        proc.kill()
        proc.wait(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is missing (make system-deps installs Debian's chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def real_app(real_location: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    yield from _streamlit(real_location, tmp_path_factory.mktemp("st-real") / "streamlit.log")


@pytest.fixture(scope="module")
def evil_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("evil-data") / "tiny"
    shutil.copytree(ROOT / "tests" / "fixtures" / "tiny", data)
    with (data / "entities.csv").open("a", encoding="utf-8") as f:
        f.write(f"evil-person,Person,{EVIL},,</script><script>alert(2)</script>,,public\n")
    with (data / "claims.csv").open("a", encoding="utf-8") as f:
        f.write("case-huseynova-2024,defenceLawyer,evil-person,,src-alpha,high,public,\n")
    loc = tmp_path_factory.mktemp("evil-store")
    build([data], str(loc))
    yield from _streamlit(loc, tmp_path_factory.mktemp("st-evil") / "streamlit.log")


class Visit:
    """One page visit, recording every request, failed response, console error and dialog."""

    def __init__(self, browser: object, url: str, height: int = 1400) -> None:
        # Streamlit scrolls inside its own container, so a full-page screenshot is only
        # as tall as the viewport: tall pages get a tall viewport.
        self.page = browser.new_page(  # type: ignore[attr-defined]
            viewport={"width": 1400, "height": height})
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("response", lambda r: self.failed.append(f"{r.status} {r.url}")
                     if r.status >= 400 else None)
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url, wait_until="load", timeout=60_000)

    def network_frame(self, timeout: float = 40) -> object:
        """The frame holding the vis-network view, once its canvas is drawn and frozen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for frame in self.page.frames:
                if frame.locator("#net canvas").count() and frame.locator(
                        "body[data-stabilized=true]").count():
                    return frame
            time.sleep(0.25)
        raise AssertionError("no stabilised network canvas appeared")

    def unexplained_failures(self) -> list[str]:
        """Failed responses and console errors, less Streamlit's own base-path probe.

        On a deep link such as /explore?..., Streamlit's frontend first asks
        /explore/_stcore/health and /explore/_stcore/host-config (in case the app is
        served under /explore/), gets 404 and falls back to /_stcore/...; the browser
        logs each 404 as a console error.  Those two, exactly, are expected.
        """
        probes = [f for f in self.failed
                  if f.startswith("404 ") and urlsplit(f[4:]).path.endswith(
                      ("/_stcore/health", "/_stcore/host-config"))
                  and urlsplit(f[4:]).path.count("/") == 3]
        errors = list(self.errors)
        for _ in probes:
            generic = "Failed to load resource: the server responded with a status of 404"
            if any(e.startswith(generic) for e in errors):
                errors.remove(next(e for e in errors if e.startswith(generic)))
        return [f for f in self.failed if f not in probes] + errors


def _offsite(requests: list[str]) -> list[str]:
    return [u for u in requests
            if not (u.startswith(("data:", "blob:", "about:"))
                    or urlsplit(u).hostname == "127.0.0.1")]


def test_profile_renders_offline(browser: object, real_app: str, artifacts: Path) -> None:
    visit = Visit(browser, f"{real_app}/explore?entity=iqbal-abilov", height=5200)
    frame = visit.network_frame()
    page = visit.page
    page.get_by_text("Iqbal Abilov", exact=True).first.wait_for(timeout=30_000)
    box = frame.locator("#net canvas").bounding_box()  # type: ignore[attr-defined]
    assert box and box["width"] > 300 and box["height"] > 300
    drawn = frame.evaluate(  # type: ignore[attr-defined]
        "() => { const c = document.querySelector('#net canvas');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }")
    assert drawn > 1000, "the canvas is blank"
    nodes = frame.evaluate("() => window.repgraphNetwork.body.data.nodes.length")  # type: ignore[attr-defined]
    assert nodes >= 10
    physics = frame.evaluate(  # type: ignore[attr-defined]
        "() => window.repgraphNetwork.physics.physicsEnabled")
    assert physics is False, "physics keeps running after stabilisation"
    page.screenshot(path=str(artifacts / "browser-explore-abilov.png"))
    assert not _offsite(visit.requests), _offsite(visit.requests)
    assert not visit.unexplained_failures(), visit.unexplained_failures()
    assert not visit.dialogs
    page.close()


@pytest.mark.parametrize("path", ["", "connections?a=iqbal-abilov&b=emin-huseynov",
                                  "transnational", "timeline?asof=2017-06-01",
                                  "sparql?saved=transnational"])
def test_every_page_stays_on_this_machine(browser: object, real_app: str, artifacts: Path,
                                          path: str) -> None:
    visit = Visit(browser, f"{real_app}/{path}", height=2600)
    name = path.split("?")[0] or "overview"
    visit.page.locator("h1").first.wait_for(timeout=30_000)
    if name in ("connections", "transnational"):
        visit.network_frame()
    time.sleep(2.5)  # late requests (charts, fonts) get a chance to show up, and to draw
    visit.page.screenshot(path=str(artifacts / f"browser-{name}.png"), full_page=True)
    assert not _offsite(visit.requests), _offsite(visit.requests)
    assert not visit.unexplained_failures(), visit.unexplained_failures()
    visit.page.close()


def test_markup_in_names_stays_text(browser: object, evil_app: str, artifacts: Path) -> None:
    visit = Visit(browser, f"{evil_app}/explore?entity=evil-person", height=3000)
    frame = visit.network_frame()
    heading = visit.page.locator("h2").first
    heading.wait_for(timeout=30_000)
    assert heading.inner_text().strip() == EVIL
    assert visit.page.locator("img[src=x]").count() == 0
    assert frame.locator("img").count() == 0  # type: ignore[attr-defined]
    label = frame.evaluate(  # type: ignore[attr-defined]
        "() => window.repgraphNetwork.body.data.nodes.get('evil-person').label")
    assert label == EVIL
    # hovering shows the tooltip as text, not as an element
    pos = frame.evaluate(  # type: ignore[attr-defined]
        "() => { const n = window.repgraphNetwork; const p = n.getPosition('evil-person');"
        " return n.canvasToDOM(p); }")
    visit.page.locator("iframe").first.scroll_into_view_if_needed()
    box = frame.locator("#net").bounding_box()  # type: ignore[attr-defined]
    visit.page.mouse.move(box["x"] + pos["x"], box["y"] + pos["y"])
    tip = frame.locator("div.vis-tooltip")  # type: ignore[attr-defined]
    tip.wait_for(state="visible", timeout=10_000)
    assert EVIL in tip.inner_text() and tip.locator("img").count() == 0
    visit.page.screenshot(path=str(artifacts / "browser-escaped-label.png"))
    time.sleep(0.5)
    assert not visit.dialogs, visit.dialogs
    assert not visit.unexplained_failures(), visit.unexplained_failures()
    visit.page.close()
