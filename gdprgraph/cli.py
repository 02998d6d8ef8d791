"""Command line: parse options, call the library once, format the result, exit with the contract's code.

Heavy libraries (rdflib, pyshacl, pyvis) are imported inside the commands so ``--help`` is instant.
Exit codes: 0 success, 1 bad news (validation violations, differences), 2 usage or input error.
"""
from __future__ import annotations

import csv
import functools
import gc
import io
import sys
from typing import Any, Callable, Iterable, Sequence

import click

from gdprgraph import __version__

REGISTER_HELP = (
    "REGISTER is any file gdprgraph reads: a GDPRWise export (.txt/.pdf), YAML, CSV/XLSX, "
    "or RDF (.ttl, .jsonld, .nt, .rdf). The format is detected from the suffix."
)


class Abort(click.ClickException):
    """One line on stderr, exit 2 (bad input or usage), never a traceback."""

    exit_code = 2

    def show(self, file: Any = None) -> None:
        click.echo(f"gdprgraph: error: {self.format_message()}", err=True)


def handle_errors(func: Callable) -> Callable:
    """Turn library errors into the CLI contract (one line, exit 2)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from gdprgraph.errors import GdprGraphError

        try:
            return func(*args, **kwargs)
        except GdprGraphError as exc:
            raise Abort(str(exc)) from None
        except BrokenPipeError:
            # the reader went away (`gdprgraph validate r.ttl | head`): not bad input. click's main() ends
            # such a run quietly with exit 1 (a pipeline under `set -o pipefail` must not pass for a clean
            # validation it did not see); the OSError branch below would make it "error: Broken pipe", exit 2.
            raise
        except OSError as exc:
            where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
            raise Abort(f"{where}{exc.strerror or exc}") from None

    return wrapper


def format_option(choices: Sequence[str] = ("table", "json", "csv"), default: str = "table") -> Callable:
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default=default,
        show_default=True,
        help="Output: a readable table, JSON for scripts, or CSV for spreadsheets.",
    )


def emit_json(data: Any) -> None:
    from gdprgraph.jsonout import dumps  # json.dumps(indent=2) text, twice as fast on large answers

    click.echo(dumps(data, indent=2, default=str))


def emit_rows(rows: Iterable[dict[str, Any]], columns: Sequence[str], fmt: str, title: str | None = None) -> None:
    """Rows as an aligned table, JSON array or CSV (lists joined with '; ')."""
    rows = list(rows)

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, (list, tuple)):
            return "; ".join(cell(v) for v in value)
        if isinstance(value, bool):
            return "yes" if value else "no"
        return str(value)

    if fmt == "json":
        emit_json(rows)
        return
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([cell(row.get(c)) for c in columns])
        click.echo(buffer.getvalue(), nl=False)
        return
    if title:
        click.secho(title, bold=True)
    if not rows:
        click.echo("(none)")
        return
    table = [[c.replace("_", " ") for c in columns]] + [[cell(row.get(c)) for c in columns] for row in rows]
    widths = [min(max(len(r[i]) for r in table), 60) for i in range(len(columns))]
    for n, line in enumerate(table):
        text = "  ".join(value.ljust(widths[i]) for i, value in enumerate(line)).rstrip()
        click.secho(text, bold=(n == 0))


_REGISTER_PARAMS = ("engine", "store", "graph", "endpoint")


def register_options(func: Callable) -> Callable:
    """Where the register comes from: ``--engine``, ``--store``, ``--graph``, ``--endpoint`` (DESIGN.md §4).

    The command itself does not see these options: :func:`load` reads them from the click context, so the
    REGISTER argument can be omitted when --store or --endpoint is given.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        for name in _REGISTER_PARAMS:
            kwargs.pop(name, None)
        return func(*args, **kwargs)

    options = [
        click.option("--engine", type=click.Choice(["oxigraph", "rdflib"]), default="oxigraph", show_default=True,
                     help="In-process engine: Oxigraph (fast) or rdflib's memory store (the reference)."),
        click.option("--store", metavar="DIR", type=click.Path(file_okay=True, dir_okay=True),
                     help="Read from a persistent store made with `gdprgraph import SOURCE --store DIR` "
                          "(REGISTER is then omitted)."),
        click.option("--graph", metavar="IRI",
                     help="The register (named graph) in the --store or at the --endpoint; default: the only "
                          "one, or all of them together."),
        click.option("--endpoint", metavar="URL",
                     help="A SPARQL 1.1 query endpoint, e.g. http://localhost:7878/query (REGISTER is then omitted)."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper


def load(register: str | None, base: str | None = None):
    """The register of this command: a file, or (with --store / --endpoint) a register held elsewhere."""
    from gdprgraph.stores import open_register

    params = click.get_current_context().params
    graph = open_register(register, store=params.get("store"), endpoint=params.get("endpoint"),
                          graph=params.get("graph"), engine=params.get("engine"), base=base)
    # The modules and the register live until this process exits: frozen, the garbage collector stops
    # walking them again and again while a large answer is built (~70 ms of a 1,831-activity trace).
    gc.freeze()
    return graph


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="gdprgraph")
def main() -> None:
    """Turn a GDPR register of processing activities (Art. 30 RoPA) into a DPV knowledge graph,
    check it, and ask it where personal data goes.

    \b
    Start with the bundled example:
      gdprgraph info data/connexi/connexi-gdprwise-register.txt
      gdprgraph import data/connexi/connexi-gdprwise-register.txt -o register.ttl

    Exit codes: 0 success, 1 bad news (e.g. validation violations), 2 bad input or usage.
    """
    import logging

    # Libraries warn on stderr through logging's last-resort handler, rdflib with a whole traceback for
    # each ill-typed literal ("abc"^^xsd:integer) and pypdf for each damaged PDF structure: the CLI speaks
    # for itself, one line on error.
    for name in ("rdflib", "pypdf"):
        logging.getLogger(name).setLevel(logging.ERROR)


@main.command("import")
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write here (default: standard output).")
@click.option(
    "--to",
    "to",
    type=click.Choice(["ttl", "jsonld", "nt", "xml"]),
    help="RDF format (default: from the -o suffix, else Turtle).",
)
@click.option("--base", help="Base IRI for the register's own nodes (default: derived from the controller name).")
@click.option("--with-vocabulary", is_flag=True, help="Include our ontology and the DPV subset in the output.")
@click.option("--store", metavar="DIR", type=click.Path(file_okay=True, dir_okay=True),
              help="Add the register to this persistent store instead (created when missing); later commands "
                   "read it with --store DIR and no REGISTER.")
@click.option("--graph", metavar="IRI",
              help="With --store: the register's named graph (default: the register's base IRI); importing "
                   "again replaces it.")
@handle_errors
def import_cmd(source: str, output: str | None, to: str | None, base: str | None, with_vocabulary: bool,
               store: str | None, graph: str | None) -> None:
    """Import a register (GDPRWise .txt/.pdf, YAML, CSV/XLSX) into RDF.

    \b
    Examples:
      gdprgraph import data/connexi/connexi-gdprwise-register.txt -o register.ttl
      gdprgraph import register.pdf --to jsonld > register.jsonld
      gdprgraph import big-register.nt --store registers/ && gdprgraph info --store registers/
    """
    if store is not None:
        from gdprgraph.stores import import_into_store

        if output or to or with_vocabulary:
            raise Abort("--store adds the register to a store; it does not combine with -o, --to or --with-vocabulary")
        iri, count = import_into_store(source, store, graph, base=base)
        click.echo(f"added <{iri}> to {store} ({count} triples)", err=True)
        return
    if graph is not None:
        raise Abort("--graph names the register's graph in a --store")
    if output and output != "-" and not to:
        _rdf_format_for(output)  # before the (possibly long) import
    _write_rdf(load(source, base), output, to, with_vocabulary)


def _write_rdf(graph: Any, output: str | None, to: str | None, with_vocabulary: bool) -> None:
    from gdprgraph.files import write_atomic
    from gdprgraph.serialize import serialize

    fmt = to or (_rdf_format_for(output) if output and output != "-" else "ttl")
    text = serialize(graph, fmt, include_vocabulary=with_vocabulary)
    if output and output != "-":
        write_atomic(output, text)
        click.echo(f"wrote {output} ({len(graph)} triples, {fmt})", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@main.command("export")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output file ('-' for stdout).")
@click.option(
    "--to",
    "to",
    type=click.Choice(["ttl", "jsonld", "nt", "xml", "yaml", "csv", "xlsx"]),
    help="Format (default: from the -o suffix).",
)
@click.option(
    "--with-vocabulary",
    is_flag=True,
    help="Add our ontology and the DPV subset so the file stands alone in any SPARQL tool.",
)
@register_options
@handle_errors
def export_cmd(register: str | None, output: str, to: str | None, with_vocabulary: bool) -> None:
    """Export a register as linked data (Turtle, JSON-LD, N-Triples, RDF/XML) or in an authoring
    format (YAML, CSV, XLSX: one row per activity) that imports back into the same graph.

    \b
    Examples:
      gdprgraph export data/connexi/register.ttl -o connexi.jsonld
      gdprgraph export register.txt -o full.ttl --with-vocabulary
      gdprgraph export data/connexi/register.ttl -o register.yaml
      gdprgraph export register.yaml -o register.xlsx
    """
    fmt = to or _authoring_format(output)
    if fmt in ("yaml", "csv", "xlsx"):
        _write_authoring(load(register), output, fmt, with_vocabulary)
        return
    if output != "-" and not to:
        _rdf_format_for(output, authoring=True)  # before the (possibly long) import
    _write_rdf(load(register), output, to, with_vocabulary)


@main.command("info")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@format_option()
@register_options
@handle_errors
def info_cmd(register: str | None, fmt: str) -> None:
    """Counts of activities, subjects, categories, systems and recipients, and every label that did
    not map to DPV.

    \b
    Example:
      gdprgraph info data/connexi/connexi-gdprwise-register.txt
    """
    from gdprgraph.info import info

    result = info(load(register))
    if fmt == "json":
        emit_json(result.as_dict())
        return
    if fmt == "csv":
        emit_rows(result.unmapped, ["kind", "label", "iri"], "csv")
        return
    emit_rows([{"what": k, "count": v} for k, v in result.counts.items()], ["what", "count"], "table", "Register")
    click.echo()
    if result.unmapped:
        emit_rows(result.unmapped, ["kind", "label"], "table", f"Labels not mapped to DPV ({len(result.unmapped)})")
    else:
        click.echo("Every label maps to DPV.")


@main.command("validate")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "ttl"]),
    default="text",
    show_default=True,
    help="Output: findings grouped by activity, JSON for scripts, or the SHACL report graph (Turtle).",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning"]),
    default="violation",
    show_default=True,
    help="Exit 1 when there is a finding of this severity or worse.",
)
@click.option("--rules", "list_rules", is_flag=True, help="List the rule catalogue (REGISTER is then not needed).")
@click.option(
    "--validator",
    type=click.Choice(["auto", "fast", "pyshacl"]),
    default="auto",
    show_default=True,
    help="How the shapes are evaluated: fast (gdprgraph's own SHACL Core evaluator, default on the oxigraph "
    "engine and endpoints) or pyshacl (the reference SHACL engine, default with --engine rdflib). "
    "Findings are identical; fast is ~10x quicker on large registers.",
)
@click.option(
    "--lang",
    type=click.Choice(["auto", "en", "nl"]),
    default="auto",
    show_default=True,
    help="Language of the messages and fix hints: auto = the register's language (dct:language) when the "
    "messages exist in it, else English. With --rules, auto is English.",
)
@register_options
@handle_errors
def validate_cmd(register: str | None, fmt: str, fail_on: str, list_rules: bool, validator: str, lang: str) -> None:
    """Check a register against the GDPR rules (Art. 30(1)(a)-(g), Art. 6, 9, 10, 44-49, 87) with SHACL.

    Every finding names its rule, the article, the activity and a one-line fix; findings that rest on a
    link the importer inferred say so. Exit 0: no finding at or above --fail-on; 1: there are; 2: bad input.

    \b
    Examples:
      gdprgraph validate data/connexi/connexi-gdprwise-register.txt
      gdprgraph validate register.ttl --format json --fail-on warning
      gdprgraph validate big-register.nt --validator pyshacl   # the reference engine
      gdprgraph validate register.ttl --lang nl                # Dutch messages and hints
      gdprgraph validate --rules --lang nl
    """
    from gdprgraph.errors import InputError
    from gdprgraph.validate import holds_register, rules, shapes_graph, validate_graph

    language = None if lang == "auto" else lang
    if list_rules:
        catalogue = rules(language or "en")
        if fmt == "ttl":  # the shapes themselves, every language
            click.echo(shapes_graph().serialize(format="turtle"), nl=False)
        elif fmt == "json":
            emit_json([rule.as_dict() for rule in catalogue])
        else:
            rows = [{"rule": r.id, "severity": r.severity, "article": r.article or "", "fires_when": r.description}
                    for r in catalogue]
            emit_rows(rows, ["rule", "severity", "article", "fires_when"], "table", f"Rules ({len(rows)})")
        return
    params = click.get_current_context().params
    if not register and not params.get("store") and not params.get("endpoint"):
        raise Abort("missing argument REGISTER (or --store DIR / --endpoint URL; or --rules to list the rules)")
    graph = load(register)
    if not holds_register(graph):
        raise InputError("holds no register to validate: no activity (dpv:Process), register (dpv:ROPA) or "
                         "controller (dpv:DataController); import the register with gdprgraph first",
                         register or params.get("store") or params.get("endpoint"))
    report = validate_graph(graph, validator=validator, lang=language)
    if fmt == "json":
        emit_json(report.as_dict())
    elif fmt == "ttl":
        click.echo(report.graph.serialize(format="turtle"), nl=False)
    else:
        _echo_findings(report)
    if report.fails(fail_on):
        click.get_current_context().exit(1)


