"""Our closed gg: namespace and ontology/gdprgraph.ttl declare the same terms."""
from rdflib import RDF, Graph, URIRef

from gdprgraph.namespaces import GG, GGNS
from gdprgraph.resources import data_dir


def test_every_python_gg_term_is_declared_in_the_ontology_and_back():
    ontology = Graph().parse(data_dir("ontology") / "gdprgraph.ttl")
    declared = {str(s)[len(GGNS):] for s in ontology.subjects(RDF.type, None)
                if isinstance(s, URIRef) and str(s).startswith(GGNS)}
    in_python = set(GG.__annotations__) | set(GG._extras)
    assert in_python <= declared, in_python - declared
    assert declared <= in_python, declared - in_python
