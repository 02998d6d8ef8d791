"""Where personal data goes: ``trace`` (a data category), ``subject_inventory`` (Art. 15),
``impact`` (a breached system, provider or recipient), and users' own SPARQL (``user_query``).

Every answer is read from the graph through the bundled queries (activity-links.rq via
:func:`gdprgraph.flows.read_flows`, and entities.rq), with the user's words resolved to
register nodes in Python first (:func:`gdprgraph.vocabulary.resolve`): user text never reaches a query.
Results are plain dicts/lists of str/bool/None, ready for ``json.dumps``; ``*_rows`` flatten them for
tables and CSV.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from rdflib import RDFS, SKOS, Graph, Literal, URIRef

from gdprgraph.errors import InputError, UnknownTermError
from gdprgraph.flows import (
    NodeInfo,
    Flows,
    category_flags,
    collector_paused,
    country_code,
    eea_status,
    pick_label,
    read_details,
    read_flows,
    select,
)
from gdprgraph.namespaces import DPV, EU_GDPR

INFERRED = " (inferred)"


# -- helpers ----------------------------------------------------------------------------------------

def _section_key(section: URIRef | None) -> str | None:
    if section is None:
        return None
    from gdprgraph.build import SECTION_IRIS

    return _SECTION_KEYS(tuple(SECTION_IRIS.items())).get(section, str(section))


@lru_cache(maxsize=1)
def _SECTION_KEYS(items: tuple[tuple[str, URIRef], ...]) -> dict[URIRef, str]:  # noqa: N802
    """gg: section IRI → its key in build.SECTION_IRIS (the first key when two share an IRI)."""
    keys: dict[URIRef, str] = {}
    for key, iri in items:
        keys.setdefault(iri, key)
    return keys


def _sort_key(flows: Flows, lang: str | None):
    return lambda iri: ((flows.label(iri, lang) or "").casefold(), str(iri))


def _by_iri(item: tuple[URIRef, Any]) -> str:
    """Places in the order of their IRIs (as activity-links.rq's ORDER BY gives them), whichever reader ran."""
    return str(item[0])


def _marked(label: str | None, inferred: bool) -> str:
    if not label:
        return ""
    return label + (INFERRED if inferred else "")


def _place(place: URIRef | None, flows: Flows, lang: str | None, inferred: bool = False) -> dict[str, Any]:
    """``country`` (ISO code or None), its label, whether it lies outside the EEA (``eea``: True, False, or
    None when the vocabulary does not know the place), and whether the importer inferred it."""
    if place is None:
        return {"country": None, "country_label": None, "country_inferred": False, "outside_eea": False, "eea": None}
    status = eea_status(place)
    return {
        "country": country_code(place),
        "country_label": flows.label(place, lang),
        "country_inferred": inferred,
        "outside_eea": status is False,
        "eea": status,
    }


def _provider_place(flows: Flows, system: URIRef) -> tuple[URIRef | None, bool]:
    provider = flows.nodes[system].provider
    if provider is None:
        return None, False
    vendor = flows.nodes[provider]
    return vendor.country, vendor.country_inferred


def _place_name(place: URIRef, flows: Flows, lang: str | None) -> str:
    return country_code(place) or flows.label(place, lang) or str(place)


# -- trace ------------------------------------------------------------------------------------------

@collector_paused
def trace(graph: Graph, term: str, subject: str | None = None, lang: str | None = None) -> dict[str, Any]:
    """Every activity that processes a category matching ``term`` (optionally only for data subject
    ``subject``), its systems and their providers, its recipients and their countries, whether any of
    that lies outside the EEA, and which links are inferred.

    Shape (DESIGN.md §4): ``{"term", "categories": [{"iri", "label"}], "activities": [{"iri", "label",
    "section", "subjects", "categories", "systems", "recipients", "inferred", ...}], "systems": [{"iri",
    "label", "provider", ...}], "recipients": [{"iri", "label", "country", ...}], "countries",
    "outside_eea"}``. Raises UnknownTermError when the term or the subject matches nothing.
    """
    from gdprgraph.vocabulary import resolve

    categories = resolve(term, graph, "personal-data")
    wanted = set(resolve(subject, graph, "data-subject")) if subject else None
    flows = read_flows(graph, DPV.hasPersonalData, categories, details=("subject", "system", "recipient"),
                       skip=DPV.hasPersonalData)  # an activity's other categories are not part of the answer
    read_details(graph, flows, [c for c in categories if c in flows.nodes])

    activities: list[dict[str, Any]] = []
    systems: dict[URIRef, dict[str, Any]] = {}
    recipients: dict[URIRef, dict[str, Any]] = {}
    places: set[URIRef] = set()
    locations: set[URIRef] = set()
    unknown: set[str] = set()
    # Per node, once (an answer names the same few thousand nodes in many activities): its label and sort
    # key, and for systems and recipients their entry and whether they reach a country outside the EEA.
    names: dict[URIRef, tuple[str, tuple[str, str]]] = {}

    def name(node: URIRef) -> tuple[str, tuple[str, str]]:
        found = names.get(node)
        if found is None:
            label = flows.label(node, lang)
            found = names[node] = (label or str(node), ((label or "").casefold(), str(node)))
        return found

    def order(node: URIRef) -> tuple[str, str]:
        return name(node)[1]

    outside: dict[URIRef, bool] = {}  # system or recipient → it reaches a place outside the EEA
    for act in sorted(flows.activities, key=order):
        record = flows.activities[act]
        subject_links = record.targets("subject")
        if wanted is not None:
            subject_links = {s: i for s, i in subject_links.items() if s in wanted}
            if not subject_links:
                continue
        links: list[dict[str, Any]] = []

        def link(kind: str, target: URIRef, inferred: bool) -> str:
            label = name(target)[0]
            links.append({"kind": kind, "iri": str(target), "label": label, "inferred": inferred})
            return label

        subject_labels = [link("subject", s, subject_links[s]) for s in sorted(subject_links, key=order)]
        category_labels = [name(c)[0] for c in sorted(record.anchors, key=order)]
        activity_outside = False
        system_links = record.targets("system")
        system_labels = []
        for sys_iri in sorted(system_links, key=order):
            system_labels.append(link("system", sys_iri, system_links[sys_iri]))
            if sys_iri not in systems:
                info = flows.nodes[sys_iri]
                provider_country, guessed = _provider_place(flows, sys_iri)
                if provider_country is not None:
                    places.add(provider_country)
                systems[sys_iri] = {
                    "iri": str(sys_iri),
                    "label": flows.label(sys_iri, lang),
                    "provider": flows.label(info.provider, lang),
                    "provider_iri": str(info.provider) if info.provider is not None else None,
                    **_place(provider_country, flows, lang, guessed),
                }
                outside[sys_iri] = provider_country is not None and eea_status(provider_country) is False
            activity_outside = activity_outside or outside[sys_iri]
        recipient_links = record.targets("recipient")
        recipient_labels = []
        for rec_iri in sorted(recipient_links, key=order):
            recipient_labels.append(link("recipient", rec_iri, recipient_links[rec_iri]))
            if rec_iri not in recipients:
                country = flows.nodes[rec_iri].country
                if country is not None:
                    places.add(country)
                if country is None or eea_status(country) is None:
                    unknown.add(name(rec_iri)[0])
                recipients[rec_iri] = {"iri": str(rec_iri), "label": flows.label(rec_iri, lang),
                                       **_place(country, flows, lang, flows.nodes[rec_iri].country_inferred)}
                outside[rec_iri] = country is not None and eea_status(country) is False
            activity_outside = activity_outside or outside[rec_iri]
        for place, inferred in sorted(record.targets("third-country").items(), key=_by_iri):
            link("third-country", place, inferred)
            places.add(place)
            activity_outside = activity_outside or eea_status(place) is False
        for place, inferred in sorted(record.targets("location").items(), key=_by_iri):
            link("location", place, inferred)
            locations.add(place)
            activity_outside = activity_outside or eea_status(place) is False
        activities.append({
            "iri": str(act),
            "label": flows.label(act, lang),
            "section": _section_key(record.section),
            "subjects": subject_labels,
            "categories": category_labels,
            "systems": system_labels,
            "recipients": recipient_labels,
            "inferred": any(l["inferred"] for l in links),
            "outside_eea": activity_outside,
            "links": links,
        })

    order = _sort_key(flows, lang)
    all_places = places | locations
    return {
        "term": term,
        "subject": subject,
        "categories": [{"iri": str(c), "label": flows.label(c, lang) or _concept_label(graph, c, lang)}
                       for c in categories],
        "subject_concepts": [{"iri": str(s), "label": _concept_label(graph, s, lang)} for s in sorted(wanted or ())],
        "activities": activities,
        "systems": [systems[s] for s in sorted(systems, key=order)],
        "recipients": [recipients[r] for r in sorted(recipients, key=order)],
        "countries": sorted({_place_name(p, flows, lang) for p in places}),
        "locations": sorted({_place_name(p, flows, lang) for p in locations}),
        "outside_eea": any(eea_status(p) is False for p in all_places),
        "unknown_location": sorted(unknown),
    }


def _concept_label(graph: Graph, concept: URIRef, lang: str | None) -> str:
    from gdprgraph.vocabulary import label_of

    labels = [l for p in (SKOS.prefLabel, RDFS.label) for l in graph.objects(concept, p) if isinstance(l, Literal)]
    return pick_label(labels, lang) or label_of(concept, lang or "en")


TRACE_COLUMNS = ["activity", "section", "subjects", "categories", "kind", "to", "where", "outside_eea"]


def trace_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per flow (activity → system or recipient); inferred links marked "(inferred)"."""
    systems = {s["iri"]: s for s in result["systems"]}
    recipients = {r["iri"]: r for r in result["recipients"]}
    rows = []
    for act in result["activities"]:
        subjects = [_marked(l["label"], l["inferred"]) for l in act["links"] if l["kind"] == "subject"]
        base = {"activity": act["label"], "section": act["section"], "subjects": subjects,
                "categories": act["categories"]}
        flows = [l for l in act["links"] if l["kind"] in ("system", "recipient")]
        for link in flows:
            if link["kind"] == "system":
                info = systems[link["iri"]]
                country = _marked(info["country"] or info["country_label"], info["country_inferred"])
                where = ", ".join(part for part in (info["provider"], country) if part)
            else:
                info = recipients[link["iri"]]
                where = _marked(info["country"] or info["country_label"] or "", info["country_inferred"])
            rows.append({**base, "kind": link["kind"], "to": _marked(link["label"], link["inferred"]),
                         "where": where, "outside_eea": info["outside_eea"]})
        if not flows:
            rows.append({**base, "kind": "", "to": "", "where": "", "outside_eea": act["outside_eea"]})
    return rows


# -- subject inventory (Art. 15) ----------------------------------------------------------------------

def _local(iri: URIRef) -> str:
    return str(iri).rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _is_transfer_basis(iri: URIRef) -> bool:
    text = str(iri)
    return text.startswith(str(EU_GDPR)) and text[len(str(EU_GDPR)):].startswith(("A44", "A45", "A46", "A47", "A49"))


@collector_paused
def subject_inventory(graph: Graph, subject: str, lang: str | None = None) -> dict[str, Any]:
    """Everything the register says it holds on data subject ``subject`` (Art. 15 GDPR): per activity
    the categories, purposes, legal bases, retention, recipients, systems and transfers outside the EEA.
    Inferred subject links (e.g. guessed from category names) are included and marked."""
    from gdprgraph.vocabulary import resolve

    subjects = resolve(subject, graph, "data-subject")
    wanted = set(subjects)
    flows = read_flows(graph, DPV.hasDataSubject, subjects, extras=True)
    flags = category_flags(graph)
    order = _sort_key(flows, lang)

    def detail_label(iri: URIRef) -> str:
        return flows.label(iri, lang) or str(iri)

    activities = []
    all_categories: dict[URIRef, dict[str, Any]] = {}
    all_recipients: dict[URIRef, dict[str, Any]] = {}
    places: set[URIRef] = set()
    for act in sorted(flows.activities, key=order):
        record = flows.activities[act]
        found = {s: i for s, i in record.targets("subject").items() if s in wanted}
        categories = []
        for cat in sorted(record.targets("category"), key=order):
            special, national = flags.get(cat, (False, False))
            entry = {"iri": str(cat), "label": flows.label(cat, lang), "special": special, "national_id": national}
            categories.append(entry)
            all_categories[cat] = entry
        recipients, transfers = [], []
        bases = sorted(record.targets("legal-basis"), key=str)
        safeguards = [detail_label(b) for b in bases if _is_transfer_basis(b)]
        for rec in sorted(record.targets("recipient"), key=order):
            entry = {"iri": str(rec), "label": flows.label(rec, lang), "inferred": record.targets("recipient")[rec],
                     **_place(flows.nodes[rec].country, flows, lang, flows.nodes[rec].country_inferred)}
            recipients.append(entry)
            all_recipients[rec] = entry
            if flows.nodes[rec].country is not None:
                places.add(flows.nodes[rec].country)
            if entry["outside_eea"]:
                transfers.append({"to": entry["label"], "kind": "recipient", "country": entry["country"],
                                  "country_inferred": entry["country_inferred"], "safeguards": safeguards})
        systems = []
        for sys_iri in sorted(record.targets("system"), key=order):
            provider = flows.nodes[sys_iri].provider
            country, guessed = _provider_place(flows, sys_iri)
            entry = {"iri": str(sys_iri), "label": flows.label(sys_iri, lang), "provider": flows.label(provider, lang),
                     "inferred": record.targets("system")[sys_iri], **_place(country, flows, lang, guessed)}
            systems.append(entry)
            if country is not None:
                places.add(country)
            if entry["outside_eea"]:
                transfers.append({"to": entry["provider"] or entry["label"], "kind": "provider",
                                  "country": entry["country"], "country_inferred": entry["country_inferred"],
                                  "safeguards": safeguards})
        for place in sorted(record.targets("third-country"), key=str):
            places.add(place)
            transfers.append({"to": None, "kind": "third-country", "country": country_code(place),
                              "country_label": flows.label(place, lang), "country_inferred": False,
                              "safeguards": safeguards})
        activities.append({
            "iri": str(act),
            "label": flows.label(act, lang),
            "section": _section_key(record.section),
            "subjects": [_marked(flows.label(s, lang), i) for s, i in sorted(found.items(), key=lambda x: order(x[0]))],
            "inferred_subject": bool(found) and all(found.values()),
            "categories": categories,
            "purposes": sorted(detail_label(p) for p in record.targets("purpose")),
            "legal_bases": [{"iri": str(b), "label": detail_label(b)} for b in bases],
            "retention": [{"label": detail_label(r), "duration": flows.nodes[r].duration}
                          for r in sorted(record.targets("retention"), key=str)],
            "measures": sorted(detail_label(m) for m in record.targets("measure")),
            "recipients": recipients,
            "systems": systems,
            "transfers": transfers,
            "locations": sorted(_place_name(p, flows, lang) for p in record.targets("location")),
        })
    return {
        "subject": subject,
        "subjects": [{"iri": str(s), "label": _concept_label(graph, s, lang)} for s in subjects],
        "activities": activities,
        "categories": [all_categories[c] for c in sorted(all_categories, key=order)],
        "recipients": [all_recipients[r] for r in sorted(all_recipients, key=order)],
        "countries": sorted({_place_name(p, flows, lang) for p in places}),
        "outside_eea": any(a["transfers"] for a in activities),
    }


SUBJECT_COLUMNS = ["activity", "subjects", "categories", "purposes", "legal_bases", "retention", "recipients",
                   "systems", "transfers"]


def subject_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per activity, lists joined by the formatter."""
    rows = []
    for act in result["activities"]:
        rows.append({
            "activity": act["label"],
            "subjects": act["subjects"],
            "categories": [c["label"] + (" [special]" if c["special"] else "") + (" [national id]" if c["national_id"] else "")
                           for c in act["categories"]],
            "purposes": act["purposes"],
            "legal_bases": [b["label"] for b in act["legal_bases"]],
            "retention": [r["label"] + (f" ({r['duration']})" if r["duration"] else "") for r in act["retention"]],
            "recipients": [r["label"] + (f" ({r['country']})" if r["country"] else "") for r in act["recipients"]],
            "systems": [_marked(s["label"], s["inferred"]) for s in act["systems"]],
            "transfers": [", ".join(p for p in (t["to"], _marked(t["country"] or t.get("country_label") or "?",
                                                                  t["country_inferred"])) if p)
                          for t in act["transfers"]],
        })
    return rows


# -- impact (breach) --------------------------------------------------------------------------------

def entities(graph: Graph) -> dict[URIRef, NodeInfo]:
    """Systems, providers and recipients the register names (entities.rq)."""
    found: dict[URIRef, NodeInfo] = {}
    for node, kind, label, provider, country in select(graph, "entities", [{}]):
        entity = found.get(node)
        if entity is None:
            entity = found[node] = NodeInfo(node, str(kind))
        if label is not None:
            entity.labels.add(label)
        if provider is not None:
            entity.provider = provider
        if country is not None:
            entity.country = country
    return found


@collector_paused
def impact(graph: Graph, name: str, lang: str | None = None) -> dict[str, Any]:
    """What a system, provider or recipient matching ``name`` holds: the activities that use it (a
    provider: its systems), their data subjects and categories, with special categories (Art. 9) and
    national identification numbers (Art. 87) flagged, to judge an Art. 33/34 notification.

    ``name`` matches a label exactly or as whole words, case- and accent-insensitive ("hubspot" matches
    "Hubspot" and "Hubspot.com"). Raises UnknownTermError with the nearest names when nothing matches.
    """
    from gdprgraph.vocabulary import phrase_match, suggest

    known = entities(graph)
    matches = [e for e in known.values() if any(phrase_match(str(l), name) for l in e.labels)]
    if not matches:
        labels = sorted({str(l) for e in known.values() for l in e.labels})
        raise UnknownTermError(name, suggest(name, labels), "system, provider or recipient")
    providers = {e.iri for e in matches if e.kind == "provider"}
    systems = {e.iri for e in matches if e.kind == "system"}
    systems |= {e.iri for e in known.values() if e.kind == "system" and e.provider in providers}
    recipients = {e.iri for e in matches if e.kind == "recipient"}
    kinds = ("subject", "category", "system", "recipient")
    flows = read_flows(graph, DPV.isImplementedUsingTechnology, sorted(systems, key=str), details=kinds)
    read_flows(graph, DPV.hasRecipient, sorted(recipients, key=str), flows, details=kinds)
    flags = category_flags(graph)
    order = _sort_key(flows, lang)

    activities = []
    all_subjects: dict[URIRef, dict[str, Any]] = {}
    all_categories: dict[URIRef, dict[str, Any]] = {}
    for act in sorted(flows.activities, key=order):
        record = flows.activities[act]
        via = {}
        for anchor in record.anchors:
            for kind in ("system", "recipient"):
                if anchor in record.targets(kind):
                    via[anchor] = record.targets(kind)[anchor]
        subjects = []
        for s in sorted(record.targets("subject"), key=order):
            inferred = record.targets("subject")[s]
            subjects.append(_marked(flows.label(s, lang), inferred))
            all_subjects[s] = {"iri": str(s), "label": flows.label(s, lang)}
        categories, special, national = [], [], []
        for c in sorted(record.targets("category"), key=order):
            is_special, is_national = flags.get(c, (False, False))
            label = flows.label(c, lang)
            categories.append(label)
            if is_special:
                special.append(label)
            if is_national:
                national.append(label)
            all_categories[c] = {"iri": str(c), "label": label, "special": is_special, "national_id": is_national}
        activities.append({
            "iri": str(act),
            "label": flows.label(act, lang),
            "section": _section_key(record.section),
            "via": [_marked(flows.label(v, lang), i) for v, i in sorted(via.items(), key=lambda x: order(x[0]))],
            "inferred": bool(via) and all(via.values()),
            "subjects": subjects,
            "categories": categories,
            "special_categories": special,
            "national_identifiers": national,
        })
    category_list = [all_categories[c] for c in sorted(all_categories, key=order)]
    return {
        "name": name,
        "matches": [{"iri": str(e.iri), "label": pick_label(e.labels, lang), "kind": e.kind,
                     **_place(e.country, flows, lang)}
                    for e in sorted(matches, key=lambda e: (e.kind, str(e.iri)))],
        "systems": [{"iri": str(s), "label": pick_label(known[s].labels, lang)} for s in sorted(systems, key=str)],
        "activities": activities,
        "subjects": [all_subjects[s] for s in sorted(all_subjects, key=order)],
        "categories": category_list,
        "special_categories": any(c["special"] for c in category_list),
        "national_identifiers": any(c["national_id"] for c in category_list),
    }


IMPACT_COLUMNS = ["activity", "via", "subjects", "categories", "special_categories", "national_identifiers"]


def impact_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [{k: act[k] if k != "activity" else act["label"] for k in IMPACT_COLUMNS} for act in result["activities"]]


# -- users' own SPARQL --------------------------------------------------------------------------------

@dataclass
class QueryAnswer:
    """The answer to a user's query: ``type`` is SELECT, ASK, CONSTRUCT or DESCRIBE."""

    type: str
    result: Any
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def boolean(self) -> bool | None:
        return bool(self.result.askAnswer) if self.type == "ASK" else None

    def serialize(self, fmt: str) -> str:
        """SELECT/ASK: "json" (SPARQL 1.1 results JSON), "csv" (SPARQL CSV); graphs: "turtle", "json-ld"."""
        if self.type in ("CONSTRUCT", "DESCRIBE"):
            return self.result.graph.serialize(format="json-ld" if fmt == "json" else "turtle")
        if self.type == "ASK" and fmt == "csv":
            return "true\n" if self.boolean else "false\n"
        data = self.result.serialize(format=fmt)
        return data.decode("utf-8") if isinstance(data, bytes) else data


def user_query(
    graph: Graph, path: str | Path, params: dict[str, str] | None = None, allow_service: bool = False
) -> QueryAnswer:
    """Run a user's .rq file (SELECT, ASK, CONSTRUCT, DESCRIBE) with ``params`` bound as literals (or
    IRIs written ``<…>``), never pasted into the text. Offline by default: a query with SERVICE (a remote
    endpoint) or FROM / FROM NAMED (which makes rdflib fetch graphs) is refused unless ``allow_service``.
    Reading, checking and binding: :func:`gdprgraph.query.run_user_query`."""
    from gdprgraph.errors import GdprGraphError
    from gdprgraph.query import run_user_query

    try:
        result = run_user_query(graph, path, params, allow_service=allow_service)
        answer = QueryAnswer(type=str(result.type), result=result)
        if answer.type == "SELECT":
            answer.columns = [str(v) for v in result.vars]
            manager = graph.namespace_manager
            for row in result:
                answer.rows.append({
                    name: ("" if value is None else value.n3(manager) if isinstance(value, URIRef) else str(value))
                    for name, value in zip(answer.columns, row)
                })
        elif answer.type in ("CONSTRUCT", "DESCRIBE"):
            for prefix, namespace in graph.namespaces():
                result.graph.bind(prefix, namespace, override=True)
    except GdprGraphError:
        raise
    except Exception as exc:  # the engines raise many types; all mean "this query cannot run here"
        raise InputError(f"query failed: {' '.join(str(exc).split())[:200]}", path) from None
    return answer
