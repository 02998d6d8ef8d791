"""CSV and XLSX registers: one row per activity, several values in a cell separated by ``;``.

Layout (docs/yaml-format.md, "Spreadsheets"):

* **Activities**: a header row, then one row per activity. Headers in English or Dutch, matched without
  regard to case, accents, spaces and punctuation. Required columns: activity, purposes, data subjects,
  personal data categories, recipients (Art. 30(1)(b)-(d)); cells may be empty.
* **Controller and register details**: in CSV, ``# key,value`` rows *before* the header row (``# controller,
  Connexi``); in XLSX a sheet ``Controller`` with the same keys in column A and values in column B.
* **Systems**: in CSV, ``# system,NAME,TYPE,PROVIDER,PROVIDER COUNTRY,SECTIONS,DESCRIPTION`` rows; in XLSX
  a sheet ``Systems`` with those columns.
* Recipients: ``Name (country, role)`` items, e.g. ``Acerta (BE, processor); Google (US)``; the single
  word ``none`` means "explicitly no recipients" (empty means "not stated").

The value rules (legal bases, roles, locations, yes/no) are the YAML reader's; errors name the file, the
line (CSV) or row (XLSX) and the column or cell.
"""
from __future__ import annotations

import csv
import datetime as _dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from gdprgraph.errors import InputError
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.readers.yaml import (
    NONE_WORDS,
    ValueProblem,
    check_base,
    check_date,
    check_duration,
    check_language,
    check_legal_basis,
    default_duration,
    parse_bool,
    parse_location,
    parse_role,
    parse_section,
    suggest,
)


@dataclass(frozen=True)
class Column:
    key: str                  # internal name
    header: str               # English header (written by the writer)
    dutch: str                # Dutch header
    aliases: tuple[str, ...] = ()
    multi: bool = False       # several values separated by ';'
    required: bool = False


COLUMNS = (
    Column("name", "activity", "verwerkingsactiviteit", ("activity name", "name", "title", "activiteit", "naam"),
           required=True),
    Column("section", "section", "sectie"),
    Column("description", "description", "beschrijving", ("omschrijving",)),
    Column("purposes", "purposes", "doeleinden", ("purpose", "doel", "doelen", "verwerkingsdoeleinden"),
           multi=True, required=True),
    Column("data_subjects", "data subjects", "betrokkenen",
           ("data subject", "data subjecten", "categorieen betrokkenen", "categories of data subjects"),
           multi=True, required=True),
    Column("inferred_data_subjects", "data subjects (inferred)", "betrokkenen (afgeleid)", multi=True),
    Column("categories", "personal data categories", "gegevenscategorieen",
           ("categories", "categories of personal data", "categorieen persoonsgegevens", "persoonsgegevens",
            "data categories"), multi=True, required=True),
    Column("data_sources", "data sources", "gegevensbronnen", ("data source", "bron", "bronnen", "herkomst"),
           multi=True),
    Column("legal_bases", "legal bases", "rechtsgronden", ("legal basis", "rechtsgrond", "grondslag"), multi=True),
    Column("special_category_conditions", "special category conditions", "uitzonderingen art. 9",
           ("art. 9 conditions", "art. 9 condition", "special category condition", "uitzondering art. 9"),
           multi=True),
    Column("legitimate_interest_assessment", "legitimate interest assessment", "belangenafweging", ("lia",)),
    Column("retention", "retention", "bewaartermijn", ("retention period", "bewaringstermijn")),
    Column("retention_duration", "retention duration", "bewaarduur", ("retention duration (iso 8601)",)),
    Column("measures", "security measures", "beveiligingsmaatregelen",
           ("measures", "technical and organisational measures", "maatregelen"), multi=True),
    Column("recipients", "recipients", "ontvangers", ("derde partij ontvangers", "recipient"), multi=True,
           required=True),
    Column("location", "processing location", "verwerkingslocatie", ("location", "locatie")),
    Column("third_countries", "third countries", "derde landen", ("third country", "derde land"), multi=True),
    Column("transfer_safeguards", "transfer safeguards", "doorgiftewaarborgen",
           ("transfer safeguard", "waarborgen doorgifte", "waarborgen"), multi=True),
    Column("systems", "systems", "systemen", ("system", "systeem"), multi=True),
    Column("inferred_systems", "systems (inferred)", "systemen (afgeleid)", multi=True),
    Column("dpia_required", "dpia required", "dpia vereist", ("gegevensbeschermingseffectbeoordeling vereist",)),
    Column("dpia_reference", "dpia reference", "dpia referentie", ("dpia",)),
    Column("automated_decisions", "automated decisions", "geautomatiseerde besluitvorming",
           ("automated decision making", "automated decision-making")),
    Column("source_line", "source line", "bronregel"),
    Column("from_prose", "from prose", "uit lopende tekst"),
)

