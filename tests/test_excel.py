"""The workbook as spreadsheet programs take it: every sheet with a frozen header and a filter, widths
from the content, prices exact numbers shown with two decimals, counts and years integers, dates dates;
a table longer than Excel's row limit left out with a note, never cut."""
from datetime import datetime
from decimal import Decimal

import pandas as pd
import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from conftest import ROOT
from kztariffs import excel
from kztariffs.excel import MONEY, write_excel
from kztariffs.schema import to_frame

D = Decimal
DEFAULT_WIDTH = 8.43  # Excel's default column width (characters)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The shipped decrees built the way ``kztariffs report`` does (decrees sheet from decrees.csv)."""
    from kztariffs.cli import build_dataset

    out = tmp_path_factory.mktemp("xl") / "processed"
    df = build_dataset(ROOT / "data" / "raw", out, use_cache=False, excel=True)
    return out.resolve(), df


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1]}


def column(ws, name: str) -> list:
    col = header(ws)[name]
    return [row[0] for row in ws.iter_rows(min_row=2, min_col=col, max_col=col)]


def test_every_sheet_has_filter_frozen_header_and_fitted_widths(built):
    folder, df = built
    wb = load_workbook(folder / "tariffs.xlsx")
    assert wb.sheetnames[0] == "tariffs" and wb.sheetnames[-1] == "README"
    assert {"decrees", "columns", "oral_2025-12-18_2999"} <= set(wb.sheetnames)
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        assert ws.auto_filter.ref == f"A1:{get_column_letter(ws.max_column)}{ws.max_row}", ws.title
        assert all(c.font.b for c in ws[1]), ws.title
    ws = wb["tariffs"]
    width = {name: ws.column_dimensions[get_column_letter(i)].width for name, i in header(ws).items()}
    assert width["service_text"] == excel.MAX_WIDTH  # long texts: capped ...
    assert width["row"] < 12 < width["decree_id"]  # ... the rest as wide as their content
    long = [c for c in column(ws, "service_text") if c.value and len(c.value) > excel.MAX_WIDTH]
    assert long and all(c.alignment.wrap_text for c in long)
    assert ws.row_dimensions[long[0].row].height > 15  # the row shows the wrapped lines
    assert ws.max_row == len(df) + 1


def test_cells_are_typed_on_every_sheet(built):
    folder, df = built
    wb = load_workbook(folder / "tariffs.xlsx")
    ws = wb["tariffs"]
    prices = column(ws, "price_kzt")
    assert all(c.data_type == "n" and c.number_format == MONEY for c in prices)
    # exact: every price reads back as the dataset's Decimal
    assert [D(repr(c.value)).quantize(D("0.01")) for c in prices] == list(df["price_kzt"])
    dates = column(ws, "decree_date")
    assert all(isinstance(c.value, datetime) and c.number_format == "yyyy-mm-dd" for c in dates)
    assert {c.value.date().isoformat() for c in dates} == set(df["decree_date"])
    for name in ("year", "annex", "row", "line", "versions"):
        assert all(isinstance(c.value, int) for c in column(ws, name)), name
    assert all(isinstance(c.value, str) and len(c.value) == 9 for c in column(ws, "kato"))  # a code stays text

    dec = wb["decrees"]
    for name in ("year", "rows", "rejects"):
        assert all(isinstance(c.value, int) for c in column(dec, name)), name
    assert sum(c.value for c in column(dec, "rows")) == len(df)
    assert all(isinstance(c.value, datetime) for c in column(dec, "decree_date"))
    assert all(c.value in wb.sheetnames for c in column(dec, "sheet"))

    oral = wb["oral_2025-12-18_2999"]
    assert [c.value for c in column(oral, "row")] == list(range(1, 77))
    assert all(c.number_format == MONEY and c.data_type == "n" for c in column(oral, "price_kzt_all"))
    assert column(oral, "price_kzt_all")[1].value == 1896.60

    cols = wb["columns"]
    types = dict(zip((c.value for c in column(cols, "column")), (c.value for c in column(cols, "type"))))
    assert types["price_kzt"] == "number" and types["decree_date"] == "date" and types["year"] == "integer"
    readme = " ".join(c.value or "" for c in column(wb["README"], "README"))
    assert "CC-BY-4.0" in readme and "datapackage.json" in readme


