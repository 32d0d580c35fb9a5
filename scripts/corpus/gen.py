#!/usr/bin/env python3
"""Render the synthetic inspection-report corpus and write corpus/truth.json.

Each report is written once as YAML in corpus/src/<id>.yaml. This script
renders it with one of three real producers (chromium, libreoffice, groff),
then locates every labelled statement in the PDF text (pdftotext) to record
its page, and writes corpus/truth.json from the same source.

Usage: python3 scripts/corpus/gen.py [--only ID ...]
"""
import html, json, os, re, shutil, subprocess, sys, tempfile, unicodedata
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")
SRC = os.path.join(CORPUS, "src")
BUILD = os.path.join(CORPUS, ".build")

KINDS = {"finding", "recommendation", "cause_of_concern", "area_for_improvement",
         "innovative_practice", "graded_judgement"}
THEMES = set("""child_sexual_exploitation child_protection missing_children child_criminal_exploitation
online_child_abuse domestic_abuse violence_against_women_and_girls stalking_harassment risk_assessment
supervision training information_sharing victim_support early_intervention children_as_offenders
specialist_units crime_recording investigation_quality leadership_culture call_handling custody
vetting_professional_standards neighbourhood_policing offender_management workforce_wellbeing
use_of_resources stop_search_use_of_force fire_prevention_protection fire_response""".split())
GRADES = {"outstanding": "Outstanding", "good": "Good", "adequate": "Adequate",
          "requires_improvement": "Requires improvement", "inadequate": "Inadequate"}
PUBLISHERS = {"hmicfrs", "hmic", "ofsted", "joint", "hmi_prisons", "cqc", "independent_review", "other"}
RTYPES = {"peel", "child_sexual_exploitation", "child_protection", "custody", "thematic", "joint",
          "fire_and_rescue", "revisit", "other"}
FN_RE = re.compile(r"\[\[fn:(.*?)\]\]")


def die(msg):
    print("ERROR: " + msg, file=sys.stderr)
    sys.exit(1)


def ws(s):
    return re.sub(r"\s+", " ", s).strip()


# ---------------------------------------------------------------- model

