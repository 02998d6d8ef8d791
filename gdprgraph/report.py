"""The register as a document for the supervisory authority: Markdown, HTML (Jinja2 templates in
``gdprgraph/templates/``) or XLSX (openpyxl).

``render_report(graph, fmt, date, lang)`` reads the graph as plain data (:func:`gdprgraph.extract.
register_from_graph`), adds what only the graph knows (the DPV concept behind each data category, special
categories, provider countries and which links were inferred) and the validation findings, and renders one
view model with every Art. 30(1) item and its letter. Output is deterministic: the generated date is a
parameter, never "today".

Register text is untrusted. HTML: Jinja2 autoescape, no script, no remote resource. Markdown: the template
environment's ``finalize`` passes every ``{{ value }}`` through :func:`md_escape`, so register text cannot
open a tag, a link or emphasis. XLSX: every cell is written as text, never as a formula.
"""
from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from gdprgraph.errors import UsageError
from gdprgraph.model import Activity, Register

FORMATS = ("md", "html", "xlsx")
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}
LANGUAGES = ("en", "nl")
# The items of an activity, in the order of Art. 30(1) and then the related articles
ACTIVITY_ITEMS = ("purposes", "data_subjects", "categories", "recipients", "transfers", "retention", "measures",
                  "legal_basis", "special_conditions", "lia", "dpia", "automated", "data_sources", "systems")


@lru_cache(maxsize=1)
def strings() -> dict[str, Any]:
    """Headings and field names per language (``templates/report.strings.json``: translate there)."""
    import json

    from gdprgraph.resources import package_dir

    return json.loads((package_dir("templates") / "report.strings.json").read_text(encoding="utf-8"))


def _role(role: str | None, lang: str) -> str | None:
    return strings()["_roles"].get(lang, {}).get(role or "", role)


# -- view model -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value as shown: the register's text, a bracketed detail (DPV concept, country), flags, provenance."""

    text: str
    detail: str | None = None
    flags: tuple[str, ...] = ()
    inferred: bool = False

    def plain(self, t: dict[str, str]) -> str:
        out = self.text + (f" ({self.detail})" if self.detail else "")
        out += "".join(f" [{flag}]" for flag in self.flags)
        return out + (f" ({t['inferred']})" if self.inferred else "")


@dataclass(frozen=True)
class Item:
    ref: str                  # "(b)" for an Art. 30(1) letter, "Art. 6(1)" for related articles, "" otherwise
    key: str
    label: str
    values: tuple[Value, ...] = ()
    empty: str | None = None  # shown instead of values ("not stated", "none (stated in the register)")
    missing: bool = False     # the empty text marks a gap


@dataclass(frozen=True)
class FindingView:
    severity: str
    severity_label: str
    rule: str
    article: str
    message: str
    hint: str
    inferred: bool
    about: str


@dataclass
class ActivityView:
    number: int
    anchor: str
    title: str
    section: str | None
    description: str | None
    line: int | None
    from_prose: bool
    items: list[Item]
    findings: list[FindingView] = field(default_factory=list)


# -- graph look-ups ---------------------------------------------------------------------------------------


def _labels(graph: Graph, node, props=(SKOS.prefLabel, RDFS.label)) -> list[str]:
    for prop in props:
        found = sorted({str(v) for v in graph.objects(node, prop) if isinstance(v, Literal)})
        if found:
            return found
    return []


def _ancestors(graph: Graph, node: URIRef) -> set[URIRef]:
    from gdprgraph.vocabulary import vocabulary_graph

    seen: set[URIRef] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        for g in (graph, vocabulary_graph()):
            for parent in g.objects(current, SKOS.broader):
                if isinstance(parent, URIRef) and parent not in seen:
                    seen.add(parent)
                    todo.append(parent)
    return seen


def _concept_name(concept: URIRef, lang: str) -> str:
    """The concept's own name (skos:prefLabel in ``lang``, else DPV's English name)."""
    from gdprgraph.vocabulary import label_of, vocabulary_graph

    for want in (lang, "en"):
        for label in vocabulary_graph().objects(concept, SKOS.prefLabel):
            if isinstance(label, Literal) and label.language == want:
                return str(label)
    return label_of(concept, lang)


