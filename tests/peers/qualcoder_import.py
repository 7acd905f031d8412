#!/usr/bin/env python3
"""Import a .qdpx with QualCoder's REAL RefiImport, headless, and dump the result.

Usage:
    PYTHON qualcoder_import.py FILE.qdpx --qualcoder-src QUALCODER_CHECKOUT \
        [--expect GLOSS_W3C.json] [--keep]

PYTHON needs PyQt6 and the few packages QualCoder's import path loads
(tests/peers/requirements.txt); tests/peers/run makes such a venv.
QUALCODER_CHECKOUT is a checkout of github:ccbogel/QualCoder (the folder that
holds src/qualcoder/); $QUALCODER_SRC is used when the option is not given.

What is real QualCoder code:
  * the project database is made by QualCoder's own MainWindow.new_project()
    (its function body is taken from __main__.py with `ast` at run time and run
    against a stand-in `self`; it calls the real qualcoder.app.App, whose
    create_connection() and update_coder_names() run too);
  * the import is qualcoder.refi.RefiImport(app, textedit, "qdpx") unchanged.

What is stubbed (GUI / AI only):
  * QT_QPA_PLATFORM=offscreen, a QApplication exists, QProgressDialog is real;
  * QFileDialog.getSaveFileName/getOpenFileName return the paths we choose;
  * helpers.Message (a modal QMessageBox) only records and prints its text;
  * qualcoder.ai_llm (langchain etc.) is replaced by a 2-function stub that
    app.py needs (get_default_ai_models -> [], update_ai_models -> unchanged);
  * AiLLM in new_project is a no-op object; MainWindow.open_project/close_project
    and the window widgets are no-ops (MagicMock);
  * if PyQt6.QtMultimedia cannot load (no libpulse), qualcoder.media_player_qt is
    replaced by a stub (it is only used for audio/video).
HOME is pointed at a scratch folder (in the system temp dir, removed afterwards
unless --keep) so ~/.qualcoder/config.ini is not touched.

What counts as QualCoder REPORTING a problem (exit 1), besides raising:
  * a message box other than the notice every REFI import ends with
    ("REFI-QDA Project import: ... EXPERIMENTAL ..."), e.g. "Variable import
    error" or "Cannot import";
  * a log record of level WARNING or above from QualCoder's loggers while the
    import runs (RefiImport logs what it catches, e.g. an unreadable source),
    except "source name duplicated" (QualCoder renames, an accepted adaptation);
  * a line QualCoder appends to its action log that starts with "Cannot" or
    "Error" (e.g. "Cannot read from TextSource");
  * a print() inside qualcoder.refi (it prints the exceptions it swallows).

Exit status: 0 import ran, QualCoder reported nothing, (with --expect) everything matched;
             1 RefiImport (or project creation) raised, or QualCoder reported a problem;
             3 import ran cleanly but the offset check or --expect found mismatches.
The last line of output is always "RESULT: ...".
"""
import argparse
import ast
import builtins
import json
import os
import shutil
import sqlite3
import sys
import tempfile
import traceback
import types
import zipfile
from pathlib import Path
from unittest import mock



def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("qdpx")
    ap.add_argument("--qualcoder-src", default=os.environ.get("QUALCODER_SRC"),
                    help="QualCoder checkout (default: $QUALCODER_SRC)")
    ap.add_argument("--expect", help="Gloss W3C export (gloss export P.ron --format w3c -o X.json) "
                                      "of the same project: check every passage arrived")
    ap.add_argument("--keep", action="store_true", help="keep the scratch QualCoder project")
    a = ap.parse_args()
    if not a.qualcoder_src:
        ap.error("give --qualcoder-src or set QUALCODER_SRC")
    return a


ARGS = parse_args()
QDPX = Path(ARGS.qdpx).resolve()
if not QDPX.is_file():
    sys.exit(f"no such file: {QDPX}")

QC_SRC = Path(ARGS.qualcoder_src).resolve()
if (QC_SRC / "src" / "qualcoder").is_dir():
    QC_SRC = QC_SRC / "src"
if not (QC_SRC / "qualcoder" / "refi.py").is_file():
    sys.exit(f"not a QualCoder checkout (no src/qualcoder/refi.py): {ARGS.qualcoder_src}")

SCRATCH = Path(tempfile.mkdtemp(prefix="gloss_qc_run_"))
os.environ["HOME"] = str(SCRATCH / "home")          # QualCoder writes ~/.qualcoder/*
(SCRATCH / "home" / ".qualcoder").mkdir(parents=True)   # as QualCoder's __main__ does at import
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(QC_SRC))

