#!/usr/bin/env python3
"""Load a brat collection (a folder of NAME.txt + NAME.ann, annotation.conf,
visual.conf) with brat's OWN server code and print everything brat says.

Usage:
    python3 brat_check.py DIR --brat-src BRAT_CHECKOUT [--expect GLOSS_W3C.json] [--strict]

BRAT_CHECKOUT is a checkout of github:nlplab/brat (only its server/src/ is
used; $BRAT_SRC when the option is not given). brat needs no third-party
packages, but it needs Python <= 3.10: it opens files with mode 'rU', which
Python 3.11 removed. Run by 3.11 or newer, this script patches only that open
mode (annotation.codecs_open: drop 'U'; codecs.open reads in binary mode
anyway, so brat never got universal-newline translation from it) and says so.

Nothing in DIR is modified: the collection is copied into a scratch brat data
folder (system temp dir) and read there (brat would otherwise re-save .ann
files it "repairs"; any such rewrite is reported as a warning).

What runs is brat's own code, unchanged:
  * projectconfig.ProjectConfiguration on the collection (annotation.conf,
    visual.conf, tools.conf, kb_shortcuts.conf looked up as the server does);
  * document.get_base_types(): the entity types, labels and colours the client
    receives;
  * document.get_document(): the server's "getDocument" JSON for each document
    (reads .txt, parses .ann with annotation.TextAnnotations, merges sentences);
  * annotation.TextAnnotations(read_only) + verify_annotations.verify_annotation
    (the checks the server runs when tools.conf sets Validation validate:all).
Only `config` (brat's install-time settings module) is provided by this script.

Exit status: 0 no brat error; 1 brat reported an error (message of type error,
an unparsable .ann line, a verify_annotations AnnotationError, or the config
falling back to brat's default/minimal configuration); 3 no error but --expect
found mismatches (or --strict and brat warned).
The summary ("=== summary", then "N documents, N brat error(s), ...") ends the output.
"""
import argparse
import html
import json
import os
import re
import shutil
import sys
import tempfile
import types
from pathlib import Path

ap = argparse.ArgumentParser(description="check a brat collection with brat's own code")
ap.add_argument("dir")
ap.add_argument("--brat-src", default=os.environ.get("BRAT_SRC"),
                help="brat checkout (default: $BRAT_SRC)")
ap.add_argument("--expect", help="Gloss W3C export of the same project, to compare passages")
ap.add_argument("--strict", action="store_true", help="also fail (exit 3) on brat warnings")
ARGS = ap.parse_args()
if not ARGS.brat_src:
    ap.error("give --brat-src or set BRAT_SRC")
BRAT = Path(ARGS.brat_src).resolve()
if not (BRAT / "server" / "src" / "annotation.py").is_file():
    sys.exit(f"not a brat checkout (no server/src/annotation.py): {BRAT}")
SRC = Path(ARGS.dir).resolve()
EXPECT = Path(ARGS.expect).resolve() if ARGS.expect else None
if not SRC.is_dir():
    sys.exit(f"not a folder: {SRC}")

# --- a brat installation in scratch: BASE_DIR/data/<collection> ---------------
SCRATCH = Path(tempfile.mkdtemp(prefix="gloss_brat_run_"))
BASE_DIR = SCRATCH / "brat"
DATA_DIR = BASE_DIR / "data"
WORK_DIR = BASE_DIR / "work"
COLL_NAME = SRC.name
COLL = DATA_DIR / COLL_NAME
WORK_DIR.mkdir(parents=True)
shutil.copytree(SRC, COLL)

config = types.ModuleType("config")      # what brat's install.sh would write
config.ADMIN_CONTACT_EMAIL = "nobody@example.invalid"
config.BASE_DIR = str(BASE_DIR)
config.DATA_DIR = str(DATA_DIR)
config.WORK_DIR = str(WORK_DIR)
config.USER_PASSWORD = {}
config.MAX_SEARCH_RESULT_NUMBER = 1000
config.DEBUG = False
config.TUTORIALS = False
config.LL_DEBUG, config.LL_INFO, config.LL_WARNING, config.LL_ERROR, config.LL_CRITICAL = range(5)
config.LOG_LEVEL = config.LL_WARNING
config.SIMSTRING_DEFAULT_UNICODE = True
sys.modules["config"] = config
sys.path.insert(0, str(BRAT / "server" / "src"))
os.chdir(BASE_DIR)        # the server runs from its install dir (no annotation.conf there)

import annotation            # noqa: E402
SHIMMED = False
if sys.version_info >= (3, 11):
    _orig_codecs_open = annotation.codecs_open

    def _codecs_open_no_U(filename, mode="r", *a, **k):
        return _orig_codecs_open(filename, mode.replace("U", ""), *a, **k)
    annotation.codecs_open = _codecs_open_no_U
    SHIMMED = True
import projectconfig        # noqa: E402
from message import Messager  # noqa: E402
import document              # noqa: E402
import verify_annotations    # noqa: E402

ERRORS = []
WARNINGS = []
FALLBACK_PATTERNS = ("Falling back to minimal default", "(annotation.conf) found, using default",
                     "(visual.conf) found, using default", "error parsing section", "undefined macro",
                     "missing section")