def _term_name(concept: URIRef, lang: str) -> str:
    """A short everyday name for a country, legal basis or provision method (the vocabulary's first
    register label in ``lang``, else the concept's name)."""
    from gdprgraph.namespaces import GG
    from gdprgraph.vocabulary import vocabulary_graph

    for label in vocabulary_graph().objects(concept, GG.matchLabel):
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return _concept_name(concept, lang)


class _Lookup:
    """What the graph knows beyond the plain register: DPV concepts and flags of categories and subjects,
    provider countries (stated or inferred), and the activity each finding's focus node is."""

    def __init__(self, graph: Graph, lang: str) -> None:
        from gdprgraph.extract import line_number
        from gdprgraph.namespaces import DPV, GG, PD, PREFIXES, TECH
        from gdprgraph.vocabulary import normalize

        self.graph, self.lang = graph, lang
        self.inferred = {(graph.value(s, RDF.subject), graph.value(s, RDF.predicate), graph.value(s, RDF.object))
                         for s in graph.subjects(RDF.type, GG.InferredLink)}
        flag_roots = ((DPV.SpecialCategoryPersonalData, "special"), (PD.Criminal, "criminal"),
                      (PREFIXES["gg"]["NationalIdentificationNumber"], "national_id"))
        self.concepts: dict[tuple[str, str], tuple[tuple[URIRef, ...], tuple[str, ...]]] = {}
        for kind, prop in (("category", DPV.hasPersonalData), ("subject", DPV.hasDataSubject)):
            for node in sorted(set(graph.objects(None, prop))):
                if not isinstance(node, URIRef):
                    continue
                concepts = tuple(sorted(c for c in graph.objects(node, SKOS.broader) if isinstance(c, URIRef)))
                labels = _labels(graph, node)
                if not concepts and not labels:  # a DPV term linked directly
                    concepts = (node,)
                closure = {node, *concepts} | _ancestors(graph, node)
                flags = tuple(key for root, key in flag_roots if root in closure) if kind == "category" else ()
                for label in labels or [_concept_name(node, lang)]:
                    self.concepts.setdefault((kind, normalize(label)), (concepts, flags))
        self.acts: dict[str, tuple[str, int | None]] = {}
        for act in graph.subjects(RDF.type, DPV.Process):
            line = graph.value(act, GG.sourceLine)
            labels = _labels(graph, act, (RDFS.label,))
            self.acts[str(act)] = (labels[0] if labels else str(act), line_number(line))
        self.providers: dict[str, list[tuple[URIRef, bool]]] = {}  # system label → (country, inferred)
        for system in sorted(graph.subjects(RDF.type, DPV.Technology)):
            countries = []
            for provider in graph.objects(system, TECH.hasProvider):
                for country in sorted(graph.objects(provider, DPV.hasCountry)):
                    countries.append((country, (provider, DPV.hasCountry, country) in self.inferred))
            for label in _labels(graph, system, (RDFS.label,)):
                self.providers.setdefault(label, countries)

    def concept_value(self, kind: str, text: str, t: dict[str, str], inferred: bool = False) -> Value:
        """The register's label, its DPV concept(s) in brackets (unless the same words) and its flags."""
        from gdprgraph.vocabulary import normalize

        concepts, flags = self.concepts.get((kind, normalize(text)), ((), ()))
        names = [_concept_name(c, self.lang) for c in concepts]
        names = [n for n in dict.fromkeys(names) if normalize(n) != normalize(text)]
        return Value(text, ", ".join(names) or None, tuple(t[f] for f in flags), inferred)


def _country_iri(text: str | None) -> URIRef | None:
    from gdprgraph.vocabulary import map_label

    if not text:
        return None
    found = map_label(text, "country")
    return found[0] if found else None


def _country_name(text: str | URIRef | None, lang: str) -> str | None:
    if text is None:
        return None
    iri = text if isinstance(text, URIRef) else _country_iri(text)
    return _term_name(iri, lang) if iri is not None else str(text)


def _outside_eea(iri: URIRef | None, graph: Graph) -> bool:
    from gdprgraph.namespaces import LOC

    return iri is not None and not ({iri} | _ancestors(graph, iri)) & {LOC.EEA, LOC.EU}


_ARTICLE = re.compile(r"A(\d+)-(\d+)(?:-([a-z]))?(?:-|$)")