MESSAGES = []     # what QualCoder's Message boxes would have shown
LOG = []          # what QualCoder appended to its action-log text edit
RECORDS = []      # QualCoder's log records (WARNING and above) during the import
PRINTS = []       # what qualcoder.refi printed
END_NOTICE = "REFI-QDA Project import"   # title of the box every RefiImport ends with
BENIGN_LOG = ("source name duplicated",)


class RecordHandler:
    """A logging handler that keeps QualCoder's WARNING+ records."""

    def __new__(cls):
        import logging

        class H(logging.Handler):
            def emit(self, record):
                if record.name.startswith("qualcoder") and record.levelno >= logging.WARNING:
                    RECORDS.append((record.levelname, record.name, record.getMessage()))
        return H(level=logging.WARNING)


def refi_print(*args, **kwargs):
    PRINTS.append(" ".join(str(a) for a in args))
    print(*args, **kwargs)


class TextLog:
    def append(self, s):
        LOG.append(str(s))


class RecordedMessage:
    """Stand-in for qualcoder.helpers.Message (a modal QMessageBox)."""

    def __init__(self, app=None, title="", text="", icon=None, *a, **k):
        MESSAGES.append((str(icon or "information"), str(title), str(text)))

    def exec(self):
        return 0

    def __getattr__(self, name):   # setStandardButtons etc.
        return lambda *a, **k: None


def setup_qualcoder():
    import qualcoder  # noqa: F401  (its __init__ installs builtins._)
    if not callable(getattr(builtins, "_", None)):
        builtins._ = lambda s: s
    stubbed = []
    ai = types.ModuleType("qualcoder.ai_llm")
    ai.get_default_ai_models = lambda: []
    ai.update_ai_models = lambda models, idx, settings=None: (models, idx, None)
    sys.modules["qualcoder.ai_llm"] = ai
    stubbed.append("qualcoder.ai_llm")
    try:
        import PyQt6.QtMultimedia  # noqa: F401
    except ImportError as e:
        mp = types.ModuleType("qualcoder.media_player_qt")
        mp.MediaInstance = object
        mp.make_vlc_instance = lambda *a, **k: None
        sys.modules["qualcoder.media_player_qt"] = mp
        stubbed.append(f"qualcoder.media_player_qt (PyQt6.QtMultimedia: {e})")
    from PyQt6 import QtWidgets
    qapp = QtWidgets.QApplication.instance() or QtWidgets.QApplication(["qualcoder-harness"])
    from qualcoder import refi, helpers
    from qualcoder.app import App
    return qapp, refi, helpers, App, stubbed


class QtWidgetsProxy(types.SimpleNamespace):
    """PyQt6.QtWidgets, except QFileDialog answers with our paths."""

    def __init__(self, real, save_path, open_path):
        super().__init__()
        self._real = real
        outer = self

        class FileDialog:
            Option = real.QFileDialog.Option

            @staticmethod
            def getSaveFileName(*a, **k):
                return (str(save_path), "")

            @staticmethod
            def getOpenFileName(*a, **k):
                return (str(open_path), "(*.qdpx *.QDPX)")

            @staticmethod
            def getExistingDirectory(*a, **k):
                return ""
        self.QFileDialog = FileDialog

    def __getattr__(self, name):
        return getattr(self._real, name)


def load_new_project_function(namespace):
    """Compile MainWindow.new_project from QualCoder's own __main__.py."""
    src_path = QC_SRC / "qualcoder" / "__main__.py"
    tree = ast.parse(src_path.read_text(encoding="utf-8"), filename=str(src_path))
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "MainWindow":
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == "new_project":
                    mod = ast.Module(body=[fn], type_ignores=[])
                    exec(compile(mod, str(src_path), "exec"), namespace)
                    return namespace["new_project"], fn.lineno
    raise RuntimeError("MainWindow.new_project not found in QualCoder's __main__.py")


def create_project(refi, helpers, App):
    import datetime
    import logging
    from PyQt6 import QtWidgets
    proj_base = SCRATCH / "imported"
    ns = {
        "App": App,
        "AiLLM": lambda *a, **k: mock.MagicMock(name="AiLLM-stub"),
        "get_default_user_directory": helpers.get_default_user_directory,
        "QtWidgets": QtWidgetsProxy(QtWidgets, proj_base, QDPX),
        "Path": Path,
        "Message": RecordedMessage,
        "logger": logging.getLogger("qualcoder.__main__"),
        "datetime": datetime,
        "_": builtins._,
    }
    new_project, lineno = load_new_project_function(ns)
    win = mock.MagicMock(name="MainWindow-stub")
    win.app = None
    win.project = {}
    win.ui.textEdit = TextLog()
    new_project(win)
    if not win.app.project_path or win.app.conn is None:
        raise RuntimeError("QualCoder's new_project did not create a project")
    return win, lineno


