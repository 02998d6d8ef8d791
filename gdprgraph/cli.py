"""Command line: parse options, call the library once, format the result, exit with the contract's code.

Heavy libraries (rdflib, pyshacl, pyvis) are imported inside the commands so ``--help`` is instant.
Exit codes: 0 success, 1 bad news (validation violations, differences), 2 usage or input error.
"""
from __future__ import annotations

import csv
import functools
import io
import json
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
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


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


def load(register: str, base: str | None = None):
    from gdprgraph.build import load_graph

    return load_graph(register, base=base)


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
@handle_errors
def import_cmd(source: str, output: str | None, to: str | None, base: str | None, with_vocabulary: bool) -> None:
    """Import a register (GDPRWise .txt/.pdf, YAML, CSV/XLSX) into RDF.

    \b
    Examples:
      gdprgraph import data/connexi/connexi-gdprwise-register.txt -o register.ttl
      gdprgraph import register.pdf --to jsonld > register.jsonld
    """
    _write_rdf(load(source, base), output, to, with_vocabulary)


def _write_rdf(graph: Any, output: str | None, to: str | None, with_vocabulary: bool) -> None:
    from gdprgraph.files import write_atomic
    from gdprgraph.serialize import format_for_path, serialize

    fmt = to or (format_for_path(output) if output and output != "-" else None) or "ttl"
    text = serialize(graph, fmt, include_vocabulary=with_vocabulary)
    if output and output != "-":
        write_atomic(output, text)
        click.echo(f"wrote {output} ({len(graph)} triples, {fmt})", err=True)
    else:
        click.echo(text, nl=not text.endswith("\n"))


@main.command("export")
@click.argument("register", type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Output file ('-' for stdout).")
@click.option(
    "--to",
    "to",
    type=click.Choice(["ttl", "jsonld", "nt", "xml"]),
    help="Format (default: from the -o suffix).",
)
@click.option(
    "--with-vocabulary",
    is_flag=True,
    help="Add our ontology and the DPV subset so the file stands alone in any SPARQL tool.",
)
@handle_errors
def export_cmd(register: str, output: str, to: str | None, with_vocabulary: bool) -> None:
    """Export a register as linked data (Turtle, JSON-LD, N-Triples, RDF/XML).

    \b
    Examples:
      gdprgraph export data/connexi/register.ttl -o connexi.jsonld
      gdprgraph export register.txt -o full.ttl --with-vocabulary
    """
    _write_rdf(load(register), output, to, with_vocabulary)


@main.command("info")
@click.argument("register", type=click.Path(dir_okay=False))
@format_option()
@handle_errors
def info_cmd(register: str, fmt: str) -> None:
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