def load(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    rid = doc["id"]
    stmts = []

    def stmt(d):
        d = dict(d)
        if d["k"] not in KINDS:
            die(f"{rid}: bad kind {d['k']}")
        for t in d.get("th", []):
            if t not in THEMES:
                die(f"{rid}/{d['id']}: bad theme {t}")
        if d["k"] == "graded_judgement" and d.get("grade") not in GRADES:
            die(f"{rid}/{d['id']}: bad grade")
        d["t"] = ws(d["t"])
        if FN_RE.search(d["t"]):
            die(f"{rid}/{d['id']}: footnote inside statement")
        stmts.append(d)
        return d

    body = []
    for el in doc["body"]:
        if "s" in el:
            body.append(("s", stmt(el["s"])))
        elif "ul" in el or "ol" in el:
            key = "ul" if "ul" in el else "ol"
            items = []
            for it in el[key]:
                if isinstance(it, dict):
                    items.append(("s", stmt(it["s"])))
                else:
                    items.append(("p", ws(it)))
            body.append((key, items))
        elif "grades" in el:
            g = el["grades"]
            rows = []
            for it in g["items"]:
                d = dict(it)
                d.setdefault("k", "graded_judgement")
                if g.get("style", "table") == "table":
                    d["t"] = f"{d['area']} {d.get('label', GRADES[d['grade']])}"
                    d["_table"] = True
                rows.append(stmt(d))
            body.append(("grades", {"style": g.get("style", "table"), "rows": rows,
                                    "head": g.get("head", ["Area", "Grade"])}))
        elif "rectable" in el:
            rows = []
            for it in el["rectable"]:
                d = dict(it)
                d.setdefault("k", "recommendation")
                d["_table"] = True
                rows.append(stmt(d))
            body.append(("rectable", rows))
        elif "table" in el:
            body.append(("table", el["table"]))
        elif "h" in el:
            body.append(("h", ws(el["h"])))
        elif "h2" in el:
            body.append(("h2", ws(el["h2"])))
        elif "p" in el:
            body.append(("p", ws(el["p"])))
        elif "b" in el:  # bold lead line, e.g. "Within three months, X should:"
            body.append(("b", ws(el["b"])))
        elif "pagebreak" in el:
            body.append(("pagebreak", None))
        else:
            die(f"{rid}: unknown element {el}")
    if doc.get("annex", True):
        body += annex(doc)
    doc["_body"] = body
    doc["_stmts"] = stmts
    ids = [s["id"] for s in stmts]
    if len(ids) != len(set(ids)):
        die(f"{rid}: duplicate statement ids")
    if doc["publisher"] not in PUBLISHERS or doc["report_type"] not in RTYPES:
        die(f"{rid}: bad publisher/report_type")
    return doc


PUBNAME = {"hmic": "HMIC", "hmicfrs": "HMICFRS", "joint": "the inspectorates", "ofsted": "Ofsted"}

GLOSSARY = [
    ("Area for improvement", "A shortcoming that is less serious than a cause of concern. It is not tied to a deadline."),
    ("Cause of concern", "A serious or critical shortcoming in practice, policy or performance, accompanied by one or more recommendations."),
    ("Home Office Counting Rules", "The national rules that set out how and when reported crime is recorded."),
    ("MASH", "Multi-agency safeguarding hub: police, council and health staff working together to assess referrals."),
    ("Return home interview", "A conversation offered to a child by the local authority after the child has been missing."),
    ("Strategy discussion", "A meeting or call between agencies to plan their response when a child may be at risk of significant harm."),
    ("THRIVE", "A structured model for assessing threat, harm, risk, investigation, vulnerability and engagement."),
]


def annex(doc):
    who = PUBNAME.get(doc["publisher"], "the inspectorate")
    subj = doc.get("force") or doc.get("local_authority") or "the forces we visited"
    year = str(doc["published"])[:4]
    return [
        ("pagebreak", None),
        ("h", "Annex A – About the data"),
        ("p", f"Data in this report comes from a range of sources, including data provided by {subj}, case files examined by inspectors, and interviews and focus groups held during fieldwork. Where we cite force data, we have taken reasonable steps to check it, but the data is the responsibility of the force that supplied it."),
        ("p", f"Population figures are mid-year estimates published by the Office for National Statistics. Figures for spending are given in cash terms, rounded to the nearest £0.1m. Percentages may not add up to 100 because of rounding."),
        ("p", f"Case files were selected at random from records created in the twelve months before fieldwork. Each file was examined by two inspectors working independently, and disagreements were settled by a third. This method is the same as the one {who} used in other inspections of this type during {year}."),
        ("h", "Annex B – Glossary"),
        ("table", {"head": ["Term", "Meaning"], "rows": [list(r) for r in GLOSSARY]}),
        ("p", f"© {who} {year}. This is a fictional example document produced for software testing; the figures in it are invented."),
    ]


DISCLAIMER = ("This is a fictional example report written for software testing. "
              "It is not a real inspection and describes no real events.")


def cover_lines(doc):
    return doc["cover"]  # list of lines, first is the title


def headings(doc):
    return [t for k, t in doc["_body"] if k == "h"]


# ---------------------------------------------------------------- HTML / chromium

def fn_html(text, notes):
    def rep(m):
        notes.append(m.group(1))
        return f'<sup class="fn">{len(notes)}</sup>'
    return FN_RE.sub(rep, html.escape(text, quote=False))


def render_html(doc, toc_pages):
    e = lambda s: html.escape(s, quote=False)
    notes = []
    st = doc.get("style", {})
    two = doc.get("two_column", False)
    font = st.get("font", "'Liberation Sans', Arial, sans-serif")
    size = st.get("size", "11pt")
    accent = st.get("accent", "#2b2a6b")
    out = [f"""<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8">
<title>{e(doc['title'])}</title>
<style>
@page {{ size: A4; margin: 22mm 18mm 22mm 18mm;
  @top-center {{ content: "{e(doc['header'])}"; font: 8pt {font}; color: #555; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font: 8pt {font}; color: #555; }}
  @bottom-left {{ content: "{e(doc.get('footer', ''))}"; font: 8pt {font}; color: #555; }} }}
@page :first {{ @top-center {{ content: none; }} @bottom-right {{ content: none; }} @bottom-left {{ content: none; }} }}
body {{ font-family: {font}; font-size: {size}; line-height: 1.45; color: #111; }}
.cover {{ page-break-after: always; padding-top: 40mm; }}
.cover h1 {{ font-size: 24pt; color: {accent}; line-height: 1.2; }}
.cover .pub {{ font-size: 13pt; margin-top: 10mm; }}
.cover .disc {{ margin-top: 30mm; border: 1px solid #999; padding: 4mm; font-size: 10pt; }}
.toc {{ page-break-after: always; }}
.toc table {{ width: 100%; }} .toc td.pg {{ text-align: right; }}
h2 {{ color: {accent}; font-size: 15pt; margin: 1.1em 0 0.4em; break-after: avoid; }}
h3 {{ color: {accent}; font-size: 11.5pt; margin: 0.9em 0 0.3em; break-after: avoid; }}
p, li {{ text-align: justify; margin: 0 0 0.6em; }}
p.lead {{ font-weight: bold; }}
.body {{ {"column-count: 2; column-gap: 12mm;" if two else ""} }}
{".body p, .body li { text-align: left; }" if two else ""}
table.data {{ border-collapse: collapse; width: 100%; margin: 0.6em 0 1em; break-inside: avoid; }}
table.data th, table.data td {{ border: 1px solid #888; padding: 3px 5px; text-align: left; vertical-align: top; }}
table.data th {{ background: #e6e6f0; }}
.notes {{ font-size: 8.5pt; border-top: 1px solid #999; margin-top: 1.5em; }}
sup.fn {{ font-size: 70%; }}
</style></head><body>
<div class="cover">"""]
    cl = cover_lines(doc)
    out.append(f"<h1>{e(cl[0])}</h1>")
    for line in cl[1:]:
        out.append(f'<p class="pub">{e(line)}</p>')
    out.append(f'<p class="disc">{e(DISCLAIMER)}</p></div>')
    if doc.get("contents"):
        out.append('<div class="toc"><h2>Contents</h2><table>')
        for i, h in enumerate(headings(doc)):
            pg = toc_pages.get(i, "00") if toc_pages is not None else "00"
            out.append(f'<tr><td>{e(h)}</td><td class="pg">{pg}</td></tr>')
        out.append("</table></div>")
    out.append('<div class="body">')
    for kind, v in doc["_body"]:
        if kind == "h":
            out.append(f"<h2>{e(v)}</h2>")
        elif kind == "h2":
            out.append(f"<h3>{e(v)}</h3>")
        elif kind == "p":
            out.append(f"<p>{fn_html(v, notes)}</p>")
        elif kind == "b":
            out.append(f'<p class="lead">{e(v)}</p>')
        elif kind == "s":
            if v.get("label"):
                out.append(f"<h3>{e(v['label'])}</h3>")
            out.append(f"<p>{e(v['t'])}</p>")
        elif kind in ("ul", "ol"):
            out.append(f"<{kind}>" + "".join(f"<li>{e(x['t'] if k == 's' else x)}</li>" for k, x in v) + f"</{kind}>")
        elif kind == "grades":
            if v["style"] == "list":
                out.append("<ul>" + "".join(f"<li>{e(r['t'])}</li>" for r in v["rows"]) + "</ul>")
            else:
                out.append(f'<table class="data"><tr><th>{e(v["head"][0])}</th><th>{e(v["head"][1])}</th></tr>')
                for r in v["rows"]:
                    out.append(f"<tr><td>{e(r['area'])}</td><td>{e(r.get('label', GRADES[r['grade']]))}</td></tr>")
                out.append("</table>")
        elif kind == "rectable":
            out.append('<table class="data"><tr><th>No.</th><th>Recommendation</th><th>Deadline</th></tr>')
            for r in v:
                out.append(f"<tr><td>{r['number']}</td><td>{e(r['t'])}</td><td>{e(r.get('deadline_text', ''))}</td></tr>")
            out.append("</table>")
        elif kind == "table":
            out.append('<table class="data"><tr>' + "".join(f"<th>{e(str(c))}</th>" for c in v["head"]) + "</tr>")
            for row in v["rows"]:
                out.append("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>")
            out.append("</table>")
        elif kind == "pagebreak":
            out.append('</div><div style="break-after: page"></div><div class="body1">')
    if notes:
        out.append('<div class="notes"><p><b>Notes</b></p>' +
                   "".join(f"<p>{i+1}. {e(n)}</p>" for i, n in enumerate(notes)) + "</div>")
    out.append("</div></body></html>")
    return "\n".join(out)


def build_chromium(doc, toc_pages, pdf):
    src = os.path.join(BUILD, doc["id"] + ".html")
    with open(src, "w", encoding="utf-8") as f:
        f.write(render_html(doc, toc_pages))
    prof = tempfile.mkdtemp(prefix="chr-")
    try:
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--no-first-run", f"--user-data-dir={prof}", "--no-pdf-header-footer",
                        f"--print-to-pdf={pdf}", "file://" + src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)
    finally:
        shutil.rmtree(prof, ignore_errors=True)