_SEVERITY_STYLE = {"violation": {"fg": "red", "bold": True}, "warning": {"fg": "yellow"}, "info": {"fg": "cyan"}}


def _echo_findings(report: Any) -> None:
    """Findings grouped by activity (controller first): severity, rule, message, then the fix."""
    focus = None
    for finding in report.findings:
        if finding.focus != focus:
            if focus is not None:
                click.echo()
            focus = finding.focus
            click.echo(click.style(finding.label, bold=True) + click.style(f"  <{finding.focus}>", dim=True))
        severity = click.style(f"{finding.severity:<9}", **_SEVERITY_STYLE.get(finding.severity, {}))
        click.echo(f"  {severity}  {finding.rule}  {finding.message}")
        click.echo(click.style(f"             fix: {finding.hint}", dim=True))
    counts = report.counts
    plural = {"violation": "violations", "warning": "warnings", "info": "info"}
    summary = ", ".join(f"{n} {name if n == 1 else plural[name]}" for name, n in counts.items())
    verdict = "conforms" if report.conforms else "does not conform"
    if report.findings:
        click.echo()
    click.secho(f"{summary}: {verdict}", bold=True, fg="green" if report.conforms else "red")


def _rdf_format_for(output: str, authoring: bool = False) -> str:
    """The RDF format an -o file name asks for; a suffix that names none (a typo, .md, or .xlsx given to
    `import`) is a usage error rather than Turtle written under a name that promises something else.
    ``authoring``: the command also writes .yaml/.csv/.xlsx (export), for the message."""
    from pathlib import Path

    from gdprgraph.errors import UsageError
    from gdprgraph.serialize import format_for_path

    fmt = format_for_path(output)
    if fmt is None:
        suffix = Path(output).suffix
        if not authoring and _authoring_format(output):
            raise UsageError(f"{output}: import writes RDF; for {suffix} use `gdprgraph export SOURCE -o {output}`")
        known = ".ttl, .jsonld, .nt, .rdf, .yaml, .csv or .xlsx" if authoring else ".ttl, .jsonld, .nt or .rdf"
        raise UsageError(f"{output}: cannot tell the format from the suffix {suffix or '(none)'!r}; use {known}, "
                         "or name the format with --to")
    return fmt


