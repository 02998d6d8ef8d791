"""`gdprgraph report`: the register as a document (Markdown, HTML, XLSX).

Golden files: tests/golden/report/connexi-{en,nl}.md are the seed register rendered with a fixed date.
After an intended change to the report, the reader, the vocabulary or the validation rules, refresh them
and review the diff before committing:

    GDPRGRAPH_UPDATE_GOLDEN=1 python -m pytest tests/test_report.py -k golden
"""
from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdprgraph.build import build_graph, load_graph
from gdprgraph.cli import main
from gdprgraph.model import Activity, Controller, Recipient, Ref, Register, Retention, System
from gdprgraph.report import md_escape, render_report, report_context, strings
from cli_helpers import one_line_error

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "data" / "connexi" / "connexi-gdprwise-register.txt"
GOLDEN = ROOT / "tests" / "golden" / "report"
DATE = "2025-01-31"
UPDATE = os.environ.get("GDPRGRAPH_UPDATE_GOLDEN") == "1"

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>alert('x')</script>"
LINK = "[click me](javascript:alert(1))"
FORMULA = '=HYPERLINK("http://evil.example","open")'


@pytest.fixture(scope="module")
def seed():
    return load_graph(SEED)


@pytest.fixture(scope="module")
def hostile():
    """A register whose every label is an attack on HTML, Markdown or a spreadsheet."""
    register = Register(
        controller=Controller(name=f"Evil {SCRIPT}", address=IMG, country="Belgium", contact_name=LINK,
                              contact_email='x@y.z"><img src=x onerror=alert(2)>'),
        activities=(
            Activity(
                title=f"Act {IMG}", section="clients", description=f"{SCRIPT} {LINK}", purposes=(LINK,),
                data_subjects=(Ref(IMG),), categories=(IMG, "Thuisadres", FORMULA, "**bold** _it_ `code`"),
                legal_bases=(IMG,), retention=Retention(SCRIPT), measures=("# heading | cell",),
                recipients=(Recipient(name=IMG, country=SCRIPT),), location="EU",
                systems=(Ref(f"Sys {SCRIPT}", inferred=True),),
            ),
            Activity(title="1. ](javascript:alert(3)) &amp; <b>x</b>", section="employees"),
        ),
        systems=(System(name=f"Sys {SCRIPT}", description=IMG, provider=LINK, sections=("client-systems",)),),
        language="en",
    )
    return build_graph(register)


def golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with GDPRGRAPH_UPDATE_GOLDEN=1 to create it"
    assert text == path.read_text(encoding="utf-8"), (
        f"{name} differs from the golden file; if the change is intended, refresh with "
        "GDPRGRAPH_UPDATE_GOLDEN=1 and review the diff")


# -- golden files ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_golden_markdown(seed, lang):
    golden(f"connexi-{lang}.md", render_report(seed, "md", DATE, lang=lang))


def test_findings_are_in_the_reports_language(seed):
    """--lang nl: Dutch messages and hints (no "English only" remark); --lang en on the Dutch seed: English."""
    dutch = report_context(seed, DATE, "nl")
    english = report_context(seed, DATE, "en")
    assert [r["rule"] for r in dutch["rules"]] == [r["rule"] for r in english["rules"]]
    hints = {r["rule"]: r["hint"] for r in dutch["rules"]}
    assert hints["purpose"] == 'Vermeld waarvoor de gegevens worden verwerkt (bv. "facturatie aan klanten").'
    messages = [f.message for a in dutch["activities"] for f in a.findings]
    assert messages and all("AVG" in m for m in messages)
    assert not any("inferred link" in m for m in messages)
    english_messages = [f.message for a in english["activities"] for f in a.findings]
    assert all("AVG" not in m for m in english_messages) and any("inferred link" in m for m in english_messages)
    for fmt in ("md", "html"):
        assert "in het Engels" not in render_report(seed, fmt, DATE, lang="nl")


def test_default_language_is_the_registers(seed, tmp_path):
    out = tmp_path / "r.md"
    result = CliRunner().invoke(main, ["report", str(SEED), "-o", str(out), "--date", DATE])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (GOLDEN / "connexi-nl.md").read_text(encoding="utf-8")


def test_language_defaults_to_english_without_dct_language(hostile):
    from rdflib.namespace import DCTERMS

    graph = hostile.__class__()
    graph += hostile
    graph.remove((None, DCTERMS.language, None))
    assert report_context(graph, DATE, findings=[])["lang"] == "en"


def test_both_languages_have_every_string():
    table = strings()
    assert set(table["en"]) == set(table["nl"])
    for lang in ("en", "nl"):
        assert [key for key, text in table[lang].items() if not text] == []


# -- what the document says ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_md_en(seed):
    return render_report(seed, "md", DATE, lang="en")


