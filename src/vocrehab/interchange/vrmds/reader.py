"""Open a VRMDS dataset and stream its rows, refusing anything unsafe or unreadable.

A dataset is a folder of CSV files, a ``.zip`` of that folder (the files may sit inside
one top folder) or one ``.xlsx`` workbook with one sheet per file. Every file is read as
a stream, so memory does not grow with the size of the data, and every size is checked
against :class:`Limits` before and while it is read: an upload is untrusted input.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO

from django.utils.translation import gettext as _

MIB = 1024 * 1024

# Key under which a row dict carries the number of values actually found when the row
# is shorter than the header or has values beyond it (RFC 4180 wants equal widths).
WIDTH_KEY = None

# Members of a zip that operating systems add on their own; never data.
_JUNK_PREFIXES = ("__MACOSX/",)
_JUNK_NAMES = (".DS_Store", "Thumbs.db", "desktop.ini")
_ARCHIVE_SUFFIXES = (
    ".zip", ".xlsx", ".xlsm", ".xls", ".docx", ".ods", ".gz", ".tgz", ".bz2", ".xz",
    ".7z", ".rar", ".tar", ".jar",
)  # fmt: skip

# First bytes of formats people save by mistake instead of CSV.
_SIGNATURES = (
    (b"PK\x03\x04", "a zip archive or an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0", "an old Excel .xls workbook"),
    (b"%PDF", "a PDF document"),
    (b"\xff\xfe", "UTF-16 text (Excel's 'Unicode text')"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"{\\rtf", "an RTF document"),
)


@dataclass(frozen=True)
class Limits:
    """How much the reader accepts.

    The defaults hold a national ten-year dataset (a million episodes is about 700 MiB
    of CSV); a web upload should pass tighter limits.
    """

    max_file_bytes: int = 1024 * MIB  # one CSV file or worksheet, uncompressed
    max_total_bytes: int = 4096 * MIB  # all files together, uncompressed
    max_container_bytes: int = 1024 * MIB  # the .zip or .xlsx as uploaded
    max_ratio: int = 100  # uncompressed ÷ compressed size of one zip member
    max_members: int = 1000  # entries in a zip or xlsx
    ratio_floor_bytes: int = 4 * MIB  # members smaller than this skip the ratio test


class DatasetError(Exception):
    """The dataset, or one file in it, cannot be read; ``str()`` says why in plain words."""

    def __init__(
        self, message: str, *, file: str | None = None, row: int | None = None, column=None
    ):
        super().__init__(message)
        self.message = message
        self.file = file
        self.row = row
        self.column = column

    def __str__(self) -> str:
        parts = [p for p in (self.file, self.row, self.column) if p not in (None, "")]
        prefix = ":".join(str(p) for p in parts)
        return f"{prefix}: {self.message}" if prefix else self.message


def open_dataset(path: str | os.PathLike, *, limits: Limits | None = None) -> Dataset:
    """Open a folder, ``.zip`` or ``.xlsx`` dataset; raise :class:`DatasetError` if unsafe.

    Use it as a context manager so that archives are closed.
    """
    limits = limits or Limits()
    path = Path(path)
    if path.is_dir():
        return _FolderDataset(path, limits)
    if not path.is_file():
        raise DatasetError(_("no such file or folder"), file=path.name)
    size = path.stat().st_size
    if size > limits.max_container_bytes:
        raise DatasetError(
            _("the file is %(size)s, larger than the limit of %(limit)s")
            % {"size": _human(size), "limit": _human(limits.max_container_bytes)},
            file=path.name,
        )
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if suffix in (".zip", ".xlsx"):
        if not head.startswith(b"PK\x03\x04") and not head.startswith(b"PK\x05\x06"):
            kind = _sniff(head)
            raise DatasetError(
                _("this is not a %(suffix)s file%(kind)s")
                % {"suffix": suffix, "kind": f" ({kind})" if kind else ""},
                file=path.name,
            )
        if suffix == ".zip":
            return _ZipDataset(path, limits)
        return _XlsxDataset(path, limits)
    if suffix == ".xls":
        raise DatasetError(
            _("old .xls workbooks are not accepted; save it as .xlsx or as CSV UTF-8 files"),
            file=path.name,
        )
    if suffix == ".csv":
        raise DatasetError(
            _("give the folder (or a .zip of it) that holds episodes.csv, not one CSV file"),
            file=path.name,
        )
    raise DatasetError(
        _("a dataset is a folder, a .zip of that folder or one .xlsx workbook"), file=path.name
    )


class Table:
    """One file of a dataset: its header and a stream of its rows.

    Iterating yields ``(row_number, row)`` where ``row_number`` is the spreadsheet row
    (the header is row 1) and ``row`` maps column name to the cell text, stripped of
    surrounding spaces, "" when empty. Rows whose cells are all empty are skipped but
    still counted. A row of the wrong width also carries ``row[WIDTH_KEY]``, the number of
    values it had. Values in columns without a header name are kept under ``""``.
    """

    def __init__(self, name: str, label: str, rows: Iterator[list[str]], closer=None):
        self.name = name
        self.label = label
        self._rows = rows
        self._closer = closer
        try:
            header = next(rows, None)
        except BaseException:
            self.close()
            raise
        if header is None:
            self.close()
            raise DatasetError(_("the file is empty; row 1 must hold the column names"), file=label)
        self.columns = [h.strip() for h in header]
        seen = set()
        for name_ in self.columns:
            if name_ and name_ in seen:
                self.close()
                raise DatasetError(
                    _('the column "%(column)s" appears more than once') % {"column": name_},
                    file=label,
                    row=1,
                )
            seen.add(name_)
        self.row_count = 0

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __iter__(self) -> Iterator[tuple[int, dict]]:
        columns = self.columns
        width = len(columns)
        named = [i for i, c in enumerate(columns) if c]
        unnamed = [i for i, c in enumerate(columns) if not c]
        plain = not unnamed
        row_number = 1
        for values in self._rows:
            row_number += 1
            if len(values) == width and plain:
                stripped = [v.strip() for v in values]
                if not any(stripped):
                    continue
                row = dict(zip(columns, stripped, strict=True))
            else:
                stripped = [v.strip() for v in values]
                if not any(stripped):
                    continue
                row = {columns[i]: stripped[i] for i in named if i < len(stripped)}
                stray = [stripped[i] for i in unnamed if i < len(stripped) and stripped[i]]
                stray += [v for v in stripped[width:] if v]
                if stray:
                    row[""] = stray[0]
                if len(stripped) < width or any(stripped[width:]):
                    row[WIDTH_KEY] = len(stripped)
                for c in columns:
                    if c and c not in row:
                        row[c] = ""
            self.row_count += 1
            yield row_number, row


@dataclass
class _Budget:
    """Bytes read so far across the whole dataset, against the total limit."""

    limits: Limits
    read: int = 0
    label: str = ""
    closers: list = field(default_factory=list)

    def spend(self, n: int) -> None:
        self.read += n
        if self.read > self.limits.max_total_bytes:
            raise DatasetError(
                _("the dataset is larger than the limit of %(limit)s in total")
                % {"limit": _human(self.limits.max_total_bytes)},
                file=self.label,
            )


class _GuardedStream(io.RawIOBase):
    """A byte stream that enforces size limits and refuses what is plainly not text."""

    def __init__(self, raw: IO[bytes], label: str, limits: Limits, budget: _Budget):
        self._raw = raw
        self._label = label
        self._limit = limits.max_file_bytes
        self._budget = budget
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        chunk = self._raw.read(len(buffer))
        n = len(chunk)
        if self._count == 0 and n:
            kind = _sniff(chunk)
            if kind:
                raise DatasetError(
                    _("this is not a CSV file: it looks like %(kind)s. Save it as 'CSV UTF-8'")
                    % {"kind": kind},
                    file=self._label,
                )
        if b"\x00" in chunk:
            raise DatasetError(
                _("this is not a CSV text file (it holds binary data). Save it as 'CSV UTF-8'"),
                file=self._label,
            )
        self._count += n
        if self._count > self._limit:
            raise DatasetError(
                _("the file is larger than the limit of %(limit)s")
                % {"limit": _human(self._limit)},
                file=self._label,
            )
        self._budget.spend(n)
        buffer[:n] = chunk
        return n

    def close(self) -> None:
        try:
            self._raw.close()
        finally:
            super().close()


def _csv_table(name: str, label: str, opener, limits: Limits, budget: _Budget) -> Table:
    """A Table over a CSV byte stream; ``opener()`` gives a fresh stream of the same file."""
    guarded = io.BufferedReader(_GuardedStream(opener(), label, limits, budget), 256 * 1024)
    text = io.TextIOWrapper(guarded, encoding="utf-8-sig", newline="")

    def rows() -> Iterator[list[str]]:
        reader = csv.reader(text, strict=True)
        record = 0
        try:
            for record, values in enumerate(reader, start=1):  # noqa: B007
                yield values
        except UnicodeDecodeError:
            raise DatasetError(
                _("the text is not UTF-8 (line %(line)s). Save the file as 'CSV UTF-8'")
                % {"line": _first_bad_line(opener, limits.max_file_bytes)},
                file=label,
            ) from None
        except csv.Error as exc:
            raise DatasetError(
                _("row %(row)s cannot be read as CSV (%(detail)s); check its quotes")
                % {"row": record + 1, "detail": str(exc)},
                file=label,
            ) from None

    return Table(name, label, rows(), closer=text.close)


def _first_bad_line(opener, limit: int) -> int | str:
    """The line holding the first byte that is not UTF-8 (text is decoded in chunks, so
    the reader itself only knows roughly where it failed)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    seen = 0
    with opener() as raw:
        while seen <= limit:
            chunk = raw.read(64 * 1024)
            seen += len(chunk)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                return line + exc.object[: exc.start].count(b"\n")
            if not chunk:
                break
            # The decoder may hold back the last few bytes of a character: they hold no \n.
            line += chunk.count(b"\n")
    return "?"