def _authoring_format(output: str) -> str | None:
    from gdprgraph.writers import format_for_path

    return format_for_path(output) if output != "-" else None


def _write_authoring(graph: Any, output: str, fmt: str, with_vocabulary: bool) -> None:
    from gdprgraph.errors import UsageError
    from gdprgraph.extract import register_from_graph
    from gdprgraph.files import write_atomic
    from gdprgraph.writers import write_register

    if with_vocabulary:
        raise UsageError(f"--with-vocabulary applies to RDF formats, not {fmt}")
    if fmt == "xlsx" and output == "-":
        raise UsageError("xlsx is a binary format: write it to a file with -o FILE.xlsx")
    register = register_from_graph(graph)
    data = write_register(register, fmt)
    if output == "-":
        click.echo(data.lstrip("\ufeff") if isinstance(data, str) else data, nl=False)
        return
    write_atomic(output, data)
    click.echo(f"wrote {output} ({len(register.activities)} activities, {fmt})", err=True)


@main.command("push")
@click.argument("register", type=click.Path(dir_okay=False))
@click.option("--endpoint", required=True, metavar="URL",
              help="The server's SPARQL query endpoint, e.g. http://localhost:7878/query (Oxigraph).")
@click.option("--graph", metavar="IRI", help="The named graph to (re)place the register in (default: the register's base IRI).")
@click.option("--gsp", metavar="URL",
              help="Upload with the Graph Store Protocol to this URL (default for an Oxigraph-style …/query "
                   "endpoint: its …/store).")
