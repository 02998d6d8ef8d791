"""The vocabulary: register labels (any language) → DPV concepts, loaded from ``ontology/`` as data.

Matching is case-, accent-, punctuation- and whitespace-insensitive ("Werk e-mailadres" = "werk
emailadres"), and a trailing ellipsis is ignored, because real registers are typed by people and
exported by tools that truncate.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
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
    "provider": (TECH.Provider,),  # well-known system providers, ontology/providers.ttl
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


def _kind_members_of(graph: Graph) -> dict[str, frozenset[URIRef]]:
    members: dict[str, set[URIRef]] = defaultdict(set)
    concepts = {s for s in graph.subjects(RDF.type, None) if isinstance(s, URIRef)}
    for concept in concepts:
        ancestors = set(graph.objects(concept, RDF.type)) | _broader_closure(graph, concept)
        for kind, roots in KINDS.items():
            if ancestors.intersection(roots) or concept in roots:
                members[kind].add(concept)
    # DPV types address terms (pd:HomeLocation, pd:City) as dpv:Location too: they are data, not places
    members["country"] -= members["personal-data"]
    return {kind: frozenset(v) for kind, v in members.items()}


# -- the vocabulary index: what term matching needs, without parsing the Turtle in every process ---------
#
# Parsing ontology/ with rdflib costs ~0.25 s per process and leaves ~9,000 triples of Python objects for
# the garbage collector to walk; matching a term needs only the labels, the skos:broader links, the members
# of each kind and which IRIs the vocabulary describes. _index() keeps those as one JSON file in the user's
# cache folder, named after a hash of the ontology files and of this module, so an edited vocabulary (or
# matching code) is read afresh; a missing or unreadable cache only costs the parse.

_INDEX_FORMAT = 1
_INDEX_LABEL_PROPS = (GG.matchLabel, SKOS.prefLabel, RDFS.label, SKOS.altLabel)
_PROP_KEYS = {GG.matchLabel: "match", SKOS.prefLabel: "pref", RDFS.label: "label", SKOS.altLabel: "alt"}


@dataclass(frozen=True)
class VocabularyIndex:
    """The vocabulary as term matching reads it: ``labels[prop]`` are (concept, text, language, is a
    literal) in the graph's own order (the label index depends on it), ``own`` each concept's literal labels
    per property in its own order (label_of takes the first), ``broader`` the IRI parents of each concept,
    ``kinds`` the members of each kind, ``described`` every IRI the vocabulary says anything about."""

    labels: dict[URIRef, tuple[tuple[URIRef, str, str | None, bool], ...]]
    own: dict[URIRef, dict[URIRef, tuple[tuple[str, str | None], ...]]]
    broader: dict[URIRef, tuple[URIRef, ...]]
    kinds: dict[str, frozenset[URIRef]]
    described: frozenset[URIRef]
    # derived from the above by this module's matching code (normalize, _label_key), kept in the cache too
    label_index: dict[str, dict[str, tuple[URIRef, ...]]] = field(default_factory=dict)
    meanings: dict[str, tuple[tuple[str, frozenset[URIRef]], ...]] = field(default_factory=dict)

    @classmethod
    def from_graph(cls, graph: Graph) -> "VocabularyIndex":
        labels = {
            prop: tuple((s, str(o), getattr(o, "language", None), isinstance(o, Literal))
                        for s, o in graph.subject_objects(prop) if isinstance(s, URIRef))
            for prop in _INDEX_LABEL_PROPS
        }
        own = {}
        for concept in sorted({s for rows in labels.values() for s, *_ in rows}):
            props = {prop: tuple((str(o), o.language) for o in graph.objects(concept, prop) if isinstance(o, Literal))
                     for prop in _INDEX_LABEL_PROPS}
            own[concept] = {prop: v for prop, v in props.items() if v}
        broader: dict[URIRef, list[URIRef]] = defaultdict(list)
        for s, o in graph.subject_objects(SKOS.broader):
            if isinstance(s, URIRef) and isinstance(o, URIRef) and o not in broader[s]:
                broader[s].append(o)
        base = cls(labels, own, {s: tuple(v) for s, v in broader.items()}, _kind_members_of(graph),
                   frozenset(s for s in graph.subjects() if isinstance(s, URIRef)))
        return replace(base, label_index=_build_label_index(base),
                       meanings={kind: _build_meanings(base, kind) for kind in KINDS})

    def to_json(self) -> dict:
        return {
            "format": _INDEX_FORMAT,
            "labels": {_PROP_KEYS[p]: [list(row) for row in rows] for p, rows in self.labels.items()},
            "own": {str(c): {_PROP_KEYS[p]: [list(v) for v in vs] for p, vs in props.items()}
                    for c, props in self.own.items()},
            "broader": {str(s): [str(o) for o in v] for s, v in self.broader.items()},
            "kinds": {k: sorted(str(c) for c in v) for k, v in self.kinds.items()},
            "described": sorted(str(s) for s in self.described),
            "label_index": {kind: {key: [str(c) for c in v] for key, v in keys.items()}
                            for kind, keys in self.label_index.items()},
            "meanings": {kind: [[label, sorted(str(c) for c in group)] for label, group in v]
                         for kind, v in self.meanings.items()},
        }

    @classmethod
    def from_json(cls, data: dict) -> "VocabularyIndex":
        if data.get("format") != _INDEX_FORMAT:
            raise ValueError("another index format")
        terms: dict[str, URIRef] = {}

        def iri(text: str) -> URIRef:
            found = terms.get(text)
            if found is None:
                found = terms[text] = URIRef(text)
            return found

        props = {key: prop for prop, key in _PROP_KEYS.items()}
        return cls(
            {props[k]: tuple((iri(s), text, lang, bool(lit)) for s, text, lang, lit in rows)
             for k, rows in data["labels"].items()},
            {iri(c): {props[k]: tuple((text, lang) for text, lang in vs) for k, vs in by_prop.items()}
             for c, by_prop in data["own"].items()},
            {iri(s): tuple(iri(o) for o in v) for s, v in data["broader"].items()},
            {k: frozenset(iri(c) for c in v) for k, v in data["kinds"].items()},
            frozenset(iri(s) for s in data["described"]),
            {kind: {key: tuple(iri(c) for c in v) for key, v in keys.items()}
             for kind, keys in data["label_index"].items()},
            {kind: tuple((label, frozenset(iri(c) for c in group)) for label, group in v)
             for kind, v in data["meanings"].items()},
        )


def cache_dir() -> Path:
    """Where gdprgraph keeps files it can rebuild: $GDPRGRAPH_CACHE_DIR, else $XDG_CACHE_HOME/gdprgraph,
    else ~/.cache/gdprgraph."""
    if os.environ.get("GDPRGRAPH_CACHE_DIR"):
        return Path(os.environ["GDPRGRAPH_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "gdprgraph"


def _index_key() -> str:
    """Hash of the ontology files (names and bytes) and of the code that derives the index from them."""
    from gdprgraph.resources import ontology_files

    digest = hashlib.sha256(f"format {_INDEX_FORMAT}\n".encode())
    digest.update(Path(__file__).read_bytes())
    for path in ontology_files():
        digest.update(f"\n{path.name}\n".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:24]


@lru_cache(maxsize=1)
def _index() -> VocabularyIndex:
    """The vocabulary index: from the cache when it matches the files, else built (and cached)."""
    path = cache_dir() / f"vocabulary-{_index_key()}.json"
    try:
        return VocabularyIndex.from_json(json.loads(path.read_bytes()))
    except (OSError, ValueError, KeyError, TypeError):
        pass  # no cache yet, or a damaged one: rebuild
    index = VocabularyIndex.from_graph(vocabulary_graph())
    try:
        from gdprgraph.files import write_atomic

        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(index.to_json(), ensure_ascii=False, separators=(",", ":")))
    except OSError:
        pass  # a read-only home: work without the cache
    return index


@lru_cache(maxsize=1)
def _kind_members() -> dict[str, frozenset[URIRef]]:
    return _index().kinds


def _label_index() -> dict[str, dict[str, tuple[URIRef, ...]]]:
    """kind → normalised label → concepts. gg:matchLabel first; DPV's own labels as a fallback."""
    return _index().label_index


