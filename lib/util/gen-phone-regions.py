#!/usr/bin/python3
"""Writes lib/util/phone_regions.h: the table of telephone regions the E.164 normaliser
(lib/util/phone.c) works from, made from libphonenumber's metadata as Debian's
python3-phonenumbers ships it (Debian's python3, where that package is installed):

    /usr/bin/python3 lib/util/gen-phone-regions.py >lib/util/phone_regions.h

For each region (ISO 3166 alpha-2 code) and each non-geographic entity (libphonenumber's
"001", reachable only with '+'):
- its country calling code and national trunk prefix (national_prefix);
- the lengths a national significant number may have there (general_desc possible_length,
  local-only lengths left out);
- the pattern of its national numbers (general_desc national_number_pattern), a regular
  expression upstream, here compiled to a minimal DFA over the ten digits (all patterns
  share one transition table), so that the normaliser matches a number in one pass without
  a regex engine; each DFA is checked against Python's re on thousands of strings;
- its international (IDD) prefixes and its prefixes for parsing (national_prefix_for_parsing:
  the trunk prefix, or carrier codes with it), DFAs likewise ('~', "wait for a tone",
  dropped). A prefix-for-parsing rule that rewrites the number (a transform rule) is not
  followed: such a region parses with its trunk prefix only.
"""
import random
import re
import re._constants as C
import re._parser as sre_parse
import sys

import phonenumbers
from phonenumbers import PhoneMetadata


DIGITS = "0123456789"

class NFA:
    def __init__(self):
        self.eps, self.trans = [], []
    def new(self):
        self.eps.append([]); self.trans.append([]); return len(self.eps) - 1

def charset(items):
    s, neg = set(), False
    for op, av in items:
        if op is C.LITERAL: s.add(chr(av))
        elif op is C.RANGE: s.update(chr(c) for c in range(av[0], av[1] + 1))
        elif op is C.CATEGORY and av is C.CATEGORY_DIGIT: s.update(DIGITS)
        elif op is C.NEGATE: neg = True
        else: raise ValueError("unsupported class item %r" % (op,))
    s &= set(DIGITS)
    return set(DIGITS) - s if neg else s

def build(nfa, items, cur):
    for op, av in items:
        if op is C.LITERAL:
            n = nfa.new(); nfa.trans[cur].append((frozenset(chr(av)) & frozenset(DIGITS), n)); cur = n
        elif op is C.IN:
            n = nfa.new(); nfa.trans[cur].append((frozenset(charset(av)), n)); cur = n
        elif op is C.SUBPATTERN:
            cur = build(nfa, av[-1], cur)
        elif op is C.BRANCH:
            end = nfa.new()
            for alt in av[1]:
                s = nfa.new(); nfa.eps[cur].append(s)
                nfa.eps[build(nfa, alt, s)].append(end)
            cur = end
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT):
            mn, mx, sub = av
            for _ in range(mn): cur = build(nfa, sub, cur)
            if mx is C.MAXREPEAT:
                loop = nfa.new(); nfa.eps[cur].append(loop)
                nfa.eps[build(nfa, sub, loop)].append(loop); cur = loop
            else:
                for _ in range(mx - mn):
                    n = nfa.new(); nfa.eps[cur].append(n)
                    nfa.eps[build(nfa, sub, cur)].append(n); cur = n
        else:
            raise ValueError("unsupported regex op %r" % (op,))
    return cur

def closure(nfa, states):
    stack, seen = list(states), set(states)
    while stack:
        s = stack.pop()
        for t in nfa.eps[s]:
            if t not in seen: seen.add(t); stack.append(t)
    return frozenset(seen)

