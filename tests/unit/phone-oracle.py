#!/usr/bin/env python3
"""The E.164 normaliser against libphonenumber (Debian's python3-phonenumbers) as an oracle.

Usage: phone-oracle.py PHONE_NORMALIZE (the helper tests/unit/phone-normalize.c builds).

Generates a few thousand numbers (fixed seed) from libphonenumber's example numbers of every
region, their last digits changed, written in the seeds' formats (issue 16 and
tests/data/directories: "+81 965-431-3024", "1.515.555.0100", "44.1632.960034",
"+1 317 123 4104", "(317) 555-1212", "317.555.1212", "1-317-555-1212", national numbers with
their trunk prefix, IDD prefixes "011"/"00"). Where phonenumbers parses a number with the
region as default and says is_possible_number, the normaliser must write the same E.164,
unless the difference is one of the deliberate ones below (lib/util/phone.c lists them):

- "nanp": a +1 number whose area code or exchange starts with 0 or 1, or that has no 10
  national digits: refused here (issue 16), possible to libphonenumber;
- "short": fewer than 8 digits in all: refused here (issue 16).
Any other difference fails the test.

Skipped (a TAP skip) only if the phonenumbers module is missing.
"""
import random
import subprocess
import sys

try:
    import phonenumbers
    from phonenumbers import PhoneMetadata, PhoneNumberFormat, PhoneNumberType
except ImportError:
    print("1..0 # SKIP python3-phonenumbers is not installed")
    sys.exit(0)

COUNT = 4000
TYPES = [PhoneNumberType.FIXED_LINE, PhoneNumberType.MOBILE, PhoneNumberType.TOLL_FREE,
         PhoneNumberType.VOIP, PhoneNumberType.UAN, PhoneNumberType.PERSONAL_NUMBER]


def groups(digits, sizes, sep):
    out, i = [], 0
    for s in sizes:
        if i >= len(digits):
            break
        out.append(digits[i:i + s])
        i += s
    if i < len(digits):
        out[-1] += digits[i:]
    return sep.join(out)


def spell(rng, region, cc, nsn, meta):
    """The number in one of the seeds' formats, and whether it is national."""
    trunk = meta.national_prefix or ""
    idd = {"US": "011", "CA": "011"}.get(region, "00")
    style = rng.randrange(10)
    if style == 0:   # dummyjson: "+81 965-431-3024"
        return "+%d %s" % (cc, groups(nsn, (3, 3, 4), "-"))
    if style == 1:   # oracle oe: "+1 317 123 4104", "+91 80 012 4123"
        return "+%d %s" % (cc, groups(nsn, (2, 3, 4) if cc != 1 else (3, 3, 4), " "))
    if style == 2:   # oracle hr: "1.515.555.0100", "44.1632.960034": country code, no '+'
        return "%d.%s" % (cc, groups(nsn, (4, 6) if cc != 1 else (3, 3, 4), "."))
    if style == 3:   # "(317) 555-1212" and national with the trunk prefix in parentheses
        if cc == 1:
            return "(%s) %s" % (nsn[:3], groups(nsn[3:], (3, 4), "-"))
        return "(%s) %s" % (trunk, groups(nsn, (3, 3, 4), " ")) if trunk else nsn
    if style == 4:   # "317.555.1212"
        return groups(nsn, (3, 3, 4), ".")
    if style == 5:   # "1-317-555-1212": trunk prefix, dashes
        return "-".join(filter(None, [trunk, groups(nsn, (3, 3, 4), "-")]))
    if style == 6:   # international prefix
        return "%s %d %s" % (idd, cc, groups(nsn, (3, 3, 4), " "))
    if style == 7:   # "+44 (0)20 8765 4321"
        return "+%d (%s)%s" % (cc, trunk, nsn) if trunk else "+%d%s" % (cc, nsn)
    if style == 8:   # bare digits, national
        return trunk + nsn
    return "+%d/%s" % (cc, groups(nsn, (3, 4), "/"))


def generate(rng):
    regions = sorted(phonenumbers.SUPPORTED_REGIONS)
    cases = []
    while len(cases) < COUNT:
        # Half the numbers North American, as the seeds' are; the rest from everywhere.
        region = rng.choice(["US", "CA"]) if rng.random() < 0.5 else rng.choice(regions)
        example = phonenumbers.example_number_for_type(region, rng.choice(TYPES))
        if example is None:
            continue
        nsn = str(example.national_number)
        keep = rng.randrange(2, 5)
        nsn = nsn[:keep] + "".join(rng.choice("0123456789") for _ in nsn[keep:])
        meta = PhoneMetadata.metadata_for_region(region)
        cases.append((region, spell(rng, region, example.country_code, nsn, meta)))
    return cases


def main():
    normalize = sys.argv[1]
    rng = random.Random(16)
    cases = generate(rng)
    by_region = {}
    for region, text in cases:
        by_region.setdefault(region, []).append(text)
    ours = {}
    for region, texts in by_region.items():
        out = subprocess.run([normalize, region], input="\n".join(texts) + "\n",
                             capture_output=True, text=True, check=True).stdout.splitlines()
        assert len(out) == len(texts), (region, len(out), len(texts))
        for text, answer in zip(texts, out):
            ours[(region, text)] = answer

    compared = agree = 0
    deliberate = {"nanp": 0, "short": 0}
    wrong = []
    for region, text in cases:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        if not phonenumbers.is_possible_number(number):
            continue
        compared += 1
        want = phonenumbers.format_number(number, PhoneNumberFormat.E164)
        got = ours[(region, text)]
        if got == want:
            agree += 1
            continue
        nsn = str(number.national_number)
        if number.country_code == 1 and (len(nsn) != 10 or nsn[0] in "01" or nsn[3] in "01"):
            kind = "nanp"
            ok = got.startswith("error -1") and got.split()[1] in ("-13", "-14", "-15")
        elif len(want) < 9:
            kind, ok = "short", got.startswith("error -9 ")
        else:
            kind, ok = None, False
        if ok:
            deliberate[kind] += 1
        else:
            wrong.append((region, text, want, got))

    n = 0

    def check(cond, what):
        nonlocal n
        n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", n, what))

    print("# phonenumbers %s; %d generated, %d possible to it: %d agree, deliberate %s"
          % (phonenumbers.__version__, len(cases), compared, agree, deliberate))
    for region, text, want, got in wrong[:40]:
        print("# %s %r: libphonenumber %s, here %s" % (region, text, want, got))
    check(compared >= 2000, "at least 2000 possible numbers compared (%d)" % compared)
    check(not wrong, "every one agrees or is a deliberate difference (%d do not)" % len(wrong))
    check(agree >= compared * 8 // 10, "most agree (%d of %d)" % (agree, compared))
    check(deliberate["nanp"] > 0, "the NANP refusals were exercised (%d)" % deliberate["nanp"])
    print("1..%d" % n)
    return 1 if wrong else 0


sys.exit(main())
