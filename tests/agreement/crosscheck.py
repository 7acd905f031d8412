#!/usr/bin/env python3
"""Cross-checks `gloss agree --json` against the reference implementations:
scikit-learn's cohen_kappa_score and the krippendorff package's
alpha(level_of_measurement="nominal").

Usage: crosscheck.py GLOSS_BINARY [CASES]

For each generated case (random articles, two or three analysts, a small
nested codebook, random passages; plus degenerate cases: identical coders,
a tag one analyst never uses, a tag nobody uses, no units at all) it builds a
real project with `gloss import`, writes the passages into the project file
(the format is documented in docs/project-format.md), runs `gloss agree`, and
rebuilds the unit vectors here, independently: for every article coded by
all analysts, every character (Python indexes strings by code point, as Gloss
counts chars), 1 if inside a passage of that analyst carrying the tag or a
descendant. Figures must agree to 1e-9; undefined figures (None in Gloss)
must be NaN or an error in the reference.
"""

import json
import math
import random
import re
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import krippendorff
import numpy as np
from sklearn.metrics import cohen_kappa_score

TAGS = {1: ("Topic", None), 2: ("Detail", 1), 3: ("Other", None), 4: ("Unused", None)}
ALPHABET = "abcdefgh é😀ж\n"


def ron_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def descendants(tag):
    out = {tag}
    changed = True
    while changed:
        changed = False
        for t, (_, parent) in TAGS.items():
            if parent in out and t not in out:
                out.add(t)
                changed = True
    return out


def build(dir, texts, passages, gloss):
    """texts: list of str; passages: list of (article_index, start, end, tags, analyst)."""
    arts = dir / "articles"
    arts.mkdir()
    for i, t in enumerate(texts):
        # A first line gives the title; the text itself is what follows.
        (arts / f"{i:03}.txt").write_text(t, encoding="utf-8")
    subprocess.run([gloss, "import", "p.ron", "articles"], cwd=dir, check=True, capture_output=True)
    ron = (dir / "p.ron").read_text(encoding="utf-8")
    # The stored texts (normalised by Gloss), by article id in file order.
    stored = {}
    for m in re.finditer(r'\(id: (\d+), title: .*?file_name: "(\d+)\.txt".*?hash: "([0-9a-f]+)"', ron):
        stored[int(m.group(2))] = (int(m.group(1)), (dir / "p.texts" / f"{m.group(3)}.txt").read_text(encoding="utf-8"))
    codebook = ",\n".join(
        f'        (id: {t}, name: "{n}", colour: "#f4a261", parent: {"None" if p is None else f"Some({p})"}, shortcut: None, description: "")'
        for t, (n, p) in TAGS.items()
    )
    records = []
    for k, (ai, s, e, tags, who) in enumerate(passages):
        aid, text = stored[ai]
        records.append(
            f'        (id: {k + 1}, article: {aid}, start: {s}, end: {e}, tags: [{", ".join(map(str, sorted(tags)))}], '
            f"quote: {ron_str(text[s:e])}, prefix: {ron_str(text[max(0, s - 32):s])}, suffix: {ron_str(text[e:e + 32])}, "
            f'note: "", author: Some({ron_str(who)}), created: "2024-01-01T00:00:00Z", modified: "2024-01-01T00:00:00Z")'
        )
    ron = re.sub(r"codebook: \[\]", "codebook: [\n" + codebook + ",\n    ]", ron, count=1)
    ron = re.sub(r"annotations: \[\]", "annotations: [\n" + ",\n".join(records) + (",\n    ]" if records else "]"), ron, count=1)
    ron = re.sub(r"tag: 1,", "tag: 5,", ron, count=1)
    (dir / "p.ron").write_text(ron, encoding="utf-8")
    return [stored[i][1] for i in range(len(texts))]


def vectors(texts, passages, analysts, tag):
    wanted = descendants(tag)
    units = [i for i in range(len(texts)) if all(any(p[0] == i and p[4] == a for p in passages) for a in analysts)]
    out = []
    for a in analysts:
        v = []
        for i in units:
            row = [0] * len(texts[i])
            for ai, s, e, tags, who in passages:
                if ai == i and who == a and tags & wanted:
                    for c in range(s, e):
                        row[c] = 1
            v.extend(row)
        out.append(v)
    return out