def brat_text(msg):
    return html.unescape(msg.replace("\n<br/>\n", "\n"))


def drain(where):
    pending = Messager._Messager__pending_messages
    Messager._Messager__pending_messages = []
    for msg, kind, _dur in pending:
        text = brat_text(msg)
        print(f"  brat {'INFO' if kind == 'comment' else kind.upper()} [{where}]: {text}")
        if kind == "error":
            ERRORS.append(f"{where}: {text}")
        elif kind == "warning":
            WARNINGS.append(f"{where}: {text}")
        if any(p in text for p in FALLBACK_PATTERNS):
            ERRORS.append(f"{where}: configuration fallback/parse failure: {text}")


def show(s, n=90):
    r = json.dumps(s, ensure_ascii=False)
    return r if len(r) <= n + 2 else r[:n] + '…"' + f" (+{len(s)} chars)"


def main():
    print(f"brat source: {BRAT}  python {sys.version.split()[0]}"
          f"{'  (open-mode shim active)' if SHIMMED else ''}")
    print(f"collection copied to {COLL}")
    print("=== configuration files brat finds")
    for fn in ("annotation.conf", "visual.conf", "tools.conf", "kb_shortcuts.conf", "acl.conf"):
        print(f"  {fn}: {'in collection' if (COLL / fn).exists() else 'not in collection'}")

    print("=== ProjectConfiguration messages")
    pc = projectconfig.ProjectConfiguration(str(COLL))
    ann_conf = projectconfig.get_annotation_configs(str(COLL))
    vis_conf = projectconfig.get_visual_configs(str(COLL))
    drain("config")
    labels = pc.get_labels()
    drain("config")

    print("=== entity types as brat resolves them (document.get_base_types)")
    events, entities, relations, unconf = document.get_base_types(str(COLL))
    drain("config")
    type_path = {}

    def walk(items, depth, parents):
        for it in items:
            if it is None:
                print("  " + "  " * depth + "----")
                continue
            lab = it.get("labels")
            path = parents + [lab[0] if lab else it["type"]]
            type_path[it["type"]] = "/".join(path)
            print("  " + "  " * depth + f"{it['type']}: name={show(it['name'], 60)} labels={lab}"
                  f" bgColor={it.get('bgColor')} fgColor={it.get('fgColor')}"
                  f" borderColor={it.get('borderColor')}{' UNUSED' if it.get('unused') else ''}")
            walk(it.get("children", []), depth + 1, path)
    walk(entities, 0, [])
    if events:
        print("  event types:", [e["type"] for e in events if e])
    print("  relation types:", [r["type"] for r in relations if r])
    if unconf:
        print("  visual-only (unconfigured) types:",
              [(u["type"], u.get("labels"), u.get("bgColor")) for u in unconf])
    print("  labels section:", {k: v for k, v in labels.items()})
    drain("config")

    docs = sorted(p.stem for p in COLL.glob("*.ann"))
    parsed = {}
    for name in docs:
        print(f"=== document {name}")
        before = (COLL / f"{name}.ann").read_bytes()
        # 1. the server's getDocument path
        try:
            j = document.get_document("/" + COLL_NAME, name)
        except Exception as e:
            ERRORS.append(f"{name}: get_document raised {type(e).__name__}: {e}")
            print(f"  brat get_document RAISED {type(e).__name__}: {e}")
            j = None
        drain(name)
        after = (COLL / f"{name}.ann").read_bytes()
        if after != before:
            WARNINGS.append(f"{name}: brat rewrote the .ann on load")
            print("  NOTE brat rewrote the .ann when loading it (it 'repaired' something):")
            old, new = before.decode("utf8", "replace").splitlines(), after.decode("utf8", "replace").splitlines()
            for line in sorted(set(old) ^ set(new))[:20]:
                print(f"    {'-' if line in old else '+'} {line!r}")
            (COLL / f"{name}.ann").write_bytes(before)
        if j is not None:
            comments = j.get("comments", [])
            for c in comments:   # what the brat client shows in an annotation's hover box
                print(f"  server comment on {c[0]}: {c[1]}: {show(c[2], 120)}")
            print(f"  server: {len(j['entities'])} entities, {len(j['text'])} chars of text, "
                  f"{len(j['sentence_offsets'])} sentences")
        # 2. TextAnnotations + verify_annotation, read-only
        try:
            with annotation.TextAnnotations(str(COLL / name), read_only=True) as ann:
                msgs = ann.get_messages() if hasattr(ann, "get_messages") else None
                if msgs is not None:
                    for e in msgs.errors:
                        print(f"  brat ERROR [TextAnnotations {name}]: {e}")
                        ERRORS.append(f"{name}: {e}")
                    for w in msgs.warnings:
                        print(f"  brat WARNING [TextAnnotations {name}]: {w}")
                        WARNINGS.append(f"{name}: {w}")
                for ln in ann.failed_lines:
                    print(f"  brat could not parse line {ln + 1}: {str(ann[ln])!r}")
                    ERRORS.append(f"{name}: unparsable line {ln + 1}: {str(ann[ln])!r}")
                issues = verify_annotations.verify_annotation(ann, pc)
                drain(name)
                for i in issues:
                    print(f"  verify_annotations {i.type} {i.ann_id}: {i.description}")
                    (ERRORS if i.type == verify_annotations.AnnotationError else WARNINGS).append(
                        f"{name}: {i.ann_id} {i.description}")
                notes = {}
                for c in ann.get_oneline_comments():
                    notes.setdefault(c.target, []).append((c.type, c.get_text()))
                text = ann.get_document_text()
                tbs = []
                for t in ann.get_textbounds():
                    known = t.type in pc.get_entity_types()
                    print(f"  {t.id} type={t.type}{'' if known else ' (NOT IN CONFIG)'}"
                          f" label={pc.preferred_display_form(t.type)!r} spans={t.spans}"
                          f" text={show(t.get_text(), 100)}")
                    for ty, note in notes.get(t.id, []):
                        print(f"      {ty}: {show(note, 200)}")
                    tbs.append({"id": t.id, "type": t.type, "spans": list(t.spans), "text": t.get_text(),
                                "notes": [n for ty, n in notes.get(t.id, []) if ty == "AnnotatorNotes"],
                                "path": type_path.get(t.type)})
                for c in ann.get_oneline_comments():
                    if c.target not in {t["id"] for t in tbs}:
                        print(f"  comment {c.id} on {c.target}: {c.type} {show(c.get_text())}")
                parsed[name] = (text, tbs)
        except Exception as e:
            ERRORS.append(f"{name}: TextAnnotations raised {type(e).__name__}: {e}")
            print(f"  brat TextAnnotations RAISED {type(e).__name__}: {e}")
        drain(name)

    mismatches = 0
    if ARGS.expect:
        mismatches = expect(parsed)

    print("=== summary")
    print(f"  {len(docs)} documents, {len(ERRORS)} brat error(s), {len(WARNINGS)} brat warning(s)")
    for e in ERRORS:
        print(f"  ERROR: {e}")
    for w in WARNINGS:
        print(f"  WARNING: {w}")
    if ERRORS:
        return 1
    if mismatches or (ARGS.strict and WARNINGS):
        return 3
    return 0


