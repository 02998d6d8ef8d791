"""The vocabulary index cache (vocabulary._index): built from ontology/ once, then read from the user's cache
folder, and rebuilt whenever the ontology files change."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import gdprgraph.resources
import gdprgraph.vocabulary as vocabulary
from gdprgraph.flows import eea_status
from gdprgraph.namespaces import LOC, PD
from gdprgraph.resources import ontology_files


_CACHED = (vocabulary.vocabulary_graph, vocabulary._index, vocabulary._vocabulary_labels, eea_status)


def _forget() -> None:
    """What a new process would start from: no vocabulary read yet."""
    for cached in _CACHED:
        cached.cache_clear()


@pytest.fixture
def ontology(tmp_path, monkeypatch):
    """A private copy of ontology/ that the test may edit, and an empty cache folder."""
    source = ontology_files()[0].parent
    copy = tmp_path / "ontology"
    shutil.copytree(source, copy)
    monkeypatch.setattr(gdprgraph.resources, "ontology_files",
                        lambda: sorted(copy.glob("*.ttl")) + sorted((copy / "dpv").glob("*.ttl")))
    monkeypatch.setenv("GDPRGRAPH_CACHE_DIR", str(tmp_path / "cache"))
    _forget()
    yield copy
    _forget()


def _cache_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("vocabulary-*.json"))


def test_a_new_label_in_the_vocabulary_is_matched_at_once(ontology, tmp_path):
    assert vocabulary.map_label("Zorgpasnummer", "personal-data") == ()
    assert len(_cache_files(tmp_path)) == 1
    with (ontology / "vocabulary.ttl").open("a", encoding="utf-8") as out:
        out.write('\npd:Name gg:matchLabel "Zorgpasnummer"@nl .\n')
    _forget()
    assert vocabulary.map_label("Zorgpasnummer", "personal-data") == (PD.Name,)
    assert len(_cache_files(tmp_path)) == 2  # a new key for the new files; the old entry is left unread


def test_a_later_process_reads_the_cache_without_parsing_the_ontology(ontology, tmp_path, monkeypatch):
    fresh = (vocabulary.map_label("Thuisadres", "personal-data"), vocabulary.broader_closure(LOC.BE),
             vocabulary.label_of(LOC.US, "nl"), vocabulary._meanings("data-subject"), eea_status(LOC.JP))
    _forget()

    def no_parse():
        raise AssertionError("the ontology was parsed although the cache matches it")

    monkeypatch.setattr(vocabulary, "vocabulary_graph", no_parse)
    cached = (vocabulary.map_label("Thuisadres", "personal-data"), vocabulary.broader_closure(LOC.BE),
              vocabulary.label_of(LOC.US, "nl"), vocabulary._meanings("data-subject"), eea_status(LOC.JP))
    assert cached == fresh
    assert fresh[0] and LOC.EEA in fresh[1] and fresh[4] is False


def test_the_cached_index_equals_the_one_built_from_the_graph(ontology):
    built = vocabulary.VocabularyIndex.from_graph(vocabulary.vocabulary_graph())
    assert vocabulary.VocabularyIndex.from_json(built.to_json()) == built


def test_a_damaged_or_unwritable_cache_only_costs_the_parse(ontology, tmp_path, monkeypatch):
    vocabulary.map_label("Thuisadres", "personal-data")
    (path,) = _cache_files(tmp_path)
    path.write_text('{"format": 1, "labels": ', encoding="utf-8")
    _forget()
    assert vocabulary.map_label("Thuisadres", "personal-data")
    assert vocabulary.VocabularyIndex.from_json(__import__("json").loads(path.read_text(encoding="utf-8")))
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("GDPRGRAPH_CACHE_DIR", str(blocked / "cache"))
    _forget()
    assert vocabulary.map_label("Thuisadres", "personal-data")
