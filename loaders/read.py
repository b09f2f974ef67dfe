"""Readers: turn a plan file (.txt .md .html .htm .docx .pdf) into a SourceText.

`SourceText.text` is the document's text as returned here, and every offset in the
graph points into it. For text files it is the decoded file (byte order mark
dropped, line endings unified to ``\\n``); for HTML, DOCX and PDF it is the text
extracted by the reader, laid out so that one table parser serves every format:
block elements become lines and each table row becomes one line ``cell | cell |``.
"""
from __future__ import annotations

import codecs
import contextlib
import glob
import logging
import os
import re
import unicodedata
import warnings as warnings_module
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path

import docx
from bs4 import BeautifulSoup, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from charset_normalizer import from_bytes
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader
from pypdf.errors import PdfReadError

from policykg.loaders.errors import InputError
from policykg.loaders.limits import check_size
from policykg.loaders.model import SourceText

__all__ = [
    "SUPPORTED_EXTENSIONS", "CHINESE_ENCODINGS", "supported_extensions_text", "read_source", "decode_bytes",
    "unify_line_endings", "html_to_text", "render_table_row", "table_grid", "docx_to_text", "pdf_to_text", "PathError",
    "iter_input_files",
]

# extension → SourceText.format
SUPPORTED_EXTENSIONS = {
    ".txt": "txt",
    ".md": "md",
    ".html": "html",
    ".htm": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}

# Encodings a Chinese plan that is not UTF-8 plausibly uses. GB18030 is a superset of
# GBK and GB2312, so decoding with it reproduces GBK text exactly.
CHINESE_ENCODINGS = ["gb18030", "big5"]

