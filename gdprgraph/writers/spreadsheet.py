"""Register → CSV / XLSX, one row per activity (layout: gdprgraph.readers.spreadsheet, docs/yaml-format.md).

XLSX output has an Activities sheet (bold header row, frozen header and first column, filters, widths
fitted to the content), a Controller sheet (field | value) and a Systems sheet. The bytes are
reproducible: the workbook's timestamps are fixed, so regenerating an unchanged register changes nothing.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile

from gdprgraph.model import Activity, Recipient, Register, System
from gdprgraph.readers.spreadsheet import COLUMNS, DETAILS, SYSTEM_COLUMNS
from gdprgraph.readers.yaml import default_duration

# Columns written only when some activity uses them (importer provenance)
_OPTIONAL = ("inferred_data_subjects", "inferred_systems", "source_line", "from_prose")
_FIXED_TIME = "2000-01-01T00:00:00Z"


def _join(values) -> str:
    return "; ".join(str(v).replace(";", "\\;") for v in values)


def _yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def _recipient(r: Recipient) -> str:
    details = [d for d in (r.country, r.role) if d]
    if details or r.name.endswith(")") or r.name.strip().lower() in ("none", "geen", "aucun", "n/a"):
        return f"{r.name} ({', '.join(details)})"
    return r.name


def activity_cells(a: Activity) -> dict[str, str]:
    duration = ""
    if a.retention is not None and a.retention.duration != default_duration(a.retention.text):
        duration = a.retention.duration or "none"
    recipients = _join(_recipient(r) for r in a.recipients)
    if a.no_recipients and not a.recipients:
        recipients = "none"
    return {
        "name": a.title,
        "section": a.section or "",
        "description": a.description or "",
        "purposes": _join(a.purposes),
        "data_subjects": _join(r.value for r in a.data_subjects if not r.inferred),
        "inferred_data_subjects": _join(r.value for r in a.data_subjects if r.inferred),
        "categories": _join(a.categories),
        "data_sources": _join(a.data_sources),
        "legal_bases": _join(a.legal_bases),
        "special_category_conditions": _join(a.special_category_conditions),
        "legitimate_interest_assessment": a.legitimate_interest_assessment or "",
        "retention": a.retention.text if a.retention else "",
        "retention_duration": duration,
        "measures": _join(a.measures),
        "recipients": recipients,
        "location": a.location or "",
        "third_countries": _join(a.third_countries),
        "transfer_safeguards": _join(a.transfer_safeguards),
        "systems": _join(r.value for r in a.systems if not r.inferred),
        "inferred_systems": _join(r.value for r in a.systems if r.inferred),
        "dpia_required": _yes_no(a.dpia_required),
        "dpia_reference": a.dpia_reference or "",
        "automated_decisions": _yes_no(a.automated_decisions),
        "source_line": str(a.line) if a.line is not None else "",
        "from_prose": "yes" if a.from_prose else "",
    }


def _table(register: Register) -> tuple[list[str], list[list[str]]]:
    rows = [activity_cells(a) for a in register.activities]
    columns = [c for c in COLUMNS if c.key not in _OPTIONAL or any(r[c.key] for r in rows)]
    return [c.header for c in columns], [[r[c.key] for c in columns] for r in rows]


def details(register: Register) -> list[tuple[str, str]]:
    """(header, value) pairs of the controller and register details that have a value."""
    c = register.controller
    values = {
        "controller": c.name, "address": c.address, "country": c.country,
        "registration_number": c.registration_number, "contact_name": c.contact_name,
        "contact_email": c.contact_email, "dpo_name": c.dpo_name, "dpo_email": c.dpo_email,
        "representative": c.representative, "joint_controllers": _join(c.joint_controllers),
        "date": register.date, "language": register.language, "source": register.source, "base": register.base,
    }
    return [(col.header, values[col.key]) for col in DETAILS if values.get(col.key)]


def system_cells(s: System) -> list[str]:
    values = {"name": s.name, "type": s.type, "provider": s.provider, "country": s.country,
              "sections": _join(s.sections), "description": s.description}
    return [values[c.key] or "" for c in SYSTEM_COLUMNS]


def write_csv(register: Register) -> str:
    """CSV text (UTF-8 with a byte-order mark, so Excel opens it with the right characters)."""
    buffer = io.StringIO()
    out = csv.writer(buffer, lineterminator="\r\n")
    for header, value in details(register):
        out.writerow([f"# {header}", value])
    for system in register.systems:
        out.writerow(["# system", *system_cells(system)])
    headers, rows = _table(register)
    out.writerow(headers)
    out.writerows(rows)
    return "\ufeff" + buffer.getvalue()


def _fit(ws, rows: list[list[str]], limit: int = 60) -> None:
    from openpyxl.utils import get_column_letter

    for i in range(max((len(r) for r in rows), default=0)):
        longest = max((max((len(line) for line in str(r[i]).splitlines()), default=0)
                       for r in rows if i < len(r)), default=0)
        ws.column_dimensions[get_column_letter(i + 1)].width = max(10, min(limit, longest + 2))


def _sheet(wb, title: str, headers: list[str], rows: list[list[str]], freeze: str) -> None:
    from openpyxl.styles import Alignment, Font, PatternFill

    ws = wb.create_sheet(title)
    ws.append(headers)
    for row in rows:
        ws.append([value if value != "" else None for value in row])
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    for cell in ws[1]:
        cell.font, cell.fill = bold, fill
    wrap = Alignment(wrap_text=True, vertical="top")
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = wrap
            if cell.value is not None:
                cell.data_type = "s"  # text, never a formula ("=…") or a number
    ws.freeze_panes = freeze
    if rows:
        ws.auto_filter.ref = ws.dimensions
    _fit(ws, [headers, *rows])


def write_xlsx(register: Register) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    headers, rows = _table(register)
    _sheet(wb, "Activities", headers, rows, "B2")
    _sheet(wb, "Controller", ["field", "value"], [list(p) for p in details(register)], "A2")
    _sheet(wb, "Systems", [c.header for c in SYSTEM_COLUMNS], [system_cells(s) for s in register.systems], "B2")
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible(buffer.getvalue())


def _reproducible(data: bytes) -> bytes:
    """The same workbook bytes for the same register: fixed zip entry times and document timestamps."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(rb"(<dcterms:(created|modified)[^>]*>)[^<]*(</dcterms:\2>)",
                                 rb"\g<1>" + _FIXED_TIME.encode() + rb"\g<3>", content)
            entry = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, content)
    return out.getvalue()
