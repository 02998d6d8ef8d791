#!/usr/bin/env python3
"""Regenerate ontology/dpv/*.ttl: a pinned, filtered subset of DPV 2.3 with only what gdprgraph uses.

Usage (from the repository root)::

    python scripts/make_dpv_subset.py ../shared/reference/dpv

SOURCE (default ``../shared/reference/dpv``, relative to the repository root) holds the unmodified DPV 2.3
release files (dpv.ttl, pd.ttl, eu-gdpr.ttl, loc.ttl, tech.ttl, legal-eu.ttl, legal-be.ttl) and
LICENSE-W3C.md. Their SHA-256 must match the 2.3 release (tag dpv-2.3) unless ``--no-verify`` is given.

What is kept (see KEEP_* below):

* every DPV IRI referenced in ontology/gdprgraph.ttl, ontology/vocabulary.ttl and shapes/*.ttl, and every
  existing DPV IRI named in the package code (gdprgraph/**/*.py, *.rq) as ``dpv:X``, ``DPV.X``,
  ``EU_GDPR["A6-1-b"]`` or a full IRI;
* an explicit list of core terms (KEEP_EXPLICIT) and whole branches (KEEP_BRANCHES);
* every pd: term under dpv:SpecialCategoryPersonalData, every pd:Criminal* term, every country
  (loc: terms typed dpv:Country with a two-letter name), the eu-gdpr A6/A9/A45/A46/A49 legal bases and
  every tech:ProvidedAs* provision method;
* the transitive closure of all of that over skos:broader and rdf:type (DPV namespaces only).

For each kept IRI only rdf:type, skos:broader and English skos:prefLabel / rdfs:label are copied, plus a
small owl:Ontology header per file (version, licence). One output file per source file; output is
deterministic (rdflib's Turtle serialiser sorts subjects, predicates and objects).

One correction is applied (DROP_TRIPLES): DPV 2.3 states ``loc:EEA31 skos:broader loc:EEA`` and
``loc:EU28 skos:broader loc:EU`` (the historical 31-member EEA and 28-member EU as narrower than the
current ones), so ``loc:GB skos:broader* loc:EEA`` would be true. Those two triples are left out.

Exit codes: 0 written, 2 bad input (missing source, hash mismatch, unknown IRI in our own RDF files).
"""
from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import sys
from pathlib import Path

from rdflib import OWL, RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = "../shared/reference/dpv"
SCRIPT = "scripts/make_dpv_subset.py"

RELEASE = "2.3"
TAG = "dpv-2.3"
COMMIT = "cbcd21567808812677eeb3bb0f05b2ff2c2211a5"

# file -> (repository path in w3c/dpv, SHA-256 of the unmodified 2.3 file)
SOURCES = {
    "dpv.ttl": ("2.3/dpv/dpv.ttl", "97bc7ce1a4544d39b9e480eeb7990693bee1155fb094f3dd50b9eb1d0c0d578f"),
    "pd.ttl": ("2.3/pd/pd.ttl", "65d3f07a407a76c7dbf2934a386e74137e434f0b0446f93000b4fb580c641080"),
    "eu-gdpr.ttl": ("2.3/legal/eu/gdpr/eu-gdpr.ttl",
                    "9b710961f5e010b659f4a87dca13578dd92d6768c8716f551d142c661f7fb77f"),
    "loc.ttl": ("2.3/loc/loc.ttl", "2da355c31eafb323c3a99da79f8314b8f3b1a827c56268523e19f00c446dbe1a"),
    "tech.ttl": ("2.3/tech/tech.ttl", "a9d09590fce70e859f744f86f2a903e34dc74dbeb79ed77e4b7fdcb80eeab356"),
    "legal-eu.ttl": ("2.3/legal/eu/legal-eu.ttl",
                     "33d96abcba7724d1758863b5797b86866e3ac44ee80971e02b31777f333d6f72"),
    "legal-be.ttl": ("2.3/legal/be/legal-be.ttl",
                     "8d790af34e4a639ccdb083c956f02fdfaab0feaf2538af7de3863e63a8dca9f1"),
}
LICENSE_FILE = "LICENSE-W3C.md"

