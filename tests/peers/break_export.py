#!/usr/bin/env python3
"""Make a deliberately broken copy of a Gloss export, for `tests/peers/run --self-test`.

    python3 break_export.py KIND SOURCE DEST

The peers must reject every one of these (the harness exits 1); if one slips
through, the harness cannot see that kind of breakage and the self-test fails.

qdpx kinds (SOURCE, DEST: .qdpx files):
  truncated-xml       project.qde cut in half          -> RefiImport raises (XML ParseError)
  missing-source      the first sources/*.txt removed  -> RefiImport raises (FileNotFoundError)
  duplicate-variable  one <Variable> repeated with a new GUID
                                                       -> QualCoder reports "Variable import error"
brat kinds (SOURCE, DEST: brat folders):
  shifted-offsets     the first textbound's offsets moved by one, its text kept
                                                       -> brat: text does not match the span
  unknown-type        the first textbound's type renamed to one annotation.conf lacks
                                                       -> brat verify: not a known textbound type
  missing-text        the first document's .txt removed
                                                       -> brat: unable to read text file
Standard library only; any Python 3.
"""
import re
import shutil
import sys
import zipfile
from pathlib import Path


def rewrite_qdpx(src, dst, edit_member):
    """Copy the archive, letting edit_member(name, data) return new data or None (drop)."""
    changed = False
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            new = edit_member(info.filename, data)
            if new is not data:
                changed = True
            if new is not None:
                zout.writestr(info.filename, new)
    if not changed:
        sys.exit(f"break_export: nothing to break in {src}")


def qdpx_truncated_xml(src, dst):
    rewrite_qdpx(src, dst, lambda n, d: d[: len(d) // 2] if n.endswith(".qde") else d)


def qdpx_missing_source(src, dst):
    state = {"dropped": False}

    def edit(n, d):
        if not state["dropped"] and n.lower().startswith("sources/") and n.endswith(".txt"):
            state["dropped"] = True
            return None
        return d
    rewrite_qdpx(src, dst, edit)


def qdpx_duplicate_variable(src, dst):
    def edit(n, d):
        if not n.endswith(".qde"):
            return d
        m = re.search(rb'<Variable guid="[^"]+"([^>]*)/>', d)
        if not m:
            sys.exit(f"break_export: no <Variable> in {src} to duplicate")
        dup = b'<Variable guid="00000000-0000-4000-8000-00000000d0b1"' + m.group(1) + b"/>"
        return d[: m.end()] + b"\n    " + dup + d[m.end():]
    rewrite_qdpx(src, dst, edit)


def first_ann(dst):
    anns = sorted(Path(dst).glob("*.ann"))
    for ann in anns:
        lines = ann.read_text(encoding="utf-8").split("\n")
        for i, line in enumerate(lines):
            if re.match(r"^T\d+\t", line):
                return ann, lines, i
    sys.exit(f"break_export: no textbound in {dst}")


def brat_shifted_offsets(src, dst):
    shutil.copytree(src, dst)
    ann, lines, i = first_ann(dst)
    tid, mid, text = lines[i].split("\t", 2)
    typ, spans = mid.split(" ", 1)
    shifted = ";".join(" ".join(str(int(x) + 1) for x in s.split()) for s in spans.split(";"))
    lines[i] = f"{tid}\t{typ} {shifted}\t{text}"
    ann.write_text("\n".join(lines), encoding="utf-8")


def brat_unknown_type(src, dst):
    shutil.copytree(src, dst)
    ann, lines, i = first_ann(dst)
    tid, mid, text = lines[i].split("\t", 2)
    lines[i] = f"{tid}\tNot_In_Annotation_Conf {mid.split(' ', 1)[1]}\t{text}"
    ann.write_text("\n".join(lines), encoding="utf-8")


def brat_missing_text(src, dst):
    shutil.copytree(src, dst)
    ann, _, _ = first_ann(dst)
    ann.with_suffix(".txt").unlink()


KINDS = {
    "truncated-xml": qdpx_truncated_xml,
    "missing-source": qdpx_missing_source,
    "duplicate-variable": qdpx_duplicate_variable,
    "shifted-offsets": brat_shifted_offsets,
    "unknown-type": brat_unknown_type,
    "missing-text": brat_missing_text,
}

if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in KINDS:
        sys.exit(__doc__)
    KINDS[sys.argv[1]](sys.argv[2], sys.argv[3])
