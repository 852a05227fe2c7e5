"""What a file is, from its leading bytes: the readable formats, and the files refused.

======================  ==============================================
signature               format
======================  ==============================================
``PK\\x03\\x04``          zip container: xlsx / xlsm (``xl/``) or ods (``content.xml``)
``D0 CF 11 E0``           OLE2: legacy Excel ``.xls``
``$FL2`` / ``$FL3``       SPSS ``.sav`` / ``.zsav``
``<html``, ``<?xml`` …    a web page or Excel 2003 XML saved under a spreadsheet or CSV
                        name: an error saying so (also PDF, images, RTF)
anything else           delimited text (csv / tsv / txt)
======================  ==============================================

Zip containers are checked against a size and compression-ratio budget (zip bombs) before
any member is parsed.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

from evaltool.read.cells import ReadError

#: Refuse files larger than this before parsing (bytes).
MAX_FILE_BYTES = 512 * 1024 * 1024
#: Refuse zip containers whose members expand to more than this (zip-bomb guard).
MAX_UNZIPPED_BYTES = 2 * 1024 * 1024 * 1024
MAX_ZIP_RATIO = 200
#: What :mod:`zipfile` raises on a damaged container's directory.
_ZIP_ERRORS = (zipfile.BadZipFile, NotImplementedError, ValueError, OSError, EOFError, UnicodeError)

#: Extensions of the binary formats: a text file under one of these names is refused.
_BINARY_EXTENSIONS = ("xlsx", "xlsm", "xls", "ods", "sav", "zsav")

#: Leading bytes of files that are neither spreadsheets nor text tables.
_DOCUMENT_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"{\\rtf", "an RTF document"),
)


def file_digest(path: Path) -> tuple[str, int]:
    """SHA-256 hex digest and size in bytes of a file."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size


def sniff_format(head: bytes, path: Path | None = None) -> str:
    """Format of a file from its leading bytes.

    Parameters
    ----------
    head
        The file's first bytes (8 are enough).
    path
        The file, to tell an xlsx from an ods by the zip container's members; without it a
        zip container is taken for xlsx.

    Returns
    -------
    str
        ``"xlsx"``, ``"ods"``, ``"xls"``, ``"sav"`` or ``"text"``.
    """
    if head.startswith(b"PK\x03\x04"):
        if path is not None:
            try:
                with zipfile.ZipFile(path) as zf:
                    names = set(zf.namelist())
            except _ZIP_ERRORS as exc:
                raise ReadError(f"{path.name}: damaged zip container ({exc})", "file-corrupt")
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if "content.xml" in names:
                return "ods"
            raise ReadError(
                f"{path.name}: a zip file that is neither an Excel workbook nor an "
                "OpenDocument spreadsheet",
                "file-corrupt",
            )
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "xls"
    if head.startswith((b"$FL2", b"$FL3")):
        return "sav"
    return "text"


def sniff_file(path: Path) -> str:
    """Format of a file that can be read, after every check that needs no parsing.

    A missing, empty or oversized file, a zip container that would expand too much, and a
    document, image or markup file (under any name), or text under a spreadsheet or SPSS
    name are refused with a :class:`ReadError` saying what the file is.

    Returns
    -------
    str
        The format as :func:`sniff_format` names it.
    """
    if not path.exists():
        raise ReadError(f"{path}: no such file")
    if path.is_dir():
        raise ReadError(f"{path}: is a folder, not a file")
    size = path.stat().st_size
    if size == 0:
        raise ReadError(f"{path.name}: the file is empty", "file-empty")
    if size > MAX_FILE_BYTES:
        raise ReadError(f"{path.name}: {size} bytes is larger than the {MAX_FILE_BYTES} limit")
    with open(path, "rb") as fh:
        head = fh.read(8)
    file_format = sniff_format(head, path)
    if file_format in ("xlsx", "ods"):
        _check_zip(path)
    if file_format == "text":
        _refuse_non_table_text(path, head)
    return file_format


def _refuse_non_table_text(path: Path, head: bytes) -> None:
    """A :class:`ReadError` for a document or markup file, or for text named as binary."""
    ext = path.suffix.lower().lstrip(".")
    markup = _markup_kind(path) or _document_kind(head)
    if markup is not None:
        raise ReadError(
            f"{path.name}: this is {markup}, not "
            + (f"an .{ext} file" if ext in _BINARY_EXTENSIONS else "a spreadsheet or CSV file")
            + (
                " (web tools often save such files under an Excel name); open it in "
                "Excel and save it as an Excel workbook (.xlsx) or CSV, then import that "
                "file"
                if "web page" in markup or "XML" in markup
                else "; export the survey's answers again as an Excel workbook (.xlsx) or CSV"
            ),
            "file-corrupt",
        )
    if ext in _BINARY_EXTENSIONS:
        raise ReadError(
            f"{path.name}: the name says .{ext} but the content is not a {ext} file "
            "(it looks like plain text; rename it or export it again)",
            "file-corrupt",
        )


def _check_zip(path: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        total = 0
        for info in zf.infolist():
            total += info.file_size
            if (
                info.compress_size
                and info.file_size / info.compress_size > MAX_ZIP_RATIO
                and (info.file_size > 50 * 1024 * 1024)
            ):
                raise ReadError(
                    f"{path.name}: member {info.filename} expands suspiciously "
                    "(possible zip bomb); refusing to read it",
                    "file-corrupt",
                )
        if total > MAX_UNZIPPED_BYTES:
            raise ReadError(
                f"{path.name}: expands to {total} bytes; refusing to read it", "file-corrupt"
            )


def _document_kind(head: bytes) -> str | None:
    """'a PDF document', 'a PNG image', … from a file's leading bytes, or None."""
    return next((what for sig, what in _DOCUMENT_SIGNATURES if head.startswith(sig)), None)


def _markup_kind(path: Path) -> str | None:
    """What a markup file is ('a web page (HTML)', 'an Excel 2003 XML spreadsheet', …), or
    None when the file does not start like markup."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head[2:].decode(
            "utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", errors="ignore"
        )
    else:
        text = head.decode("utf-8", errors="ignore")
    text = text.lstrip("\ufeff \t\r\n").casefold()
    if text.startswith(("<!doctype html", "<html", "<table", "<head", "<meta", "<body")):
        return "a web page (HTML)"
    if text.startswith("mime-version:") and "multipart/related" in text:
        return "a saved web page (MHTML)"
    if text.startswith("<?xml"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text or "excel.sheet" in text:
            return "an Excel 2003 XML spreadsheet"
        if "<html" in text:
            return "a web page (XHTML)"
        return "an XML file"
    return None