def long_position_frame() -> pd.DataFrame:
    position = "Әлеуметтік жұмыс жөніндегі маман / әлеуметтік қызметкер-кейс-менеджер " * 2
    position = position[:100]
    rows = [{"decree_id": "oral_akimat_2026-01-05_7", "annex": 1, "row": i, "locality": "all",
             "position": position if i == 1 else "=HYPERLINK(\"http://x\")", "position_key": "care_worker",
             "price_kzt": D(p), "time_norm_min": D("7.5") if i == 1 else None, "decree_date": "2026-01-05",
             "year": 2026, "service_text": f"service {i}"}
            for i, p in enumerate(["9999999.99", "0.01", "1234567.89"], start=1)]
    return to_frame(rows)


def test_long_position_is_wider_than_the_default_and_prices_exact(tmp_path):
    df = long_position_frame()
    wb = load_workbook(write_excel(df, tmp_path / "t.xlsx"))
    ws = wb["tariffs"]
    letter = get_column_letter(header(ws)["position"])
    assert ws.column_dimensions[letter].width == excel.MAX_WIDTH > 4 * DEFAULT_WIDTH
    pos = column(ws, "position")
    assert len(pos[0].value) == 100 and pos[0].alignment.wrap_text
    assert pos[1].data_type == "s" and pos[1].quotePrefix  # a formula stays text
    assert [D(repr(c.value)) for c in column(ws, "price_kzt")] == [D("9999999.99"), D("0.01"), D("1234567.89")]
    assert column(ws, "time_norm_min")[0].value == 7.5 and column(ws, "time_norm_min")[1].value is None
    back = pd.read_excel(tmp_path / "t.xlsx", sheet_name="tariffs")
    assert str(back["decree_date"].dtype).startswith("datetime64") and back["year"].dtype == "int64"


def test_too_many_rows_leave_the_sheet_out_with_a_note(built, tmp_path, monkeypatch):
    _, df = built
    monkeypatch.setattr(excel, "MAX_ROWS", 200)  # the tidy sheet (276 rows) no longer fits, decree sheets do
    notes = []
    target = write_excel(df, tmp_path / "t.xlsx", notes=notes)
    assert len(notes) == 1 and "t.xlsx" in notes[0] and "'tariffs' left out" in notes[0] and "\n" not in notes[0]
    wb = load_workbook(target)
    assert "tariffs" not in wb.sheetnames and "oral_2025-09-16_1971" in wb.sheetnames
    assert all(ws.max_row <= 200 for ws in wb.worksheets)
    readme = [c.value for c in column(wb["README"], "README")]
    assert notes[0] in readme


@pytest.mark.parametrize("where", ["rows", "save"])
def test_failed_write_leaves_no_file(tmp_path, monkeypatch, where):
    from openpyxl.worksheet._writer import ALL_TEMP_FILES

    temp_before = len(ALL_TEMP_FILES)
    calls = {"n": 0}
    real_cell = excel._cell

    def interrupted(*args):
        calls["n"] += 1
        if calls["n"] == 20:
            raise KeyboardInterrupt
        return real_cell(*args)

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if where == "rows":
        monkeypatch.setattr(excel, "_cell", interrupted)
    else:
        monkeypatch.setattr(excel.Workbook, "save", full_disk)
    with pytest.raises((KeyboardInterrupt, OSError)):
        write_excel(long_position_frame(), tmp_path / "t.xlsx")
    assert list(tmp_path.iterdir()) == []  # no workbook, no temporary file beside it
    assert len(ALL_TEMP_FILES) == temp_before  # openpyxl's streamed sheets removed too