def expect(parsed):
    d = json.loads(EXPECT.read_text(encoding="utf-8"))
    items = d["first"]["items"] if "first" in d else d.get("items", [])
    print(f"=== expectation check against {EXPECT} ({len(items)} Gloss passages)")
    by_num = {}
    for name in parsed:
        m = re.match(r"^(\d+)", name)
        if m:
            by_num[int(m.group(1))] = name
    fails = 0
    for it in items:
        src = it["target"]["source"]
        sel = {s["type"]: s for s in it["target"]["selector"]}
        start, end = sel["TextPositionSelector"]["start"], sel["TextPositionSelector"]["end"]
        exact = sel["TextQuoteSelector"]["exact"]
        tags = [b["value"] for b in it.get("body", []) if b.get("purpose") == "tagging"]
        note = "\n".join(b["value"] for b in it.get("body", []) if b.get("purpose") == "commenting")
        name = by_num.get(src.get("gloss:article"))
        label = f"{it['id']} article {src.get('gloss:article')} {start}-{end}"
        if name is None:
            fails += 1
            print(f"  FAIL {label}: no brat document for this article (looked for NNNN_ prefix)")
            continue
        text, tbs = parsed[name]
        if text[start:end] != exact:
            fails += 1
            print(f"  FAIL {label}: brat's text[{start}:{end}]={show(text[start:end], 60)}"
                  f" != Gloss quote {show(exact, 60)}")
        for tag in tags or [None]:
            cands = [t for t in tbs if t["spans"][0][0] == start and t["spans"][-1][1] == end]
            exact_tag = [t for t in cands if t["path"] == tag]
            if not cands:
                fails += 1
                near = [(t["id"], t["type"], t["spans"]) for t in tbs
                        if t["spans"][0][0] < end and t["spans"][-1][1] > start]
                print(f"  FAIL {label} tag {show(tag)}: no textbound spans exactly {start}-{end} in {name};"
                      f" overlapping ones: {near}")
                continue
            if tag is not None and not exact_tag:
                fails += 1
                print(f"  FAIL {label} tag {show(tag)}: brat shows it as "
                      f"{[(t['id'], t['type'], t['path']) for t in cands]} (type path by brat's labels)")
                continue
            t = (exact_tag or cands)[0]
            problems = []
            if len(t["spans"]) > 1:
                problems.append(f"split into {len(t['spans'])} fragments {t['spans']}")
            joined = "\n".join(t["notes"])
            if joined != note:
                problems.append(f"AnnotatorNotes {show(joined, 60)} != Gloss note {show(note, 60)}")
            if problems:
                fails += 1
                print(f"  FAIL {label} tag {show(tag)} ({t['id']}): " + "; ".join(problems))
    if not fails:
        print("  every Gloss passage is in brat: same offsets, same text, same tag path (by labels), same note")
    return fails


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(rc)