@click.option("--update", metavar="URL",
              help="Upload with SPARQL Update to this URL (default for other endpoints: the endpoint URL).")
@click.option("--base", help="Base IRI for the register's own nodes (when REGISTER is imported on the fly).")
@handle_errors
def push_cmd(register: str, endpoint: str, graph: str | None, gsp: str | None, update: str | None,
             base: str | None) -> None:
    """Load a register into a named graph of a SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, Virtuoso,
    Neptune), replacing what that graph held; then every command can read it with --endpoint URL.

    \b
    Examples:
      gdprgraph push data/connexi/register.ttl --endpoint http://localhost:7878/query
      gdprgraph push register.txt --endpoint http://localhost:3030/ropa/sparql --gsp http://localhost:3030/ropa/data
      gdprgraph info --endpoint http://localhost:7878/query --graph https://w3id.org/gdprgraph/register/connexi/
    """
    from gdprgraph.build import load_graph
    from gdprgraph.stores import count_at_endpoint, push

    iri, sent = push(load_graph(register, base=base), endpoint, graph, gsp=gsp, update=update)
    held = count_at_endpoint(endpoint, iri)
    click.echo(f"pushed {sent} triples to <{iri}> at {endpoint} (the graph holds {held})", err=True)


@main.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "md"]),
    default="text",
    show_default=True,
    help="Output: readable text, JSON for scripts, or a Markdown change log.",
)
@handle_errors
def diff_cmd(old: str, new: str, fmt: str) -> None:
    """What changed between two versions of a register (any formats), per activity, each change tagged
    with the article it touches: 30(1)(a)-(g), 6(1), 9(2). Exit 0 when equal, 1 when different.

    \b
    Examples:
      gdprgraph diff register-2023.yaml register-2024.yaml
      gdprgraph diff old.ttl new.xlsx --format md > CHANGES.md
    """
    from gdprgraph.diff import FORMATTERS, diff_files

    result = diff_files(old, new)
    click.echo(FORMATTERS[fmt](result), nl=False)
    sys.exit(0 if result.equal else 1)


