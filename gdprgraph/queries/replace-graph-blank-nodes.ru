# Replace a register's named graph at a SPARQL server when the register holds blank nodes (SPARQL Update:
# `gdprgraph push` without the Graph Store Protocol). As replace-graph.ru, but an INSERT template with an empty
# WHERE instead of INSERT DATA, which Virtuoso refuses for blank nodes ("not allowed in a constant clause").
# The template makes one fresh node per label; all triples go in one request, so a label names one node.
DROP SILENT GRAPH $graph ;
INSERT { GRAPH $graph {
$triples
} } WHERE { }
