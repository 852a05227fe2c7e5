"""Damaged copies of valid export files, for the fuzz tests and the fuzz benchmark.

:func:`mutate` applies one named damage to a file's bytes, deterministically from a seed:
the kinds of :data:`BYTE_KINDS` work on any file (a flipped byte, a truncation, an inserted
line end, quote or NUL), :data:`TEXT_KINDS` on delimited text (a duplicated header cell, a
huge or non-finite number, a row with extra fields, a very long cell, ``\\r\\r\\n`` line
ends) and :data:`ZIP_KINDS` on xlsx workbooks (a damaged or missing member, a text damage
inside a member's XML, a stray cell far from the table, a document type declaration).
"""

from __future__ import annotations

import io
import random
import re
import zipfile

#: Damage for any file's bytes.
BYTE_KINDS = ("flip", "flip_many", "truncate", "insert_cr", "insert_quote", "insert_nul", "delete")
#: Damage for delimited text (also applied inside an xlsx member's XML).
TEXT_KINDS = (
    "insert_lf",
    "insert_delimiter",
    "duplicate_line",
    "duplicate_header",
    "huge_number",
    "non_finite",
    "extra_fields",
    "long_cell",
    "cr_cr_lf",
)
#: Damage for xlsx workbooks.
ZIP_KINDS = ("member_flip", "member_text", "member_drop", "stray_cell", "dtd", "member_truncate")

#: Numbers that test the readers' and the decoders' range checks.
ODD_NUMBERS = (
    "1e308",
    "-1e308",
    "1e309",
    "99999999999999999999999",
    "inf",
    "-inf",
    "nan",
    "NaN",
    "1e-320",
    "-0",
    "0x10",
    "１２",
    "3,5e2",
)
_DIGITS = re.compile(rb"\d+")
_STRAY_REFS = ("XFD1048576", "A1048576", "XFD1", "ZZ99999", "B5000")


def kinds_for(data: bytes) -> tuple[str, ...]:
    """The damage kinds that apply to a file, from its leading bytes."""
    if data.startswith(b"PK\x03\x04"):
        return BYTE_KINDS + ZIP_KINDS
    if data.startswith(b"$FL"):
        return BYTE_KINDS + ("huge_number",)
    return BYTE_KINDS + TEXT_KINDS


def mutate(data: bytes, kind: str, seed: int) -> bytes:
    """A damaged copy of ``data``.

    Parameters
    ----------
    data
        The valid file's bytes.
    kind
        A kind of :data:`BYTE_KINDS`, :data:`TEXT_KINDS` or :data:`ZIP_KINDS`.
    seed
        Chooses the position and the details; the same seed gives the same bytes.

    Returns
    -------
    bytes
        The damaged file.
    """
    rng = random.Random(seed)
    if kind in ZIP_KINDS:
        return _zip_damage(data, kind, rng)
    return _damage(data, kind, rng)


def _damage(data: bytes, kind: str, rng: random.Random) -> bytes:  # noqa: C901 - one branch per kind
    buf = bytearray(data)
    pos = rng.randrange(len(buf) + 1) if buf else 0
    if kind == "flip" and buf:
        buf[min(pos, len(buf) - 1)] = rng.randrange(256)
    elif kind == "flip_many" and buf:
        for _ in range(rng.randint(2, 16)):
            buf[rng.randrange(len(buf))] = rng.randrange(256)
    elif kind == "truncate":
        del buf[pos:]
    elif kind == "delete":
        del buf[pos : pos + rng.randint(1, 64)]
    elif kind in ("insert_cr", "insert_quote", "insert_nul", "insert_lf", "insert_delimiter"):
        what = {
            "insert_cr": b"\r",
            "insert_quote": b'"',
            "insert_nul": b"\x00",
            "insert_lf": b"\n",
            "insert_delimiter": rng.choice([b",", b";", b"\t"]),
        }[kind]
        buf[pos:pos] = what * rng.randint(1, 3)
    elif kind == "duplicate_line":
        lines = bytes(buf).split(b"\n")
        k = rng.randrange(len(lines))
        lines.insert(k, lines[k])
        return b"\n".join(lines)
    elif kind == "duplicate_header":
        return _duplicate_header(bytes(buf), rng)
    elif kind in ("huge_number", "non_finite"):
        return _odd_number(bytes(buf), kind, rng)
    elif kind == "extra_fields":
        lines = bytes(buf).split(b"\n")
        k = rng.randrange(1, len(lines)) if len(lines) > 1 else 0
        sep = b";" if lines[0].count(b";") > lines[0].count(b",") else b","
        lines[k] = lines[k].rstrip(b"\r") + (sep + b"x") * rng.randint(1, 5) + b"\r"
        return b"\n".join(lines)
    elif kind == "long_cell":
        buf[pos:pos] = b"x" * rng.choice([70_000, 200_000, 1_100_000])
    elif kind == "cr_cr_lf":
        return bytes(buf).replace(b"\r\n", b"\r\r\n")
    return bytes(buf)


