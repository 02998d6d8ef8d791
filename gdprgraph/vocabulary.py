"""The vocabulary: register labels (any language) → DPV concepts, loaded from ``ontology/`` as data.

Matching is case-, accent-, punctuation- and whitespace-insensitive ("Werk e-mailadres" = "werk
emailadres"), and a trailing ellipsis is ignored, because real registers are typed by people and
exported by tools that truncate.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from functools import lru_cache
from typing import Iterable

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from gdprgraph.namespaces import DPV, EU_GDPR, GG, LOC, PREFIXES, TECH

# kind → the DPV classes whose members (by rdf:type, or skos:broader closure) belong to it
KINDS: dict[str, tuple[URIRef, ...]] = {
    "personal-data": (DPV.PersonalData,),
    "data-subject": (DPV.HumanSubject, DPV.DataSubject),
    "legal-basis": (DPV.LegalBasis, DPV.DataTransferLegalBasis),
    "country": (DPV.Country, DPV.SupraNationalUnion, DPV.Location),
    "provision": (TECH.ProvisionMethod,),
}

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_ARTICLE = re.compile(
    r"^(?:art(?:icle|ikel)?\.?\s*)?(6|9|45|46|49)\s*[.(]?\s*(\d)\s*\)?\s*[.(]?\s*([a-j])?\s*\)?"
    r"(?:\s*(?:gdpr|avg|rgpd|ar?vg))?$",
    re.IGNORECASE,
)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Comparison key: lower case, no accents, letters and digits only (spaces and punctuation dropped)."""
    text = _strip_accents(text).casefold()
    text = re.sub(r"(\u2026|\.\.\.)\s*$", "", text.strip())
    return "".join(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Accent-free lower-case words, for suggestions and prose scanning."""
    return _WORD.findall(_strip_accents(text).casefold())


@lru_cache(maxsize=1)
def vocabulary_graph() -> Graph:
    """Our ontology, the label mappings and the pinned DPV subset, parsed once per process."""
    from gdprgraph.resources import ontology_files

    graph = Graph()
    for path in ontology_files():
        graph.parse(path, format="turtle")
    return graph


def _broader_closure(graph: Graph, node: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    todo = [node]
    while todo:
        current = todo.pop()
        for parent in graph.objects(current, SKOS.broader):
            if isinstance(parent, URIRef) and parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


@lru_cache(maxsize=1)
def _kind_members() -> dict[str, frozenset[URIRef]]:
    graph = vocabulary_graph()
    members: dict[str, set[URIRef]] = defaultdict(set)
    concepts = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for concept in concepts:
        ancestors = set(graph.objects(concept, RDF.type)) | _broader_closure(graph, concept)
        for kind, roots in KINDS.items():
            if ancestors.intersection(roots) or concept in roots:
                members[kind].add(concept)
    return {kind: frozenset(v) for kind, v in members.items()}


@lru_cache(maxsize=1)
def _label_index() -> dict[str, dict[str, tuple[URIRef, ...]]]:
    """kind → normalised label → concepts. gg:matchLabel first; DPV's own labels as a fallback."""
    graph = vocabulary_graph()
    members = _kind_members()
    index: dict[str, dict[str, list[URIRef]]] = {kind: defaultdict(list) for kind in KINDS}
    for prop in (GG.matchLabel, SKOS.prefLabel, RDFS.label, SKOS.altLabel):
        for concept, label in graph.subject_objects(prop):
            key = normalize(str(label))
            if not key:
                continue
            for kind, kind_members in members.items():
                if concept in kind_members:
                    bucket = index[kind][key]
                    # DPV's own labels only where no register label claims the key
                    if prop != GG.matchLabel and bucket and concept not in bucket:
                        if any((c, GG.matchLabel, None) in graph for c in bucket):
                            continue
                    if concept not in bucket:
                        bucket.append(concept)
    return {kind: {k: tuple(sorted(v)) for k, v in labels.items()} for kind, labels in index.items()}


def _expand_curie(text: str) -> URIRef | None:
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    if re.match(r"^https?://\S+$", text):
        return URIRef(text)
    match = re.match(r"^([A-Za-z][\w-]*):([A-Za-z0-9][\w.-]*)$", text)
    if match and match.group(1) in PREFIXES:
        return URIRef(str(PREFIXES[match.group(1)]) + match.group(2))
    return None


def _article_iri(text: str) -> URIRef | None:
    match = _ARTICLE.match(text.strip())
    if not match:
        return None
    article, paragraph, point = match.groups()
    local = f"A{article}-{paragraph}" + (f"-{point.lower()}" if point else "")
    return EU_GDPR[local]


def map_label(text: str, kind: str) -> tuple[URIRef, ...]:
    """The concepts a register label stands for (empty when the vocabulary does not know it)."""
    if kind not in KINDS:
        raise ValueError(f"unknown vocabulary kind {kind!r}; expected one of {sorted(KINDS)}")
    members = _kind_members().get(kind, frozenset())
    iri = _expand_curie(text)
    if iri is not None:
        return (iri,) if iri in members else ()
    if kind == "legal-basis":
        iri = _article_iri(text)
        if iri is not None and iri in members:
            return (iri,)
    if kind == "country":
        code = text.strip()
        if re.fullmatch(r"[A-Za-z]{2}", code) and LOC[code.upper()] in members:
            return (LOC[code.upper()],)
    return _label_index()[kind].get(normalize(text), ())


def is_known_label(text: str, kind: str) -> bool:
    """True when ``text`` is a label of the vocabulary (used to split lists whose items contain commas)."""
    return bool(map_label(text, kind))


def find_in_text(text: str, kind: str, max_words: int = 6) -> list[str]:
    """Vocabulary labels found in free prose: longest first, non-overlapping, in text order.

    Windows of consecutive words are compared squashed, so "btw-nummer", "btw nummer" and
    "BTW-nummer" all match the label "BTW nummer".
    """
    index = _label_index()[kind]
    spans = [(m.start(), m.end(), normalize(m.group())) for m in _WORD.finditer(text)]
    found: list[str] = []
    i = 0
    while i < len(spans):
        for width in range(min(max_words, len(spans) - i), 0, -1):
            key = "".join(s[2] for s in spans[i : i + width])
            if len(key) >= 4 and key in index:
                found.append(text[spans[i][0] : spans[i + width - 1][1]])
                i += width
                break
        else:
            i += 1
    return found


def label_of(concept: URIRef, lang: str = "en", graph: Graph | None = None) -> str:
    """A human label for a concept: the requested language, else English, else the local name."""
    graphs = [g for g in (graph, vocabulary_graph()) if g is not None]
    for want in (lang, "en", None):
        for g in graphs:
            for prop in (SKOS.prefLabel, RDFS.label, GG.matchLabel):
                for label in g.objects(concept, prop):
                    if isinstance(label, Literal) and (want is None or label.language == want):
                        return str(label)
    text = str(concept)
    return re.split(r"[#/]", text)[-1]


def all_labels(kind: str) -> Iterable[str]:
    """Every label text of a kind (for suggestions)."""
    graph = vocabulary_graph()
    members = _kind_members().get(kind, frozenset())
    for prop in (GG.matchLabel, SKOS.prefLabel, RDFS.label):
        for concept, label in graph.subject_objects(prop):
            if concept in members:
                yield str(label)


def broader_closure(concept: URIRef) -> set[URIRef]:
    """All ancestors of a concept in the vocabulary (skos:broader+)."""
    return _broader_closure(vocabulary_graph(), concept)