# ---------------------------------------------------------------- FODT / LibreOffice

def x(s):
    return html.escape(s, quote=True)


def fn_fodt(text, counter):
    parts, pos = [], 0
    for m in FN_RE.finditer(text):
        parts.append(x(text[pos:m.start()]))
        counter[0] += 1
        n = counter[0]
        parts.append(f'<text:note text:id="ftn{n}" text:note-class="footnote"><text:note-citation>{n}</text:note-citation>'
                     f'<text:note-body><text:p text:style-name="Footnote">{x(m.group(1))}</text:p></text:note-body></text:note>')
        pos = m.end()
    parts.append(x(text[pos:]))
    return "".join(parts)


def render_fodt(doc, toc_pages):
    two = doc.get("two_column", False)
    st = doc.get("style", {})
    font = st.get("font", "Liberation Serif")
    size = st.get("size", "11.5pt")
    accent = st.get("accent", "#1f4e79")
    cols = '<style:columns fo:column-count="2" fo:column-gap="0.7cm"/>' if two else ""
    hdr = x(doc["header"])
    ftr = x(doc.get("footer", ""))
    o = [f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" office:version="1.3" office:mimetype="application/vnd.oasis.opendocument.text">
<office:meta><dc:title>{x(doc['title'])}</dc:title><dc:language>en-GB</dc:language></office:meta>
<office:font-face-decls><style:font-face style:name="{font}" svg:font-family="'{font}'"/><style:font-face style:name="Liberation Sans" svg:font-family="'Liberation Sans'"/></office:font-face-decls>
<office:styles>
<style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit"/>
<style:text-properties style:font-name="{font}" fo:font-size="{size}" fo:language="en" fo:country="GB" fo:hyphenate="true" fo:hyphenation-remain-char-count="3" fo:hyphenation-push-char-count="3"/></style:default-style>
<style:style style:name="Standard" style:family="paragraph"/>
<style:style style:name="Body" style:family="paragraph"><style:paragraph-properties fo:text-align="justify" fo:margin-bottom="0.2cm" fo:line-height="125%"/></style:style>
<style:style style:name="Lead" style:family="paragraph" style:parent-style-name="Body"><style:text-properties fo:font-weight="bold"/></style:style>
<style:style style:name="H1" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.4cm" fo:margin-bottom="0.2cm" fo:keep-with-next="always"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="15pt" fo:font-weight="bold" fo:color="{accent}" fo:hyphenate="false"/></style:style>
<style:style style:name="H1Break" style:family="paragraph" style:parent-style-name="H1"><style:paragraph-properties fo:break-before="page"/></style:style>
<style:style style:name="H2" style:family="paragraph"><style:paragraph-properties fo:margin-top="0.3cm" fo:margin-bottom="0.15cm" fo:keep-with-next="always"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="12pt" fo:font-weight="bold" fo:color="{accent}" fo:hyphenate="false"/></style:style>
<style:style style:name="CoverTitle" style:family="paragraph"><style:paragraph-properties fo:margin-top="4cm" fo:margin-bottom="1cm"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="24pt" fo:font-weight="bold" fo:color="{accent}" fo:hyphenate="false"/></style:style>
<style:style style:name="CoverLine" style:family="paragraph"><style:paragraph-properties fo:margin-bottom="0.4cm"/><style:text-properties fo:font-size="13pt" fo:hyphenate="false"/></style:style>
<style:style style:name="Disc" style:family="paragraph"><style:paragraph-properties fo:margin-top="3cm" fo:padding="0.3cm" fo:border="0.5pt solid #888888"/><style:text-properties fo:font-size="10pt"/></style:style>
<style:style style:name="Cell" style:family="paragraph"><style:text-properties fo:font-size="9.5pt" fo:hyphenate="false"/></style:style>
<style:style style:name="CellHead" style:family="paragraph"><style:text-properties fo:font-size="9.5pt" fo:font-weight="bold"/></style:style>
<style:style style:name="HF" style:family="paragraph"><style:paragraph-properties fo:text-align="center"/><style:text-properties style:font-name="Liberation Sans" fo:font-size="8pt" fo:color="#555555"/></style:style>
<style:style style:name="Footnote" style:family="paragraph"><style:text-properties fo:font-size="8pt"/></style:style>
<text:list-style style:name="LBullet"><text:list-level-style-bullet text:level="1" text:bullet-char="•"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.6cm" fo:text-indent="-0.4cm" fo:margin-left="0.6cm"/></style:list-level-properties></text:list-level-style-bullet></text:list-style>
<text:list-style style:name="LNum"><text:list-level-style-number text:level="1" style:num-suffix="." style:num-format="1"><style:list-level-properties text:list-level-position-and-space-mode="label-alignment"><style:list-level-label-alignment text:label-followed-by="listtab" text:list-tab-stop-position="0.7cm" fo:text-indent="-0.5cm" fo:margin-left="0.7cm"/></style:list-level-properties></text:list-level-style-number></text:list-style>
</office:styles>
<office:automatic-styles>
<style:page-layout style:name="PLCover"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="2.2cm" fo:margin-right="2.2cm"/></style:page-layout>
<style:page-layout style:name="PLBody"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.4cm" fo:margin-bottom="1.4cm" fo:margin-left="2cm" fo:margin-right="2cm">{cols}</style:page-layout-properties>
<style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
<style:page-layout style:name="PLToc"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" fo:margin-top="1.4cm" fo:margin-bottom="1.4cm" fo:margin-left="2cm" fo:margin-right="2cm"/>
<style:header-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-bottom="0.4cm"/></style:header-style>
<style:footer-style><style:header-footer-properties fo:min-height="0.6cm" fo:margin-top="0.4cm"/></style:footer-style></style:page-layout>
<style:style style:name="PCover" style:family="paragraph" style:parent-style-name="CoverTitle" style:master-page-name="Cover"/>
<style:style style:name="PFirstBody" style:family="paragraph" style:parent-style-name="H1" style:master-page-name="BodyPage"/>
<style:style style:name="PToc" style:family="paragraph" style:parent-style-name="H1" style:master-page-name="TocPage"/>
<style:style style:name="Tbl" style:family="table"><style:table-properties style:width="{'7.8cm' if two else '17cm'}" table:align="left" fo:margin-top="0.2cm" fo:margin-bottom="0.3cm"/></style:style>
<style:style style:name="TblToc" style:family="table"><style:table-properties style:width="17cm" table:align="left"/></style:style>
<!--COLSTYLES-->
<style:style style:name="TC" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #777777"/></style:style>
<style:style style:name="TCH" style:family="table-cell"><style:table-cell-properties fo:padding="0.08cm" fo:border="0.5pt solid #777777" fo:background-color="#dde4ee"/></style:style>
</office:automatic-styles>
<office:master-styles>
<style:master-page style:name="Cover" style:page-layout-name="PLCover" style:next-style-name="BodyPage"/>
<style:master-page style:name="TocPage" style:page-layout-name="PLToc">
<style:header><text:p text:style-name="HF">{hdr}</text:p></style:header>
<style:footer><text:p text:style-name="HF">{ftr}{' – ' if ftr else ''}Page <text:page-number text:select-page="current"/> of <text:page-count/></text:p></style:footer>
</style:master-page>
<style:master-page style:name="BodyPage" style:page-layout-name="PLBody">
<style:header><text:p text:style-name="HF">{hdr}</text:p></style:header>
<style:footer><text:p text:style-name="HF">{ftr}{' – ' if ftr else ''}Page <text:page-number text:select-page="current"/> of <text:page-count/></text:p></style:footer>
</style:master-page>
</office:master-styles>
<office:body><office:text>"""]
    cl = cover_lines(doc)
    o.append(f'<text:p text:style-name="PCover">{x(cl[0])}</text:p>')
    for line in cl[1:]:
        o.append(f'<text:p text:style-name="CoverLine">{x(line)}</text:p>')
    o.append(f'<text:p text:style-name="Disc">{x(DISCLAIMER)}</text:p>')
    first = [True]

    brk = [False]

    def hstyle():
        if first[0]:
            first[0] = False
            return "PFirstBody"
        if brk[0]:
            brk[0] = False
            return "H1Break"
        return "H1"
    if doc.get("contents"):
        o.append('<text:p text:style-name="PToc">Contents</text:p>')
        o.append('<table:table table:name="TOC" table:style-name="TblToc"><table:table-column/><table:table-column/>')
        for i, h in enumerate(headings(doc)):
            pg = toc_pages.get(i, "00") if toc_pages is not None else "00"
            o.append(f'<table:table-row><table:table-cell><text:p text:style-name="Cell">{x(h)}</text:p></table:table-cell>'
                     f'<table:table-cell><text:p text:style-name="Cell">{pg}</text:p></table:table-cell></table:table-row>')
        o.append("</table:table>")
        o.append('<text:p text:style-name="Body"/>')
    ctr = [0]

    colstyles = []

    def table(head, rows, widths=None):
        n = len(head)
        total = 7.8 if two else 17.0
        if widths is None:
            widths = [1.0] * n
        cols = ""
        for w in widths:
            name = f"Col{len(colstyles)}"
            colstyles.append(f'<style:style style:name="{name}" style:family="table-column"><style:table-column-properties style:column-width="{total * w / sum(widths):.2f}cm"/></style:style>')
            cols += f'<table:table-column table:style-name="{name}"/>'
        t = ['<table:table table:style-name="Tbl">' + cols]
        t.append("<table:table-header-rows><table:table-row>" + "".join(
            f'<table:table-cell table:style-name="TCH"><text:p text:style-name="CellHead">{x(str(c))}</text:p></table:table-cell>' for c in head)
            + "</table:table-row></table:table-header-rows>")
        for r in rows:
            t.append("<table:table-row>" + "".join(
                f'<table:table-cell table:style-name="TC"><text:p text:style-name="Cell">{x(str(c))}</text:p></table:table-cell>' for c in r)
                + "</table:table-row>")
        t.append("</table:table>")
        return "".join(t)
    for kind, v in doc["_body"]:
        if kind == "h":
            o.append(f'<text:h text:style-name="{hstyle()}" text:outline-level="1">{x(v)}</text:h>')
        elif kind == "h2":
            o.append(f'<text:h text:style-name="H2" text:outline-level="2">{x(v)}</text:h>')
        elif kind == "p":
            o.append(f'<text:p text:style-name="Body">{fn_fodt(v, ctr)}</text:p>')
        elif kind == "b":
            o.append(f'<text:p text:style-name="Lead">{x(v)}</text:p>')
        elif kind == "s":
            if v.get("label"):
                o.append(f'<text:h text:style-name="H2" text:outline-level="2">{x(v["label"])}</text:h>')
            o.append(f'<text:p text:style-name="Body">{x(v["t"])}</text:p>')
        elif kind in ("ul", "ol"):
            ls = "LBullet" if kind == "ul" else "LNum"
            o.append(f'<text:list text:style-name="{ls}">' + "".join(
                f'<text:list-item><text:p text:style-name="Body">{x(it["t"] if k == "s" else it)}</text:p></text:list-item>'
                for k, it in v) + "</text:list>")
        elif kind == "grades":
            if v["style"] == "list":
                o.append('<text:list text:style-name="LBullet">' + "".join(
                    f'<text:list-item><text:p text:style-name="Body">{x(r["t"])}</text:p></text:list-item>' for r in v["rows"]) + "</text:list>")
            else:
                o.append(table(v["head"], [[r["area"], r.get("label", GRADES[r["grade"]])] for r in v["rows"]], [2, 1]))
        elif kind == "rectable":
            o.append(table(["No.", "Recommendation", "Deadline"], [[r["number"], r["t"], r.get("deadline_text", "")] for r in v], [1.2, 11, 4]))
        elif kind == "table":
            o.append(table(v["head"], v["rows"]))
        elif kind == "pagebreak":
            brk[0] = True
    o.append("</office:text></office:body></office:document>")
    return "\n".join(o).replace("<!--COLSTYLES-->", "\n".join(colstyles))


def build_libreoffice(doc, toc_pages, pdf):
    src = os.path.join(BUILD, doc["id"] + ".fodt")
    with open(src, "w", encoding="utf-8") as f:
        f.write(render_fodt(doc, toc_pages))
    prof = tempfile.mkdtemp(prefix="lo-")
    try:
        subprocess.run(["soffice", f"-env:UserInstallation=file://{prof}", "--headless", "--norestore",
                        "--convert-to", "pdf:writer_pdf_Export", "--outdir", BUILD, src],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180)
    finally:
        shutil.rmtree(prof, ignore_errors=True)
    shutil.move(os.path.join(BUILD, doc["id"] + ".pdf"), pdf)


# ---------------------------------------------------------------- groff ms

def g(s):
    s = s.replace("\\", "\\e")
    s = s.replace("£", "\\[Po]")
    return s


def gline(s):
    s = g(s)
    if s.startswith((".", "'")):
        s = "\\&" + s
    return s


def gfn(text):
    out, pos, notes = [], 0, []
    for m in FN_RE.finditer(text):
        out.append(g(text[pos:m.start()]) + "\\**")
        notes.append(g(m.group(1)))
        pos = m.end()
    out.append(g(text[pos:]))
    body = "".join(out)
    if body.startswith((".", "'")):
        body = "\\&" + body
    lines = [body]
    # ms: footnote text follows the line containing the mark
    for n in notes:
        lines += [".FS", n, ".FE"]
    return "\n".join(lines)


def render_groff(doc, toc_pages):
    two = doc.get("two_column", False)
    st = doc.get("style", {})
    o = [".mso pdfmark.tmac" if False else "",
         f".pdfinfo /Title {g(doc['title'].replace('–', '-').replace('’', chr(39)))}",
         ".nr PS 11", ".nr VS 14", ".nr PD 0.5v", ".nr LL 6.3i", ".ll 6.3i", ".nr HM 0.9i", ".nr FM 0.9i",
         ".nr PI 0", ".nr FL 6.1i" if not two else ".nr FL 3.0i",
         ".nr GROWPS 3", ".nr PSINCR 2p", ".hy 6", ".ds CH", ".ds LH", ".ds RH",
         ".ds CF", ".ds LF", ".ds RF"]
    # cover
    cl = cover_lines(doc)
    o += [".sp 1.6i", ".ps 22", ".vs 27", ".ad l", ".nh", "\\f[HB]" + g(cl[0]) + "\\f[]", ".ps 13", ".vs 18", ".sp 0.5i"]
    for line in cl[1:]:
        o += [gline(line), ".br", ".sp 0.4"]
    o += [".sp 1.2i", ".ps 10", ".vs 13", ".B1", ".sp 0.3", ".in 0.1i", ".ll 6.1i", gline(DISCLAIMER), ".br", ".in 0", ".sp 0.3", ".B2",
          ".ll 6.3i", ".hy 6", ".ad b"]
    # header/footer from page 2
    o += [f".ds LH \\s8{g(doc['header'])}\\s0", ".ds RH", ".bp", f".ds LF \\s8{g(doc.get('footer', ''))}\\s0", f".ds RF \\s8Page %{' of ' + str(doc['_total']) if doc.get('_total') else ''}\\s0" if not doc.get("plain_page_numbers") else ".ds CF \\s9%\\s0", ".LP"]
    if doc.get("contents"):
        o += [".SH", "Contents", ".TS", "tab(@);", "lx r.",]
        for i, h in enumerate(headings(doc)):
            pg = toc_pages.get(i, "00") if toc_pages is not None else "00"
            o.append(f"T{{\n{gline(h)}\nT}}@{pg}")
        o += [".TE", ".bp"]
    if two:
        o += [".2C"]
    for kind, v in doc["_body"]:
        if kind == "h":
            o += [".NH 1" if doc.get("numbered_headings") else ".SH 1", gline(v)]
            o += [".PP" if False else ".LP"]
        elif kind == "h2":
            o += [".SH 2", gline(v), ".LP"]
        elif kind == "p":
            o += [".LP", gfn(v)]
        elif kind == "b":
            o += [".LP", "\\f[B]" + g(v) + "\\f[]"]
        elif kind == "s":
            if v.get("label"):
                o += [".SH 2", gline(v["label"])]
            o += [".LP", gline(v["t"])]
        elif kind in ("ul", "ol"):
            for i, (k, it) in enumerate(v):
                o += [".IP \\(bu 2" if kind == "ul" else f".IP {i+1}. 3", gline(it["t"] if k == "s" else it)]
            o += [".LP"]
        elif kind == "grades":
            if v["style"] == "list":
                for r in v["rows"]:
                    o += [".IP \\(bu 2", gline(r["t"])]
                o += [".LP"]
            else:
                o += [".TS", "box tab(@);", "lb lb", "l l.", f"{g(v['head'][0])}@{g(v['head'][1])}", "_"]
                for r in v["rows"]:
                    o.append(f"T{{\n{gline(r['area'])}\nT}}@{r.get('label', GRADES[r['grade']])}")
                o += [".TE"]
        elif kind == "rectable":
            o += [".TS", "box tab(@);", "lb lb lb", "l lx l.", "No.@Recommendation@Deadline", "_"]
            for r in v:
                o.append(f"{r['number']}@T{{\n{gline(r['t'])}\nT}}@T{{\n{gline(r.get('deadline_text', ''))}\nT}}")
            o += [".TE"]
        elif kind == "table":
            n = len(v["head"])
            o += [".TS", "box tab(@);", " ".join(["lb"] * n), " ".join(["l"] * n) + ".", "@".join(g(str(c)) for c in v["head"]), "_"]
            for row in v["rows"]:
                o.append("@".join(f"T{{\n{gline(str(c))}\nT}}" for c in row))
            o += [".TE"]
        elif kind == "pagebreak":
            o += [".1C" if two else ".bp"]
    return "\n".join(o) + "\n"


def build_groff(doc, toc_pages, pdf):
    src = os.path.join(BUILD, doc["id"] + ".ms")
    with open(src, "w", encoding="utf-8") as f:
        f.write(render_groff(doc, toc_pages))
    with open(pdf, "wb") as f:
        r = subprocess.run(["groff", "-k", "-t", "-ms", "-Tpdf", "-P-pa4", "-dpaper=a4", src], stdout=f, stderr=subprocess.PIPE, timeout=120)
    if r.returncode != 0:
        die(f"groff failed for {doc['id']}: {r.stderr.decode()}")
    set_title_qpdf(pdf, doc["title"])
    err = r.stderr.decode().strip()
    if err:
        print(f"  groff warnings for {doc['id']}: {err[:300]}")


def set_title_qpdf(pdf, title):
    """gropdf 1.22 cannot write non-ASCII /Title; patch the Info dict with qpdf."""
    if shutil.which("qpdf") is None:
        return
    q = json.loads(subprocess.run(["qpdf", "--json-output", "--json-key=qpdf", pdf], check=True,
                                  capture_output=True).stdout)["qpdf"]
    ref = q[1]["trailer"]["value"].get("/Info")
    if not ref:
        return
    info = dict(q[1]["obj:" + ref]["value"])
    info["/Title"] = "u:" + title
    upd = {"qpdf": [{"jsonversion": 2, "pushedinheritedpageresources": False, "calledgetallpages": False,
                     "maxobjectid": q[0].get("maxobjectid", 0)}, {"obj:" + ref: {"value": info}}]}
    jf = pdf + ".json"
    with open(jf, "w", encoding="utf-8") as f:
        json.dump(upd, f, ensure_ascii=False)
    tmp = pdf + ".tmp"
    subprocess.run(["qpdf", pdf, "--update-from-json=" + jf, tmp], check=True)
    os.replace(tmp, pdf)
    os.remove(jf)


BUILDERS = {"chromium": build_chromium, "libreoffice": build_libreoffice, "groff": build_groff}


# ---------------------------------------------------------------- locate

def norm(s):
    s = unicodedata.normalize("NFKC", s).lower()
    return re.sub(r"[^a-z0-9]", "", s)


def pdf_pages_text(pdf):
    t = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True).stdout.decode("utf-8")
    pages = t.split("\f")
    if pages and not pages[-1].strip():
        pages = pages[:-1]
    return pages


def npages(pdf):
    out = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def locator(pdf):
    pages = [norm(p) for p in pdf_pages_text(pdf)]
    full, starts = "", []
    for p in pages:
        starts.append(len(full))
        full += p
    return pages, full, starts


def page_of(full, starts, pos):
    pg = 0
    for i, s in enumerate(starts):
        if s <= pos:
            pg = i
    return pg + 1


def find_statement(s, full, starts, cursor):
    if s.get("_table") and s["k"] == "graded_judgement":
        keys = [norm(s["area"])]
    else:
        words = s["t"].split()
        keys = [norm(" ".join(words[:n])) for n in ((10, 6, 4) if s.get("_table") else (10,))]
    for key in keys:
        pos = full.find(key, cursor)
        if pos < 0:
            pos = full.find(key)
        if pos >= 0:
            return page_of(full, starts, pos), pos + len(key)
    return None, cursor


def heading_pages(doc, pdf):
    """Page of each level-1 heading: a pdftotext line (or two joined lines) equal to it."""
    pages = pdf_pages_text(pdf)
    first_body = 2 if doc.get("contents") else 1
    lines = []
    for i, p in enumerate(pages):
        if i < first_body:
            continue
        ls = [norm(l) for l in p.split("\n") if l.strip()]
        for j, l in enumerate(ls):
            lines.append((i + 1, l))
            if j + 1 < len(ls):
                lines.append((i + 1, l + ls[j + 1]))
    res, cur = {}, 0
    for i, h in enumerate(headings(doc)):
        k = norm(h)
        hits = [pg for pg, l in lines if l == k or re.sub(r"^\d+", "", l) == k]
        later = [pg for pg in hits if pg >= cur]
        if later or hits:
            res[i] = (later or hits)[0]
            cur = res[i]
    return res


# ---------------------------------------------------------------- main

def main():
    only = sys.argv[sys.argv.index("--only") + 1:] if "--only" in sys.argv else None
    os.makedirs(BUILD, exist_ok=True)
    files = sorted(f for f in os.listdir(SRC) if f.endswith(".yaml") and f != "links.yaml")
    docs = [load(os.path.join(SRC, f)) for f in files]
    truth = {"reports": [], "statements": [], "repeats": [], "decoys": [], "issues": []}
    for doc in docs:
        pdf = os.path.join(CORPUS, doc["id"] + ".pdf")
        if only is None or doc["id"] in only:
            print(f"building {doc['id']} with {doc['producer']}")
            build = BUILDERS[doc["producer"]]
            build(doc, None, pdf)
            if doc["producer"] == "groff":
                doc["_total"] = npages(pdf)
                build(doc, None, pdf)
            if doc.get("contents"):
                tp = heading_pages(doc, pdf)
                build(doc, tp, pdf)
                if heading_pages(doc, pdf) != tp or len(tp) != len(headings(doc)):
                    print(f"  warning: contents page numbers moved for {doc['id']}")
        n = npages(pdf)
        _, full, starts = locator(pdf)
        forces = doc.get("forces", [doc["force"]] if doc.get("force") else [])
        # "body" is the YAML's content; the inspected body is "inspected".
        body = doc.get("inspected", doc.get("force") or doc.get("local_authority"))
        body_type = doc.get("inspected_type", "police_force" if doc.get("force") else
                            "local_authority" if doc.get("local_authority") else None)
        rep = {"file": doc["id"] + ".pdf", "title": doc["title"], "force": doc.get("force"),
               "forces": forces, "body": body, "body_type": body_type,
               "bodies": doc.get("inspected_bodies", [body] if body else forces),
               "publisher": doc["publisher"], "published": str(doc["published"]), "report_type": doc["report_type"],
               "pages": n, "producer": doc["producer"]}
        truth["reports"].append(rep)
        if not (4 <= n <= 20):
            print(f"  warning: {doc['id']} has {n} pages")
        first_body = 2 if doc.get("contents") else 1
        cursor = starts[first_body] if len(starts) > first_body else 0
        for s in doc["_stmts"]:
            pg, cursor = find_statement(s, full, starts, cursor)
            if pg is None:
                die(f"statement {doc['id']}/{s['id']} not found in PDF text: {s['t'][:80]}")
            if not s.get("_table") and norm(s["t"]) not in full:
                print(f"  note: full text of {doc['id']}/{s['id']} is not contiguous in pdftotext output")
            truth["statements"].append({
                "id": f"{doc['id']}/{s['id']}", "report": doc["id"] + ".pdf", "kind": s["k"],
                "themes": s.get("th", []), "page": pg, "text": s["t"],
                "number": s.get("number"), "grade": s.get("grade"), "area": s.get("area"),
                "deadline": str(s["deadline"]) if s.get("deadline") else None,
                "addressee": s.get("addressee")})
    with open(os.path.join(SRC, "links.yaml"), encoding="utf-8") as f:
        links = yaml.safe_load(f)
    ids = {s["id"] for s in truth["statements"]}
    for r in links.get("repeats", []):
        for k in ("earlier", "later"):
            if r[k] not in ids:
                die(f"repeat refers to unknown statement {r[k]}")
        truth["repeats"].append({"earlier": r["earlier"], "later": r["later"], "explicit": bool(r.get("explicit")),
                                 "status": r.get("status"), "note": r.get("note", "")})
    for d in links.get("decoys", []):
        for k in ("a", "b"):
            if d[k] not in ids:
                die(f"decoy refers to unknown statement {d[k]}")
        truth["decoys"].append({"a": d["a"], "b": d["b"], "why": d["why"]})
    truth["issues"] = issues_of(links, ids)
    with open(os.path.join(CORPUS, "truth.json"), "w", encoding="utf-8") as f:
        json.dump(truth, f, indent=1, ensure_ascii=False)
        f.write("\n")
    print(f"wrote truth.json: {len(truth['reports'])} reports, {len(truth['statements'])} statements")


def issues_of(links, ids):
    """The `issues:` of links.yaml: each statement in at most one issue, and
    every repeat pair inside one issue."""
    out, owner = [], {}
    for i in links.get("issues", []):
        for m in i["members"]:
            if m not in ids:
                die(f"issue {i['id']} refers to unknown statement {m}")
            if m in owner:
                die(f"statement {m} is in issues {owner[m]} and {i['id']}")
            owner[m] = i["id"]
        out.append({"id": i["id"], "note": i.get("note", ""), "members": list(i["members"])})
    for r in links.get("repeats", []):
        if owner.get(r["earlier"]) is None or owner.get(r["earlier"]) != owner.get(r["later"]):
            die(f"repeat {r['earlier']} -> {r['later']} is not inside one issue")
    return out


if __name__ == "__main__":
    main()