def _build_label_index(vocabulary: VocabularyIndex) -> dict[str, dict[str, tuple[URIRef, ...]]]:
    members = vocabulary.kinds
    claimed = {concept for concept, *_ in vocabulary.labels[GG.matchLabel]}  # concepts with a gg:matchLabel
    index: dict[str, dict[str, list[URIRef]]] = {kind: defaultdict(list) for kind in KINDS}
    for prop in _INDEX_LABEL_PROPS:
        for concept, label, _lang, _literal in vocabulary.labels[prop]:
            key = normalize(label)
            if not key:
                continue
            for kind, kind_members in members.items():
                if concept in kind_members:
                    bucket = index[kind][key]
                    # DPV's own labels only where no register label claims the key
                    if prop != GG.matchLabel and bucket and concept not in bucket:
                        if any(c in claimed for c in bucket):
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
    index = _label_index()[kind]
    key = normalize(text)
    for candidate in _number_variants(key):
        if candidate in index:
            return index[candidate]
    return ()


def _number_variants(key: str) -> list[str]:
    """The key itself first, then singular/plural forms (EN/FR -s/-es, NL -en/-s): "Voice recordings" finds
    the label "Voice recording", "Bankrekeningen" finds "Bankrekening"."""
    variants = [key]
    if len(key) > 4:
        if key.endswith("s"):
            variants.append(key[:-1])
        if key.endswith("es"):
            variants.append(key[:-2])
        if key.endswith("en"):
            variants.append(key[:-2])
        variants += [key + "s", key + "en"]
    return variants


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
    own = _index().own.get(concept, {})
    for want in (lang, "en", None):
        if graph is not None:
            for prop in (SKOS.prefLabel, RDFS.label, GG.matchLabel):
                for label in graph.objects(concept, prop):
                    if isinstance(label, Literal) and (want is None or label.language == want):
                        return str(label)
        for prop in (SKOS.prefLabel, RDFS.label, GG.matchLabel):
            for text, language in own.get(prop, ()):
                if want is None or language == want:
                    return text
    text = str(concept)
    return re.split(r"[#/]", text)[-1]


