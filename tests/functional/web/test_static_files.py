"""Static files for slow links (issue 15): versioned URLs cached for a year, sent gzip-compressed."""
from __future__ import annotations

import gzip
import re


def test_pages_link_versioned_static_files_that_are_cached_for_a_year_and_compressed(client, app):
    page = client.get("/login").get_data(as_text=True)
    url = re.search(r'href="(/bootstrap/static/css/bootstrap\.min\.css\?v=[0-9a-f]{10})"', page).group(1)
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in response.headers["Vary"]
    body = gzip.decompress(response.data)
    assert b"Bootstrap" in body[:200] and len(response.data) < len(body) / 5
    # Without the current version (an old URL, or none) the file is not promised forever.
    stale = client.get("/static/css/app.css?v=0000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "") and "Content-Encoding" not in stale.headers