def _duplicate_header(data: bytes, rng: random.Random) -> bytes:
    head, nl, rest = data.partition(b"\n")
    sep = b";" if head.count(b";") > head.count(b",") else b","
    cells = head.rstrip(b"\r").split(sep)
    if len(cells) > 1:
        a, b = rng.sample(range(len(cells)), 2)
        cells[b] = cells[a]
    return sep.join(cells) + (b"\r" if head.endswith(b"\r") else b"") + nl + rest


def _odd_number(data: bytes, kind: str, rng: random.Random) -> bytes:
    runs = list(_DIGITS.finditer(data))
    if not runs:
        return data
    m = rng.choice(runs)
    pool = ODD_NUMBERS[:4] if kind == "huge_number" else ODD_NUMBERS[4:]
    if data.startswith(b"$FL"):  # SPSS: overwrite an 8-byte double in the data
        buf = bytearray(data)
        at = rng.randrange(max(1, len(buf) - 8))
        buf[at : at + 8] = rng.choice(
            [b"\x00\x00\x00\x00\x00\x00\xf0\x7f", b"\xff" * 8, b"\xff\xff\xff\xff\xff\xff\xef\x7f"]
        )
        return bytes(buf)
    return data[: m.start()] + rng.choice(pool).encode() + data[m.end() :]


def _zip_damage(data: bytes, kind: str, rng: random.Random) -> bytes:
    try:
        zin = zipfile.ZipFile(io.BytesIO(data))
        infos = zin.infolist()
    except zipfile.BadZipFile:
        return _damage(data, "flip", rng)
    if kind == "member_flip":  # damage the compressed stream of one member
        info = rng.choice(infos)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        buf = bytearray(data)
        for _ in range(rng.randint(1, 8)):
            k = start + rng.randrange(max(1, info.compress_size))
            buf[min(k, len(buf) - 1)] ^= 1 << rng.randrange(8)
        return bytes(buf)
    sheets = [i for i in infos if i.filename.startswith("xl/worksheets/")] or infos
    target = rng.choice(sheets if kind in ("stray_cell", "dtd") else infos)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in infos:
            member = zin.read(info.filename)
            if info.filename == target.filename:
                if kind == "member_drop":
                    continue
                member = _member_damage(member, kind, rng)
            zout.writestr(info, member)
    return out.getvalue()


def _member_damage(member: bytes, kind: str, rng: random.Random) -> bytes:
    if kind == "member_truncate":
        return member[: rng.randrange(len(member) + 1)]
    if kind == "dtd":
        decl = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>'
        return decl + re.sub(rb"^<\?xml[^>]*\?>", b"", member)
    if kind == "stray_cell":
        ref = rng.choice(_STRAY_REFS)
        row = re.sub(r"\D", "", ref)
        cell = f'<row r="{row}"><c r="{ref}" t="inlineStr"><is><t>x</t></is></c></row>'
        return member.replace(b"</sheetData>", cell.encode() + b"</sheetData>")
    text_kind = rng.choice(BYTE_KINDS + ("huge_number", "non_finite", "duplicate_line"))
    return _damage(member, text_kind, rng)