def _basis(value: str, lang: str) -> str:
    """``eu-gdpr:A6-1-b`` → "Contract (Art. 6(1)(b))"; unmapped text stays as written."""
    iri = _iri(value)
    if iri is None:
        return value
    name = _term_name(iri, lang)
    match = _ARTICLE.match(re.split(r"[#/]", str(iri))[-1])
    if match and not name.lower().startswith("art"):
        article, paragraph, point = match.groups()
        return f"{name} (Art. {article}({paragraph})" + (f"({point})" if point else "") + ")"
    return name


def _duration(iso: str | None, lang: str) -> str | None:
    match = re.fullmatch(r"P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?", iso or "")
    if not iso or not match or not any(match.groups()):
        return iso
    parts = []
    for number, unit in zip(match.groups(), "YMWD"):
        if number:
            one, many = strings()["_units"][lang][unit]
            parts.append(f"{int(number)} {one if int(number) == 1 else many}")
    return ", ".join(parts)


# -- building the view ------------------------------------------------------------------------------------


def _dedupe(texts) -> list[str]:
    """One entry per label as the vocabulary compares them ("Werk emailadres" = "werk emailadres")."""
    from gdprgraph.vocabulary import normalize

    seen: dict[str, str] = {}
    for text in texts:
        seen.setdefault(normalize(text) or text, text)
    return sorted(seen.values(), key=lambda s: (s.casefold(), s))


def _item(ref, key, t, values, empty_key="not_stated", gap=True) -> Item:
    """An item; when it has no value, ``empty_key`` says what to show and ``gap`` whether that is a gap."""
    values = tuple(values)
    if values:
        return Item(ref, key, t[key], values)
    return Item(ref, key, t[key], (), t[empty_key], gap and empty_key == "not_stated")


def _activity_items(a: Activity, look: _Lookup, t: dict[str, str], lang: str) -> list[Item]:
    ref = lambda refs: tuple(Value(r.value, inferred=r.inferred) for r in refs)  # noqa: E731
    categories = [look.concept_value("category", c, t) for c in _dedupe(a.categories)]
    subjects = [look.concept_value("subject", r.value, t, r.inferred) for r in a.data_subjects]
    recipients = [Value(r.name, ", ".join(x for x in (_country_name(r.country, lang), _role(r.role, lang)) if x)
                        or None) for r in a.recipients]
    items = [
        _item("(b)", "purposes", t, [Value(p) for p in a.purposes]),
        _item("(c)", "data_subjects", t, subjects),
        _item("(c)", "categories", t, categories),
        _item("(d)", "recipients", t, recipients, "none_stated" if a.no_recipients else "not_stated"),
    ]
    transfers = []
    if a.location == "EU":
        transfers.append(Value(t["within_eu"]))
    elif a.location == "outside-EU":
        transfers.append(Value(t["outside_eu"]))
    if a.third_countries:
        names = ", ".join(_country_name(c, lang) or c for c in a.third_countries)
        transfers.append(Value(f"{t['third_countries']}: {names}"))
    if a.transfer_safeguards:
        transfers.append(Value(f"{t['safeguards']}: " + ", ".join(_basis(s, lang) for s in a.transfer_safeguards)))
    elif transfers and not a.third_countries:
        transfers.append(Value(t["no_transfer"]))
    items.append(_item("(e)", "transfers", t, transfers))
    retention = []
    if a.retention is not None:
        retention.append(Value(a.retention.text, _duration(a.retention.duration, lang)))
    items += [
        _item("(f)", "retention", t, retention),
        _item("(g)", "measures", t, [Value(m) for m in a.measures]),
        _item("Art. 6(1)", "legal_basis", t, [Value(_basis(b, lang)) for b in a.legal_bases]),
    ]
    if a.special_category_conditions or any(t["special"] in v.flags or t["criminal"] in v.flags for v in categories):
        items.append(_item("Art. 9(2)", "special_conditions", t,
                           [Value(_basis(c, lang)) for c in a.special_category_conditions]))
    if a.legitimate_interest_assessment or any(b.endswith("A6-1-f") for b in a.legal_bases):
        items.append(_item("Art. 6(1)(f)", "lia", t, [Value(a.legitimate_interest_assessment)]
                           if a.legitimate_interest_assessment else []))
    if a.dpia_required is not None or a.dpia_reference:
        status = t["required"] if a.dpia_required else t["not_required"] if a.dpia_required is False else ""
        ref_text = f"{t['reference']}: {a.dpia_reference}" if a.dpia_reference else None
        items.append(_item("Art. 35", "dpia", t, [Value(status or ref_text or "", ref_text if status else None)]))
    if a.automated_decisions is not None:
        items.append(_item("Art. 22", "automated", t, [Value(t["yes"] if a.automated_decisions else t["no"])]))
    if a.data_sources:
        items.append(_item("Art. 14(2)(f)", "data_sources", t, [Value(s) for s in a.data_sources]))
    items.append(_item("", "systems", t, ref(a.systems)))
    return items