def dfa(pattern):
    """Minimal DFA of the digit strings `pattern` matches whole: (transitions, accepting),
    state 0 the start, None a dead transition."""
    nfa = NFA(); start = nfa.new()
    end = build(nfa, sre_parse.parse(pattern), start)
    s0 = closure(nfa, [start])
    index, order, trans, acc = {s0: 0}, [s0], [], []
    i = 0
    while i < len(order):
        S = order[i]; row = []
        for d in DIGITS:
            T = closure(nfa, [t for s in S for (cs, t) in nfa.trans[s] if d in cs])
            if not T: row.append(None); continue
            if T not in index: index[T] = len(order); order.append(T)
            row.append(index[T])
        trans.append(row); acc.append(end in S); i += 1
    # Moore minimisation
    part = [int(a) for a in acc]
    while True:
        sig = [(part[s],) + tuple(None if t is None else part[t] for t in trans[s]) for s in range(len(trans))]
        ids = {}
        new = [ids.setdefault(x, len(ids)) for x in sig]
        if len(ids) == len(set(part)):
            break
        part = new
    # renumber with start first
    remap = {}
    for s in range(len(trans)):
        remap.setdefault(part[s], len(remap))
    m = [None] * len(remap); ma = [False] * len(remap)
    for s in range(len(trans)):
        k = remap[part[s]]
        m[k] = [None if t is None else remap[part[t]] for t in trans[s]]; ma[k] = acc[s]
    return m, ma



def check_dfa(key, pattern, table, final, meta):
    """Asserts the DFA accepts what re.fullmatch does, on example numbers, their prefixes and
    extensions and random digit strings."""
    rx = re.compile(pattern)
    rng = random.Random(key)
    samples = []
    for desc in () if meta is None else (meta.fixed_line, meta.mobile, meta.toll_free, meta.premium_rate,
                 meta.shared_cost, meta.personal_number, meta.voip, meta.pager, meta.uan,
                 meta.voicemail):
        if desc is not None and desc.example_number:
            e = desc.example_number
            samples += [e, e[:-1], e + "0", "0" + e, "1" + e[1:]]
            samples += [e[:3] + "".join(rng.choice(DIGITS) for _ in e[3:]) for _ in range(200)]
    samples += ["".join(rng.choice(DIGITS) for _ in range(rng.randrange(1, 18)))
                for _ in range(2000)]
    for text in samples:
        state = 0
        for ch in text:
            state = table[state][int(ch)]
            if state is None:
                break
        assert (state is not None and final[state]) == bool(rx.fullmatch(text)), (key, text)


def lengths_mask(meta):
    lengths = set(meta.general_desc.possible_length or ())
    if not lengths or -1 in lengths:
        lengths = set()
        for desc in (meta.fixed_line, meta.mobile, meta.toll_free, meta.premium_rate,
                     meta.shared_cost, meta.personal_number, meta.voip, meta.pager, meta.uan,
                     meta.voicemail):
            if desc is not None and desc.possible_length:
                lengths.update(l for l in desc.possible_length if l > 0)
    mask = 0
    for n in lengths:
        mask |= 1 << n
    return mask


def parsing_prefix_pattern(meta):
    """The national prefix for parsing when it does not rewrite the number, else the trunk
    prefix itself."""
    if meta.national_prefix_for_parsing and not meta.national_prefix_transform_rule:
        return meta.national_prefix_for_parsing
    return re.escape(meta.national_prefix) if meta.national_prefix else None


entries = []  # (key, iso2, meta)
for iso in sorted(phonenumbers.SUPPORTED_REGIONS):
    entries.append((iso, iso, PhoneMetadata.metadata_for_region(iso)))
for cc in sorted(phonenumbers.COUNTRY_CODES_FOR_NON_GEO_REGIONS):
    entries.append(("001/%d" % cc, "", PhoneMetadata.metadata_for_nongeo_region(cc)))

index_of = {key: i for i, (key, _, _) in enumerate(entries)}
main_region = {}
for cc, regions in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items():
    region = regions[0]
    main_region[cc] = index_of["001/%d" % cc] if region == "001" else index_of[region]

