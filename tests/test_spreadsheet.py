"""CSV and XLSX registers: one row per activity, English or Dutch headers, strict errors, round trips."""
from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import Workbook, load_workbook
from rdflib.compare import isomorphic

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.errors import InputError
from gdprgraph.extract import register_from_graph
from gdprgraph.model import Recipient, Ref, Retention
from gdprgraph.readers.spreadsheet import parse_recipient, read_spreadsheet, split_cell
from gdprgraph.readers.yaml import ValueProblem, read_yaml
from gdprgraph.writers.spreadsheet import write_csv, write_xlsx
from cli_helpers import one_line_error

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "data" / "example" / "register.yaml"
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"

DUTCH_CSV = """\
# verwerkingsverantwoordelijke;Bakkerij Peeters
# land;België
# taal;nl
# systeem;Excel;Public cloud;Microsoft;US;employee-systems;Rekenblad
Verwerkingsactiviteit;Doeleinden;Betrokkenen;Gegevenscategorieën;Rechtsgrond;Bewaartermijn;Ontvangers;Verwerkingslocatie;Systemen
Loonadministratie;Lonen betalen;Werknemers;Thuisadres; Bankrekening;Overeenkomst;5 jaar na uitdiensttreding;Acerta (BE, verwerker);EU;Excel
Website;Informeren;Klanten;Naam;Art. 6(1)(f);1 jaar;geen;;
"""


def registers() -> list[Path]:
    return [EXAMPLE, SEED]


def write_book(path: Path, rows: list[list], controller: list[list] | None = (("controller", "Acme"),)) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Activities"
    for row in rows:
        ws.append(row)
    if controller:
        sheet = wb.create_sheet("Controller")
        for row in controller:
            sheet.append(list(row))
    wb.save(path)


HEADER = ["activity", "purposes", "data subjects", "personal data categories", "legal bases", "recipients"]