@main.command("viz")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="The HTML file to write ('-' for standard output).")
@click.option("--layout", type=click.Choice(["flow", "force"]), default="flow", show_default=True,
              help="flow: columns left to right (subjects, categories, activities, systems and recipients, "
                   "providers, countries); force: a force-directed layout.")
@click.option("--focus", "focus", metavar="TERM", help="Open on the trace of this data category (as `trace` finds it).")
@click.option("--subject", metavar="S", help="Only the activities about this data subject (with or without --focus).")
@click.option("--no-findings", is_flag=True, help="Skip validation (no findings on the nodes).")
@click.option("--lang", help="Language of the labels (default: the register's).")
@register_options
@handle_errors
def viz_cmd(register: str | None, output: str, layout: str, focus: str | None, subject: str | None, no_findings: bool,
            lang: str | None) -> None:
    """Write the register's data flow as one interactive HTML page that works offline: legend, search,
    "show the flows of" a category, subject, recipient or system, kind toggles, and the validation
    findings on their nodes. Nothing is loaded from the network.

    \b
    Examples:
      gdprgraph viz data/connexi/connexi-gdprwise-register.txt -o graph.html
      gdprgraph viz register.ttl -o home-address.html --focus "home address" --subject Clients
      gdprgraph viz register.ttl -o graph.html --layout force --no-findings
    """
    from gdprgraph.render import build_page

    page = build_page(load(register), layout=layout, focus=focus, subject=subject, findings=not no_findings,
                      lang=lang)
    if output == "-":
        click.echo(page.html, nl=False)
        return
    from gdprgraph.files import write_atomic

    write_atomic(output, page.html)
    focused = f", {len(page.focus)} highlighted" if focus or subject else ""
    findings = "" if no_findings else f", {page.findings} findings"
    click.echo(f"wrote {output} ({page.nodes} nodes, {page.edges} links{findings}{focused})", err=True)