_BOMS = [  # longest first: the UTF-32-LE mark starts with the UTF-16-LE one
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Share of control characters above which decoded "text" is really binary data.
_MAX_CONTROL_SHARE = 0.01


def supported_extensions_text() -> str:
    return ", ".join(SUPPORTED_EXTENSIONS)


def read_source(path: str | os.PathLike) -> SourceText:
    """Read one plan file; raise InputError (one line, naming the file) if it cannot be used."""
    p = Path(path)
    name = str(path)
    if not p.exists():
        raise InputError(f"{name}: no such file; check the path")
    if p.is_dir():
        raise InputError(f"{name}: is a folder, not a file; pass the files in it (folders are expanded by iter_input_files)")
    fmt = SUPPORTED_EXTENSIONS.get(p.suffix.lower())
    if fmt is None:
        raise InputError(
            f"{name}: unsupported file type '{p.suffix or '(none)'}'; "
            f"convert it to one of {supported_extensions_text()}"
        )
    try:
        if fmt in ("txt", "md", "html"):   # a .docx or .pdf is checked by what it unpacks to
            check_size(name, p.stat().st_size, "max_text_bytes", "file")
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{name}: cannot be read ({exc.strerror or exc}); check its permissions") from exc
    if not data.strip():
        raise InputError(f"{name}: file is empty; export the plan's text into it and retry")

    warnings: list[str] = []
    encoding: str | None = None
    if fmt in ("txt", "md"):
        text, encoding = decode_bytes(data, name)
    elif fmt == "html":
        text, encoding = html_to_text(data, name)
    elif fmt == "docx":
        text = docx_to_text(p, name)
    else:
        text, warnings = pdf_to_text(p, name)

    if not text.strip():
        if fmt in ("txt", "md"):
            raise InputError(f"{name}: file is empty (only whitespace); export the plan's text into it and retry")
        raise InputError(f"{name}: contains no text; check that the right file was exported")
    check_size(name, len(text.encode("utf-8", "surrogatepass")), "max_text_bytes", "text")
    text, replaced = _replace_lone_surrogates(text)
    if replaced:
        warnings.append(f"{p.stem}: {replaced} invalid character(s) (lone UTF-16 surrogates) replaced by U+FFFD")
    return SourceText(path=name, source=p.stem, text=text, format=fmt, encoding=encoding, warnings=warnings)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _replace_lone_surrogates(text: str) -> tuple[str, int]:
    """Lone surrogates (a PDF whose ToUnicode map points at U+D800, bytes decoded with surrogateescape)
    are no characters: no encoder takes them, so they become U+FFFD, one for one (offsets stay).

    >>> _replace_lone_surrogates("养老" + chr(0xD800) + "床位")
    ('养老\ufffd床位', 1)
    """
    return _LONE_SURROGATE.subn("\ufffd", text)


# -- plain text -----------------------------------------------------------------

def decode_bytes(data: bytes, name: str = "<bytes>") -> tuple[str, str]:
    """Decode a text file's bytes; return (text, encoding name).

    Order: a byte order mark, then strict UTF-8, then BOM-less UTF-16/32 (only when
    the bytes hold NULs, which no GBK or UTF-8 text does), then charset-normalizer
    restricted to Chinese encodings. Line endings become ``\\n``.

    Examples:
        >>> decode_bytes("养老\\r\\n服务".encode("gb18030"))
        ('养老\\n服务', 'gb18030')
        >>> decode_bytes(b"\\xef\\xbb\\xbfplan\\r")
        ('plan\\n', 'utf-8-sig')
    """
    decoded = _decode_after_bom(data, name)
    if decoded is None and b"\x00" in data:
        decoded = _decode_bomless_wide(data, name)
    if decoded is None:
        try:
            decoded = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            decoded = _decode_detected(data, name)
    text, encoding = decoded
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise InputError(f"{name}: looks like a binary file, not text; pass the plan's text, .docx or .pdf instead")
    return unify_line_endings(text), encoding


def _decode_after_bom(data: bytes, name: str) -> tuple[str, str] | None:
    """The text after a byte order mark, decoded with the codec the mark names; None
    when the data starts with no mark."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec.replace("-sig", "")), codec
            except UnicodeDecodeError as exc:
                raise InputError(
                    f"{name}: starts with a {codec} byte order mark but is not valid {codec}; re-save it as UTF-8") from exc
    return None


def unify_line_endings(text: str) -> str:
    """Every line ending as ``\\n`` (Windows ``\\r\\n``, old Mac ``\\r``).

    Examples:
        >>> unify_line_endings("a\\r\\nb\\rc")
        'a\\nb\\nc'
    """
    return text.replace("\r\n", "\n").replace("\r", "\n")


# The control characters (Unicode category Cc, a fixed set) but the layout ones \t \n \v \f \r: a regex
# counts them in C, where asking `unicodedata.category` of every character of every file cost more.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")


def _control_share(text: str) -> float:
    """Share of the text's characters that are control characters (a binary file's are many).

    >>> _control_share("养老\\x00\\n"), _control_share("")
    (0.25, 0.0)
    """
    if not text:
        return 0.0
    return len(_CONTROL.findall(text)) / len(text)


def _plausible_share(text: str) -> float:
    """Share of characters a Chinese or English plan is made of."""
    if not text:
        return 0.0
    good = 0
    for c in text:
        o = ord(c)
        if (0x20 <= o < 0x7F or c in "\t\n\r\f" or 0x4E00 <= o <= 0x9FFF or 0x3000 <= o <= 0x303F
                or 0xFF00 <= o <= 0xFFEF or 0x2000 <= o <= 0x206F or 0x3400 <= o <= 0x4DBF or o in (0xA0, 0xB7)):
            good += 1
    return good / len(text)


def _decode_bomless_wide(data: bytes, name: str) -> tuple[str, str]:
    """NUL bytes: UTF-16/32 without a byte order mark, or binary data."""
    best: tuple[float, str, str] | None = None
    for codec, unit in (("utf-16-le", 2), ("utf-16-be", 2), ("utf-32-le", 4), ("utf-32-be", 4)):
        if len(data) % unit:
            continue
        try:
            candidate = data.decode(codec)
        except UnicodeDecodeError:
            continue
        score = _plausible_share(candidate)
        if best is None or score > best[0]:
            best = (score, candidate, codec)
    if best is None or best[0] < 0.95:
        raise InputError(f"{name}: looks like a binary file (it contains NUL bytes); pass the plan's text, .docx or .pdf instead")
    return best[1], best[2]


def _decode_detected(data: bytes, name: str) -> tuple[str, str]:
    match = from_bytes(data, cp_isolation=CHINESE_ENCODINGS).best()
    if match is None or match.encoding is None:
        raise InputError(
            f"{name}: cannot decode the text (not UTF-8, UTF-16 or a Chinese encoding such as GBK/GB18030/Big5); "
            "re-save it as UTF-8"
        )
    codec = codecs.lookup(match.encoding).name
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError as exc:
        raise InputError(f"{name}: cannot decode the text as {codec} (byte {exc.start}); re-save it as UTF-8") from exc


# -- HTML ----------------------------------------------------------------------

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)

# Elements that are never shown.
# Tables inside tables deeper than this are read as lines: each level reads its cells with a walker of
# its own, so the nesting of tables is the one depth that still costs Python stack.
_MAX_TABLE_NESTING = 8
_HTML_INVISIBLE = {"script", "style", "noscript", "template", "head", "title", "meta", "link",
                   "iframe", "object", "embed", "svg", "canvas", "select", "option", "button", "input", "textarea"}
# Elements that start and end a line.
_HTML_BLOCKS = {"address", "article", "aside", "blockquote", "body", "center", "dd", "details", "dialog", "div", "dl",
                "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
                "header", "hr", "html", "legend", "li", "main", "nav", "ol", "p", "pre", "section", "summary",
                "ul", "caption", "table", "tr"}
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def html_to_text(data: bytes, name: str = "<html>") -> tuple[str, str]:
    """Visible text of an HTML page; block elements become lines, table rows `a | b |` lines.

    Examples:
        >>> html_to_text(b"<meta charset='utf-8'><p>\\xe4\\xb8\\x80</p><table><tr><td>1</td><td></td></tr></table>")
        ('一\\n1 | |', 'utf-8')
    """
    markup, encoding = _decode_declared(data) or decode_bytes(data, name)
    soup = BeautifulSoup(markup, "html.parser")
    lines = _HtmlLines()
    lines.walk(soup)
    return "\n".join(lines.finish()), encoding


def _decode_declared(data: bytes) -> tuple[str, str] | None:
    """The page decoded with the charset its `<meta>` declares; None when it declares
    none, or one that is unknown or does not decode the page."""
    declared = _META_CHARSET.search(data[:4096])
    if not declared:
        return None
    try:
        codec = codecs.lookup(declared.group(1).decode("ascii")).name
        # gb2312/gbk pages routinely use GB18030-only characters.
        if codec in ("gb2312", "gbk"):
            codec = "gb18030"
        return data.decode(codec).lstrip("\ufeff"), codec
    except (LookupError, UnicodeDecodeError):
        return None


def render_table_row(cells: list[str]) -> str:
    """One table row as one line, `cell | cell | |` (an empty cell is a bare `|`).

    Examples:
        >>> render_table_row(["1", "", "养老服务科"])
        '1 | | 养老服务科 |'
    """
    return " ".join(f"{c} |" if c else "|" for c in cells)


def _is_wide(c: str) -> bool:
    return unicodedata.east_asian_width(c) in ("W", "F")


def _collapse_html_space(text: str) -> str:
    """Collapse source whitespace as a browser does: a line break between two wide
    (CJK) characters disappears, any other run becomes one space.

    Examples:
        >>> _collapse_html_space("养老\\n服务  工作")
        '养老服务 工作'
        >>> _collapse_html_space("plan\\nA")
        'plan A'
    """
    out: list[str] = []
    for m in re.finditer(r"[ \t\n\r\f]+|[^ \t\n\r\f]+", text):
        chunk = m.group()
        if chunk[0] in " \t\n\r\f":
            before = text[m.start() - 1] if m.start() > 0 else ""
            after = text[m.end()] if m.end() < len(text) else ""
            if ("\n" in chunk or "\r" in chunk) and before and after and _is_wide(before) and _is_wide(after):
                continue
            out.append(" ")
        else:
            out.append(chunk)
    return "".join(out)


class _HtmlLines:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.pending: list[str] = []

    def newline(self) -> None:
        if self.pending:
            line = _collapse_html_space("".join(self.pending)).strip(" ")
            if line:
                self.lines.append(line)
            self.pending = []

    def finish(self) -> list[str]:
        self.newline()
        return self.lines

    def walk(self, node, tables: int = 0) -> None:
        """The lines of `node`'s visible text. A loop over a stack, not recursion: a page nested a
        thousand elements deep (broken or hostile markup) must not exhaust Python's stack.
        `tables` counts the tables around `node`: deeper than `_MAX_TABLE_NESTING` a table's
        cells are read as plain lines, since each level of table reads its cells afresh."""
        stack: list[tuple[Iterator, bool]] = [(iter(node.children), False)]
        while stack:
            child = next(stack[-1][0], None)
            if child is None:
                if stack.pop()[1]:
                    self.newline()
                continue
            if isinstance(child, (Comment, Doctype, Declaration, ProcessingInstruction)):
                continue
            if isinstance(child, NavigableString):
                self.pending.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            tag = child.name.lower() if child.name else ""
            if tag in _HTML_INVISIBLE or child.has_attr("hidden") or _HIDDEN_STYLE.search(str(child.get("style", "") or "")):
                continue
            if tag == "br":
                self.newline()
            elif tag == "table" and tables < _MAX_TABLE_NESTING:
                self.newline()
                for cells in table_grid(_table_rows(child), tables + 1):
                    if any(cells):
                        self.lines.append(render_table_row(cells))
            elif tag in _HTML_BLOCKS or tag == "table":
                self.newline()
                stack.append((iter(child.children), True))
            else:
                stack.append((iter(child.children), False))


def _table_rows(table):
    for child in table.find_all(recursive=False):
        name = (child.name or "").lower()
        if name == "tr":
            yield child
        elif name in ("thead", "tbody", "tfoot"):
            yield from child.find_all("tr", recursive=False)


def _span(cell, attribute: str) -> int:
    """A cell's `rowspan` / `colspan` as a number (1 when missing or unreadable)."""
    try:
        return max(1, int(str(cell.get(attribute, 1)).strip() or 1))
    except ValueError:
        return 1


