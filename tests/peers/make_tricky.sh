#!/usr/bin/env bash
# Build the tricky test projects with the Gloss CLI:
#   make_tricky.sh GLOSS_BINARY OUT_DIR   ->  OUT_DIR/tricky{,2,3}/p.ron (+ articles/, p.texts/)
# tricky:  awkward text (FF, VT, CRLF, lone CR, LS, NEL, GS, Arabic, Chinese, emoji,
#          combining marks), markup-like tag names, notes with markup/newlines/separators,
#          an analyst name with <, &, " in it, passages over line breaks;
# tricky2: tag names that collide after brat's type-name normalisation or are brat syntax;
# tricky3: the same leaf tag name under two parents (Threat/Cyber, Economy/Cyber).
# Needs python3 (any version) for writing the byte-exact articles and the notes.
set -eu
[ $# -eq 2 ] || { echo "usage: $0 GLOSS_BINARY OUT_DIR" >&2; exit 2; }
G=$(realpath "$1")
mkdir -p "$2"
cd "$2"
PY=${PYTHON:-python3}
rm -rf tricky tricky2 tricky3
# --- tricky: awkward text (FF, VT, CRLF, lone CR, LS, NEL, GS, Arabic, Chinese, emoji) and tag names
mkdir -p tricky/articles && cd tricky
"$PY" - <<'PY'
a1 = ("Harbour systems hit by ransomware\r\n\r\nThe port said its systems were down.\r\n"
      "Officials called it a cyber threat to trade \U0001F6A2 and jobs.\r\n"
      "Page two follows.\x0cSECOND PAGE starts here with a threat.\r\n"
      "A vertical\x0btab sits inside this sentence about sanctions.\r\n"
      "This line is crossing\r\nthe break and ends here.\r\nLast line without newline")
a2 = ("العنوان: تهديد الأمن السيبراني\n\nقالت الحكومة إن الهجوم تهديد خطير. العقوبات ممكنة.\n"
      "中文段落：网络威胁正在增加。制裁可能会扩大。\n"
      "Emoji family 👨‍👩‍👧 and flag 🇺🇦 near Ukraine, plus e\u0301 combining.\n"
      "Line separator here\u2028and NEL here\x85and group sep\x1dend threat.\n"
      "Ωμέγα section: the Greek word threat τέλος.\n")
a3 = ("Mixed endings report\nFirst line ends LF.\nSecond line ends CRLF.\r\n"
      "Third has a lone CR.\rFourth after lone CR mentions sanctions.\n"
      "<b>bold</b> & \"quotes\" 'apostrophes' ; semicolons | pipes threat\n")
for n, t in (("a1_crlf.txt", a1), ("a2_scripts.txt", a2), ("a3_mixed.txt", a3)):
    open(f"articles/{n}", "wb").write(t.encode("utf-8"))
PY
A=(--analyst 'Zoë <QA> & "Co"')
$G "${A[@]}" import p.ron articles
t() { $G tag p.ron "${A[@]}" --match "$1" --tag="$2"; }
t '<b>bold</b>' '<b>';                      t 'trade 🚢 and jobs' '<b>'
t 'semicolons' 'a;b';                       t 'vertical\vtab' 'a;b'
t 'pipes' 'x|y';                            t 'separator here\x{2028}and NEL here\x{85}and group sep\x1dend' 'x|y'
t '(?i)threat' '!bang';                     t '👨‍👩‍👧 and flag 🇺🇦' '!bang'
t 'Ωμέγα section[^\n]*' 'Ωμέγα';           t '网络威胁正在增加。' 'Ωμέγα'
t 'cyber threat' 'Threat/Cyber';            t 'crossing\nthe break and ends here\.\n' 'Threat/Cyber'
t 'تهديد خطير' 'Threat/Cyber';              t 'follows\.\fSECOND' 'Threat'
t 'e\x{301} combining' 'Threat';            t 'lone CR\.\nFourth' 'Threat'
# the CLI cannot set notes: write them into this (scratch) project file
"$PY" - <<'PY'
import re
s = open('p.ron', encoding='utf8').read()
notes = {1: r'Note with <markup> & ampersand; semi;colon | pipe',
         2: r'Emoji note 🚢 — line one\nline two\twith tab',
         6: r'Separators: LS\u{2028}NEL\u{85} inside a note',
         16: r'Crosses a line break.\nSecond note line; ends with newline\n'}
out = []
for l in s.split('\n'):
    m = re.match(r'\s+\(id: (\d+), article:', l)
    if m and int(m.group(1)) in notes:
        l = l.replace('note: ""', 'note: "%s"' % notes[int(m.group(1))], 1)
    elif l.lstrip().startswith('(id: 1, title:'):
        l = l.replace('note: ""', 'note: "Article note: CRLF source & <form feed>"', 1)
    out.append(l)
s = '\n'.join(out).replace('memo: "",', 'memo: "Project memo: <tricky> & \\"quoted\\"\\nsecond line",', 1)
open('p.ron', 'w', encoding='utf8').write(s)
PY
$G check p.ron
cd ..
# --- tricky2: tag names that collide after brat's storage normalisation or are brat syntax
mkdir -p tricky2/articles && cd tricky2
printf 'alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma tau upsilon\nsecond line here\n' > articles/t.txt
$G import p.ron articles
for spec in 'alpha|a b' 'beta|a_b' 'gamma|a;b' 'delta|b' 'epsilon|<b>' 'zeta|Ωμέγα' 'eta|Omega' \
            'iota|SPAN_DEFAULT' 'kappa|#hash' 'lambda|Threat/Cyber' 'mu|Threat-Cyber' 'nu|x/y/z' 'xi|Protein' \
            'omicron|  spaced  ' 'pi|<OVERLAP>' 'rho|Equiv' 'sigma|日本語' 'tau|!' 'upsilon|Arg1:x' \
            'second|---' 'line|-' 'here|SEPARATOR'; do
  $G tag p.ron --match "\\b${spec%%|*}\\b" --tag="${spec#*|}"
done
cd ..
# --- tricky3: same leaf name under two parents
mkdir -p tricky3/articles && cd tricky3
printf 'Hackers hit the port. Hackers hit the bank.\n' > articles/t.txt
$G import p.ron articles
$G tag p.ron --match 'the port' --tag 'Threat/Cyber'
$G tag p.ron --match 'the bank' --tag 'Economy/Cyber'
