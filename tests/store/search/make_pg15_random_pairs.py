#!/usr/bin/env python3
# Regenerates pg15_random_pairs.inc: 600 seeded random (query, value) pairs scored by a REAL
# PostgreSQL 15 with pg_trgm (UTF-8 database, LC_CTYPE C.UTF-8). The expected values must come from
# the server, never from our own implementation. Usage (server on a Unix socket):
#   python3 make_pg15_random_pairs.py "runuser -u postgres -- psql -h /tmp/pgtrgm -p 55432" \
#       > pg15_random_pairs.inc
import random
import subprocess
import sys

random.seed(20261125)
vocab = ["event","events","conference","meetup","workshop","summit","berlin","paris","london",
 "data","database","python","rust","cloud","native","kubernetes","2024","2025","v2","room",
 "café","müller","straße","ñandú","москва","東京","naïve","Ελλάδα","ab","a","x1","banana",
 "keynote","speaker","registration","open","closed","free","ticket","tickets","online",
 "hybrid","in-person","o'brien","c++","e-mail","ÉCOLE","Zürich","İzmir"]
alpha = "abcdefghijklmnopqrstuvwxyzéüñ"
def typo(w):
    if len(w) < 2 or random.random() < 0.4: return w
    i = random.randrange(len(w)); op = random.randrange(4)
    if op == 0: return w[:i] + w[i+1:]
    if op == 1: return w[:i] + random.choice(alpha) + w[i:]
    if op == 2 and i+1 < len(w): return w[:i] + w[i+1] + w[i] + w[i+2:]
    return w[:i] + random.choice(alpha) + w[i+1:]
seps = [" ", " ", " ", ", ", "-", "/", ": ", "  ", "_", "."]
def phrase(n, t):
    ws = [random.choice(vocab) for _ in range(n)]
    if t: ws = [typo(w) for w in ws]
    ws = [w.upper() if random.random() < 0.1 else (w.capitalize() if random.random() < 0.2 else w) for w in ws]
    s = ws[0]
    for w in ws[1:]: s += random.choice(seps) + w
    return s
pairs = []
for _ in range(600):
    v = phrase(random.randint(1, 12), False)
    if random.random() < 0.5:
        # query drawn from the value's words, with typos
        words = [w for w in v.replace(",", " ").replace("/", " ").replace(":", " ").split() if w]
        k = random.randint(1, min(3, len(words)))
        st = random.randrange(len(words) - k + 1)
        qq = " ".join(typo(w) for w in words[st:st+k])
    else:
        qq = phrase(random.randint(1, 3), True)
    pairs.append((qq, v))


def sql_literal(s):
    return "'" + s.replace("'", "''") + "'"


def cpp_literal(s):
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"').replace('\t', '\\t').replace('\n', '\\n') + '"'


rows = ",\n".join(f"({i},{sql_literal(a)},{sql_literal(b)})" for i, (a, b) in enumerate(pairs))
sql = f"select word_similarity(a,b)::float8 from (values {rows}) t(i,a,b) order by i;"
out = subprocess.run(sys.argv[1].split() + ["-Atq", "-f", "-"], input=sql, capture_output=True,
                     text=True, check=True).stdout.split()
assert len(out) == len(pairs)
print("// Generated: 600 seeded random (query, value) pairs and PostgreSQL 15.x pg_trgm's")
print("// word_similarity(query, value)::float8 for each (UTF-8 database, LC_CTYPE C.UTF-8).")
print("// Format: {query, value, expected}. Regenerate only from a real server, never by hand.")
for (a, b), v in zip(pairs, out):
    print(f"{{{cpp_literal(a)}, {cpp_literal(b)}, {v}}},")