def table_grid(rows: Iterable, tables: int = 1) -> list[list[str]]:
    """The cell texts of an HTML table's rows, with every cell in its column.

    A cell with `rowspan` stands in the rows below it too: its text is repeated there
    at its column (as Word repeats a vertically merged cell), so the cells after it
    keep their columns. A cell with `colspan` is its text and an empty cell for each
    further column it covers (`| 二、社会救助 | | | |`, a category row across the table).

    Examples:
        >>> soup = BeautifulSoup("<table><tr><td rowspan=2>1</td><td>新增</td></tr>"
        ...                      "<tr><td>提升</td></tr></table>", "html.parser")
        >>> table_grid(soup.find_all("tr"))
        [['1', '新增'], ['1', '提升']]
        >>> soup = BeautifulSoup("<table><tr><td colspan=2>一、养老</td></tr></table>", "html.parser")
        >>> table_grid(soup.find_all("tr"))
        [['一、养老', '']]
        >>> soup = BeautifulSoup("<table><tr><td>1</td><td>新增</td></tr><tr><td>2</td><td>提升</td></tr></table>",
        ...                      "html.parser")
        >>> table_grid(soup.find_all("tr"))
        [['1', '新增'], ['2', '提升']]
    """
    carried: dict[int, tuple[str, int, int]] = {}   # column → (text, columns it covers, rows still to cover)
    grid = []
    for row in rows:
        cells, column = [], 0
        queue = [(_cell_text(c, tables), _span(c, "colspan"), _span(c, "rowspan"))
                 for c in row.find_all(["td", "th"], recursive=False)]
        while queue or any(col >= column for col in carried):
            if column in carried:
                text, width, left = carried.pop(column)
                if left > 1:
                    carried[column] = (text, width, left - 1)
                cells.extend([text] + [""] * (width - 1))
                column += width
                continue
            if not queue:
                column = min(col for col in carried if col >= column)
                continue
            text, width, height = queue.pop(0)
            if height > 1:
                carried[column] = (text, width, height - 1)
            cells.extend([text] + [""] * (width - 1))
            column += width
        grid.append(cells)
    return grid


