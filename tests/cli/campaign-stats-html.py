#!/usr/bin/env python3
"""Checks the figures of a campaign statistics page against `-o json` of the same run.

    campaign-stats-html.py PAGE JSON

PAGE is the HTML `orgctl campaign stats --html` wrote, or the DOM a browser rendered from
it (chromium --headless --dump-dom): every element with a data-figure attribute is read,
named by its data-scope, data-campaign and data-sub-campaign, and its text must be the
figure as JSON gives it (null: empty); every figure of every scope of the JSON must be
on the page, and every bar of the calls-per-hour chart must carry its hour's count. The
page may hold no script, no external reference, nothing but what it draws itself.
Prints each difference and exits 1 if there is any. Used by tests/cli/t8600 (the page as
written) and tests/browser (the page as chromium renders it)."""
import json
import re
import sys
from html.parser import HTMLParser

FIGURES = ["start", "end", "records", "success", "failure", "dc_success", "dc_fail", "hold",
           "connect", "busy_agents", "max_per_hour", "current_hourly_rate", "avg_length",
           "in_progress"]
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}
RESULTS = ["connected", "busy", "no-answer", "answering-machine", "fax", "dropped",
           "invalid-number", "in-progress"]


class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # [key, text] of the figure elements being read
        self.found = {}  # key -> [text, ...]
        self.bars = {}  # hour -> calls
        self.problems = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "iframe", "object", "embed", "link", "img", "base"):
            self.problems.append(f"a <{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an event handler attribute {name} on <{tag}>")
            if name in ("src", "href", "xlink:href", "action") and value:
                self.problems.append(f"<{tag} {name}=\"{value}\">: a reference")
        if tag in VOID:
            return
        if "data-figure" in a:
            key = (a.get("data-scope"), a.get("data-campaign"), a.get("data-sub-campaign"),
                   a["data-figure"])
            self.open.append([key, ""])
        else:
            self.open.append(None)
        if tag == "rect" and "data-hour" in a:
            self.bars[a["data-hour"]] = a.get("data-calls")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.open.pop()

    def handle_endtag(self, tag):
        if tag in VOID or not self.open:
            return
        item = self.open.pop()
        if item:
            self.found.setdefault(item[0], []).append(item[1])

    def handle_data(self, data):
        for item in self.open:
            if item:
                item[1] += data


def text(v):
    if v is None:
        return ""
    if isinstance(v, (int, float)):
        return str(int(v))
    return str(v)


def expected(stats):
    want = {}

    def scope(row, kind):
        c, s = row.get("campaign"), row.get("sub_campaign")
        for f in FIGURES:
            want[(kind, c, s, f)] = text(row[f])
        for r in RESULTS:
            want[(kind, c, s, "results." + r)] = text(row["results"][r])

    total = stats["total"]
    scope(total, "total")
    for f in ("total_current_hourly_rate", "total_calls_in_progress"):
        want[("total", None, None, f)] = text(total[f])
    for c in stats["campaigns"]:
        scope(c, "campaign")
        for s in c["sub_campaigns"]:
            scope(s, "sub-campaign")
    return want


def main():
    page_path, json_path = sys.argv[1], sys.argv[2]
    page = Page()
    with open(page_path, encoding="utf-8") as f:
        page.feed(f.read())
    page.close()
    with open(json_path, encoding="utf-8") as f:
        stats = json.load(f)
    problems = list(page.problems)
    want = expected(stats)
    for key, value in sorted(want.items(), key=repr):
        got = page.found.get(key)
        if not got:
            problems.append(f"missing on the page: {key} (want {value!r})")
        elif any(g.strip() != value for g in got):
            problems.append(f"{key}: the page says {got}, -o json {value!r}")
    for key in page.found:
        if key not in want:
            problems.append(f"on the page but not in -o json: {key}")
    hours = {h["hour"]: text(h["calls"]) for h in stats["hours"]}
    if page.bars != hours:
        problems.append(f"calls per hour: the chart says {page.bars}, -o json {hours}")
    for p in problems:
        print(p)
    n = sum(len(v) for v in page.found.values())
    if not problems:
        print(f"{n} figures on the page, all as -o json gives them")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