PREFIXES = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "eu-gdpr": "https://w3id.org/dpv/legal/eu/gdpr#",
    "loc": "https://w3id.org/dpv/loc#",
    "tech": "https://w3id.org/dpv/tech#",
    "legal-eu": "https://w3id.org/dpv/legal/eu#",
    "legal-be": "https://w3id.org/dpv/legal/be#",
}
DPV = Namespace(PREFIXES["dpv"])
PD = Namespace(PREFIXES["pd"])
EU_GDPR = Namespace(PREFIXES["eu-gdpr"])
LOC = Namespace(PREFIXES["loc"])
TECH = Namespace(PREFIXES["tech"])

# Core terms the model uses (DESIGN.md §3) whether or not our RDF files mention them yet.
KEEP_EXPLICIT = [
    # classes
    "dpv:Process", "dpv:ROPA", "dpv:PersonalDataHandling", "dpv:Purpose", "dpv:PersonalData",
    "dpv:SpecialCategoryPersonalData", "dpv:SensitivePersonalData", "dpv:IdentifyingPersonalData",
    "dpv:HumanSubject", "dpv:DataSubject", "dpv:LegalBasis", "dpv:DataTransferLegalBasis",
    "dpv:Country", "dpv:ThirdCountry", "dpv:Location", "dpv:ProcessingLocation", "dpv:StorageLocation",
    "dpv:Entity", "dpv:LegalEntity", "dpv:NaturalPerson", "dpv:Organisation",
    "dpv:ThirdParty", "dpv:Recipient", "dpv:DataController", "dpv:DataProcessor", "dpv:JointDataControllers",
    "dpv:DataProtectionOfficer", "dpv:Representative", "dpv:Technology",
    "dpv:StorageCondition", "dpv:StorageDuration", "dpv:Duration", "dpv:TemporalDuration",
    "dpv:UntilEventDuration", "dpv:IndeterminateDuration",
    "dpv:TechnicalOrganisationalMeasure", "dpv:TechnicalMeasure", "dpv:OrganisationalMeasure",
    "dpv:LegitimateInterestAssessment", "dpv:Transfer", "dpv:CrossBorderTransfer", "dpv:Processing",
    "dpv:DataSource", "dpv:DataProcessingAgreement",
    "eu-gdpr:AdequacyDecision", "eu-gdpr:SCCByCommission", "eu-gdpr:BindingCorporateRules",
    "eu-gdpr:BalancingTest",
    "loc:EU", "loc:EEA",
    "tech:ProvisionMethod", "tech:Provider", "tech:Supplier", "tech:Software", "tech:System",
    "tech:Application", "tech:CloudService", "tech:Cookie", "tech:Device", "tech:PersonalComputer",
    "tech:LaptopPC", "tech:Smartphone",
    # properties
    "dpv:hasPurpose", "dpv:hasPersonalData", "dpv:hasData", "dpv:hasDataSubject", "dpv:hasLegalBasis",
    "dpv:hasRecipient", "dpv:hasThirdParty", "dpv:hasDataProcessor", "dpv:hasDataController",
    "dpv:hasJointDataControllers", "dpv:hasDataProtectionOfficer", "dpv:hasRepresentative",
    "dpv:hasName", "dpv:hasAddress", "dpv:hasContact", "dpv:hasIdentifier", "dpv:hasCountry",
    "dpv:hasLocation", "dpv:hasThirdCountry", "dpv:hasStorageCondition", "dpv:hasDuration",
    "dpv:hasTechnicalOrganisationalMeasure", "dpv:hasOrganisationalMeasure", "dpv:hasTechnicalMeasure",
    "dpv:hasAssessment", "dpv:isImplementedUsingTechnology", "dpv:hasProcess", "dpv:hasProcessing",
    "dpv:hasRecordOfActivity", "dpv:hasDataSource",
    "tech:hasProvider", "tech:hasSupplier", "tech:hasProvisionMethod",
]

# Whole branches (every concept with skos:broader+ to the root), small and used by mapping code.
KEEP_BRANCHES = ["dpv:Purpose", "dpv:HumanSubject", "tech:ProvisionMethod"]

# Triples of the source left out on purpose (see module docstring).
DROP_TRIPLES = {
    (LOC.EEA31, SKOS.broader, LOC.EEA),
    (LOC.EU28, SKOS.broader, LOC.EU),
}

KEPT_PREDICATES = {RDF.type, SKOS.broader, SKOS.prefLabel, RDFS.label}
ONTOLOGY_PREDICATES = {RDF.type, OWL.versionInfo, OWL.versionIRI, DCTERMS.license, DCTERMS.title}

