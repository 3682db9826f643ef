#!/usr/bin/python3
"""Check that text from the inputs stayed text in every output of a run
(tests/dirty_input.rs runs this on the `injection` case of the dirty-input
corpus): HTML, SVG and XML outputs are parsed with real parsers and must
hold no element or attribute that came from the data, while the data's
strings are there as text; CSV and XLSX cells must be inert (no formulas).

usage: check.py OUTPUT_FOLDER   (prints "ok ..." lines; exits 1 on a finding)
"""
import csv
import json
import html.parser
import os
import sys
import xml.etree.ElementTree as ET

import openpyxl

out = sys.argv[1]
# What the fixture put into names, ids and the district name.
MARKUP = ["<img src=x onerror=alert(1)>甲街道", "<script>alert(1)</script>", "S\"2'<b>", "S3]]>", "<svg onload=alert(1)>"]
FORMULAS = ["=HYPERLINK(", "=cmd|", "@SUM(1+1)", "+1-2"]
# Elements and attributes sise's own templates and writers use; anything else came from the data.
BAD_TAGS = {"script", "svg:script", "b", "iframe", "object", "embed"}
findings = []


def fail(msg):
    findings.append(msg)


class Html(html.parser.HTMLParser):
    def __init__(self, path):
        super().__init__(convert_charrefs=True)
        self.path, self.text = path, []

    def handle_starttag(self, tag, attrs):
        if tag in BAD_TAGS:
            fail(f"{self.path}: a <{tag}> element")
        for k, v in attrs:
            if k.startswith("on"):
                fail(f"{self.path}: an {k} attribute on <{tag}>")
        if tag == "img" and not dict(attrs).get("src", "").startswith("data:image/png;base64,"):
            fail(f"{self.path}: an <img> that is not sise's map: {attrs}")
        if tag == "svg":
            fail(f"{self.path}: an <svg> element")

    def handle_data(self, data):
        self.text.append(data)


def check_html(path):
    p = Html(path)
    p.feed(open(path, encoding="utf-8").read())
    text = "".join(p.text)
    for s in ["<img src=x onerror=alert(1)>甲街道", "<script>alert(1)</script>"]:
        if s not in text:
            fail(f"{path}: '{s}' is not shown as text")


def check_xml(path):
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        fail(f"{path}: not well-formed XML ({e})")
        return
    text = []
    for el in root.iter():
        tag = el.tag.split("}")[-1]
        if tag in BAD_TAGS or tag in {"img", "svg"} and el is not root:
            fail(f"{path}: a <{tag}> element")
        for k in el.attrib:
            if k.split("}")[-1].startswith("on"):
                fail(f"{path}: an {k} attribute")
        text.extend([el.text or "", el.tail or ""])
        text.extend(el.attrib.values())
    return "".join(text)


def walk(v, into):
    """Every string value of a JSON value."""
    if isinstance(v, str):
        into.append(v)
    elif isinstance(v, dict):
        for x in v.values():
            walk(x, into)
    elif isinstance(v, list):
        for x in v:
            walk(x, into)


web_strings = []
checked = {"html": 0, "xml": 0, "csv": 0, "xlsx": 0}
svg_text = ""
for folder, _, files in os.walk(out):
    for f in files:
        path = os.path.join(folder, f)
        ext = f.rsplit(".", 1)[-1]
        if os.path.relpath(folder, out).split(os.sep)[0] == "web":
            # The web map's page is sise's own (its scripts are meant); the
            # data's text is in data.js and domains/*.js as JSON strings,
            # which the page escapes (tests/web.rs renders it in Chromium).
            if ext == "js" and (f == "data.js" or os.path.basename(folder) == "domains"):
                # One statement per line, data only: a JSON assignment
                # (data.js: the overview, then its grid) or a call whose
                # arguments are JSON values (domains/: window.SISE_DOMAIN("D01", {...});).
                for line in open(path, encoding="utf-8").read().splitlines():
                    head, _, rest = line.partition(" = ")
                    name, paren, args = line.partition("(")
                    if head.startswith("window.SISE_") and rest.endswith(";"):
                        walk(json.loads(rest[:-1]), web_strings)
                    elif name.startswith("window.SISE_") and paren and args.endswith(");"):
                        walk(json.loads("[" + args[:-2] + "]"), web_strings)
                    else:
                        fail(f"{path}: neither a JSON assignment nor a call with JSON arguments: {line[:80]}")
                checked["js"] = checked.get("js", 0) + 1
            continue
        if ext == "html":
            check_html(path)
            checked["html"] += 1
        elif ext in ("svg", "qml", "sld", "qgs"):
            t = check_xml(path)
            if ext == "svg":
                svg_text += t or ""
            checked["xml"] += 1
        elif ext == "csv":
            with open(path, encoding="utf-8-sig", newline="") as fh:
                for row in csv.reader(fh):
                    for cell in row:
                        if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                            try:
                                float(cell)
                            except ValueError:
                                fail(f"{path}: a cell that runs as a formula: {cell!r}")
            checked["csv"] += 1
        elif ext == "xlsx":
            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for c in row:
                        if c.data_type == "f":
                            fail(f"{path} {ws.title}!{c.coordinate}: a formula cell {c.value!r}")
            checked["xlsx"] += 1
if "<img src=x onerror=alert(1)>甲街道" not in svg_text:
    fail("the maps do not show the 街镇 name as text")
for m in MARKUP[:2]:
    if m not in web_strings:
        fail(f"the web map's data do not hold {m!r} as a JSON string")
for kind, n in checked.items():
    if n == 0:
        fail(f"no {kind} output was checked")
for f in findings:
    print("FINDING", f)
print("ok checked", ", ".join(f"{n} {k}" for k, n in checked.items()))
sys.exit(1 if findings else 0)
