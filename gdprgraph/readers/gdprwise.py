"""Reader for GDPRWise.eu register exports: the text export, or the PDF export through its text layer.

A GDPRWise register is a title, a sentence naming the controller, the privacy coordinator, and six
numbered sections: (1) activities on clients, (2) on employees, (3) suppliers as prose, (4) sharing with
third parties, (5) systems used for client data, (6) systems used for employee data. Each section starts
with a heading and an intro paragraph; records are a title line followed by label lines ("Beschrijving",
"Doel", …) each followed by its value. Text extraction mixes this up: headings and page footers float to
wherever the page put them (even between a label and its value), values wrap, spaces are non-breaking.

So the reader works on the non-empty lines, first removes footers and headings (remembering where the
headings were), then cuts records at their labels (all this is :mod:`gdprgraph.readers.gdprwise_layout`),
and only then decides sections from what it sees: the kind of each record (activity, sharing, system),
the prose between runs of records, and the positions of the intros and headings. It knows the format's
labels, heading and intro words and footer shape, nothing about any one company. Values stay as written;
mapping them to DPV is the vocabulary's job, which the reader asks only which labels exist (to keep
"Betalingsoverzicht, klantenrekening" one category) and which countries.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

from gdprgraph.errors import InputError
from gdprgraph.model import Activity, Recipient, Ref, Register, Retention, System
from gdprgraph.readers.gdprwise_layout import (
    CLIENT_WORDS, GENERATED, NONE_WORDS, NUMBER_OF_SECTION, SECTION_OF_HEADING, STAFF_WORDS, Line, Record,
    cut_records, find_intros, fold, is_country, is_legal_form, join_lines, paragraphs, read_header,
    split_lines, strip_footers, strip_headings)
from gdprgraph.retention import parse_duration

SOURCE = "GDPRWise.eu"


# --- vocabulary hooks --------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Vocabulary:
    """What the reader asks the vocabulary: which labels exist (to keep labels containing a comma or
    "and" whole; to recognise countries) and which category labels occur in supplier prose."""
    is_category: Callable[[str], bool]
    find_categories: Callable[[str], list[str]]
    is_legal_basis: Callable[[str], bool]
    is_country: Callable[[str], bool]


def _vocabulary(known_category, find_categories, known_legal_basis, known_country) -> _Vocabulary:
    """Fill the hooks not given from gdprgraph.vocabulary, imported only when needed."""
    hooks = (known_category, find_categories, known_legal_basis, known_country)
    if None in hooks:
        from gdprgraph.vocabulary import find_in_text, is_known_label

        defaults = (lambda label: is_known_label(label, "personal-data"),
                    lambda text: find_in_text(text, "personal-data"),
                    lambda label: is_known_label(label, "legal-basis"),
                    lambda label: is_known_label(label, "country"))
        hooks = tuple(hook or default for hook, default in zip(hooks, defaults))
    return _Vocabulary(*hooks)


# --- sections ----------------------------------------------------------------------------------------
def _assign_sections(records: list[Record], headings: list[tuple[int, int]]) -> None:
    """Sharing records are section 4. Activity records are section 1 or 2, system records 5 or 6: each
    run is cut in two where an intro paragraph stands between two records of the run (the nearest such
    place to the second section's marker, if several). Only when no prose separates them does the
    marker's position decide. ``headings`` holds (position, number) markers: the second section's intro
    where it was found (intros stay in place), else its heading (headings float within their page)."""
    for kind, low, high in (("activity", 1, 2), ("system", 5, 6)):
        group = [r for r in records if r.kind == kind]
        cuts = [k for k in range(1, len(group)) if group[k].prose_before]
        positions = [p for p, n in headings if n == high]
        at = next((k for k, r in enumerate(group) if r.end > positions[0]), len(group)) if positions \
            else (cuts[0] if cuts else len(group))
        cut = min(cuts, key=lambda c: abs(c - at)) if cuts else at
        for k, record in enumerate(group):
            record.section = SECTION_OF_HEADING[low if k < cut else high]
    for record in records:
        if record.kind == "sharing":
            record.section = "sharing"


def _supplier_prose(records: list[Record], tail: list[Line], numbers: set[int]) -> list[Line]:
    """Section 3 is prose between the last activity and the first later record (or the end). That block
    also holds the intros of the printed sections around it; drop one paragraph per such section."""
    j = next((k for k, r in enumerate(records) if NUMBER_OF_SECTION[r.section or "clients"] > 3), None)
    block = records[j].prose_before if j is not None else tail
    before = NUMBER_OF_SECTION[records[j - 1].section or "clients"] if j else 0
    after = NUMBER_OF_SECTION[records[j].section or "clients"] if j is not None else 6
    printed = (numbers | {NUMBER_OF_SECTION[r.section or "clients"] for r in records}) if numbers \
        else set(SECTION_OF_HEADING)
    lead = sum(1 for s in printed if before < s < 3)
    trail = sum(1 for s in printed if 3 < s <= after)
    parts = paragraphs(block)
    chosen = parts[lead:len(parts) - trail]
    if not chosen and 3 in numbers and len(parts) > lead:
        chosen = parts[lead:]  # could not tell the supplier prose from the next intro: keep both
    return [line for p in chosen for line in p]


# --- values ------------------------------------------------------------------------------------------
def _split_labels(text: str, separator: str, known: Callable[[str], bool],
                  absorb_lower: bool = False) -> list[str]:
    """Split a list on ``separator`` but keep a label that contains it whole: pieces are joined when the
    joined text is a vocabulary label, longest first ("Betalingsoverzicht, klantenrekening", "Employment,
    social security and social protection law"). With ``absorb_lower``, a lower-case piece that is no
    label continues the previous one ("Description of the damage, photos and invoices")."""
    parts = re.split(f"({separator})", text)
    pieces = [(parts[k].strip(), parts[k - 1].strip() if k else "") for k in range(0, len(parts), 2)]
    pieces = [(piece, sep) for piece, sep in pieces if piece]  # (text, the separator before it)

    def joined(i: int, j: int) -> str:
        return pieces[i][0] + "".join((f"{sep} " if sep in ",;" else f" {sep} ") + piece
                                      for piece, sep in pieces[i + 1:j])

    out: list[str] = []
    i = 0
    while i < len(pieces):
        j = next((j for j in range(min(len(pieces), i + 5), i + 1, -1) if known(joined(i, j))), i + 1)
        if j == i + 1 and absorb_lower:
            while j < len(pieces) and pieces[j][0][:1].islower() and not known(pieces[j][0]):
                j += 1
        out.append(joined(i, j))
        i = j
    return out


def _split_categories(text: str, known: Callable[[str], bool]) -> tuple[str, ...]:
    """Categories are comma-separated; a trailing "…" (GDPRWise's own labels have some) is dropped."""
    def without_dots(label: str) -> str:
        return re.sub(r"\s*(\u2026|\.\.\.)$", "", label)

    labels = _split_labels(text, r",", lambda label: known(label) or known(without_dots(label)),
                           absorb_lower=True)
    return tuple(dict.fromkeys(x for x in map(without_dots, labels) if x))


def _split_legal_bases(text: str | None, known: Callable[[str], bool]) -> tuple[str, ...]:
    """ "Contract, Legal obligation and Consent" → three; a vocabulary label stays whole."""
    return tuple(_split_labels(text or "", r"\s*(?:[,;]|\band\b|\ben\b|\bet\b)\s*", known))


def _split(text: str | None, pattern: str = r"\s*[,;]\s*") -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(pattern, text or "") if p.strip())


def _recipients(text: str, known_country: Callable[[str], bool] | None = None
                ) -> tuple[tuple[Recipient, ...], bool]:
    """(recipients, explicitly none). "A (Belgium), B Ltd, C" → three; legal forms stay with their name."""
    if fold(text).strip(" .") in NONE_WORDS or not re.search(r"\w", text):
        return (), True

    def end_party(match: re.Match) -> str:  # "DHL (Germany) FedEx (US)": one party a line, no commas
        return match[0] + ("," if is_country(match[1].strip(), known_country) else "")

    text = re.sub(r"\(([^()]+)\)(?=\s+[^\s,;])", end_party, text)
    names: list[str] = []
    for piece in _split(text):
        if names and is_legal_form(re.sub(r"\(.*\)", "", piece)):
            names[-1] += f", {piece}"
        else:
            names.append(piece)
    out = []
    for name in names:  # "Name (Country)"; other remarks in brackets stay part of the name
        match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", name)
        country = match and match[2].strip()
        if country and is_country(country, known_country):
            out.append(Recipient(match[1], country))
        else:
            out.append(Recipient(name))
    return tuple(out), False


def _inferred_subjects(categories: tuple[str, ...]) -> tuple[Ref, ...]:
    """Sharing records state no data subjects; guess them from the category names (marked inferred)."""
    folded = [fold(c) for c in categories]
    found = [label for label, words in (("Clients", CLIENT_WORDS), ("Staff", STAFF_WORDS))
             if any(w in c for c in folded for w in words)]
    return tuple(Ref(label, inferred=True) for label in found)


def _activity(record: Record, vocabulary: _Vocabulary) -> Activity:
    categories = _split_categories(record.text("categories") or "", vocabulary.is_category)
    subjects = tuple(Ref(s) for s in _split(record.text("subjects")))
    if not subjects and record.section == "sharing":
        subjects = _inferred_subjects(categories)
    recipients: tuple[Recipient, ...] = ()
    no_recipients = False
    if record.text("recipients") is not None:
        recipients, no_recipients = _recipients(record.text("recipients") or "", vocabulary.is_country)
    for value in record.values("third_party"):  # name, then its country on the last line
        name = join_lines(value[:-1] if len(value) > 1 else value)
        recipients += (Recipient(name, value[-1].text if len(value) > 1 else None, "third party"),)
    retention = record.text("retention")
    return Activity(
        title=join_lines(record.title), section=record.section, description=record.text("description"),
        purposes=tuple(filter(None, [record.text("purpose")])), data_subjects=subjects, categories=categories,
        legal_bases=_split_legal_bases(record.text("legal_basis"), vocabulary.is_legal_basis),
        retention=Retention(retention, parse_duration(retention)) if retention else None,
        measures=_split(record.text("measures"), r"\s*;\s*"), recipients=recipients,
        no_recipients=no_recipients, location=record.location, line=record.title[0].no)


def _link_systems(activity: Activity, by_section: dict[str, list[str]]) -> Activity:
    """Systems are listed per section, not per activity: every client activity gets every client-system
    (and employees likewise), marked inferred. Sharing and supplier activities have no systems section;
    they get the systems listed for every kind of subject they concern (clients → client systems,
    staff → employee systems; data on both → the systems used for both), also inferred. The
    intersection, not the union: a record sharing client and staff data with an accountant must not
    put staff data into a client-only CRM (it would overstate a breach's impact)."""
    wanted = {"clients": ["client-systems"], "employees": ["employee-systems"]}.get(activity.section or "")
    if wanted is None:
        folded = [fold(s.value) for s in activity.data_subjects]
        wanted = [sec for sec, words in (("client-systems", CLIENT_WORDS),
                                         ("employee-systems", STAFF_WORDS))
                  if any(w in s for s in folded for w in words)]
    if not wanted:
        return replace(activity, systems=())
    common = set(by_section.get(wanted[0], [])).intersection(*(by_section.get(sec, []) for sec in wanted[1:]))
    names = [n for n in by_section.get(wanted[0], []) if n in common]
    return replace(activity, systems=tuple(Ref(n, inferred=True) for n in names))


def _systems(records: list[Record]) -> tuple[tuple[System, ...], dict[str, list[str]]]:
    """One System per distinct name; a system listed in sections 5 and 6 keeps both sections (its first
    description, type and provider win)."""
    merged: dict[str, System] = {}
    by_section: dict[str, list[str]] = {}
    for r in (r for r in records if r.kind == "system"):
        name, key = join_lines(r.title), fold(join_lines(r.title))
        old = merged.get(key)
        sections = tuple(s for s in SECTION_OF_HEADING.values()
                         if s == r.section or (old is not None and s in old.sections))
        merged[key] = System(name=old.name if old else name,
                             description=(old and old.description) or r.text("description"),
                             type=(old and old.type) or r.text("type"),
                             provider=(old and old.provider) or r.text("provider"), sections=sections)
        by_section.setdefault(r.section or "", []).append(merged[key].name)
    return tuple(merged.values()), by_section


# --- entry points ------------------------------------------------------------------------------------
def looks_like_gdprwise(text: str) -> bool:
    """True when ``text`` looks like a GDPRWise register export (title near the top, or its footer)."""
    head = fold(text[:3000])
    return bool(re.search(r"register (van verwerkingsactiviteiten|of processing activities)", head)
                or GENERATED.search(text))


def parse_gdprwise_text(text: str, path: str | None = None, *,
                        known_category: Callable[[str], bool] | None = None,
                        find_categories: Callable[[str], list[str]] | None = None,
                        known_legal_basis: Callable[[str], bool] | None = None,
                        known_country: Callable[[str], bool] | None = None) -> Register:
    """Parse the text of a GDPRWise export (text file or PDF text layer) into a :class:`Register`.
    The ``known_*`` and ``find_categories`` hooks replace the vocabulary (tests pin the reader so)."""
    path = str(path) if path is not None else None
    if not text.strip():
        raise InputError("empty file, expected a GDPRWise register", path)
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in text or controls > max(2, len(text) // 50):
        raise InputError("binary data, expected a GDPRWise register as text", path)
    lines = split_lines(text)
    if not lines:
        raise InputError("empty file (only invisible characters), expected a GDPRWise register", path)
    vocabulary = _vocabulary(known_category, find_categories, known_legal_basis, known_country)
    controller, lang, header_end = read_header(lines, path, vocabulary.is_country)
    body, date = strip_footers(lines[header_end + 1:], controller)
    body, headings = strip_headings(body)
    intros = find_intros(body)  # where printed; the heading's place is the fallback
    headings = intros + [h for h in headings if h[1] not in {n for _, n in intros}]
    records, tail = cut_records(body, path)
    if not records:
        raise InputError("no processing records found: expected a title followed by 'Beschrijving' / "
                         "'Description'", path, lines[header_end].no)
    _assign_sections(records, headings)
    activities = [_activity(r, vocabulary) for r in records if r.kind != "system"]
    supplier = _supplier_prose(records, tail, {n for _, n in headings})
    if supplier:
        prose = join_lines(supplier)
        activities.append(Activity(
            title="Leveranciers" if lang == "nl" else "Suppliers", section="suppliers", description=prose,
            data_subjects=(Ref("Suppliers", inferred=True),), from_prose=True, line=supplier[0].no,
            categories=tuple(dict.fromkeys(vocabulary.find_categories(prose)))))
    systems, by_section = _systems(records)
    activities.sort(key=lambda a: a.line or 0)
    return Register(controller=controller, activities=tuple(_link_systems(a, by_section) for a in activities),
                    systems=systems, date=date, language=lang, source=SOURCE, source_file=path)


def read_gdprwise(path: str | Path) -> Register:
    """Read a GDPRWise export: ``.pdf`` (text layer, page by page) or text (UTF-8, else Windows-1252)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path) from None
    if not data.strip():
        raise InputError("empty file, expected a GDPRWise register", path)
    if path.suffix.lower() == ".pdf" or data.startswith(b"%PDF"):
        return parse_gdprwise_text(_pdf_text(data, path), str(path))
    if b"\x00" in data[:8192]:
        raise InputError("binary file, expected a GDPRWise text export or PDF", path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise InputError("cannot decode the text: it is neither UTF-8 nor Windows-1252", path) from None
    return parse_gdprwise_text(text, str(path))


def _pdf_text(data: bytes, path: Path) -> str:
    """The PDF's text layer, pages joined by newlines. pypdf raises many exception types on damaged
    files; all of them mean the same to the user."""
    import io

    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise InputError("the PDF is encrypted", path)
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - see docstring
        raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})", path) from None
    if not any(p.strip() for p in pages):
        raise InputError("the PDF has no text layer (scanned?); export the register as text or a "
                         "text PDF", path)
    return "\n".join(pages)