CURIE_RE = re.compile(r"(?<![\w/#:-])(dpv|pd|eu-gdpr|loc|tech|legal-eu|legal-be):([A-Za-z][A-Za-z0-9_-]*)")
PYNS = {"DPV": "dpv", "PD": "pd", "EU_GDPR": "eu-gdpr", "LOC": "loc", "TECH": "tech",
        "LEGAL_EU": "legal-eu", "LEGAL_BE": "legal-be"}
PYATTR_RE = re.compile(r"\b(DPV|PD|EU_GDPR|LOC|TECH|LEGAL_EU|LEGAL_BE)\.([A-Za-z][A-Za-z0-9_]*)")
PYITEM_RE = re.compile(r"\b(DPV|PD|EU_GDPR|LOC|TECH|LEGAL_EU|LEGAL_BE)\[\s*[\"']([^\"']+)[\"']\s*\]")
IRI_RE = re.compile(r"https://w3id\.org/dpv(?:/[A-Za-z0-9/_-]+)?#[A-Za-z][A-Za-z0-9_-]*")


class InputError(Exception):
    pass


def expand(curie: str) -> URIRef:
    prefix, local = curie.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


def in_dpv(term) -> bool:
    return isinstance(term, URIRef) and any(str(term).startswith(ns) for ns in PREFIXES.values())


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_sources(source: Path, verify: bool) -> dict[str, Graph]:
    graphs = {}
    for name, (_, digest) in SOURCES.items():
        path = source / name
        if not path.is_file():
            raise InputError(f"{path}: missing DPV source file")
        if verify and sha256(path) != digest:
            raise InputError(f"{path}: SHA-256 differs from the DPV {RELEASE} release (use --no-verify to override)")
        g = Graph()
        g.parse(path, format="turtle")
        graphs[name] = g
    if not (source / LICENSE_FILE).is_file():
        raise InputError(f"{source / LICENSE_FILE}: missing licence file")
    return graphs


def referenced_in_rdf(path: Path) -> tuple[set[URIRef], set[URIRef]]:
    """DPV IRIs used as RDF terms in a file, and those named in its literals (e.g. SHACL-SPARQL text)."""
    g = Graph()
    g.parse(path, format="turtle")
    terms: set[URIRef] = set()
    named: set[URIRef] = set()
    for triple in g:
        for term in triple:
            if in_dpv(term):
                terms.add(term)
            elif isinstance(term, Literal):
                named |= referenced_in_text(str(term))
    return terms, named


def referenced_in_text(text: str) -> set[URIRef]:
    found = {expand(f"{p}:{l}") for p, l in CURIE_RE.findall(text)}
    found |= {URIRef(PREFIXES[PYNS[ns]] + l) for ns, l in PYATTR_RE.findall(text)}
    found |= {URIRef(PREFIXES[PYNS[ns]] + l) for ns, l in PYITEM_RE.findall(text)}
    found |= {URIRef(i) for i in IRI_RE.findall(text)}
    return found


def narrower_closure(union: Graph, root: URIRef) -> set[URIRef]:
    seen: set[URIRef] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        for child in union.subjects(SKOS.broader, node):
            if child not in seen:
                seen.add(child)
                stack.append(child)
    return seen


def rule_based(union: Graph) -> set[URIRef]:
    keep: set[URIRef] = set()
    # pd: terms under special categories, and all pd:Criminal*
    special = narrower_closure(union, DPV.SpecialCategoryPersonalData)
    keep |= {t for t in special if str(t).startswith(str(PD))}
    keep |= {s for s in set(union.subjects(RDF.type, None))
             if isinstance(s, URIRef) and str(s).startswith(str(PD) + "Criminal")}
    # countries: loc terms typed dpv:Country with a two-letter local name (no subdivisions)
    for s in union.subjects(RDF.type, DPV.Country):
        local = str(s)[len(str(LOC)):]
        if str(s).startswith(str(LOC)) and re.fullmatch(r"[A-Z]{2}", local):
            keep.add(s)
    # eu-gdpr legal bases of Art. 6, 9, 45, 46, 49
    for s in union.subjects(RDF.type, DPV.LegalBasis):
        if str(s).startswith(str(EU_GDPR)) and re.match(r"A(6|9|45|46|49)(-|$)", str(s)[len(str(EU_GDPR)):]):
            keep.add(s)
    # tech provision methods
    keep |= {s for s in set(union.subjects(RDF.type, None))
             if isinstance(s, URIRef) and str(s).startswith(str(TECH) + "ProvidedAs")}
    for root in KEEP_BRANCHES:
        keep |= narrower_closure(union, expand(root))
    return keep