out = sys.stdout
out.write(
    "/* Generated by lib/util/gen-phone-regions.py from python3-phonenumbers %s (libphonenumber's\n"
    " * metadata): do not edit. %d regions and non-geographic entities, %d country calling codes.\n"
    " * Internal: lib/util/phone.c includes it once. */\n"
    % (phonenumbers.__version__, len(entries), len(main_region)))
out.write("#define ORGCTL_PHONE_METADATA \"libphonenumber %s\"\n\n" % phonenumbers.__version__)
out.write("/* clang-format off */\n")
dfa_rows, dfa_final = [], []


def add_dfa(key, pattern, meta=None):
    """Appends the DFA of pattern to the shared table; its start state (0: no pattern)."""
    if not pattern:
        return 0
    pattern = pattern.replace("~", "")
    table, final = dfa(pattern)
    check_dfa(key, pattern, table, final, meta)
    base = len(dfa_rows) + 1  # state 0 of the C table is the dead state
    for row, fin in zip(table, final):
        dfa_rows.append([0 if t is None else base + t for t in row])
        dfa_final.append(fin)
    return base


starts = [(add_dfa(key, meta.general_desc.national_number_pattern, meta),
           add_dfa(key, meta.international_prefix), add_dfa(key, parsing_prefix_pattern(meta)))
          for key, _, meta in entries]
assert len(dfa_rows) < 65535
out.write("/* The national number patterns: state s goes to phone_dfa[s][digit]; 0 is dead. */\n")
out.write("static const uint16_t phone_dfa[%d][10] = {\n    {0},\n" % (len(dfa_rows) + 1))
for row in dfa_rows:
    out.write("    {%s},\n" % ",".join(str(t) for t in row))
out.write("};\n\n/* Whether state s accepts: bit s %% 8 of phone_dfa_final[s / 8]. */\n")
bits = [0] * ((len(dfa_rows) + 1 + 7) // 8)
for s_, fin in enumerate(dfa_final, 1):
    if fin:
        bits[s_ // 8] |= 1 << (s_ % 8)
out.write("static const uint8_t phone_dfa_final[%d] = {\n" % len(bits))
for i in range(0, len(bits), 16):
    out.write("    %s,\n" % ",".join(str(b) for b in bits[i:i + 16]))
out.write("};\n\n")
out.write("/* iso2, country code, trunk prefix, possible national lengths (bit n: n digits), start\n"
          " * states of the patterns of national numbers, IDD prefixes, prefixes for parsing */\n")
out.write("static const struct orgctl_phone_region phone_regions[] = {\n")
for (key, iso, meta), (number, idd, parsing) in zip(entries, starts):
    trunk = meta.national_prefix or ""
    assert re.fullmatch(r"\d{0,4}", trunk), (key, trunk)
    out.write('    {"%s", %d, "%s", 0x%05x, %d, %d, %d}, /* %s */\n'
              % (iso, meta.country_code, trunk, lengths_mask(meta), number, idd, parsing, key))
out.write("};\n\n")

# Region by ISO code: index + 1 into phone_regions, by (letter1 - 'A') * 26 + (letter2 - 'A').
by_iso = [0] * (26 * 26)
for i, (key, iso, _) in enumerate(entries):
    if iso:
        by_iso[(ord(iso[0]) - 65) * 26 + ord(iso[1]) - 65] = i + 1
out.write("/* index + 1 into phone_regions of region AB at ('A' - 'A') * 26 + ('B' - 'A'), 0 if none */\n")
out.write("static const uint16_t phone_region_by_iso[26 * 26] = {\n")
for row in range(26):
    out.write("    " + ", ".join(str(v) for v in by_iso[row * 26:(row + 1) * 26]) + ",\n")
out.write("};\n\n")
out.write("/* index + 1 into phone_regions of the main region of each country calling code, 0 if none */\n")
out.write("static const uint16_t phone_region_by_code[1000] = {\n")
for cc in sorted(main_region):
    out.write("    [%d] = %d,\n" % (cc, main_region[cc] + 1))
out.write("};\n/* clang-format on */\n")