@main.command("report")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, allow_dash=False),
              help="Output file: .md (Markdown), .html (one self-contained page) or .xlsx (spreadsheet).")
@click.option("--lang", type=click.Choice(["en", "nl"]),
              help="Language of headings, field names and findings (default: the register's language, else en).")
@click.option("--date", "date", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
              help="Date printed as the generation date (default: today); fix it for reproducible output.")
@register_options
@handle_errors
def report_cmd(register: str | None, output: str, lang: str | None, date: Any) -> None:
    """The register as a document for the supervisory authority: the controller, every activity with each
    Art. 30(1) item and its letter, recipients and transfers, systems, and a summary of the validation
    findings. Inferred links are marked; register text is escaped. The format follows the -o suffix.

    \b
    Examples:
      gdprgraph report data/connexi/register.ttl -o register.html --lang en
      gdprgraph report register.txt -o register.md --date 2025-01-31
      gdprgraph report register.yaml -o register.xlsx
    """
    import datetime

    from gdprgraph.files import write_atomic
    from gdprgraph.report import format_for_path, render_report

    fmt = format_for_path(output)
    day = date.date() if date is not None else datetime.date.today()
    data = render_report(load(register), fmt, day, lang=lang)
    write_atomic(output, data)
    click.echo(f"wrote {output} ({fmt}, {day.isoformat()})", err=True)


# -- where personal data goes: trace, subject, impact; users' own SPARQL: query, queries ---------------


def _yes(value: bool) -> str:
    return "yes" if value else "no"


@main.command("trace")
@click.argument("term")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("--subject", "subject", metavar="S", help="Only activities about this data subject (any language, "
              "e.g. Clients, klanten, customers); subjects the importer inferred count and are marked.")