def report_context(graph: Graph, date: _dt.date | str, lang: str | None = None, findings=None) -> dict[str, Any]:
    """The view model the templates render (plain data; all text still unescaped)."""
    from gdprgraph.build import SECTION_IRIS
    from gdprgraph.extract import register_from_graph
    from gdprgraph.vocabulary import label_of

    register: Register = register_from_graph(graph)
    if lang is None:
        lang = register.language if register.language in LANGUAGES else "en"
    if lang not in LANGUAGES:
        raise UsageError(f"unknown report language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    date_text = date.isoformat() if isinstance(date, _dt.date) else str(date)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text):
        raise UsageError(f"report date must be YYYY-MM-DD, not {date_text!r}")
    if findings is None:
        from gdprgraph.validate import validate_graph

        findings = validate_graph(graph, lang=lang).findings  # messages and hints in the report's language
    t = strings()[lang]
    look = _Lookup(graph, lang)
    c = register.controller

    def contact(name, email):
        return [Value(", ".join(x for x in (name, email) if x))] if name or email else []

    controller = [
        _item("(a)", "name", t, [Value(c.name)] if c.name else []),
        _item("(a)", "address", t, [Value(c.address)] if c.address else []),
        _item("(a)", "country", t, [Value(_country_name(c.country, lang))] if c.country else []),
        _item("(a)", "registration_number", t, [Value(c.registration_number)] if c.registration_number else []),
        _item("(a)", "privacy_contact", t, contact(c.contact_name, c.contact_email)),
        # a DPO, an EU representative and joint controllers are required only in some cases: not a gap
        _item("(a)", "dpo", t, contact(c.dpo_name, c.dpo_email), gap=False),
        _item("(a)", "representative", t, [Value(c.representative)] if c.representative else [], gap=False),
        _item("(a)", "joint_controllers", t, [Value(j) for j in c.joint_controllers], gap=False),
    ]
    activities = []
    by_key: dict[tuple[str, int | None], list[ActivityView]] = {}
    for n, a in enumerate(register.activities, 1):
        section = label_of(SECTION_IRIS[a.section], lang) if a.section in SECTION_IRIS else a.section
        view = ActivityView(n, f"activity-{n}", a.title, section, a.description, a.line, a.from_prose,
                            _activity_items(a, look, t, lang))
        activities.append(view)
        by_key.setdefault((a.title, a.line), []).append(view)
    general: list[FindingView] = []
    for f in findings:
        key = look.acts.get(f.focus)
        targets = by_key.get(key, []) if key else []
        view = FindingView(f.severity, t.get(f.severity, f.severity), f.rule, f.article or "", f.message,
                           f.hint, f.inferred, targets[0].title if targets else f.label)
        for target in targets:
            target.findings.append(view)
        if not targets:
            general.append(view)
    counts = {s: sum(1 for f in findings if f.severity == s) for s in ("violation", "warning", "info")}
    rules: dict[str, dict[str, Any]] = {}
    for f in findings:
        row = rules.setdefault(f.rule, {"rule": f.rule, "article": f.article or "", "severity": f.severity,
                                        "severity_label": t.get(f.severity, f.severity), "count": 0,
                                        "hint": f.hint, "activities": []})
        row["count"] += 1
        about = look.acts.get(f.focus, (f.label, None))[0]
        if about not in row["activities"]:
            row["activities"].append(about)
    rank = {"violation": 0, "warning": 1, "info": 2}
    rule_rows = sorted(rules.values(), key=lambda r: (rank.get(r["severity"], 3), -r["count"], r["rule"]))

    systems, outside = [], []
    for s in register.systems:
        countries = look.providers.get(s.name, [])
        if not countries and s.country:
            countries = [(_country_iri(s.country) or s.country, False)]
        country_values = [Value(_country_name(iri, lang) or str(iri), None, (), inferred)
                          for iri, inferred in countries]
        sections = [label_of(SECTION_IRIS[x], lang) for x in s.sections if x in SECTION_IRIS]
        provision = _expand_type(s.type, lang)
        row = {"name": s.name, "type": provision, "provider": s.provider, "countries": country_values,
               "sections": sections, "description": s.description}
        systems.append(row)
        for (iri, inferred), value in zip(countries, country_values):
            if isinstance(iri, URIRef) and _outside_eea(iri, graph):
                outside.append({"system": s.name, "provider": s.provider or s.name, "country": value})
    recipients: dict[tuple, dict[str, Any]] = {}
    for view, a in zip(activities, register.activities):
        for r in a.recipients:
            row = recipients.setdefault((r.name, r.country, r.role), {
                "name": r.name, "country": _country_name(r.country, lang), "role": _role(r.role, lang),
                "activities": []})
            row["activities"].append(view.title)
    transfers = [{"activity": v.title, "anchor": v.anchor,
                  "countries": ", ".join(_country_name(x, lang) or x for x in a.third_countries),
                  "safeguards": ", ".join(_basis(s, lang) for s in a.transfer_safeguards)}
                 for v, a in zip(activities, register.activities) if a.third_countries or a.location == "outside-EU"]
    return {
        "t": t, "lang": lang, "generated": date_text,
        "register": {"controller": c.name, "date": register.date, "source": register.source,
                     "language": register.language},
        "controller": controller, "activities": activities, "general_findings": general,
        "counts": counts, "conforms": counts["violation"] == 0, "rules": rule_rows,
        "systems": systems, "outside": outside,
        "recipients": sorted(recipients.values(), key=lambda r: (r["name"].casefold(), r["name"])),
        "stated_none": [v for v, a in zip(activities, register.activities) if a.no_recipients and not a.recipients],
        "unstated": [v for v, a in zip(activities, register.activities) if not a.no_recipients and not a.recipients],
        "transfers": transfers,
        "summary": t["counts"].format(n=len(activities), s=len(systems), r=len(recipients)),
    }


def _iri(value: str | None) -> URIRef | None:
    """A CURIE of one of our prefixes (``eu-gdpr:A6-1-b``, as extract writes them) or a full IRI."""
    from gdprgraph.namespaces import PREFIXES

    text = (value or "").strip()
    if re.fullmatch(r"https?://\S+", text):
        return URIRef(text)
    prefix, _, local = text.partition(":")
    if local and prefix in PREFIXES and re.fullmatch(r"[A-Za-z0-9][\w.-]*", local):
        return URIRef(str(PREFIXES[prefix]) + local)
    return None


def _expand_type(value: str | None, lang: str) -> str | None:
    iri = _iri(value)
    return _term_name(iri, lang) if iri is not None else value


# -- rendering --------------------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]#|~!])")
_MD_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_MD_LINE_START = re.compile(r"^(\s*)(?:([-+=])(?=\s|[-+=\s]*$)|(\d{1,9})([.)])(?=\s|$))")


def md_escape(value: Any) -> str:
    """Text that Markdown renders as itself: no HTML tag, entity, link, emphasis, code or table cell break.

    ``<``/``>`` become entities (every renderer honours them, unlike a backslash before ``<``), Markdown
    punctuation gets a backslash, newlines become spaces so a value never starts a block of its own."""
    if value is None:
        return ""
    text = " ".join(str(value).split())
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_ENTITY.sub("&amp;", text)
    text = text.replace("<", "&lt;").replace(">", "&gt;")
    # a value at the start of a line must not open a list or a setext heading ("1. x", "- x", "===")
    return _MD_LINE_START.sub(lambda m: m.group(1) + (f"\\{m.group(2)}" if m.group(2)
                                                      else f"{m.group(3)}\\{m.group(4)}"), text)


@lru_cache(maxsize=2)
def _environment(kind: str):
    import jinja2

    loader = jinja2.PackageLoader("gdprgraph", "templates")
    if kind == "html":
        return jinja2.Environment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                                  trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    return jinja2.Environment(loader=loader, autoescape=False, finalize=md_escape, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def format_for_path(path: str | Path) -> str:
    """The report format implied by the output file name; a :class:`UsageError` for any other suffix."""
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise UsageError(f"{path}: cannot tell the report format from the suffix {suffix or '(none)'!r}; "
                         "use .md, .html or .xlsx")
    return SUFFIX_FORMATS[suffix]


def render_report(graph: Graph, fmt: str, date: _dt.date | str, lang: str | None = None) -> str | bytes:
    """The register document: Markdown or HTML text, or XLSX bytes. ``date`` is printed as the generation
    date (pass it in; the library never reads the clock). ``lang``: en or nl (headings, field names and the
    validation findings' messages and hints), default the register's language (``dct:language`` of the
    ``dpv:ROPA`` node), else en."""
    if fmt not in FORMATS:
        raise UsageError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
    context = report_context(graph, date, lang)
    if fmt == "xlsx":
        return _xlsx(context)
    text = _environment(fmt).get_template(f"report.{fmt}.j2").render(**context)
    return re.sub(r"\n{3,}", "\n\n", text)


# -- XLSX -------------------------------------------------------------------------------------------------


def _cell(values: tuple[Value, ...] | list[Value], empty: str | None, t: dict[str, str]) -> str:
    return "\n".join(v.plain(t) for v in values) if values else (empty or "")


def _xlsx(ctx: dict[str, Any]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    from gdprgraph.writers.spreadsheet import _reproducible  # same fixed timestamps as `export --to xlsx`

    t = ctx["t"]
    wb = Workbook()
    wb.remove(wb.active)

    def sheet(title: str, headers: list[str], rows: list[list[str]], freeze: str, widths: list[int]) -> None:
        ws = wb.create_sheet(title[:31])
        ws.append(headers)
        for row in rows:
            ws.append([None if v in ("", None) else str(v) for v in row])
        for cell in ws[1]:
            cell.font = Font(bold=True, color="FFFFFF")
            cell.fill = PatternFill("solid", fgColor="1F3A5F")
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                if cell.value is not None:
                    cell.data_type = "s"  # register text is text, never a formula
        ws.freeze_panes = freeze
        if rows:
            ws.auto_filter.ref = ws.dimensions
        for i, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(i)].width = width

    sheet(t["sheet_controller"], [t["ref"], t["field"], t["value"]],
          [[f"30(1){i.ref}", i.label, _cell(i.values, i.empty, t)] for i in ctx["controller"]]
          + [["", t["register_date"], ctx["register"]["date"] or ""],
             ["", t["source"], ctx["register"]["source"] or ""], ["", t["generated"], ctx["generated"]]],
          "A2", [10, 36, 60])
    acts = ctx["activities"]
    columns: dict[str, str] = {}  # item key → header ("30(1)(b) Purposes of the processing")
    for view in acts:
        for item in view.items:
            ref = f"30(1){item.ref}" if item.ref.startswith("(") else item.ref
            columns.setdefault(item.key, f"{ref} {item.label}".strip())
    columns = {k: columns[k] for k in ACTIVITY_ITEMS if k in columns}
    headers = ["#", t["activity"], t["section"], t["description"], *columns.values(), t["activity_findings"]]
    rows = []
    for view in acts:
        cells = {i.key: _cell(i.values, i.empty, t) for i in view.items}
        found = "\n".join(f"{f.severity_label}: {f.message}" + (f" ({t['inferred']})" if f.inferred else "")
                          for f in view.findings)
        rows.append([str(view.number), view.title, view.section or "", view.description or ""]
                    + [cells.get(k, "") for k in columns] + [found])
    sheet(t["sheet_activities"], headers, rows, "C2", [5, 28, 16, 40] + [32] * len(columns) + [60])
    sheet(t["sheet_systems"], [t["system"], t["type"], t["provider"], t["provider_country"], t["listed_for"],
                               t["description"]],
          [[s["name"], s["type"] or "", s["provider"] or "", _cell(s["countries"], "", t), ", ".join(s["sections"]),
            s["description"] or ""] for s in ctx["systems"]], "B2", [30, 22, 20, 24, 28, 50])
    findings = [f for v in acts for f in v.findings] + ctx["general_findings"]
    sheet(t["sheet_findings"],
          [t["focus"], t["severity"], t["rule"], t["article"], t["finding"], t["fix"], t["inferred"]],
          [[f.about, f.severity_label, f.rule, f.article, f.message, f.hint, t["yes"] if f.inferred else ""]
           for f in findings], "B2", [28, 14, 28, 16, 80, 60, 10])
    buffer = io.BytesIO()
    wb.save(buffer)
    return _reproducible(buffer.getvalue())