def all_labels(kind: str) -> Iterable[str]:
    """Every label text of a kind (for suggestions)."""
    vocabulary = _index()
    members = _kind_members().get(kind, frozenset())
    for prop in (GG.matchLabel, SKOS.prefLabel, RDFS.label):
        for concept, label, _lang, _literal in vocabulary.labels[prop]:
            if concept in members:
                yield label


def broader_closure(concept: URIRef) -> set[URIRef]:
    """All ancestors of a concept in the vocabulary (skos:broader+)."""
    parents = _index().broader
    seen: set[URIRef] = set()
    todo = [concept]
    while todo:
        for parent in parents.get(todo.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                todo.append(parent)
    return seen


def describes(iri: URIRef) -> bool:
    """True when the vocabulary says anything about ``iri`` (it is the subject of one of its triples)."""
    return iri in _index().described


# -- resolve: a free-text term → the register's own concepts -------------------------------------------
#
# Added for trace / subject / impact. Three tiers; the first that finds something wins:
#   1. exact: a register concept whose label equals the term; or that is, or is skos:broader+ (register +
#      vocabulary), what a vocabulary label equal to the term means (gg:matchLabel in nl/en/fr, DPV's own
#      labels, a CURIE; a matchLabel on several concepts means all of them, see _meanings); or an
#      unmapped register concept (no DPV concept to judge it by) whose label contains the term as words.
#      When the vocabulary knows the term but no register concept matches, the answer is [] (known term,
#      nothing of the kind in this register), not a wider guess.
#   2. words: a register concept whose label contains the term as whole words ("klant" → "Naam van de
#      klant" only, not every name).
#   3. widened: a register concept under what a vocabulary label containing the term as whole words
#      means.
# So a mapped concept is judged by what it means, not by a word in its label: "address" finds home and
# business addresses (pd:PhysicalAddress) but not "Work email address" (pd:EmailAddressWork).
# Comparison is case-, accent- and punctuation-insensitive, tolerates a plural "-s"/"-en", and compares
# squashed word runs ("e-mail" = "email").

RESOLVE_LINKS: dict[str, URIRef] = {
    "personal-data": DPV.hasPersonalData,
    "data-subject": DPV.hasDataSubject,
}
RESOLVE_KIND_NAMES = {"personal-data": "data category", "data-subject": "data subject"}
_LABEL_PROPS = (SKOS.prefLabel, RDFS.label, SKOS.altLabel, GG.matchLabel)


def _stem(squashed: str) -> str:
    if len(squashed) > 6 and squashed.endswith("ssen"):  # Dutch plural: adressen → adres
        squashed = squashed[:-3]
    if squashed.endswith("sses"):
        return squashed[:-2]
    if len(squashed) > 3 and squashed.endswith("s") and not squashed.endswith("ss"):
        return squashed[:-1]
    if len(squashed) > 5 and squashed.endswith("en"):
        return squashed[:-2]
    return squashed


@lru_cache(maxsize=65536)
def _words_of(text: str) -> tuple[str, ...]:
    return tuple(words(text))


def phrase_match(label: str, term: str, whole: bool = False) -> bool:
    """True when ``label`` equals ``term`` (``whole=True``) or contains it as a run of whole words.

    Case-, accent- and punctuation-insensitive; a plural "-s"/"-en" is ignored; word runs are compared
    squashed, so "e-mail" matches "email" and "Work e-mail address" contains "email address".
    """
    target = _stem("".join(_words_of(term)))
    if not target:
        return False
    label_words = _words_of(label)
    if whole:
        return _stem("".join(label_words)) == target
    for i in range(len(label_words)):
        run = ""
        for word in label_words[i:]:
            run += word
            if len(run) > len(target) + 3:
                break
            if _stem(run) == target:
                return True
    return False


@lru_cache(maxsize=None)
def _vocabulary_labels(kind: str) -> dict[URIRef, tuple[str, ...]]:
    """Every label (any property of _LABEL_PROPS, any language) of every vocabulary concept of a kind."""
    return _vocabulary_labels_of(_index(), kind)


def _vocabulary_labels_of(vocabulary: VocabularyIndex, kind: str) -> dict[URIRef, tuple[str, ...]]:
    own = vocabulary.own
    labels: dict[URIRef, list[str]] = defaultdict(list)
    for concept in vocabulary.kinds.get(kind, frozenset()):
        for prop in _LABEL_PROPS:
            for text, _lang in own.get(concept, {}).get(prop, ()):
                labels[concept].append(text)
    return {concept: tuple(sorted(set(v))) for concept, v in labels.items()}


def _label_key(text: str) -> str:
    return _stem("".join(words(text)))


def _meanings(kind: str) -> tuple[tuple[str, frozenset[URIRef]], ...]:
    """(label, concepts the label means together) for every vocabulary label of a kind.

    A gg:matchLabel put on several concepts means all of them at once ("Home address" is pd:HomeLocation
    *and* pd:PhysicalAddress), so a register concept matches it only when it is under every one of them
    (a business address, under pd:PhysicalAddress only, is not a home address). DPV's own labels each
    mean their one concept.
    """
    return _index().meanings.get(kind, ())


def _build_meanings(vocabulary: VocabularyIndex, kind: str) -> tuple[tuple[str, frozenset[URIRef]], ...]:
    members = vocabulary.kinds.get(kind, frozenset())
    together: dict[str, set[URIRef]] = defaultdict(set)
    texts: dict[str, str] = {}
    for concept, label, _lang, literal in vocabulary.labels[GG.matchLabel]:
        if concept in members and literal:
            key = _label_key(label)
            together[key].add(concept)
            texts.setdefault(key, label)
    meanings = {(texts[k], frozenset(v)) for k, v in together.items() if k}
    for concept, labels in _vocabulary_labels_of(vocabulary, kind).items():
        for label in labels:
            if _label_key(label) and _label_key(label) not in together:
                meanings.add((label, frozenset({concept})))
    return tuple(sorted(meanings, key=lambda m: (m[0], sorted(m[1]))))


RESOLVE_TYPES: dict[str, tuple[URIRef, ...]] = {
    "personal-data": (DPV.PersonalData,),
    "data-subject": (DPV.DataSubject, DPV.HumanSubject),
}


def register_concepts(graph: Graph, kind: str = "personal-data") -> dict[URIRef, tuple[tuple[str, ...], frozenset[URIRef]]]:
    """The register's own concepts of a kind (typed dpv:PersonalData, dpv:DataSubject or
    dpv:HumanSubject in the register) → (all their labels,
    their ancestors: skos:broader+ through the register and the vocabulary, the concept included).

    Read with the bundled query register-concepts.rq; a concept that is itself a vocabulary concept
    (an activity linking pd:Name directly) also carries the vocabulary's labels.
    """
    from gdprgraph.flows import select

    if kind not in RESOLVE_LINKS:
        raise ValueError(f"cannot resolve terms of kind {kind!r}; expected one of {sorted(RESOLVE_LINKS)}")
    labels: dict[URIRef, set[str]] = defaultdict(set)
    parents: dict[URIRef, set[URIRef]] = defaultdict(set)
    sets = [{"type": t} for t in RESOLVE_TYPES[kind]]
    vocab_labels = _vocabulary_labels(kind)
    unused: set[URIRef] = set()
    for concept, label, broader in select(graph, "register-concepts", sets):
        if not isinstance(concept, URIRef) or concept in unused:
            continue
        if concept not in labels and concept in vocab_labels and (None, RESOLVE_LINKS[kind], concept) not in graph:
            unused.add(concept)  # a vocabulary concept shipped with the register, not used by it
            continue
        labels[concept]
        if label is not None:
            labels[concept].add(str(label))
        if isinstance(broader, URIRef):
            parents[concept].add(broader)
    concepts = {}
    for concept, texts in labels.items():
        ancestors = {concept}
        todo = [concept]
        while todo:  # register-internal chains first, then the vocabulary's closure
            current = todo.pop()
            for parent in parents.get(current, ()):
                if parent not in ancestors:
                    ancestors.add(parent)
                    todo.append(parent)
        for node in list(ancestors):
            ancestors |= broader_closure(node)
        texts.update(vocab_labels.get(concept, ()))
        concepts[concept] = (tuple(sorted(texts)), frozenset(ancestors))
    return concepts


def suggest(term: str, labels: Iterable[str], n: int = 5) -> list[str]:
    """The labels nearest to ``term`` (difflib on accent-free lower-case text), best first."""
    import difflib

    by_key: dict[str, str] = {}
    for label in labels:
        by_key.setdefault(" ".join(words(label)), label)
    key = " ".join(words(term))
    if not key:
        return []
    return [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=n, cutoff=0.5)]