# Controller / register details: CSV '# key,value' rows, XLSX sheet "Controller".
DETAILS = (
    Column("controller", "controller", "verwerkingsverantwoordelijke", ("controller name", "name", "naam")),
    Column("address", "address", "adres"),
    Column("country", "country", "land"),
    Column("registration_number", "registration number", "ondernemingsnummer",
           ("registratienummer", "enterprise number", "company number")),
    Column("contact_name", "contact name", "contactpersoon", ("privacy contact", "privacy coordinator")),
    Column("contact_email", "contact email", "e-mail contactpersoon", ("contact e-mail",)),
    Column("dpo_name", "dpo name", "functionaris voor gegevensbescherming", ("dpo", "fg")),
    Column("dpo_email", "dpo email", "e-mail functionaris", ("dpo e-mail", "e-mail fg")),
    Column("representative", "representative", "vertegenwoordiger"),
    Column("joint_controllers", "joint controllers", "gezamenlijke verwerkingsverantwoordelijken",
           ("joint controller",), multi=True),
    Column("date", "date", "datum"),
    Column("language", "language", "taal"),
    Column("source", "source", "bron"),
    Column("base", "base", "basis-iri", ("base iri",)),
    Column("system", "system", "systeem"),  # CSV only: one row per system
)

SYSTEM_COLUMNS = (
    Column("name", "system", "systeem", ("name", "naam"), required=True),
    Column("type", "type", "type", ("soort",)),
    Column("provider", "provider", "leverancier", ("systeem leverancier", "supplier", "vendor")),
    Column("country", "provider country", "land leverancier", ("country", "land")),
    Column("sections", "sections", "secties", ("section", "sectie"), multi=True),
    Column("description", "description", "beschrijving"),
)

SHEETS = {"activities": ("activities", "activiteiten", "verwerkingsactiviteiten", "register"),
          "controller": ("controller", "verwerkingsverantwoordelijke", "register details"),
          "systems": ("systems", "systemen")}


def _norm(text: str) -> str:
    from gdprgraph.vocabulary import normalize

    return normalize(text)


def _index(columns: Iterable[Column]) -> dict[str, Column]:
    out: dict[str, Column] = {}
    for col in columns:
        for name in (col.header, col.dutch, col.key, *col.aliases):
            out.setdefault(_norm(name), col)
    return out


def split_cell(text: str) -> list[str]:
    """Values of a multi-value cell: separated by ';' (or new lines); '\\;' is a literal semicolon."""
    parts = re.split(r"(?<!\\);|\n", text)
    return [p.replace("\\;", ";").strip() for p in parts if p.replace("\\;", ";").strip()]


def parse_recipient(item: str) -> Recipient:
    """``Name (country, role)``, ``Name (role)``, ``Name (country)`` or ``Name``; ``Name ()`` keeps a name
    that itself ends with a parenthesis."""
    match = re.match(r"^(.*?)\s*\(([^()]*)\)$", item)
    if not match or not match.group(1):
        return Recipient(item)
    name, details = match.group(1), [d.strip() for d in match.group(2).split(",") if d.strip()]
    country = role = None
    for detail in details:
        try:
            found = parse_role(detail)
        except ValueProblem:
            found = None
        if found and role is None:
            role = found
        elif country is None:
            country = detail
        else:
            raise ValueProblem(f"recipient {item!r}: expected 'Name (country, role)'")
    return Recipient(name, country, role)


