"""gdprgraph.jsonout.dumps writes what json.dumps(indent=2, ensure_ascii=False, default=str) writes."""
from __future__ import annotations

import json
import math
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from gdprgraph.jsonout import dumps

SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
VALUES = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=5) | st.tuples(children, children)
    | st.dictionaries(st.text(max_size=8) | st.integers() | st.booleans() | st.none(), children, max_size=5),
    max_leaves=40,
)


def _stdlib(data) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str)


@settings(max_examples=300, deadline=None)
@given(VALUES)
def test_any_json_value_is_written_as_the_json_module_writes_it(data):
    assert dumps(data) == _stdlib(data)


def test_strings_floats_and_other_objects_as_the_json_module_writes_them():
    data = {"quote\"and\\back": ["é ✓ \u2028 \x00 \n", math.inf, -math.inf, 1e100, 0.1], "when": date(2025, 1, 31),
            1.5: {"nested": [[], {}, [[]], {"a": {}}]}, None: (1, True, False, None), "set": {3}}
    assert dumps(data) == _stdlib(data)
    assert dumps(data, indent=4) == json.dumps(data, indent=4, ensure_ascii=False, default=str)


def test_a_trace_answer_is_written_as_the_json_module_writes_it():
    from gdprgraph.build import build_graph
    from gdprgraph.dataflow import trace
    from test_trace_scale import many_activities

    answer = trace(build_graph(many_activities(60)), "home address")
    assert dumps(answer) == _stdlib(answer)