def _cell_text(cell, tables: int = 1) -> str:
    """A table cell's text on one line: its lines joined with a space, or with nothing
    between two Chinese characters."""
    inner = _HtmlLines()
    inner.walk(cell, tables)
    text = ""
    for line in inner.finish():
        if text and not (_is_wide(text[-1]) and _is_wide(line[0])):
            text += " "
        text += line
    return text


# -- DOCX ----------------------------------------------------------------------

def docx_to_text(path: Path, name: str = "<docx>") -> str:
    """Paragraphs and tables of the document body, in document order."""
    _check_unpacked_size(path, name)
    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise InputError(f"{name}: is not a valid .docx file; open it in Word and save it as .docx again") from exc
    except Exception as exc:  # zipfile.BadZipFile, lxml errors …
        raise InputError(f"{name}: is not a valid .docx file ({type(exc).__name__}); save it as .docx again") from exc
    lines: list[str] = []
    _docx_blocks(document.element.body, document, lines)
    return "\n".join(lines)


def _check_unpacked_size(path: Path, name: str) -> None:
    """Refuse a .docx whose parts unpack to more than the limit, before any is unpacked (a zip bomb:
    1.5 MB that inflates to gigabytes). The sizes are the archive's own declarations, and zipfile
    stops reading a member at its declared size, so a lying archive cannot get past this either."""
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise InputError(f"{name}: is not a valid .docx file ({type(exc).__name__}); save it as .docx again") from exc
    check_size(name, unpacked, "max_docx_unpacked_bytes", "unpacked .docx")