def resolve(term: str, graph: Graph, kind: str = "personal-data") -> list[URIRef]:
    """The register's own concepts (of ``kind``) that a free-text term stands for, sorted.

    Any language the vocabulary knows, any level of the hierarchy: "health" finds a category
    ``skos:broader pd:Health``, "customers" a subject ``skos:broader dpv:Client``. Raises
    :class:`~gdprgraph.errors.UnknownTermError` with the nearest labels when nothing matches. The term is
    only ever compared with labels in Python: it never reaches a query. Returns ``[]`` when the
    vocabulary knows the term but the register has nothing of the kind ("health" in a register without
    health data).
    """
    from gdprgraph.errors import UnknownTermError

    kind_name = RESOLVE_KIND_NAMES.get(kind, kind)
    concepts = register_concepts(graph, kind)
    if not words(term):
        raise UnknownTermError(term, [], kind_name)

    def under(groups: Iterable[frozenset[URIRef]]) -> set[URIRef]:
        groups = list(groups)
        return {node for node, (_, ancestors) in concepts.items() for group in groups if group <= ancestors}

    def labelled(whole: bool, only: Iterable[URIRef]) -> set[URIRef]:
        return {node for node in only if any(phrase_match(l, term, whole=whole) for l in concepts[node][0])}

    meanings = _meanings(kind)
    named = [group for label, group in meanings if phrase_match(label, term, whole=True)]
    if _expand_curie(term) is not None:
        named += [frozenset({c}) for c in map_label(term, kind)]
    unmapped = [node for node, (_, ancestors) in concepts.items() if len(ancestors) == 1]
    hits = under(named) | labelled(True, concepts) | labelled(False, unmapped)
    if not hits and named:
        return []  # the vocabulary knows the term; the register processes nothing of the kind
    if not hits:
        hits = labelled(False, concepts)
    if not hits:
        hits = under(group for label, group in meanings if phrase_match(label, term))
    if not hits:
        register_labels = [label for labels, _ in concepts.values() for label in labels]
        suggestions = suggest(term, register_labels)
        if len(suggestions) < 5:
            more = [s for s in suggest(term, all_labels(kind)) if s not in suggestions]
            suggestions += more[: 5 - len(suggestions)]
        raise UnknownTermError(term, suggestions, kind_name)
    return sorted(hits)
