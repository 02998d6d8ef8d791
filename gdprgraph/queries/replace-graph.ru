# Replace a register's named graph at a SPARQL server (SPARQL Update: `gdprgraph push` without the Graph
# Store Protocol). A template (Python string.Template): $graph is the graph's IRI written as <…> (checked to
# be an absolute IRI first) and $triples N-Triples lines gdprgraph serialised itself. The triples go in
# batches; only the first request of a push starts with the DROP.
DROP SILENT GRAPH $graph ;
INSERT DATA { GRAPH $graph {
$triples
} }