def q(conn, sql, *params):
    return conn.execute(sql, params).fetchall()


def code_paths(conn):
    cats = {r[0]: (r[1], r[2]) for r in q(conn, "select catid, name, supercatid from code_cat")}
    codes = {r[0]: (r[1], r[2], r[3]) for r in q(conn, "select cid, name, catid, supercid from code_name")}

    def cat_path(catid):
        parts = []
        while catid is not None and catid in cats:
            parts.append(cats[catid][0])
            catid = cats[catid][1]
        return list(reversed(parts))

    def path(cid):
        parts = []
        catid = None
        seen = set()
        while cid is not None and cid in codes and cid not in seen:
            seen.add(cid)
            name, catid, supercid = codes[cid]
            parts.append(name)
            cid = supercid
        return "/".join(cat_path(catid) + list(reversed(parts)))
    return {cid: path(cid) for cid in codes}


def show(s, n=70):
    s = "" if s is None else str(s)
    r = json.dumps(s, ensure_ascii=False)
    return r if len(r) <= n + 2 else r[: n] + '…"' + f" (+{len(s)} chars)"


def dump(conn):
    print("=== project")
    for r in q(conn, "select databaseversion, memo, codername from project"):
        print(f"  databaseversion={r[0]} codername={show(r[2])}")
        print(f"  project memo: {show(r[1], 400)}")
    print("=== sources (id, name, fulltext length, memo, owner, mediapath)")
    for r in q(conn, "select id, name, length(fulltext), memo, owner, mediapath from source order by id"):
        print(f"  [{r[0]}] {show(r[1])} len={r[2]} owner={show(r[4])} mediapath={r[5]}")
        print(f"        memo: {show(r[3], 200)}")
    paths = code_paths(conn)
    print("=== code categories (catid, name, supercatid, memo)")
    for r in q(conn, "select catid, name, supercatid, memo from code_cat order by catid"):
        print(f"  [{r[0]}] {show(r[1])} super={r[2]} memo={show(r[3])}")
    print("=== codes (cid, name, catid, supercid, color, path, memo)")
    for r in q(conn, "select cid, name, catid, supercid, color, memo from code_name order by cid"):
        print(f"  [{r[0]}] {show(r[1])} catid={r[2]} supercid={r[3]} color={r[4]} path={show(paths[r[0]])}"
              f" memo={show(r[5])}")
    print("=== code_text (ctid, cid/path, fid, pos0, pos1, owner, seltext, memo)")
    for r in q(conn, "select ctid, cid, fid, pos0, pos1, owner, seltext, memo from code_text order by fid, pos0, cid"):
        print(f"  [{r[0]}] cid={r[1]} ({paths.get(r[1], '?')}) fid={r[2]} {r[3]}-{r[4]} owner={show(r[5])}")
        print(f"        seltext={show(r[6], 120)}")
        if r[7]:
            print(f"        memo={show(r[7], 200)}")
    print("=== annotations (anid, fid, pos0, pos1, owner, memo)")
    for r in q(conn, "select anid, fid, pos0, pos1, owner, memo from annotation order by fid, pos0"):
        print(f"  [{r[0]}] fid={r[1]} {r[2]}-{r[3]} owner={show(r[4])} memo={show(r[5], 200)}")
    print("=== journals (jid, name, owner, jentry)")
    for r in q(conn, "select jid, name, owner, jentry from journal order by jid"):
        print(f"  [{r[0]}] {show(r[1])} owner={show(r[2])} jentry={show(r[3], 200)}")
    print("=== attributes (file variables)")
    for r in q(conn, "select name, caseOrFile, valuetype from attribute_type order by name"):
        print(f"  type {show(r[0])} {r[1]} {r[2]}")
    for r in q(conn, "select id, name, value from attribute order by id, name"):
        print(f"  fid={r[0]} {show(r[1])} = {show(r[2])}")
    print("=== cases")
    for r in q(conn, "select caseid, name, memo from cases order by caseid"):
        print(f"  [{r[0]}] {show(r[1])} memo={show(r[2])}")