def cell_text(value: Any) -> str:
    """A cell as text: numbers without a spurious '.0', dates as ISO dates."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        return value.date().isoformat() if value.time() == _dt.time() else value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value).strip()


class _Table:
    """Rows of one sheet with where each came from, for messages."""

    def __init__(self, path: Path, sheet: str | None) -> None:
        self.path = path
        self.sheet = sheet

    def fail(self, line: int | None, message: str, column: int | None = None, header: str | None = None):
        where = []
        if self.sheet:
            where.append(f"sheet {self.sheet}")
        if column is not None and self.sheet is not None:
            from openpyxl.utils import get_column_letter

            where.append(f"cell {get_column_letter(column + 1)}{line}" + (f" ({header})" if header else ""))
        elif header:
            where.append(f"column {header!r}")
        prefix = ", ".join(where)
        raise InputError((prefix + ": " if prefix else "") + message, self.path, line)

    def header(self, row: list[str], line: int, columns: tuple[Column, ...], what: str) -> dict[int, Column]:
        index = _index(columns)
        known = [c.header for c in columns]
        out: dict[int, Column] = {}
        for i, raw in enumerate(row):
            name = raw.strip()
            if not name:
                continue
            col = index.get(_norm(name))
            if col is None:
                self.fail(line, f"unknown column {name!r}{suggest(name.lower(), known)} "
                                f"(expected columns: {', '.join(known)})", i)
            if col in out.values():
                self.fail(line, f"column {col.header!r} appears twice", i)
            out[i] = col
        for col in columns:
            if col.required and col not in out.values():
                found = ", ".join(repr(r.strip()) for r in row if r.strip()) or "none"
                self.fail(line, f"missing required column {col.header!r} ({what}; columns found: {found})")
        return out


class _RowReader:
    """Turns one activity row (key → (text, column index)) into an Activity."""

    def __init__(self, table: _Table, line: int, cells: dict[str, tuple[str, int, str]]) -> None:
        self.table, self.line, self.cells = table, line, cells

    def text(self, key: str) -> str | None:
        value = self.cells.get(key, ("", 0, ""))[0]
        return value or None

    def apply(self, key: str, check: Callable[[str], Any]):
        text = self.text(key)
        if text is None:
            return None
        try:
            return check(text)
        except ValueProblem as exc:
            _, col, header = self.cells[key]
            self.table.fail(self.line, str(exc), col, header)

    def values(self, key: str, check: Callable[[str], Any] | None = None) -> tuple:
        text = self.text(key)
        if text is None:
            return ()
        items = split_cell(text)
        if check is None:
            return tuple(items)
        return tuple(self.apply_item(key, item, check) for item in items)

    def apply_item(self, key: str, item: str, check: Callable[[str], Any]):
        try:
            return check(item)
        except ValueProblem as exc:
            _, col, header = self.cells[key]
            self.table.fail(self.line, str(exc), col, header)

    def activity(self) -> Activity | None:
        if not any(text for text, _, _ in self.cells.values()):
            return None  # empty row
        title = self.text("name")
        if not title:
            _, col, header = self.cells["name"]
            self.table.fail(self.line, "the activity name is empty", col, header)
        recipients: tuple[Recipient, ...] = ()
        none = False
        raw = self.text("recipients")
        if raw is not None and raw.strip().lower() in NONE_WORDS:
            none = True
        else:
            recipients = self.values("recipients", parse_recipient)
        retention = None
        text = self.text("retention")
        if text:
            duration_text = self.text("retention_duration")
            if duration_text is None:
                duration = default_duration(text)
            elif duration_text.strip().lower() in (*NONE_WORDS, "-"):
                duration = None
            else:
                duration = self.apply("retention_duration", check_duration)
            retention = Retention(text, duration)
        line = self.apply("source_line", _line_number)
        return Activity(
            title=title,
            section=self.apply("section", parse_section),
            description=self.text("description"),
            purposes=self.values("purposes"),
            data_subjects=tuple(Ref(v) for v in self.values("data_subjects"))
            + tuple(Ref(v, True) for v in self.values("inferred_data_subjects")),
            categories=self.values("categories"),
            legal_bases=self.values("legal_bases", check_legal_basis),
            retention=retention,
            measures=self.values("measures"),
            recipients=recipients,
            no_recipients=none,
            location=self.apply("location", parse_location),
            third_countries=self.values("third_countries"),
            transfer_safeguards=self.values("transfer_safeguards", check_legal_basis),
            systems=tuple(Ref(v) for v in self.values("systems"))
            + tuple(Ref(v, True) for v in self.values("inferred_systems")),
            legitimate_interest_assessment=self.text("legitimate_interest_assessment"),
            from_prose=bool(self.apply("from_prose", parse_bool)),
            line=line,
            data_sources=self.values("data_sources"),
            special_category_conditions=self.values("special_category_conditions", check_legal_basis),
            dpia_required=self.apply("dpia_required", parse_bool),
            dpia_reference=self.text("dpia_reference"),
            automated_decisions=self.apply("automated_decisions", parse_bool),
        )


def _line_number(text: str) -> int:
    if not text.strip().isdigit():
        raise ValueProblem(f"source line must be a line number, got {text!r}")
    return int(text)


def _activities(table: _Table, header_line: int, header: list[str],
                rows: Iterable[tuple[int, list[str]]]) -> tuple[Activity, ...]:
    columns = table.header(header, header_line, COLUMNS, "one row per activity")
    out = []
    for line, row in rows:
        cells = {col.key: ((row[i] if i < len(row) else "").strip(), i, col.header) for i, col in columns.items()}
        extra = [v for i, v in enumerate(row) if i not in columns and v.strip()]
        if extra:
            table.fail(line, f"value {extra[0]!r} in a column without a header")
        activity = _RowReader(table, line, cells).activity()
        if activity is not None:
            out.append(activity)
    return tuple(out)


def _system(table: _Table, line: int, values: list[str], columns: dict[int, Column] | None = None) -> System:
    if columns is None:
        columns = dict(enumerate(SYSTEM_COLUMNS))
    cells = {col.key: ((values[i] if i < len(values) else "").strip(), i) for i, col in columns.items()}
    name = cells.get("name", ("", 0))[0]
    if not name:
        table.fail(line, "a system needs a name", cells.get("name", ("", 0))[1])
    sections = []
    for item in split_cell(cells.get("sections", ("", 0))[0]):
        try:
            sections.append(parse_section(item))
        except ValueProblem as exc:
            table.fail(line, str(exc), cells["sections"][1], "sections")
    return System(name=name, description=cells.get("description", ("",))[0] or None,
                  type=cells.get("type", ("",))[0] or None, provider=cells.get("provider", ("",))[0] or None,
                  country=cells.get("country", ("",))[0] or None, sections=tuple(sections))


def _register(table: _Table, details: dict[str, tuple[str, int]], systems: tuple[System, ...],
              activities: tuple[Activity, ...], path: Path, details_hint: str) -> Register:
    def get(key: str, check: Callable[[str], Any] | None = None):
        if key not in details or not details[key][0]:
            return None
        text, line = details[key]
        if check is None:
            return text
        try:
            return check(text)
        except ValueProblem as exc:
            table.fail(line, str(exc))

    name = get("controller")
    if not name:
        raise InputError(f"no controller name: {details_hint}", path, 1)
    return Register(
        controller=Controller(
            name=name,
            address=get("address"),
            country=get("country"),
            registration_number=get("registration_number"),
            contact_name=get("contact_name"),
            contact_email=get("contact_email"),
            dpo_name=get("dpo_name"),
            dpo_email=get("dpo_email"),
            representative=get("representative"),
            joint_controllers=tuple(split_cell(get("joint_controllers") or "")),
        ),
        activities=activities,
        systems=systems,
        date=get("date", check_date),
        language=get("language", check_language),
        source=get("source"),
        source_file=str(path),
        base=get("base", check_base),
    )


def _detail(table: _Table, key_text: str, line: int) -> Column:
    col = _index(DETAILS).get(_norm(key_text))
    if col is None:
        known = [c.header for c in DETAILS]
        table.fail(line, f"unknown register detail {key_text!r}{suggest(key_text.lower(), known)} "
                         f"(expected one of: {', '.join(known)})")
    return col


# -- CSV -----------------------------------------------------------------------------------------
def _delimiter(lines: list[str]) -> str:
    for line in lines:
        if line.strip() and not line.lstrip().startswith("#"):
            counts = {d: line.count(d) for d in (",", ";", "\t")}
            best = max(counts, key=lambda d: counts[d])
            return best if counts[best] else ","
    return ","


def read_csv(path: Path) -> Register:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = path.read_bytes().decode("cp1252")  # Excel on Windows saves "CSV" in the ANSI code page
        except UnicodeDecodeError as exc:
            raise InputError(f"is not UTF-8 text ({exc.reason})", path) from None
    if not text.strip():
        raise InputError("is empty, expected a header row and one row per activity", path)
    table = _Table(path, None)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text.splitlines()[:200]))
    details: dict[str, tuple[str, int]] = {}
    systems: list[System] = []
    header: list[str] | None = None
    header_line = 0
    rows: list[tuple[int, list[str]]] = []
    last = 0
    try:
        for row in reader:
            line, last = last + 1, reader.line_num
            if header is None:
                if not any(cell.strip() for cell in row):
                    continue
                first = row[0].strip()
                if first.startswith("#"):
                    key = first.lstrip("#").strip().rstrip(":").strip()
                    if not key:
                        continue  # a plain comment line
                    col = _detail(table, key, line)
                    values = [v.strip() for v in row[1:]]
                    if col.key == "system":
                        systems.append(_system(table, line, values))
                    else:
                        if col.key in details:
                            table.fail(line, f"register detail {col.header!r} appears twice")
                        details[col.key] = ("; ".join(v for v in values if v) if col.multi else
                                            (values[0] if values else ""), line)
                    continue
                header, header_line = row, line
                continue
            rows.append((line, row))
    except csv.Error as exc:
        raise InputError(f"is not valid CSV: {exc}", path, reader.line_num) from None
    if header is None:
        raise InputError("has no header row (expected columns such as: activity, purposes, data subjects)", path)
    activities = _activities(table, header_line, header, rows)
    return _register(table, details, tuple(systems), activities, path,
                     "add a row '# controller,NAME' before the header row")


# -- XLSX ----------------------------------------------------------------------------------------
def _sheet(workbook, kind: str):
    wanted = {_norm(n) for n in SHEETS[kind]}
    for ws in workbook.worksheets:
        if _norm(ws.title) in wanted:
            return ws
    return None


def _rows(ws) -> list[tuple[int, list[str]]]:
    out = []
    for n, row in enumerate(ws.iter_rows(values_only=True), start=1):
        out.append((n, [cell_text(v) for v in row]))
    return out


def read_xlsx(path: Path) -> Register:
    import zipfile

    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise InputError(f"is not a readable XLSX workbook ({' '.join(str(exc).split()) or type(exc).__name__})",
                         path) from None
    try:
        sheet = _sheet(workbook, "activities") or workbook.worksheets[0]
        table = _Table(path, sheet.title)
        rows = [(n, r) for n, r in _rows(sheet) if any(c for c in r)]
        if not rows:
            raise InputError(f"sheet {sheet.title}: is empty, expected a header row and one row per activity", path)
        (header_line, header), body = rows[0], rows[1:]
        activities = _activities(table, header_line, header, body)

        details: dict[str, tuple[str, int]] = {}
        ctrl_sheet = _sheet(workbook, "controller")
        if ctrl_sheet is not None:
            ctrl_table = _Table(path, ctrl_sheet.title)
            for n, row in _rows(ctrl_sheet):
                if not row or not row[0] or _norm(row[0]) in ("field", "veld"):
                    continue
                col = _detail(ctrl_table, row[0], n)
                if col.key == "system":
                    ctrl_table.fail(n, "list systems on the Systems sheet")
                values = [v for v in row[1:] if v]
                details[col.key] = ("; ".join(values) if col.multi else (values[0] if values else ""), n)

        systems: list[System] = []
        sys_sheet = _sheet(workbook, "systems")
        if sys_sheet is not None:
            sys_rows = [(n, r) for n, r in _rows(sys_sheet) if any(c for c in r)]
            if sys_rows:
                sys_table = _Table(path, sys_sheet.title)
                (line, head), rest = sys_rows[0], sys_rows[1:]
                columns = sys_table.header(head, line, SYSTEM_COLUMNS, "one row per system")
                for n, row in rest:
                    systems.append(_system(sys_table, n, row, columns))
        return _register(table, details, tuple(systems), activities, path,
                         "add a sheet 'Controller' with the row 'controller | NAME'")
    finally:
        workbook.close()


def read_spreadsheet(path: str | Path) -> Register:
    """Read a CSV or XLSX register (one row per activity) into the model."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        return read_xlsx(path)
    return read_csv(path)