def closure(union: Graph, seeds: set[URIRef]) -> set[URIRef]:
    keep: set[URIRef] = set()
    stack = list(seeds)
    while stack:
        node = stack.pop()
        if node in keep:
            continue
        keep.add(node)
        for pred in (SKOS.broader, RDF.type):
            for obj in union.objects(node, pred):
                if (node, pred, obj) in DROP_TRIPLES:
                    continue
                if in_dpv(obj) and obj not in keep:
                    stack.append(obj)
    return keep


def english(obj) -> bool:
    return isinstance(obj, Literal) and obj.language in (None, "en")


def subset_graph(src: Graph, keep: set[URIRef]) -> Graph:
    out = Graph(bind_namespaces="none")
    for prefix, ns in PREFIXES.items():
        out.bind(prefix, ns)
    out.bind("rdf", RDF)
    out.bind("rdfs", RDFS)
    out.bind("skos", SKOS)
    out.bind("owl", OWL)
    out.bind("dct", DCTERMS)
    for s in keep:
        for p, o in src.predicate_objects(s):
            if p not in KEPT_PREDICATES or (s, p, o) in DROP_TRIPLES:
                continue
            if p in (SKOS.prefLabel, RDFS.label) and not english(o):
                continue
            out.add((s, p, o))
    if len(out):  # keep the release metadata of the source file
        for ont in src.subjects(RDF.type, OWL.Ontology):
            for p, o in src.predicate_objects(ont):
                if p in ONTOLOGY_PREDICATES and (not isinstance(o, Literal) or english(o) or o.datatype):
                    out.add((ont, p, o))
    return out


def header(name: str, triples: int) -> str:
    repo_path = SOURCES[name][0]
    return (
        f"# GENERATED FILE - do not edit. Regenerate with: python {SCRIPT} {DEFAULT_SOURCE}\n"
        f"#\n"
        f"# Filtered subset (i.e. a modified copy) of the W3C Data Privacy Vocabulary (DPV) {RELEASE},\n"
        f"# file {repo_path} of https://github.com/w3c/dpv at tag {TAG} (commit {COMMIT}).\n"
        f"# Only the terms gdprgraph uses are kept, with rdf:type, skos:broader and English labels; see README.md.\n"
        f"# Licence: W3C Software and Document License (2023), see LICENSE-W3C.md next to this file.\n"
        f"# Copyright holders: see the DPV repository (W3C Data Privacy Vocabularies and Controls Community Group).\n"
        f"# Triples: {triples}\n\n"
    )