def test_every_article_30_item_with_its_letter(seed_md_en):
    assert "## Controller (Art. 30(1)(a))" in seed_md_en
    for letter, label in [("b", "Purposes of the processing"), ("c", "Categories of data subjects"),
                          ("c", "Categories of personal data"), ("d", "Categories of recipients"),
                          ("e", "Transfers to third countries and safeguards"), ("f", "Time limits for erasure"),
                          ("g", "Technical and organisational security measures")]:
        assert seed_md_en.count(f"- **({letter}) {label}:**") == 12, (letter, label)
    assert "Report generated: 2025-01-31" in seed_md_en


def test_categories_with_dpv_concept_and_flags(seed_md_en):
    assert "Thuisadres (Home Place, Physical Address)" in seed_md_en
    assert "Dagen ziekteverzuim (Health) **[special category, Art. 9]**" in seed_md_en
    assert "**[national identification number, Art. 87]**" in seed_md_en
    assert "Werk emailadres (Email Address Work); werk emailadres" not in seed_md_en  # one entry per label


def test_recipients_none_versus_not_stated_and_inferred_links(seed_md_en):
    klanten = seed_md_en.split("### 1. Klantenafspraken")[1].split("### 2.")[0]
    assert "**(d) Categories of recipients:** *none (stated in the register)*" in klanten
    assert "Calendly *(inferred)*" in klanten
    leveranciers = seed_md_en.split("### 10. Leveranciers")[1].split("### 11.")[0]
    assert "**(d) Categories of recipients:** *not stated*" in leveranciers
    assert "Suppliers (Supplier contact person) *(inferred)*" in leveranciers
    assert "Titeca Accountancy (Belgium)" in seed_md_en
    assert "| Calendly | Private cloud | Calendly | United States *(inferred)* |" in seed_md_en


def test_findings_summary(seed, seed_md_en):
    from gdprgraph.validate import validate_graph

    counts = validate_graph(seed).counts
    assert (f"{counts['violation']} violations, {counts['warning']} warnings, {counts['info']} info. "
            "The register does not conform") in seed_md_en
    assert "| violation | special-category-condition | Art. 9(2) | 1 | Uitzendarbeid |" in seed_md_en


def test_dutch_headings(seed):
    text = render_report(seed, "md", DATE, lang="nl")
    assert "# Register van de verwerkingsactiviteiten: Connexi" in text
    assert "- **(f) Termijnen voor het wissen:**" in text
    assert "*geen (zo vermeld in het register)*" in text
    assert "Dagen ziekteverzuim (Health) **[bijzondere categorie, art. 9]**" in text


# -- HTML ------------------------------------------------------------------------------------------------


def test_html_is_self_contained_and_prints(seed):
    html = render_report(seed, "html", DATE, lang="en")
    assert html.startswith("<!DOCTYPE html>") and '<html lang="en">' in html
    assert not re.search(r"<script|<link|<iframe|<object|@import|url\(", html, re.IGNORECASE)
    for attribute in re.findall(r"\b(?:src|href)\s*=\s*[\"']?([^\"'\s>]*)", html, re.IGNORECASE):
        assert attribute.startswith("#"), attribute  # only links inside the page
    assert "@media print" in html and "@page" in html
    assert "Thuisadres <span class=\"concept\">(Home Place, Physical Address)</span>" in html
    assert '<span class="inferred">(inferred)</span>' in html


def test_html_escapes_hostile_labels(hostile):
    html = render_report(hostile, "html", DATE)
    assert not re.search(r"<img|<script|<b>", html, re.IGNORECASE)
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
    assert not re.search(r"href\s*=\s*[\"']?\s*javascript", html, re.IGNORECASE)


def test_markdown_escapes_hostile_labels(hostile):
    text = render_report(hostile, "md", DATE)
    assert not re.search(r"<img|<script|<b>", text, re.IGNORECASE)
    assert not re.search(r"(?<!\\)\]\(javascript:", text) and "[click me]" not in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert r"\[click me\](javascript:alert(1))" in text
    assert r"\*\*bold\*\* \_it\_ \`code\`" in text
    assert r"\# heading \| cell" in text
    assert r". 1\. \](javascript:alert(3)) &amp;amp; &lt;b&gt;x&lt;/b&gt;" in text  # a title "1. …" is no list


@pytest.mark.parametrize("raw, escaped", [
    ("600.995.271", "600.995.271"),
    ("Datum & tijd", "Datum & tijd"),
    ("&lt;", "&amp;lt;"),
    ("1. first", "1\\. first"),
    ("- item", "\\- item"),
    ("===", "\\==="),
    ("a\nb\n\n# c", "a b \\# c"),
    ("![x](y)", "\\!\\[x\\](y)"),
    ("a | b", "a \\| b"),
    ("<b>", "&lt;b&gt;"),
])
def test_md_escape(raw, escaped):
    assert md_escape(raw) == escaped


