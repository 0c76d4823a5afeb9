"""PDF exports typeset with Typst (the typst Python package), in the shipped fonts
(static/vendor/fonts-ttf, SIL OFL: Tinos for state documents, Be Vietnam Pro for the rest) so
that Vietnamese renders the same on every machine.

A template reads its figures from data.json (and any extra files, e.g. chart images) beside it
in a throw-away folder: the data stays data, never pasted into Typst source. The Decree 30
parts (core/decree30.typ: header, title, signature) are always beside it, to import.
"""

import json
import tempfile
from pathlib import Path
from typing import Any

import typst
from django.conf import settings

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "fonts-ttf"
LIBRARY = Path(__file__).resolve().parent / "templates" / "core" / "decree30.typ"


def typeset_pdf(template: Path, data: Any, files: dict[str, bytes] | None = None) -> bytes:
    """The PDF bytes of `template` (a .typ file) given `data` (as data.json) and `files`
    (name → bytes, beside it). Only the shipped fonts are used (system fonts are ignored)."""
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as folder:
        root = Path(folder)
        (root / "data.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
        for name, content in (files or {}).items():
            (root / name).write_bytes(content)
        (root / LIBRARY.name).write_text(LIBRARY.read_text("utf-8"), "utf-8")
        main = root / "main.typ"
        main.write_text(template.read_text("utf-8"), "utf-8")
        return typst.compile(main, root=root, font_paths=[FONT_DIR], ignore_system_fonts=True)
