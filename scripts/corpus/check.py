#!/usr/bin/env python3
"""Self-check of corpus/truth.json against the committed PDFs.

Checks: every report's page count equals pdfinfo's; every statement's opening
words are found (normalised) on its stated page by pdftotext; repeats and decoys
refer to known statements; at least 3 distinct PDF producers. Prints counts.
Exit status 1 on any failure.
"""
import collections, json, os, re, subprocess, sys, unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CORPUS = os.path.join(ROOT, "corpus")


def norm(s):
    return re.sub(r"[^a-z0-9]", "", unicodedata.normalize("NFKC", s).lower())


def info(pdf):
    out = subprocess.run(["pdfinfo", pdf], check=True, capture_output=True).stdout.decode()
    d = {}
    for line in out.splitlines():
        k, _, v = line.partition(":")
        d[k.strip()] = v.strip()
    return d


def main():
    truth = json.load(open(os.path.join(CORPUS, "truth.json"), encoding="utf-8"))
    errors = []
    pages_text = {}
    producers = collections.Counter()
    for r in truth["reports"]:
        pdf = os.path.join(CORPUS, r["file"])
        if not os.path.exists(pdf):
            errors.append(f"missing {r['file']}")
            continue
        i = info(pdf)
        producers[(i.get("Producer") or "?").split()[0]] += 1
        if int(i["Pages"]) != r["pages"]:
            errors.append(f"{r['file']}: pages {r['pages']} in truth, {i['Pages']} in pdfinfo")
        if not (4 <= r["pages"] <= 20):
            errors.append(f"{r['file']}: {r['pages']} pages, outside 4-20")
        t = subprocess.run(["pdftotext", "-enc", "UTF-8", pdf, "-"], check=True, capture_output=True).stdout.decode()
        pages_text[r["file"]] = [norm(p) for p in t.split("\f")]
        if "fictional" not in t.split("\f")[0]:
            errors.append(f"{r['file']}: no fictional notice on cover")
    ids = set()
    for s in truth["statements"]:
        ids.add(s["id"])
        pages = pages_text.get(s["report"])
        if pages is None:
            errors.append(f"{s['id']}: unknown report")
            continue
        if s["kind"] == "graded_judgement" and s["area"] and norm(s["text"]) not in "".join(pages):
            key = norm(s["area"])  # table row: cells may be split by pdftotext
        else:
            words = s["text"].split()
            key = norm(" ".join(words[:6]))
        if not (1 <= s["page"] <= len(pages)) or key not in pages[s["page"] - 1]:
            errors.append(f"{s['id']}: not found on page {s['page']}: {s['text'][:60]}")
    for r in truth["repeats"]:
        for k in ("earlier", "later"):
            if r[k] not in ids:
                errors.append(f"repeat: unknown {r[k]}")
        ea = next(x for x in truth["reports"] if x["file"] == r["earlier"].split("/")[0] + ".pdf")
        la = next(x for x in truth["reports"] if x["file"] == r["later"].split("/")[0] + ".pdf")
        if ea["published"] >= la["published"]:
            errors.append(f"repeat {r['earlier']} -> {r['later']}: not later in time")
    for d in truth["decoys"]:
        for k in ("a", "b"):
            if d[k] not in ids:
                errors.append(f"decoy: unknown {d[k]}")
    for i in truth.get("issues", []):
        for m in i["members"]:
            if m not in ids:
                errors.append(f"issue {i['id']}: unknown {m}")
    if len(producers) < 3:
        errors.append(f"only {len(producers)} producers")
    kinds = collections.Counter(s["kind"] for s in truth["statements"])
    print(f"reports: {len(truth['reports'])}, statements: {len(truth['statements'])}, "
          f"repeats: {len(truth['repeats'])} ({sum(r['explicit'] for r in truth['repeats'])} explicit), decoys: {len(truth['decoys'])}, "
          f"issues: {len(truth.get('issues', []))}")
    print("by kind:", ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print("producers:", ", ".join(f"{k} {v}" for k, v in sorted(producers.items())))
    print("pages:", ", ".join(f"{r['file']} {r['pages']}" for r in truth["reports"]))
    for e in errors:
        print("FAIL:", e)
    print("OK" if not errors else f"{len(errors)} failure(s)")
    sys.exit(1 if errors else 0)


if __name__ == "__main__":
    main()