@click.option("--lang", help="Language of the labels (default: the register's).")
@click.option("--html", "html_out", metavar="FILE", type=click.Path(dir_okay=False),
              help="Also write the interactive graph page, opened on this trace (as `viz --focus`).")
@format_option()
@register_options
@handle_errors
def trace_cmd(term: str, register: str | None, subject: str | None, lang: str | None, html_out: str | None,
              fmt: str) -> None:
    """Where data matching TERM goes: every activity that processes a matching data category (any
    language, any level of the DPV hierarchy: "home address", "Thuisadres", "health"), its systems and
    their providers, its recipients and their countries, and whether any of that lies outside the EEA.
    Links the importer inferred rather than read are marked "(inferred)". One row per flow.

    \b
    Examples:
      gdprgraph trace "home address" data/connexi/connexi-gdprwise-register.txt --subject Clients
      gdprgraph trace health register.ttl --format json
      gdprgraph trace "home address" register.ttl --subject Clients --html home-address.html
    An unknown TERM exits 2 and suggests the nearest labels.
    """
    from gdprgraph.dataflow import TRACE_COLUMNS, trace, trace_rows

    graph = load(register)
    result = trace(graph, term, subject=subject, lang=lang)
    if html_out:
        from gdprgraph.files import write_atomic
        from gdprgraph.render import build_page

        page = build_page(graph, focus=term, subject=subject, lang=lang)
        write_atomic(html_out, page.html)
        click.echo(f"wrote {html_out} ({len(page.focus)} of {page.nodes} nodes highlighted)", err=True)
    if fmt == "json":
        emit_json(result)
        return
    rows = trace_rows(result)
    if fmt == "csv":
        emit_rows(rows, TRACE_COLUMNS, "csv")
        return
    if not result["categories"]:
        click.echo(f"No data category of this register matches {term!r} (the vocabulary knows the term).")
        return
    names = ", ".join(c["label"] for c in result["categories"])
    who = f" about {subject}" if subject else ""
    emit_rows(rows, [c for c in TRACE_COLUMNS if c != "section"], "table",
              f"Where {term!r} ({names}) goes{who}: {len(result['activities'])} activities")
    click.echo()
    click.echo(f"Countries: {', '.join(result['countries']) or 'none stated'}. "
               f"Outside the EEA: {_yes(result['outside_eea'])}.")
    if result["unknown_location"]:
        click.echo(f"Recipients without a known country: {', '.join(result['unknown_location'])}.")


@main.command("subject")
@click.argument("subject")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("--lang", help="Language of the labels (default: the register's).")
@format_option()
@register_options
@handle_errors
def subject_cmd(subject: str, register: str | None, lang: str | None, fmt: str) -> None:
    """Everything the register says it holds on data subject SUBJECT (the Art. 15 access-request
    inventory): per activity the data categories, purposes, legal bases, retention, recipients, systems
    and transfers outside the EEA. Inferred links are marked.

    \b
    Examples:
      gdprgraph subject Clients data/connexi/connexi-gdprwise-register.txt
      gdprgraph subject werknemers register.ttl --format json
    """
    from gdprgraph.dataflow import SUBJECT_COLUMNS, subject_inventory, subject_rows

    result = subject_inventory(load(register), subject, lang=lang)
    if fmt == "json":
        emit_json(result)
        return
    rows = subject_rows(result)
    if fmt == "csv":
        emit_rows(rows, SUBJECT_COLUMNS, "csv")
        return
    names = ", ".join(s["label"] for s in result["subjects"])
    emit_rows(rows, SUBJECT_COLUMNS, "table", f"What the register holds on {subject!r} ({names}): "
              f"{len(result['activities'])} activities, {len(result['categories'])} data categories")
    click.echo()
    click.echo(f"Countries: {', '.join(result['countries']) or 'none stated'}. "
               f"Transfers outside the EEA: {_yes(result['outside_eea'])}.")