# -- XLSX ------------------------------------------------------------------------------------------------


def test_xlsx_sheets_headers_and_text_cells(seed, hostile):
    from openpyxl import load_workbook

    data = render_report(seed, "xlsx", DATE, lang="en")
    assert data == render_report(seed, "xlsx", DATE, lang="en")  # reproducible bytes
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["Controller", "Activities", "Systems", "Findings"]
    acts = wb["Activities"]
    headers = [c.value for c in acts[1]]
    for letter in "bcdefg":
        assert any(h.startswith(f"30(1)({letter}) ") for h in headers), letter
    assert acts.max_row == 13  # header + one row per activity
    assert acts.freeze_panes == "C2" and wb["Findings"].freeze_panes == "B2"
    assert acts["A1"].font.bold and acts["A1"].fill.fgColor.rgb.endswith("1F3A5F")
    assert acts.column_dimensions["B"].width == 28
    assert wb["Controller"]["C2"].value == "Connexi"
    assert wb["Findings"].max_row == 1 + sum(1 for _ in _findings(seed))

    sheet = load_workbook(io.BytesIO(render_report(hostile, "xlsx", DATE)))["Activities"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value and "HYPERLINK" in str(c.value)]
    assert cells and all(c.data_type == "s" for c in cells)  # a formula label stays text


def _findings(graph):
    from gdprgraph.validate import validate_graph

    return validate_graph(graph).findings


# -- CLI -------------------------------------------------------------------------------------------------


def run(*args: str):
    return CliRunner().invoke(main, ["report", *args])


@pytest.mark.parametrize("name, start", [("r.md", b"# Register"), ("r.html", b"<!DOCTYPE html>"),
                                         ("r.xlsx", b"PK\x03\x04"), ("R.HTM", b"<!DOCTYPE html>")])
def test_cli_format_from_suffix(tmp_path, name, start):
    out = tmp_path / name
    result = run(str(SEED), "-o", str(out), "--lang", "en", "--date", DATE)
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(start)
    assert f"wrote {out}" in result.stderr


def test_cli_unknown_suffix(tmp_path):
    out = tmp_path / "r.pdf"
    line = one_line_error(run(str(SEED), "-o", str(out)))
    assert "r.pdf" in line and ".md, .html or .xlsx" in line
    assert not out.exists()


def test_cli_missing_register_writes_nothing(tmp_path):
    out = tmp_path / "r.html"
    out.write_text("previous report")
    line = one_line_error(run(str(tmp_path / "missing.ttl"), "-o", str(out)))
    assert "missing.ttl" in line
    assert out.read_text() == "previous report"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.html"]  # no temporary file left behind


def test_cli_failure_while_writing_leaves_no_file(tmp_path, monkeypatch):
    import gdprgraph.files

    out = tmp_path / "r.md"

    def broken_replace(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gdprgraph.files.os, "replace", broken_replace)
    one_line_error(run(str(SEED), "-o", str(out), "--date", DATE))
    assert list(tmp_path.iterdir()) == []


def test_cli_bad_date_and_lang(tmp_path):
    assert run(str(SEED), "-o", str(tmp_path / "r.md"), "--date", "31/01/2025").exit_code == 2
    assert run(str(SEED), "-o", str(tmp_path / "r.md"), "--lang", "de").exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_library_takes_the_date_and_checks_it(seed):
    import datetime

    from gdprgraph.errors import UsageError

    assert "Report generated: 2024-02-29" in render_report(seed, "md", datetime.date(2024, 2, 29), lang="en")
    with pytest.raises(UsageError):
        render_report(seed, "md", "yesterday")
    with pytest.raises(UsageError):
        render_report(seed, "pdf", DATE)


# -- a real browser --------------------------------------------------------------------------------------


def test_hostile_html_in_chromium(hostile, tmp_path):
    chromium = Path("/usr/bin/chromium")
    if not chromium.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)")
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    page_file = tmp_path / "hostile.html"
    page_file.write_text(render_report(hostile, "html", DATE), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=["--no-sandbox", "--disable-gpu"])
        try:
            page = browser.new_page()
            requests, dialogs = [], []
            page.on("request", lambda r: requests.append(r.url))
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(page_file.as_uri())
            page.wait_for_timeout(200)
            assert page.locator("img, script, iframe").count() == 0
            hrefs = page.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
            assert hrefs and all(h.startswith("#") for h in hrefs)
            assert IMG in page.inner_text("body")
            assert dialogs == []
            assert [u for u in requests if not u.startswith("file:")] == []
        finally:
            browser.close()
