"""Shared assertions for CLI tests (imported by the test modules; pytest puts tests/ on sys.path)."""
from __future__ import annotations

# The smallest register: one activity, one unmapped category, one mapped subject.
TINY_TTL = """@prefix dpv: <https://w3id.org/dpv#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix gg: <https://w3id.org/gdprgraph#> .
<urn:x:a> a dpv:Process ; rdfs:label "A"@en ; dpv:hasPersonalData <urn:x:c> ; dpv:hasDataSubject <urn:x:s> .
<urn:x:c> a dpv:PersonalData ; skos:prefLabel "Shoe size"@en ; gg:unmapped true .
<urn:x:s> a dpv:DataSubject ; skos:prefLabel "Clients"@en ; skos:broader dpv:Client .
"""


def one_line_error(result) -> str:
    """The CLI contract for bad input: exit 2, exactly one line on stderr, never a traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]
