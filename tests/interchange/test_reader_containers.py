"""Reading datasets: folder, zip and xlsx containers, and refusing unsafe or unreadable ones."""

import datetime as dt
import io
import struct
import zipfile

import openpyxl
import pytest

from vocrehab.interchange.vrmds.reader import DatasetError, Limits, open_dataset
from vocrehab.interchange.vrmds.validate import validate_dataset

from .helpers import EXAMPLE, TODAY, read_example

NAMES = ("episodes.csv", "contacts.csv", "onward.csv", "measures.csv")


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _example_members(prefix=""):
    return {prefix + name: (EXAMPLE / name).read_bytes() for name in NAMES}


def _errors(path, **kwargs):
    return [str(e) for e in validate_dataset(path, today=TODAY, **kwargs).errors]


# -- containers that must be accepted ---------------------------------------------------


def test_zip_with_files_at_the_top(tmp_path):
    assert _errors(_zip(tmp_path / "d.zip", _example_members())) == []


def test_zip_with_files_inside_one_folder_and_mac_litter(tmp_path):
    members = _example_members("export-2024/")
    members["__MACOSX/export-2024/._episodes.csv"] = b"\x00\x05\x16\x07junk"
    members["export-2024/README.md"] = b"notes"
    path = _zip(tmp_path / "d.zip", members)
    result = validate_dataset(path, today=TODAY)
    assert result.is_valid, [str(e) for e in result.errors]
    assert result.rows["measures.csv"] == 18


def test_zip_with_files_in_two_folders_is_refused(tmp_path):
    members = _example_members("a/")
    members["b/contacts.csv"] = members.pop("a/contacts.csv")
    assert _errors(_zip(tmp_path / "d.zip", members)) == [
        "d.zip: the CSV files must sit at the top of the archive or inside one folder"
    ]


def _workbook(path, files):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in files.items():
        ws = wb.create_sheet(name.removesuffix(".csv"))
        header = list(rows[0])
        ws.append(header)
        for row in rows:
            ws.append([_excel_value(row[c]) for c in header])
    wb.save(path)
    return path


def _excel_value(text):
    """What Excel makes of typed-in text: numbers become numbers, dates become dates."""
    if text.isdigit() and not text.startswith("0"):
        return int(text)
    try:
        return dt.datetime.fromisoformat(text) if len(text) == 10 and text[4] == "-" else text
    except ValueError:
        return text


def test_xlsx_workbook_with_one_sheet_per_file(tmp_path):
    path = _workbook(tmp_path / "d.xlsx", read_example())
    result = validate_dataset(path, today=TODAY)
    assert result.is_valid, [str(e) for e in result.errors]
    assert result.rows == {
        "episodes.csv": 4,
        "contacts.csv": 5,
        "onward.csv": 2,
        "measures.csv": 18,
    }


def test_xlsx_errors_name_the_sheet_and_its_row(tmp_path):
    files = read_example()
    files["episodes.csv"][2]["tier"] = "7"
    path = _workbook(tmp_path / "d.xlsx", files)
    assert _errors(path) == ['episodes:4:tier: "7" is not a tier code; use one of: 1, 2, 3']


def test_xlsx_reads_decimals_and_keeps_empty_rows_in_the_count(tmp_path):
    files = read_example()
    path = _workbook(tmp_path / "d.xlsx", files)
    wb = openpyxl.load_workbook(path)
    ws = wb["measures"]
    ws.append([])
    ws.append(["EX-1", "entry", dt.datetime(2024, 1, 12), "copm", "performance", 4.9])
    ws.append(["EX-1", "entry", dt.datetime(2024, 1, 12), "copm", "satisfaction", 11.5])
    wb.save(path)
    assert _errors(path) == [
        "measures:22:value: value 11.5 is outside 1–10 for copm item satisfaction"
    ]


def test_csv_with_bom_crlf_and_quoted_newlines(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_bytes((EXAMPLE / name).read_bytes())
    text = (
        (EXAMPLE / "onward.csv")
        .read_text()
        .replace("Access to Work", '"Access to Work,\nEast team"')
    )
    (folder / "onward.csv").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode())
    episodes = (EXAMPLE / "episodes.csv").read_text().replace(",EX-1\n", ",EX-9\n")
    (folder / "episodes.csv").write_text("\ufeff" + episodes, encoding="utf-8")
    # The quoted line break does not shift row numbers: row 3 is still the second record.
    assert _errors(folder) == [
        'episodes.csv:5:previous_episode_id: there is no episode "EX-9" in this service to be '
        "the previous one"
    ]
    with open_dataset(folder) as dataset, dataset.open("onward.csv") as table:
        rows = list(table)
    assert [n for n, _ in rows] == [2, 3]
    assert rows[1][1]["service_name"] == "Access to Work,\r\nEast team"


# -- containers that must be refused -------------------------------------------------------


def test_zip_bomb_by_ratio_is_refused(tmp_path):
    members = _example_members()
    members["episodes.csv"] += b"\n" * (20 * 1024 * 1024)
    assert _errors(_zip(tmp_path / "bomb.zip", members)) == [
        'bomb.zip: "episodes.csv" is compressed suspiciously well (a zip bomb?); it was refused'
    ]


def test_declared_size_over_the_limit_is_refused(tmp_path):
    path = _zip(tmp_path / "big.zip", _example_members())
    lines = _errors(path, limits=Limits(max_file_bytes=1000))
    assert lines == [
        'big.zip: "episodes.csv" unpacks to 1.09 KiB, larger than the limit of 1,000 bytes'
    ]
    lines = _errors(path, limits=Limits(max_total_bytes=2000))
    assert lines == ["big.zip: the archive unpacks to 2.45 KiB, larger than the limit of 1.95 KiB"]


