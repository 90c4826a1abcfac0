"""Spreadsheets an attacker would upload, built by hand (zipfile + XML), small on disk.

`read_in_subprocess` reads one in a fresh interpreter and reports the refusal and how much the
process grew (ru_maxrss), so a file that used to abort a worker fails the test instead of the run.
"""
from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import lms

PROJECT_ROOT = Path(lms.__file__).resolve().parent.parent

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
SHEET_START = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
               '<dimension ref="{dimension}"/><sheetData>')
SHEET_END = "</sheetData></worksheet>"
HEADER_ROW = ('<row r="1">' + "".join(f'<c r="{c}1" t="inlineStr"><is><t>{h}</t></is></c>'
                                      for c, h in zip("ABCD", ["姓名", "身份证号", "乡镇", "村"], strict=True)) + "</row>")


def cell(ref: str, value: str = "1") -> str:
    """One numeric cell at `ref`, e.g. cell("XFD1048576")."""
    return f'<c r="{ref}"><v>{value}</v></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">' + "".join(cells) + "</row>"


def workbook(sheet_parts, *, dimension: str = "A1:D1", extra: dict[str, bytes | str] | None = None,
             prologue: str = "") -> bytes:
    """An .xlsx whose first sheet's <sheetData> holds `sheet_parts` (a string, or an iterable of
    strings streamed into the zip so a big sheet is never held whole); `prologue` goes before
    <worksheet>, `extra` adds members."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            start = SHEET_START.format(dimension=dimension)
            sheet.write(start.replace("<worksheet", prologue + "<worksheet", 1).encode())
            for part in [sheet_parts] if isinstance(sheet_parts, str) else sheet_parts:
                sheet.write(part.encode())
            sheet.write(SHEET_END.encode())
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def streamed_member(name: str, head: bytes, filler: bytes, size: int, tail: bytes = b"") -> bytes:
    """A zip holding one member of about `size` bytes (head, filler repeated, tail), written in chunks."""
    buffer = io.BytesIO()
    chunk = filler * (1024 * 1024 // len(filler))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:   # fast to build
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with archive.open(name, "w") as member:
            member.write(head)
            for _ in range(size // len(chunk)):
                member.write(chunk)
            member.write(tail)
    return buffer.getvalue()


def claim_sizes(data: bytes, claimed: int) -> bytes:
    """The same zip with every member's uncompressed size (local header and directory) set to `claimed`."""
    patched = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = archive.infolist()
    for info in members:
        struct.pack_into("<I", patched, info.header_offset + 22, claimed)
    position = patched.find(b"PK\x01\x02")
    while position >= 0:
        struct.pack_into("<I", patched, position + 24, claimed)
        position = patched.find(b"PK\x01\x02", position + 46)
    return bytes(patched)


_READER = """
import json, resource, sys
from lms.imports.files import FileError, read_table
data = open(sys.argv[1], "rb").read()
limits = json.loads(sys.argv[3])
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    table = read_table(data, sys.argv[2], **limits)
    message = None
except FileError as error:
    message = error.message
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"message": message, "grown_mb": grown / 1024}))
"""


def read_in_subprocess(tmp_path: Path, data: bytes, filename: str = "名册.xlsx", **limits) -> dict:
    """Read `data` with read_table in a new Python; {"message": refusal or None, "grown_mb": …}."""
    path = tmp_path / "upload.bin"
    path.write_bytes(data)
    limits.setdefault("max_bytes", 20 * 1024 * 1024)
    done = subprocess.run([sys.executable, "-c", _READER, str(path), filename, json.dumps(limits)],
                          cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"the reader died (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width: int, height: int, *, alpha: bool = False, pixels: bool = True) -> bytes:
    """A PNG of width×height built by hand. With pixels, every (black) row is there, streamed
    through zlib: 6300×6300 is ~120 KB on disk and 119 MB decoded. Without, only the header:
    what an attacker needs for Image.open to report the size."""
    channels = 4 if alpha else 3
    header = struct.pack(">IIBBBBB", width, height, 8, 6 if alpha else 2, 0, 0, 0)
    compressor = zlib.compressobj(9)
    parts = []
    if pixels:
        line = bytes(1 + width * channels)
        batch = line * max(1, (4 * 1024 * 1024) // len(line))
        rows = len(batch) // len(line)
        for done in range(0, height, rows):
            parts.append(compressor.compress(batch if height - done >= rows else line * (height - done)))
    else:
        parts.append(compressor.compress(bytes(1 + channels)))
    parts.append(compressor.flush())
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header) + _png_chunk(b"IDAT", b"".join(parts))
            + _png_chunk(b"IEND", b""))


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real 8×8 JPEG whose frame header (SOF0) claims width×height."""
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buffer, format="JPEG")
    data = bytearray(buffer.getvalue())
    start = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, start + 5, height, width)
    return bytes(data)


_PHOTO = """
import json, resource, sys
from lms.core.errors import DomainError
from lms.learners.photos import prepare_photo
data = open(sys.argv[1], "rb").read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    size = len(prepare_photo(data, max_bytes=2 * 1024 * 1024))
    message = None
except DomainError as error:
    message = error.message
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"message": message, "grown_mb": grown / 1024}))
"""


def photo_in_subprocess(tmp_path: Path, data: bytes) -> dict:
    """prepare_photo(data) in a new Python; {"message": refusal or None, "grown_mb": …}."""
    path = tmp_path / "photo.bin"
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", _PHOTO, str(path)], cwd=PROJECT_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, f"the reader died (exit {done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])
