"""QR codes of the units' public survey links, drawn by segno (docs/decisions/0013): SVG for
pages and posters (vector, sharp when printed), PNG for a download. Changes nothing."""

import io

import segno

# Level M restores up to ~15 percent of a damaged or dirty printed code; the links are short.
ERROR_LEVEL = "m"
BORDER = 4  # the quiet zone the standard asks for, in modules


def _code(url: str) -> segno.QRCode:
    return segno.make(url, error=ERROR_LEVEL, micro=False)


def qr_svg(url: str, *, scale: int = 8, title: str = "") -> bytes:
    """The QR code of `url` as a standalone SVG document (black on white)."""
    buffer = io.BytesIO()
    _code(url).save(
        buffer,
        kind="svg",
        scale=scale,
        border=BORDER,
        dark="#000",
        light="#fff",
        xmldecl=True,
        svgns=True,
        title=title or None,
        unit=None,
    )
    return buffer.getvalue()


def qr_png(url: str, *, scale: int = 12) -> bytes:
    """The QR code of `url` as a PNG image (segno writes PNG itself, without Pillow)."""
    buffer = io.BytesIO()
    _code(url).save(buffer, kind="png", scale=scale, border=BORDER, dark="#000", light="#fff")
    return buffer.getvalue()