@main.command("impact")
@click.argument("name")
@click.argument("register", required=False, type=click.Path(dir_okay=False))
@click.option("--lang", help="Language of the labels (default: the register's).")
@format_option()
@register_options
@handle_errors
def impact_cmd(name: str, register: str | None, lang: str | None, fmt: str) -> None:
    """What a system, provider or recipient NAME holds, for a breach (Art. 33/34): the activities that
    use it, their data subjects and data categories, special categories (Art. 9) and national
    identification numbers (Art. 87) flagged. NAME matches a label exactly or as whole words, case- and
    accent-insensitive; an unknown NAME exits 2 with the nearest names.

    \b
    Examples:
      gdprgraph impact Hubspot data/connexi/connexi-gdprwise-register.txt
      gdprgraph impact "Titeca Accountancy" register.ttl --format json
    """
    from gdprgraph.dataflow import IMPACT_COLUMNS, impact, impact_rows

    result = impact(load(register), name, lang=lang)
    if fmt == "json":
        emit_json(result)
        return
    rows = impact_rows(result)
    if fmt == "csv":
        emit_rows(rows, IMPACT_COLUMNS, "csv")
        return
    matched = ", ".join(f"{m['label']} ({m['kind']})" for m in result["matches"])
    emit_rows(rows, IMPACT_COLUMNS, "table", f"What {matched} holds: {len(result['activities'])} activities")
    click.echo()
    click.echo(f"Data subjects: {', '.join(s['label'] for s in result['subjects']) or 'none stated'}.")
    special = [c["label"] for c in result["categories"] if c["special"]]
    national = [c["label"] for c in result["categories"] if c["national_id"]]
    click.echo(f"Special categories (Art. 9): {', '.join(special) or 'none'}. "
               f"National identification numbers (Art. 87): {', '.join(national) or 'none'}.")


@main.command("query")
@click.argument("arguments", nargs=-1, required=True, metavar="REGISTER FILE.rq")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE (a literal; <IRI> for an IRI). Repeatable. Bound, never pasted in.")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE and FROM, which fetch data over the network (refused by default).")
@format_option()
@register_options
@handle_errors
def query_cmd(arguments: tuple[str, ...], params: tuple[str, ...], allow_service: bool, fmt: str) -> None:
    """Run your own SPARQL query FILE.rq (SELECT, ASK, CONSTRUCT, DESCRIBE) on REGISTER. SELECT prints a
    table, SPARQL 1.1 results JSON (--format json) or CSV; ASK prints true/false; CONSTRUCT and DESCRIBE
    print Turtle (JSON-LD with --format json). With --store or --endpoint, give FILE.rq only.

    \b
    Examples:
      gdprgraph query register.ttl my-question.rq
      gdprgraph query register.ttl by-category.rq --param label="Thuisadres" --format csv
    """
    from gdprgraph.dataflow import user_query

    if len(arguments) > 2:
        raise click.UsageError("expected REGISTER FILE.rq")
    register, query_file = (None, arguments[0]) if len(arguments) == 1 else arguments
    bindings = {}
    for param in params:
        key, sep, value = param.partition("=")
        if not sep or not key.strip().isidentifier():
            raise Abort(f"--param {param!r}: expected NAME=VALUE")
        bindings[key.strip()] = value
    answer = user_query(load(register), query_file, bindings, allow_service=allow_service)
    if answer.type == "SELECT" and fmt == "table":
        emit_rows(answer.rows, answer.columns, "table")
    elif answer.type == "ASK" and fmt == "table":
        click.echo("true" if answer.boolean else "false")
    else:
        text = answer.serialize(fmt)
        click.echo(text, nl=not text.endswith("\n"))


@main.command("queries")
@format_option()
@handle_errors
def queries_cmd(fmt: str) -> None:
    """List the bundled SPARQL queries (gdprgraph/queries/*.rq) and the question each one answers.
    Copy one as a starting point for `gdprgraph query`.

    \b
    Example:
      gdprgraph queries
    """
    from gdprgraph.query import list_queries

    emit_rows([{"name": n, "question": q} for n, q in list_queries()], ["name", "question"], fmt)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
