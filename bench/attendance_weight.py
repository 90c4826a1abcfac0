"""What the phone attendance sheet costs on a slow link (issue 15): bytes transferred and load time of its
first visit (empty browser cache) and of a repeat visit, unthrottled and on Chrome DevTools' "Slow 3G"
profile (2 s round trip, 400 kbit/s each way), measured through the Chrome DevTools Protocol.

    LMS_INSTANCE_DIR=/tmp/bench-weight FLASK_APP=wsgi.py .venv/bin/flask db upgrade
    LMS_INSTANCE_DIR=/tmp/bench-weight FLASK_APP=wsgi.py .venv/bin/flask lms demo
    LMS_INSTANCE_DIR=/tmp/bench-weight PYTHONPATH=. .venv/bin/python bench/attendance_weight.py

The demo teacher (陈丽) opens today's sheet of her class from the home page. The service worker is blocked
here so that the page's own cost is measured; what it keeps in the background is measured separately.
Results: bench/README.md.
"""
from __future__ import annotations

import re
import threading
import time

from playwright.sync_api import sync_playwright
from werkzeug.serving import make_server

from lms import create_app

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1024 / 8 * 0.8,
           "uploadThroughput": 500 * 1024 / 8 * 0.8}
NO_THROTTLE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def measure(page, url: str) -> tuple[int, float, list[tuple[str, int]]]:
    """Navigate to `url`; bytes on the wire (headers included), seconds to the load event, per request."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls, sizes = {}, {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    cdp.send("Network.emulateNetworkConditions", page.throttle)
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    seconds = time.perf_counter() - started
    page.wait_for_timeout(300)              # late loadingFinished events
    cdp.detach()
    rows = [(re.sub(r"^https?://[^/]+", "", urls.get(i, "?")), n) for i, n in sizes.items()
            if not urls.get(i, "").startswith("data:")]
    return sum(n for _, n in rows), seconds, rows


def run(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for name, throttle in (("no throttling", NO_THROTTLE), ("Slow 3G", SLOW_3G)):
            context = browser.new_context(viewport={"width": 360, "height": 740}, service_workers="block")
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                              context.request.get(f"{base}/login").text()).group(1)
            context.request.post(f"{base}/login", form={"username": "teacher", "password": "demo2025",
                                                        "csrf_token": token})
            home = context.request.get(f"{base}/").text()
            sheet = base + re.search(r'href="(/sessions/\d+/attendance)"', home).group(1)
            page = context.new_page()
            page.throttle = throttle
            first, first_s, rows = measure(page, sheet)
            repeat, repeat_s, repeat_rows = measure(page, sheet)
            learners = page.locator(".sheet-row").count()
            print(f"{name}: sheet of {learners} learners")
            print(f"  first visit  {first / 1024:7.1f} KB  {first_s:5.1f} s  ({len(rows)} requests)")
            for url, size in sorted(rows, key=lambda r: -r[1]):
                print(f"      {size / 1024:7.1f} KB  {url}")
            print(f"  repeat visit {repeat / 1024:7.1f} KB  {repeat_s:5.1f} s  ({len(repeat_rows)} requests: "
                  f"{', '.join(u.split('?')[0] for u, _ in repeat_rows)})")
            if name == "no throttling":
                scanner, _, _ = measure(page, base + "/static/vendor/jsqr/jsQR.js")
                print(f"  the scanner library when the camera opens: {scanner / 1024:.1f} KB")
            context.close()
        browser.close()


def main() -> None:
    app = create_app()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        run(f"http://127.0.0.1:{server.server_port}")
    finally:
        server.shutdown()


if __name__ == "__main__":
    main()