class Dataset:
    """A readable dataset. ``names()`` lists its CSV files; ``open(name)`` gives a Table."""

    kind = ""

    def __init__(self, path: Path, limits: Limits):
        self.path = path
        self.limits = limits
        self._budget = _Budget(limits, label=path.name)
        self._files: dict[str, str] = {}  # canonical name -> location inside the container

    def __enter__(self) -> Dataset:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release the container."""

    def names(self) -> list[str]:
        """Lower-case file names (``episodes.csv`` …) present, sorted."""
        return sorted(self._files)

    def label(self, name: str) -> str:
        """What error messages call the file: its own name, or the sheet name."""
        return PurePosixPath(self._files[name]).name

    def open(self, name: str) -> Table:
        raise NotImplementedError

    def _add(self, location: str) -> None:
        canonical = PurePosixPath(location).name.lower()
        if not canonical.endswith(".csv"):
            canonical += ".csv"
        if canonical in self._files:
            raise DatasetError(
                _("%(name)s appears more than once") % {"name": canonical}, file=self.path.name
            )
        self._files[canonical] = location


class _FolderDataset(Dataset):
    kind = "folder"

    def __init__(self, path: Path, limits: Limits):
        super().__init__(path, limits)
        total = 0
        with os.scandir(path) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                # Symbolic links could point anywhere on the server: only plain files.
                if not entry.is_file(follow_symlinks=False):
                    continue
                if not entry.name.lower().endswith(".csv"):
                    continue
                size = entry.stat(follow_symlinks=False).st_size
                if size > limits.max_file_bytes:
                    raise DatasetError(
                        _("the file is %(size)s, larger than the limit of %(limit)s")
                        % {"size": _human(size), "limit": _human(limits.max_file_bytes)},
                        file=entry.name,
                    )
                total += size
                self._add(entry.name)
        if total > limits.max_total_bytes:
            raise DatasetError(
                _("the dataset is %(size)s, larger than the limit of %(limit)s")
                % {"size": _human(total), "limit": _human(limits.max_total_bytes)},
                file=path.name,
            )

    def open(self, name: str) -> Table:
        location = self._files[name]
        path = self.path / location
        return _csv_table(
            name, self.label(name), lambda: path.open("rb"), self.limits, self._budget
        )


def _check_zip(zf: zipfile.ZipFile, container: str, limits: Limits) -> list[zipfile.ZipInfo]:
    """Refuse zip bombs, path tricks, encryption and archives inside the archive."""
    infos = zf.infolist()
    if len(infos) > limits.max_members:
        raise DatasetError(
            _("the archive holds %(n)s entries, more than the limit of %(limit)s")
            % {"n": len(infos), "limit": limits.max_members},
            file=container,
        )
    total = 0
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name).parts
        if (
            "\\" in name
            or "\x00" in name
            or name.startswith("/")
            or (len(name) > 1 and name[1] == ":")
            or ".." in parts
        ):
            raise DatasetError(
                _('the archive holds an unsafe path "%(name)s"; it was refused') % {"name": name},
                file=container,
            )
        if info.is_dir():
            continue
        if info.flag_bits & 0x1:
            raise DatasetError(
                _('"%(name)s" is encrypted; remove the password and try again') % {"name": name},
                file=container,
            )
        if name.lower().endswith(_ARCHIVE_SUFFIXES) and not _is_junk(name):
            raise DatasetError(
                _('the archive holds another archive, "%(name)s"; unpack it first')
                % {"name": name},
                file=container,
            )
        if info.file_size > limits.max_file_bytes:
            raise DatasetError(
                _('"%(name)s" unpacks to %(size)s, larger than the limit of %(limit)s')
                % {
                    "name": name,
                    "size": _human(info.file_size),
                    "limit": _human(limits.max_file_bytes),
                },
                file=container,
            )
        if info.file_size > limits.ratio_floor_bytes and (
            info.compress_size == 0 or info.file_size / info.compress_size > limits.max_ratio
        ):
            raise DatasetError(
                _('"%(name)s" is compressed suspiciously well (a zip bomb?); it was refused')
                % {"name": name},
                file=container,
            )
        total += info.file_size
    if total > limits.max_total_bytes:
        raise DatasetError(
            _("the archive unpacks to %(size)s, larger than the limit of %(limit)s")
            % {"size": _human(total), "limit": _human(limits.max_total_bytes)},
            file=container,
        )
    return infos


def _is_junk(name: str) -> bool:
    base = PurePosixPath(name).name
    return name.startswith(_JUNK_PREFIXES) or base in _JUNK_NAMES or base.startswith("._")


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise DatasetError(
            _("the archive is damaged and cannot be opened (%(detail)s)") % {"detail": exc},
            file=path.name,
        ) from None


class _ZipDataset(Dataset):
    kind = "zip"

    def __init__(self, path: Path, limits: Limits):
        super().__init__(path, limits)
        self._zip = _open_zip(path)
        try:
            infos = _check_zip(self._zip, path.name, limits)
            csvs = [
                i.filename
                for i in infos
                if not i.is_dir()
                and not _is_junk(i.filename)
                and i.filename.lower().endswith(".csv")
            ]
            folders = {PurePosixPath(n).parent for n in csvs}
            if len(folders) > 1 or any(len(f.parts) > 1 for f in folders):
                raise DatasetError(
                    _("the CSV files must sit at the top of the archive or inside one folder"),
                    file=path.name,
                )
            for name in csvs:
                self._add(name)
        except BaseException:
            self._zip.close()
            raise

    def close(self) -> None:
        self._zip.close()

    def open(self, name: str) -> Table:
        location = self._files[name]
        label = self.label(name)

        def opener():
            try:
                return _ZipMember(self._zip.open(location), label)
            except (NotImplementedError, RuntimeError, zipfile.BadZipFile, zlib.error) as exc:
                raise DatasetError(
                    _("cannot unpack this file (%(detail)s)") % {"detail": exc}, file=label
                ) from None

        return _csv_table(name, label, opener, self.limits, self._budget)


class _ZipMember(io.RawIOBase):
    """Turns a damaged member (bad CRC, truncated) into a plain DatasetError."""

    def __init__(self, raw, label: str):
        self._raw = raw
        self._label = label

    def readable(self) -> bool:
        return True

    def read(self, n: int = -1) -> bytes:
        try:
            return self._raw.read(n)
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
            raise DatasetError(
                _("the file is damaged inside the archive (%(detail)s)") % {"detail": exc},
                file=self._label,
            ) from None

    def close(self) -> None:
        self._raw.close()
        super().close()


class _XlsxDataset(Dataset):
    kind = "xlsx"

    def __init__(self, path: Path, limits: Limits):
        super().__init__(path, limits)
        # Check the workbook as a zip first: openpyxl would otherwise inflate whatever
        # the file declares.
        with _open_zip(path) as zf:
            _check_zip(zf, path.name, limits)
        # openpyxl is loaded only for spreadsheet files.
        import openpyxl
        from openpyxl.utils.exceptions import InvalidFileException

        try:
            self._wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        except (
            InvalidFileException,
            zipfile.BadZipFile,
            KeyError,
            OSError,
            ValueError,
            zlib.error,
        ) as exc:
            raise DatasetError(
                _("this is not a readable Excel workbook (%(detail)s)") % {"detail": exc},
                file=path.name,
            ) from None
        self._sheets: dict[str, str] = {}
        try:
            for sheet in self._wb.sheetnames:
                self._add(sheet.strip())
                self._sheets[sheet.strip()] = sheet
        except BaseException:
            self._wb.close()
            raise

    def close(self) -> None:
        self._wb.close()

    def label(self, name: str) -> str:
        return self._files[name]

    def open(self, name: str) -> Table:
        ws = self._wb[self._sheets[self._files[name]]]
        label = self.label(name)

        def rows() -> Iterator[list[str]]:
            width = None
            try:
                for values in ws.iter_rows(values_only=True):
                    cells = [_cell_text(v) for v in values]
                    # A workbook need not store a row's trailing empty cells (write-only
                    # openpyxl and some Excel versions leave them out): they are empty.
                    if width is None:
                        while cells and not cells[-1]:
                            cells.pop()
                        width = len(cells)
                    elif len(cells) < width:
                        cells += [""] * (width - len(cells))
                    yield cells
            except DatasetError:
                raise
            except Exception as exc:  # openpyxl raises many kinds on a malformed sheet
                raise DatasetError(
                    _("the sheet cannot be read (%(detail)s)") % {"detail": exc}, file=label
                ) from None

        return Table(name, label, rows())


def _cell_text(value) -> str:
    """The text a CSV export of the cell would hold."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def _sniff(head: bytes) -> str:
    for signature, kind in _SIGNATURES:
        if head.startswith(signature):
            return _(kind)
    return ""


def _human(n: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:.3g} {unit}"
        n /= 1024
    return str(n)  # pragma: no cover
