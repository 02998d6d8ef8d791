"""Shared assertions for CLI tests (imported by the test modules; pytest puts tests/ on sys.path)."""
from __future__ import annotations


def one_line_error(result) -> str:
    """The CLI contract for bad input: exit 2, exactly one line on stderr, never a traceback."""
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    return lines[0]