def raw_sources_from_qdpx():
    """guid -> raw text of each TextSource exactly as stored in the archive
    (UTF-8, no newline translation), plus source name -> guid."""
    import xml.etree.ElementTree as ET
    out, names = {}, {}
    with zipfile.ZipFile(QDPX) as z:
        qde = [n for n in z.namelist() if n.endswith(".qde")][0]
        root = ET.fromstring(z.read(qde))
        ns = root.tag.split("}")[0] + "}"
        for ts in root.iter(ns + "TextSource"):
            p = ts.get("plainTextPath") or ts.get("path") or ""
            member = [n for n in z.namelist() if n.lower().endswith(p.split("internal://")[-1].lower())]
            if member:
                out[ts.get("guid")] = z.read(member[0]).decode("utf-8", errors="replace")
                names[ts.get("name")] = ts.get("guid")
    return out, names


def check_positions(conn):
    """Compare QualCoder's seltext with the same offsets in the archive's raw text."""
    raw, names = raw_sources_from_qdpx()
    problems = 0
    print("=== position check: QualCoder seltext vs raw archive text[pos0:pos1]")
    fid_name = dict(q(conn, "select id, name from source"))
    fid_text = dict(q(conn, "select id, fulltext from source"))
    for fid, name in fid_name.items():
        guid = names.get(name)
        if guid is None:
            continue
        rt, ft = raw[guid], fid_text[fid] or ""
        has_cr = "\r" in rt
        if rt != ft:
            print(f"  NOTE source {show(name)}: QualCoder's fulltext differs from the archive's .txt "
                  f"(len {len(ft)} vs {len(rt)}; CR in archive file: {has_cr})")
    for ctid, fid, p0, p1, sel in q(conn, "select ctid, fid, pos0, pos1, seltext from code_text"):
        guid = names.get(fid_name.get(fid))
        if guid is None:
            continue
        want = raw[guid][p0:p1]
        if sel != want:
            problems += 1
            print(f"  MISMATCH ctid={ctid} fid={fid} {p0}-{p1}: QualCoder seltext={show(sel, 100)}"
                  f" but archive text there={show(want, 100)}")
    if not problems:
        print("  all code_text seltext values equal the archive text at their offsets")
    return problems


def check_expect(conn, w3c_path):
    d = json.loads(Path(w3c_path).read_text(encoding="utf-8"))
    items = d["first"]["items"] if "first" in d else d.get("items", [])
    paths = code_paths(conn)
    sources = q(conn, "select id, name from source")
    rows = q(conn, "select cid, fid, pos0, pos1, seltext, memo from code_text")
    anns = q(conn, "select fid, pos0, pos1, memo from annotation")
    fails = 0
    print(f"=== expectation check against {w3c_path} ({len(items)} Gloss passages)")
    for it in items:
        tgt = it["target"]
        title = tgt["source"].get("title")
        sel = {s["type"]: s for s in tgt["selector"]}
        start, end = sel["TextPositionSelector"]["start"], sel["TextPositionSelector"]["end"]
        exact = sel["TextQuoteSelector"]["exact"]
        tags = [b["value"] for b in it.get("body", []) if b.get("purpose") == "tagging"]
        notes = [b["value"] for b in it.get("body", []) if b.get("purpose") == "commenting"]
        note = "\n".join(notes)
        fids = [fid for fid, name in sources if name == title or name.endswith("_" + str(title))]
        tag = tags[0] if tags else None
        label = f"{it['id']} {show(title, 40)} {start}-{end} tags={tags}"
        if not fids:
            fails += 1
            print(f"  FAIL {label}: no QualCoder source named like the article title")
            continue
        if not tags:
            hit = [a for a in anns if a[0] in fids and (a[1], a[2]) == (start, end)]
            if not hit:
                fails += 1
                print(f"  FAIL {label}: untagged passage, no QualCoder annotation at these offsets")
            continue
        for tag in tags:
            hit = [r for r in rows if r[1] in fids and paths.get(r[0]) == tag]
            same_pos = [r for r in hit if (r[2], r[3]) == (start, end)]
            if not same_pos:
                fails += 1
                near = [(r[2], r[3]) for r in hit][:5]
                print(f"  FAIL {label} tag {show(tag)}: no code_text at {start}-{end} with that code path"
                      f" (same code in that source at: {near})")
                continue
            r = same_pos[0]
            msgs = []
            if r[4] != exact:
                msgs.append(f"seltext {show(r[4], 80)} != Gloss quote {show(exact, 80)}")
            if (r[5] or "") != note:
                msgs.append(f"coding memo {show(r[5], 80)} != Gloss note {show(note, 80)}")
            if msgs:
                fails += 1
                print(f"  FAIL {label} tag {show(tag)}: " + "; ".join(msgs))
    if not fails:
        print("  every Gloss passage arrived: same offsets, same text, same code path, same note")
    return fails


