"""Browsers ask every origin for /favicon.ico: Setia answers with its icon, not a 404."""

import struct


def test_the_favicon_is_an_icon(client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    reserved, kind, count = struct.unpack("<HHH", response.data[:6])
    assert (reserved, kind, count) == (0, 1, 1)  # an ICO with one image
    assert response.data[22:30] == b"\x89PNG\r\n\x1a\n"
    assert "max-age" in response.headers["Cache-Control"]