def reference(vs):
    """(cohen, alpha) or None where undefined."""
    n = len(vs[0])
    if n == 0:
        return None, None
    cohen = None
    if len(vs) == 2:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            k = cohen_kappa_score(vs[0], vs[1], labels=[0, 1])
        cohen = None if math.isnan(k) else float(k)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            a = krippendorff.alpha(
                reliability_data=np.array(vs, dtype=float), level_of_measurement="nominal", value_domain=[0, 1]
            )
        alpha = None if math.isnan(a) else float(a)
    except (ValueError, ZeroDivisionError):
        alpha = None
    return cohen, alpha


UNDEFINED = [0]


def same(got, want, what):
    if want is None:
        UNDEFINED[0] += 1
        assert got is None, f"{what}: gloss {got}, reference undefined"
    else:
        assert got is not None and abs(got - want) <= 1e-9, f"{what}: gloss {got}, reference {want}"


def case(rng, kind):
    n_art = rng.randint(1, 4)
    texts = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(3, 60))) for _ in range(n_art)]
    analysts = ["ann", "bob"] if kind != "three" and rng.random() < 0.7 else ["ann", "bob", "cy"]
    passages = []
    for who in analysts:
        for i, t in enumerate(texts):
            for _ in range(rng.randint(0 if kind == "random" else 1, 4)):
                s = rng.randrange(len(t))
                e = rng.randint(s + 1, len(t))
                tags = set(rng.sample([1, 2, 3], rng.randint(1, 2)))
                passages.append((i, s, e, tags, who))
    for who in analysts:
        if not any(p[4] == who for p in passages):
            passages.append((0, 0, 1, {1}, who))
    if kind == "identical":
        first = [p for p in passages if p[4] == analysts[0]]
        passages = [(i, s, e, tags, who) for who in analysts for (i, s, e, tags, _) in first]
    elif kind == "one-never-uses":
        passages = [(i, s, e, (tags - {3}) or {1}, who) if who == analysts[1] else (i, s, e, tags, who) for (i, s, e, tags, who) in passages]
    elif kind == "no-units":
        passages = [(i, s, e, tags, analysts[i % len(analysts)]) for (i, s, e, tags, _) in passages if i < len(analysts)]
        if n_art < 2:
            texts.append("xyz")
    return texts, passages, analysts


def main():
    gloss = str(Path(sys.argv[1]).resolve())
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 60
    rng = random.Random(20261128)
    kinds = ["identical", "one-never-uses", "no-units", "three"] + ["random"] * (n - 4)
    checked = 0
    for c, kind in enumerate(kinds):
        with tempfile.TemporaryDirectory() as tmp:
            d = Path(tmp)
            texts, passages, analysts = case(rng, kind)
            stored = build(d, texts, passages, gloss)
            assert all(len(a) == len(b) for a, b in zip(stored, texts)), "Gloss changed a text"
            out = subprocess.run(
                [gloss, "agree", "p.ron", "--json", "--analysts", ",".join(analysts)], cwd=d, capture_output=True, text=True
            )
            assert out.returncode == 0, f"case {c} ({kind}): {out.stderr}"
            report = json.loads(out.stdout)
            pooled = [[] for _ in analysts]
            for t in report["per_tag"]:
                vs = vectors(stored, passages, analysts, t["tag"])
                assert t["chars"]["counts"]["units"] == len(vs[0]), f"case {c}: units of tag {t['path']}"
                cohen, alpha = reference(vs)
                what = f"case {c} ({kind}), tag {t['path']}"
                if len(analysts) == 2:
                    same(t["chars"]["cohen_kappa"], cohen, what + " cohen")
                same(t["chars"]["krippendorff_alpha"], alpha, what + " alpha")
                for p, v in zip(pooled, vs):
                    p.extend(v)
                checked += 1
            cohen, alpha = reference(pooled)
            if len(analysts) == 2:
                same(report["overall"]["cohen_kappa"], cohen, f"case {c} overall cohen")
            same(report["overall"]["krippendorff_alpha"], alpha, f"case {c} overall alpha")
    assert UNDEFINED[0] > 0, "the degenerate cases should give undefined figures"
    print(
        f"agreement cross-check: {len(kinds)} projects, {checked} tags: Cohen's κ and Krippendorff's α "
        f"equal the references to 1e-9 ({UNDEFINED[0]} undefined in both)"
    )


if __name__ == "__main__":
    main()