def main():
    try:
        qapp, refi, helpers, App, stubbed = setup_qualcoder()
    except Exception:
        traceback.print_exc()
        print("HARNESS: could not import QualCoder", file=sys.stderr)
        return 1
    print(f"QualCoder source: {QC_SRC}  stubs: {', '.join(stubbed)}")
    refi.Message = RecordedMessage
    helpers.Message = RecordedMessage
    refi.print = refi_print      # module global shadows the builtin inside qualcoder.refi
    from PyQt6 import QtWidgets
    refi.QtWidgets = QtWidgetsProxy(QtWidgets, SCRATCH / "imported", QDPX)

    try:
        win, lineno = create_project(refi, helpers, App)
    except Exception:
        traceback.print_exc()
        print("HARNESS: QualCoder's new_project raised", file=sys.stderr)
        return 1
    app = win.app
    print(f"project created by QualCoder MainWindow.new_project (__main__.py:{lineno}): {app.project_path}")

    # copy so that RefiImport's "<file>_temporary" extract folder lands in scratch
    qdpx_copy = SCRATCH / QDPX.name
    shutil.copyfile(QDPX, qdpx_copy)
    refi.QtWidgets = QtWidgetsProxy(QtWidgets, SCRATCH / "imported", qdpx_copy)
    status = 0
    import logging
    handler = RecordHandler()
    logging.getLogger().addHandler(handler)    # QualCoder's module loggers propagate to root
    logging.getLogger("qualcoder").setLevel(logging.WARNING)
    try:
        refi.RefiImport(app, TextLog(), "qdpx")
        print(f"RefiImport({QDPX.name}) returned normally")
    except Exception:
        print("RefiImport RAISED:", file=sys.stderr)
        traceback.print_exc()
        status = 1

    print("=== QualCoder action log (parent_textedit.append)")
    for line in LOG:
        print("  " + line.replace("\n", "\n  "))
    print("=== QualCoder message boxes")
    for icon, title, text in MESSAGES:
        print(f"  [{icon}] {title}: " + text.replace("\n", " | "))
    reported = []
    for icon, title, text in MESSAGES:
        if title != END_NOTICE:
            reported.append(f"message box [{icon}] {title}: " + text.replace("\n", " | "))
    for level, name, msg in RECORDS:
        if not any(b in msg for b in BENIGN_LOG):
            reported.append(f"log {level} {name}: {msg}")
    for line in LOG:
        if line.lstrip().startswith(("Cannot", "Error")):
            reported.append(f"action log: {line}")
    for line in PRINTS:
        reported.append(f"qualcoder.refi printed: {line}")
    print("=== QualCoder log records (WARNING and above) during the import")
    for level, name, msg in RECORDS:
        print(f"  {level} {name}: {msg}")
    if not RECORDS:
        print("  none")
    print("=== problems QualCoder reported")
    for r in reported:
        print(f"  REPORTED {r}")
    if not reported:
        print("  none")
    if reported and status == 0:
        status = 2

    conn = sqlite3.connect(Path(app.project_path) / "data.qda")
    try:
        print(f"=== QualCoder's current coder after import (app.settings['codername']): "
              f"{show(app.settings.get('codername'))}")
        owners = [r[0] for r in q(conn, "select distinct owner from code_text")]
        if owners and app.settings.get("codername") not in owners:
            print(f"  NOTE: the codings belong to {owners}, not to the current coder; QualCoder edits/deletes"
                  " codings only for the current coder (its import message says to pick a coder in Settings)")
        print(f"  coder_names table: {q(conn, 'select name, visibility from coder_names')}")
        dump(conn)
        problems = check_positions(conn)
        if ARGS.expect:
            problems += check_expect(conn, ARGS.expect)
    except Exception:
        traceback.print_exc()
        status = 1
        problems = 0
    conn.close()
    if ARGS.keep:
        print(f"kept scratch project: {SCRATCH}")
    else:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    if status == 0 and problems:
        status = 3
    if status == 1:
        print("RESULT: import raised")
    elif status == 2:
        print(f"RESULT: import ran but QualCoder reported {len(reported)} problem(s), {problems} mismatch(es)")
        status = 1
    else:
        print(f"RESULT: import ok, {problems} mismatch(es)")
    return status


if __name__ == "__main__":
    try:
        rc = main()
    finally:
        if not ARGS.keep:
            shutil.rmtree(SCRATCH, ignore_errors=True)
    sys.exit(rc)