# -- round trips ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("source", registers(), ids=lambda p: p.name)
def test_graph_to_spreadsheet_to_graph_is_isomorphic(tmp_path: Path, source: Path, fmt: str):
    graph = load_graph(source)
    register = register_from_graph(graph)
    path = tmp_path / f"copy.{fmt}"
    data = write_csv(register) if fmt == "csv" else write_xlsx(register)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    assert read_spreadsheet(path) == register
    assert isomorphic(load_graph(path), graph)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_cli_export_and_import_spreadsheet(tmp_path: Path, fmt: str):
    out = tmp_path / f"register.{fmt}"
    result = CliRunner().invoke(main, ["export", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    ttl = tmp_path / "back.ttl"
    result = CliRunner().invoke(main, ["import", str(out), "-o", str(ttl)])
    assert result.exit_code == 0, result.output
    assert isomorphic(load_graph(ttl), load_graph(EXAMPLE))


# -- reading -------------------------------------------------------------------------------------
def test_dutch_headers_semicolon_csv(tmp_path: Path):
    path = tmp_path / "register.csv"
    path.write_text(DUTCH_CSV.replace("Thuisadres; Bankrekening", '"Thuisadres; Bankrekening"'), encoding="utf-8")
    register = read_spreadsheet(path)
    assert register.controller.name == "Bakkerij Peeters" and register.language == "nl"
    payroll, website = register.activities
    assert payroll.categories == ("Thuisadres", "Bankrekening")
    assert payroll.recipients == (Recipient("Acerta", "BE", "processor"),)
    assert payroll.retention == Retention("5 jaar na uitdiensttreding", "P5Y")
    assert payroll.location == "EU" and payroll.systems == (Ref("Excel"),)
    assert website.no_recipients and website.recipients == ()
    assert register.systems[0].provider == "Microsoft" and register.systems[0].sections == ("employee-systems",)


def test_xlsx_with_dutch_headers_and_cells_of_any_type(tmp_path: Path):
    path = tmp_path / "register.xlsx"
    write_book(path, [["Verwerkingsactiviteit", "Doeleinden", "Betrokkenen", "Gegevenscategorieën", "Rechtsgrond",
                       "Ontvangers", "DPIA vereist", "Bronregel"],
                      ["Loonadministratie", "Lonen betalen", "Werknemers", "Naam\nBankrekening", "Overeenkomst",
                       "geen", True, 12],
                      [None, None, None, None, None, None, None, None]],
               controller=[["field", "value"], ["Verwerkingsverantwoordelijke", "Acme"], ["ondernemingsnummer", 600995271]])
    register = read_spreadsheet(path)
    (act,) = register.activities
    assert act.categories == ("Naam", "Bankrekening")
    assert act.dpia_required is True and act.line == 12 and act.no_recipients
    assert register.controller.registration_number == "600995271"


def test_cell_syntax():
    assert split_cell("a; b;c\nd") == ["a", "b", "c", "d"]
    assert split_cell("x \\; y; z") == ["x ; y", "z"]
    assert parse_recipient("Acerta (BE, processor)") == Recipient("Acerta", "BE", "processor")
    assert parse_recipient("Acerta (processor)") == Recipient("Acerta", None, "processor")
    assert parse_recipient("Google (US)") == Recipient("Google", "US", None)
    assert parse_recipient("SD Worx (Payroll) ()") == Recipient("SD Worx (Payroll)")
    with pytest.raises(ValueProblem):
        parse_recipient("X (BE, US, NL)")


def test_odd_recipient_names_survive_the_cell_syntax(tmp_path: Path):
    import dataclasses

    register = read_yaml(EXAMPLE)
    act = dataclasses.replace(register.activities[0], recipients=(
        Recipient("SD Worx (Payroll)"), Recipient("A; B"), Recipient("none"), Recipient("X (Y)", "BE", "processor")))
    register = dataclasses.replace(register, activities=(act,))
    extracted = register_from_graph(build_graph(register))
    for fmt in ("csv", "xlsx"):
        path = tmp_path / f"r.{fmt}"
        data = write_csv(extracted) if fmt == "csv" else write_xlsx(extracted)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        assert read_spreadsheet(path) == extracted


# -- XLSX layout ---------------------------------------------------------------------------------
def test_xlsx_has_header_frozen_panes_filters_widths_and_sheets():
    data = write_xlsx(read_yaml(EXAMPLE))
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Activities", "Controller", "Systems"]
    ws = wb["Activities"]
    assert ws["A1"].value == "activity" and ws["A1"].font.bold
    assert ws.freeze_panes == "B2"
    assert ws.auto_filter.ref == ws.dimensions
    widths = [ws.column_dimensions[c].width for c in ("A", "B", "C")]
    assert all(10 <= w <= 60 for w in widths)
    assert ws.max_row == 1 + 5
    assert wb["Controller"]["A2"].value == "controller"
    assert wb["Systems"]["A1"].value == "system"


def test_xlsx_bytes_are_reproducible():
    register = read_yaml(EXAMPLE)
    assert write_xlsx(register) == write_xlsx(register)


def test_csv_has_bom_and_details_before_header():
    text = write_csv(read_yaml(EXAMPLE))
    assert text.startswith("\ufeff# controller,Brightwater Language School Ltd")
    lines = text.lstrip("\ufeff").splitlines()
    header = next(i for i, line in enumerate(lines) if not line.startswith("#"))
    assert lines[header].startswith("activity,")


# -- errors --------------------------------------------------------------------------------------
def test_missing_required_column_csv_cli(tmp_path: Path):
    source = tmp_path / "register.csv"
    source.write_text("# controller,Acme\nactivity,purposes,data subjects,personal data categories\nA,b,c,d\n")
    out = tmp_path / "out.ttl"
    line = one_line_error(CliRunner().invoke(main, ["import", str(source), "-o", str(out)]))
    assert re.search(r"register\.csv:2: missing required column 'recipients'", line), line
    assert not out.exists()


def test_missing_required_column_xlsx_cli(tmp_path: Path):
    source = tmp_path / "register.xlsx"
    write_book(source, [["activity", "purposes", "data subjects", "recipients"], ["A", "b", "c", "none"]])
    out = tmp_path / "out.ttl"
    line = one_line_error(CliRunner().invoke(main, ["import", str(source), "-o", str(out)]))
    assert re.search(r"register\.xlsx:1: sheet Activities: missing required column 'personal data categories'", line)
    assert not out.exists()


def test_bad_legal_basis_names_the_cell(tmp_path: Path):
    source = tmp_path / "register.xlsx"
    write_book(source, [HEADER, ["A", "b", "c", "d", "Art. 6(1)(b)", "none"], ["B", "b", "c", "d", "Contrcat", "none"]])
    with pytest.raises(InputError) as caught:
        read_spreadsheet(source)
    assert re.search(r"register\.xlsx:3: sheet Activities, cell E3 \(legal bases\): unknown legal basis 'Contrcat'",
                     str(caught.value)), str(caught.value)
    csv_source = tmp_path / "register.csv"
    csv_source.write_text("# controller,Acme\n" + ",".join(HEADER) + "\nA,b,c,d,Nonsense basis,none\n")
    with pytest.raises(InputError, match=r"register\.csv:3: column 'legal bases': unknown legal basis"):
        read_spreadsheet(csv_source)


@pytest.mark.parametrize("text,expected", [
    ("# controller,Acme\n" + ",".join(HEADER) + ",purpose notes\n", r":2: unknown column 'purpose notes'"),
    ("# controler,Acme\n" + ",".join(HEADER) + "\n", r":1: unknown register detail 'controler'; did you mean 'controller'\?"),
    (",".join(HEADER) + "\nA,b,c,d,,none\n", r"no controller name: add a row '# controller,NAME'"),
    ("# controller,Acme\n" + ",".join(HEADER) + ",processing location\nA,b,c,d,,none,Moon\n", r":3: column 'processing location'"),
    ("# controller,Acme\n" + ",".join(HEADER) + "\n,b,c,d,,none\n", r":3: column 'activity': the activity name is empty"),
    ("", r"is empty"),
])
def test_spreadsheet_mistakes(tmp_path: Path, text: str, expected: str):
    source = tmp_path / "register.csv"
    source.write_text(text)
    with pytest.raises(InputError) as caught:
        read_spreadsheet(source)
    assert re.search(expected, str(caught.value)), str(caught.value)


def test_not_a_workbook(tmp_path: Path):
    source = tmp_path / "register.xlsx"
    source.write_text("not a zip")
    line = one_line_error(CliRunner().invoke(main, ["import", str(source)]))
    assert "register.xlsx: is not a readable XLSX workbook" in line