def readme(counts: dict[str, int], kept: int) -> str:
    rows = "\n".join(f"| `{name}` | `{SOURCES[name][0]}` | {n:,} |" for name, n in counts.items())
    total = sum(counts.values())
    return f"""# DPV {RELEASE} subset (generated)

Pinned, **filtered subset** of the W3C Data Privacy Vocabulary (DPV) release **{RELEASE}**, so gdprgraph works
offline, loads fast and answers hierarchy questions (`?c skos:broader+ dpv:SpecialCategoryPersonalData`,
`?country skos:broader* loc:EEA`) from these files alone.

- Source: https://github.com/w3c/dpv, git tag `{TAG}` (commit `{COMMIT}`); local copies of the
  unmodified release files in `../shared/reference/dpv/` (SHA-256 checked by the script).
- Generated by `{SCRIPT}`; regenerate from the repository root with

  ```
  python {SCRIPT} {DEFAULT_SOURCE}
  ```

  The output is deterministic: running it twice gives identical files.

## What the subset contains

{kept} terms, {total:,} triples:

| file | source file in w3c/dpv | triples |
|---|---|---|
{rows}

Kept terms: every DPV IRI referenced by `ontology/gdprgraph.ttl`, `ontology/vocabulary.ttl`, `shapes/*.ttl`
and the package code; a short list of core RoPA terms; all purposes, human subjects and tech provision
methods; every `pd:` term under `dpv:SpecialCategoryPersonalData`; every `pd:Criminal*` term; every country
(`loc:XX` typed `dpv:Country`, no subdivisions); the `eu-gdpr` Art. 6, 9, 45, 46 and 49 legal bases; and the
transitive `skos:broader` / `rdf:type` closure of all of these. For each kept term only `rdf:type`,
`skos:broader` and English `skos:prefLabel` / `rdfs:label` are copied (no definitions, contributors, dates,
notes, `skos:narrower` or `skos:inScheme`), plus each file's `owl:Ontology` header (version, licence).

## Modifications

These files are a **modified** (filtered) copy of DPV {RELEASE}:

1. Everything not listed above is left out.
2. Two source triples are deliberately dropped: `loc:EEA31 skos:broader loc:EEA` and
   `loc:EU28 skos:broader loc:EU`. In DPV {RELEASE} the *previous* 31-member EEA and 28-member EU are narrower
   than the current EEA/EU, which makes `loc:GB skos:broader* loc:EEA` true although the United Kingdom left
   the EU/EEA in 2020. `loc:GB skos:broader loc:EEA31, loc:EU28` is kept.

## Licence

DPV is provided by its contributors under the **W3C Software and Document License (2023)**
(https://www.w3.org/copyright/software-license-2023/); the full text is in `LICENSE-W3C.md` next to this file,
copied unchanged from the DPV repository. This subset is a derived, modified work of the DPV files; the
copyright remains with the DPV contributors (W3C Data Privacy Vocabularies and Controls Community Group).

Cite DPV as: H. J. Pandit, B. Esteves, G. P. Krog, P. Ryan, D. Golpayegani, J. Flake, "Data Privacy Vocabulary
(DPV) -- Version 2", ISWC 2024, https://doi.org/10.1007/978-3-031-77847-6_10
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", default=DEFAULT_SOURCE,
                        help=f"folder with the DPV {RELEASE} files (default: {DEFAULT_SOURCE}, relative to the repo root)")
    parser.add_argument("--out", default="ontology/dpv", help="output folder (default: ontology/dpv)")
    parser.add_argument("--no-verify", action="store_true", help="do not check the SHA-256 of the source files")
    args = parser.parse_args(argv)

    source = Path(args.source)
    if not source.is_absolute():
        source = (REPO / source) if not source.exists() else source
    out_dir = Path(args.out) if Path(args.out).is_absolute() else REPO / args.out
    try:
        graphs = load_sources(source.resolve(), verify=not args.no_verify)
        union = Graph()
        for g in graphs.values():
            union += g
        defined = {s for s in union.subjects(RDF.type, None) if isinstance(s, URIRef)}

        seeds = {expand(c) for c in KEEP_EXPLICIT}
        ours = [REPO / "ontology" / "gdprgraph.ttl", REPO / "ontology" / "vocabulary.ttl",
                *sorted((REPO / "shapes").glob("*.ttl"))]
        for path in ours:
            if not path.is_file():
                continue
            terms, named = referenced_in_rdf(path)
            unknown = sorted(str(r) for r in terms - defined)
            if unknown:
                raise InputError(f"{path.relative_to(REPO)}: not in DPV {RELEASE}: {', '.join(unknown)}")
            seeds |= terms | (named & defined)  # literals may mention absent terms ("DPV has no pd:X")
        code = sorted((REPO / "gdprgraph").rglob("*.py")) + sorted((REPO / "gdprgraph").rglob("*.rq"))
        for path in code:
            refs = referenced_in_text(path.read_text(encoding="utf-8"))
            for r in sorted(refs - defined):
                print(f"warning: {path.relative_to(REPO)} names {r}, which is not in DPV {RELEASE}", file=sys.stderr)
            seeds |= refs & defined
        missing = sorted(str(s) for s in seeds if s not in defined)
        if missing:
            raise InputError(f"{SCRIPT}: KEEP_EXPLICIT names terms not in DPV {RELEASE}: {', '.join(missing)}")
        seeds |= rule_based(union)
        keep = closure(union, seeds)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name, src in graphs.items():
        sub = subset_graph(src, keep)
        target = out_dir / name
        if not len(sub):
            if target.exists():
                target.unlink()
            continue
        body = sub.serialize(format="turtle")
        target.write_text(header(name, len(sub)) + body, encoding="utf-8")
        counts[name] = len(sub)
    shutil.copyfile(source / LICENSE_FILE, out_dir / LICENSE_FILE)
    (out_dir / "README.md").write_text(readme(counts, len(keep)), encoding="utf-8")
    for name, n in counts.items():
        print(f"{out_dir.relative_to(REPO) if out_dir.is_relative_to(REPO) else out_dir}/{name}: {n} triples")
    print(f"{len(keep)} terms, {sum(counts.values())} triples")
    return 0


if __name__ == "__main__":
    sys.exit(main())
