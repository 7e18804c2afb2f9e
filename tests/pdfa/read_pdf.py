"""Reads a PDF with pikepdf (an independent reader, qpdf underneath) and prints what tests/pdfa.rs
checks, as JSON: the XMP identification, the OutputIntent, /Lang, /MarkInfo, the structure tree
in order with each element's text (decoded through the fonts' ToUnicode maps), the text drawn as
artifacts and any text drawn outside both, and the attachments with their AFRelationship."""
import json
import re
import sys

import pikepdf

pdf = pikepdf.open(sys.argv[1])
root = pdf.Root
out = {}

with pdf.open_metadata() as meta:
    out["pdfaid_part"] = meta.get("pdfaid:part")
    out["pdfaid_conformance"] = meta.get("pdfaid:conformance")
    out["pdfuaid_part"] = meta.get("{http://www.aiim.org/pdfua/ns/id/}part")
out["output_intents"] = [str(i.get("/S")) for i in root.get("/OutputIntents", [])]
out["lang"] = str(root.get("/Lang", ""))
mark = root.get("/MarkInfo")
out["marked"] = bool(mark is not None and mark.get("/Marked", False))


def cmap(font):
    """The font's ToUnicode map: code (bytes) to text."""
    table = {}
    tu = font.get("/ToUnicode")
    if tu is None:
        return table
    text = tu.read_bytes().decode("latin-1")
    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[bytes.fromhex(src)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            n = len(lo) // 2
            start = int(dst, 16)
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code.to_bytes(n, "big")] = chr(start + k)
    return table


def decode(table, data):
    s = ""
    i = 0
    while i < len(data):
        for n in (2, 1):
            if data[i:i + n] in table:
                s += table[data[i:i + n]]
                i += n
                break
        else:
            s += "\ufffd"
            i += 1
    return s


# Text by (page index, MCID), artifacts and unmarked text by page.
by_mcid = {}
artifacts = []
unmarked = []
page_index = {}
for p, page in enumerate(pdf.pages):
    page_index[page.obj.objgen] = p
    fonts = {}
    res = page.obj.get("/Resources", {})
    for name, font in res.get("/Font", {}).items():
        fonts[name] = cmap(font)
    stack = []
    table = {}
    art = ""
    loose = ""
    for operands, op in pikepdf.parse_content_stream(page):
        op = str(op)
        if op == "BDC":
            tag = str(operands[0])
            props = operands[1]
            mcid = None
            if isinstance(props, pikepdf.Dictionary) and "/MCID" in props:
                mcid = int(props["/MCID"])
            stack.append((tag, mcid))
        elif op == "BMC":
            stack.append((str(operands[0]), None))
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            table = fonts.get(str(operands[0]), {})
        elif op in ("Tj", "TJ", "'", '"'):
            items = operands[-1]
            parts = items if op == "TJ" else [items]
            text = "".join(decode(table, bytes(x)) for x in parts if isinstance(x, pikepdf.String))
            inner = stack[-1] if stack else None
            if inner is None:
                loose += text
            elif inner[0] == "/Artifact":
                art += text
            elif inner[1] is not None:
                by_mcid[(p, inner[1])] = by_mcid.get((p, inner[1]), "") + text
            else:
                loose += text
    artifacts.append(art)
    unmarked.append(loose)
out["artifacts"] = artifacts
out["unmarked"] = unmarked


def element(e, page):
    if "/Pg" in e:
        page = page_index.get(e.Pg.objgen, page)
    node = {"type": str(e.get("/S")), "title": str(e.get("/T", "")), "text": "", "pages": [], "kids": []}
    kids = e.get("/K")
    if kids is None:
        kids = []
    elif not isinstance(kids, pikepdf.Array):
        kids = [kids]
    for k in kids:
        if isinstance(k, int):
            node["text"] += by_mcid.get((page, int(k)), "")
            if page not in node["pages"]:
                node["pages"].append(page)
        elif isinstance(k, pikepdf.Dictionary) and k.get("/Type") == "/MCR":
            pg = page_index.get(k.Pg.objgen, page) if "/Pg" in k else page
            node["text"] += by_mcid.get((pg, int(k.MCID)), "")
            if pg not in node["pages"]:
                node["pages"].append(pg)
        elif isinstance(k, pikepdf.Dictionary):
            child = element(k, page)
            node["kids"].append(child)
            node["text"] += child["text"]
            for q in child["pages"]:
                if q not in node["pages"]:
                    node["pages"].append(q)
    return node


tree = root.get("/StructTreeRoot")
out["has_struct_tree"] = tree is not None
out["role_map"] = {str(k): str(v) for k, v in tree.get("/RoleMap", {}).items()} if tree is not None else {}
out["tree"] = element(tree, 0)["kids"] if tree is not None else []

files = []
names = root.get("/Names", {}).get("/EmbeddedFiles")
pairs = []


def walk(node):
    if "/Names" in node:
        arr = node.Names
        for i in range(0, len(arr), 2):
            pairs.append((arr[i], arr[i + 1]))
    for kid in node.get("/Kids", []):
        walk(kid)


if names is not None:
    walk(names)
for key, spec in pairs:
    stream = spec.EF.get("/UF", spec.EF.get("/F"))
    files.append({
        "name": str(spec.get("/UF", key)),
        "relationship": str(spec.get("/AFRelationship", "")),
        "description": str(spec.get("/Desc", "")),
        "subtype": str(stream.get("/Subtype", "")),
        "size": len(stream.read_bytes()),
    })
out["attachments"] = files
out["af"] = len(root.get("/AF", []))
print(json.dumps(out, ensure_ascii=False))