def test_member_larger_than_declared_is_refused(tmp_path):
    path = _zip(tmp_path / "liar.zip", _example_members())
    data = bytearray(path.read_bytes())
    real = len((EXAMPLE / "episodes.csv").read_bytes())
    # Make both the local header and the central directory claim 100 bytes.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = data.find(signature)
        while start != -1:
            (size,) = struct.unpack_from("<I", data, start + offset)
            if size == real:
                struct.pack_into("<I", data, start + offset, 100)
            start = data.find(signature, start + 4)
    path.write_bytes(bytes(data))
    lines = _errors(path)
    assert len(lines) == 1
    assert lines[0].startswith("episodes.csv: the file is damaged inside the archive")


def test_actual_size_over_the_limit_is_refused_while_reading(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "episodes.csv").write_bytes((EXAMPLE / "episodes.csv").read_bytes())
    with open_dataset(folder, limits=Limits(max_file_bytes=2000)) as dataset:
        (folder / "episodes.csv").write_bytes((EXAMPLE / "episodes.csv").read_bytes() * 3)
        with pytest.raises(DatasetError, match="larger than the limit of 1.95 KiB"):
            list(dataset.open("episodes.csv"))


@pytest.mark.parametrize(
    "name", ["../episodes.csv", "/etc/episodes.csv", "data\\..\\episodes.csv", "a/../../x.csv"]
)
def test_path_traversal_is_refused(tmp_path, name):
    members = _example_members()
    members[name] = b"episode_id\n"
    lines = _errors(_zip(tmp_path / "evil.zip", members))
    assert len(lines) == 1 and "unsafe path" in lines[0] and "refused" in lines[0]


def test_nested_zip_is_refused(tmp_path):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("episodes.csv", (EXAMPLE / "episodes.csv").read_bytes())
    members = _example_members()
    members["more.zip"] = inner.getvalue()
    assert _errors(_zip(tmp_path / "outer.zip", members)) == [
        'outer.zip: the archive holds another archive, "more.zip"; unpack it first'
    ]


def test_workbook_saved_as_csv_name_is_not_a_csv(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    _workbook(folder / "episodes.csv", {"episodes.csv": read_example()["episodes.csv"]})
    assert _errors(folder) == [
        "episodes.csv: this is not a CSV file: it looks like a zip archive or an Excel .xlsx "
        "workbook. Save it as 'CSV UTF-8'"
    ]


def test_utf16_and_binary_files_are_not_csv(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    text = (EXAMPLE / "episodes.csv").read_text()
    (folder / "episodes.csv").write_bytes(text.encode("utf-16"))
    assert "UTF-16" in _errors(folder)[0]
    (folder / "episodes.csv").write_bytes(b"episode_id,client_id\nA\x00B,C\n")
    assert _errors(folder) == [
        "episodes.csv: this is not a CSV text file (it holds binary data). Save it as 'CSV UTF-8'"
    ]


def test_latin1_file_is_not_utf8(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    text = (EXAMPLE / "episodes.csv").read_text().replace("C50,", "C50,", 1)
    lines = text.splitlines()
    lines[2] = lines[2].replace(",ibd,,", ",ibd,Crohn’s – é,")
    (folder / "episodes.csv").write_bytes("\n".join(lines).encode("cp1252"))
    errors = _errors(folder)
    assert len(errors) == 1
    assert errors[0] == "episodes.csv: the text is not UTF-8 (line 3). Save the file as 'CSV UTF-8'"


def test_broken_quotes_give_a_clear_error(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    text = (EXAMPLE / "onward.csv").read_text().replace("Access to Work", '"Access" to Work')
    (folder / "episodes.csv").write_bytes((EXAMPLE / "episodes.csv").read_bytes())
    (folder / "onward.csv").write_text(text)
    errors = _errors(folder)
    assert len(errors) == 1
    assert errors[0].startswith("onward.csv: row 3 cannot be read as CSV")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("data.xls", b"\xd0\xcf\x11\xe0rest", "old .xls workbooks are not accepted"),
        ("data.zip", b"%PDF-1.7", "this is not a .zip file (a PDF document)"),
        ("data.xlsx", b"hello", "this is not a .xlsx file"),
        ("episodes.csv", b"episode_id\n", "give the folder"),
        ("data.txt", b"x", "a dataset is a folder, a .zip of that folder or one .xlsx"),
    ],
)
def test_things_that_are_not_datasets(tmp_path, name, content, message):
    (tmp_path / name).write_bytes(content)
    errors = _errors(tmp_path / name)
    assert len(errors) == 1 and message in errors[0], errors


def test_empty_file_and_duplicate_header(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "episodes.csv").write_bytes(b"")
    assert _errors(folder) == ["episodes.csv: the file is empty; row 1 must hold the column names"]
    (folder / "episodes.csv").write_text("episode_id,tier,tier\n")
    assert _errors(folder) == ['episodes.csv:1: the column "tier" appears more than once']


def test_container_too_large_is_refused_before_reading(tmp_path):
    path = _zip(tmp_path / "d.zip", _example_members())
    assert _errors(path, limits=Limits(max_container_bytes=100))[0].startswith("d.zip: the file is")


def test_symlinks_in_a_folder_are_not_followed(tmp_path):
    folder = tmp_path / "d"
    folder.mkdir()
    (folder / "episodes.csv").symlink_to(EXAMPLE / "episodes.csv")
    assert _errors(folder) == ["episodes.csv: this required file is missing"]