def _docx_blocks(container, parent, lines: list[str]) -> None:
    for child in _docx_body_elements(container):
        if child.tag == qn("w:p"):
            text = Paragraph(child, parent).text
            lines.extend(text.split("\n") if text else [""])
        elif child.tag == qn("w:tbl"):
            table = Table(child, parent)
            for row in table.rows:
                cells, seen = [], None
                for cell in row.cells:
                    # python-docx repeats a horizontally merged cell once per grid column
                    if seen is not None and cell._tc is seen:
                        continue
                    seen = cell._tc
                    cells.append(" ".join(t.strip() for t in cell.text.split("\n") if t.strip()))
                if any(cells):
                    lines.append(render_table_row(cells))



def _docx_body_elements(container) -> Iterator:
    """The paragraphs and tables of `container` in order, content controls (w:sdt) opened in place,
    without recursion (controls nest as deep as a file says)."""
    stack = [container.iterchildren()]
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                stack.append(content.iterchildren())
        else:
            yield child


# -- PDF -----------------------------------------------------------------------

def pdf_to_text(path: Path, name: str = "<pdf>") -> tuple[str, list[str]]:
    """The PDF's text layer, pages joined with newlines; no text at all means OCR is needed."""
    with _pypdf_messages() as problems:
        pages = _pdf_pages(path, name)
    if not any(p.strip() for p in pages):
        raise InputError(f"{name}: PDF has no text layer (a scan?); OCR is needed — run it through OCR (e.g. ocrmypdf) and retry")
    warnings = []
    if problems:
        warnings.append(f"{Path(name).stem}: the PDF reader reported {len(problems)} problem(s) in the file, "
                        f"e.g. {problems[0]!r}; check the extracted text")
    empty = [str(i + 1) for i, p in enumerate(pages) if not p.strip()]
    if empty:
        warnings.append(f"{Path(name).stem}: PDF pages without a text layer were skipped: {', '.join(empty)}")
    text = "\n".join(unify_line_endings(p).rstrip("\n") for p in pages)
    return text + "\n", warnings


class _Collect(logging.Handler):
    def __init__(self, into: list[str]):
        super().__init__(logging.WARNING)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        self.into.append(record.getMessage().splitlines()[0] if record.getMessage() else record.levelname)


@contextlib.contextmanager
def _pypdf_messages() -> Iterator[list[str]]:
    """pypdf logs what it finds wrong in a file on its own loggers, which would print lines of their own
    on stderr (breaking the one line per error); collect them here instead, and its warnings too."""
    problems: list[str] = []
    logger = logging.getLogger("pypdf")
    handler, propagate = _Collect(problems), logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings_module.catch_warnings(record=True) as caught:
            warnings_module.simplefilter("always")
            yield problems
        problems.extend(str(w.message).splitlines()[0] for w in caught if str(w.message))
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _pdf_pages(path: Path, name: str) -> list[str]:
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                reader.decrypt("")
            except Exception as exc:
                raise InputError(f"{name}: PDF is password-protected; remove the password and retry") from exc
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except (PdfReadError, ValueError, KeyError, OSError) as exc:
        raise InputError(f"{name}: is not a readable PDF ({exc}); re-export it as PDF") from exc
    except Exception as exc:
        raise InputError(f"{name}: is not a readable PDF ({type(exc).__name__}); re-export it as PDF") from exc
    return pages


# -- inputs ----------------------------------------------------------------------

_GLOB_CHARS = re.compile(r"[*?\[]")


class PathError(str):
    """A one-line message ``<path>: <problem>; <what to do>`` about an input path, which it keeps as
    `.path` (paths may hold colons, e.g. Windows drive letters, so the message is not split to find it)."""

    path: str

    def __new__(cls, path: str, problem: str) -> PathError:
        message = super().__new__(cls, f"{path}: {problem}")
        message.path = path
        return message


def iter_input_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[PathError]]:
    """Expand files, folders (recursively) and globs into plan files.

    Returns (files, errors): files in a stable order without duplicates; errors as
    one-line messages ``<path>: <problem>; <what to do>`` for missing paths, folders
    or globs without a supported file and files of an unsupported type.
    """
    files: list[Path] = []
    errors: list[PathError] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = p.resolve()
        if key not in seen:
            seen.add(key)
            files.append(p)

    for raw in paths:
        name = str(raw)
        p = Path(raw)
        if p.is_dir():
            found = _supported_files_under(p)
            if not found:
                errors.append(PathError(name, f"folder has no supported file ({supported_extensions_text()}); check the folder"))
            for f in found:
                add(f)
        elif p.is_file():
            if p.suffix.lower() in SUPPORTED_EXTENSIONS:
                add(p)
            else:
                errors.append(PathError(
                    name, f"unsupported file type '{p.suffix or '(none)'}'; convert it to one of {supported_extensions_text()}"))
        elif _GLOB_CHARS.search(name):
            matches = sorted(glob.glob(name, recursive=True))
            found = []
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    found.extend(_supported_files_under(mp))
                elif mp.is_file() and mp.suffix.lower() in SUPPORTED_EXTENSIONS:
                    found.append(mp)
            if not found:
                errors.append(PathError(
                    name, f"pattern matches no supported file ({supported_extensions_text()}); check the pattern"))
            for f in found:
                add(f)
        else:
            errors.append(PathError(name, "no such file or folder; check the path"))
    return files, errors


def _supported_files_under(folder: Path) -> list[Path]:
    found = []
    for f in folder.rglob("*"):
        rel = f.relative_to(folder).parts
        if any(part.startswith(".") for part in rel):  # hidden files and folders (.git, .DS_Store …)
            continue
        if f.is_file() and f.suffix.lower() in SUPPORTED_EXTENSIONS:
            found.append(f)
    return sorted(found)
