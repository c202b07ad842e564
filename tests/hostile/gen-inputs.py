#!/usr/bin/env python3
"""Writes the hostile inputs of tests/hostile into OUTDIR, deterministically.

Usage: gen-inputs.py OUTDIR

Each input is a file whose bytes are the input as given: a name, an e-mail, a setting
value or a time (no final newline; a case reads it with "$(v name/rlo)"), or a whole CSV
or archive for "orgctl bulk create". Nothing here is random and nothing is downloaded;
the bombs are small on disk (kilobytes) and large only once inflated.
"""
import gzip
import io
import os
import sys
import zipfile
import zlib

OUT = sys.argv[1] if len(sys.argv) > 1 else "inputs"
HEADER = b"kind,op,name,email\n"


def put(path, data):
    path = os.path.join(OUT, path)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
    with open(path, "wb") as f:
        f.write(data)


def csv_row(name=b"dave", email=b"dave@acme.example"):
    return HEADER + b"user,create," + name + b"," + email + b"\n"


def gz(data, level=9):
    buf = io.BytesIO()
    # mtime 0: the same bytes on every run.
    with gzip.GzipFile(fileobj=buf, mode="wb", compresslevel=level, mtime=0) as f:
        f.write(data)
    return buf.getvalue()


def gz_stream(chunk, count, first=b""):
    """A gzip stream of `first`, then `chunk` repeated `count` times, never held whole."""
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [comp.compress(first)] + [comp.compress(chunk) for _ in range(count)]
    parts.append(comp.flush())
    return b"".join(parts)


def zip_of(members, compression=zipfile.ZIP_DEFLATED):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as z:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 2, 3, 4, 6))
            info.compress_type = compression
            z.writestr(info, data)
    return buf.getvalue()


# Names: each refused (spoofing, invisible, control, not UTF-8, no name at all).
names = {
    "rlo": "\u202eevil",  # RIGHT-TO-LEFT OVERRIDE
    "lre": "a\u202ab",
    "pdf": "a\u202cb",
    "lri": "a\u2066b",
    "pdi": "a\u2069b",
    "alm": "a\u061cb",  # ARABIC LETTER MARK
    "lrm": "a\u200eb",  # LEFT-TO-RIGHT MARK
    "bom": "\ufeffbob",
    "bom-inner": "bo\ufeffb",
    "nbsp": "\u00a0",
    "nbsp-inner": "bob\u00a0smith",
    "narrow-nbsp": "bob\u202fsmith",
    "zwsp": "a\u200bb",
    "zwnj": "a\u200cb",
    "zwj": "a\u200db",
    "word-joiner": "\u2060",
    "soft-hyphen": "bob\u00ad",
    "ideographic-space": "a\u3000b",
    "line-separator": "x\u2028y",
    "paragraph-separator": "x\u2029y",
    "nel": "z\u0085",
    "csi-c1": "a\u009b31m",
    "tag": "\U000e0041tag",
    "hangul-filler": "\u3164",
    "esc": "a\x1b[2Jb",
    "bel": "a\x07b",
    "del": "a\x7fb",
    "cr": "a\rb",
    "tab": "a\tb",
    "newline": "a\nb",
    "slash": "a/b",
    "dot": ".",
    "dotdot": "..",
    "huge": "n" * 100000,
}
for key, value in names.items():
    put("name/" + key, value)
# Bytes that are no UTF-8 at all.
put("name/invalid-utf8", b"bob\xff")
put("name/overlong", b"a\xc0\xafb")
put("name/surrogate", b"a\xed\xa0\x80b")
put("name/truncated-utf8", b"bob\xe2\x80")

# E-mails outside RFC 5321 (64 / 254) or with a domain that is no domain.
label63 = "b" * 63
emails = {
    "local-65": "a" * 65 + "@acme.example",
    "total-255": "x" * 60 + "@" + ".".join([label63, label63, label63, "c" * 30]) + ".ex",
    "label-64": "a@" + "b" * 64 + ".example",
    "dot-domain": "a@.b.c",
    "double-dot-domain": "a@b..c",
    "dash-label": "a@-b.c",
    "label-dash": "a@b-.c",
    "no-dot": "a@b",
    "no-at": "alice.acme.example",
    "two-at": "a@b@c.d",
    "empty-local": "@acme.example",
    "empty-domain": "a@",
    "space": "a b@acme.example",
    "nbsp": "a\u00a0b@acme.example",
    "rlo": "a\u202e@acme.example",
    "esc": "a\x1b[31m@acme.example",
    "underscore-domain": "a@b.c_d",
    "trailing-dot": "a@acme.example.",
    "huge": "y" * 100000 + "@b.cd",
}
for key, value in emails.items():
    put("email/" + key, value)
put("email/invalid-utf8", b"\xff@acme.example")

# Times: no calendar time, or one git cannot record.
times = {
    "feb-30": "2026-02-30T00:00:00Z",
    "feb-29-2025": "2025-02-29",
    "month-13": "2026-13-01",
    "hour-24": "2026-01-01T24:00:00Z",
    "minute-60": "2026-01-01T10:60:00Z",
    "before-1970": "1969-12-31T23:59:59Z",
    "year-1": "0001-01-01",
    "after-2106": "2106-02-07T06:28:16Z",
    "year-2107": "2107-01-01",
    "year-9999": "9999-12-31",
    "huge-year": "99999999999-01-01",
    "garbage": "yesterday",
    "leading-space": " 2026-01-01",
    "trailing-garbage": "2026-01-01T00:00:00Zjunk",
    "offset": "2026-01-01T10:00:00+02:00",
    "unix-seconds": "1767323045",
    "negative": "-1",
    "esc": "2026-01-01\x1b[2J",
}
for key, value in times.items():
    put("time/" + key, value)

# Numbers that are no plain number.
for key, value in {
    "leading-space": " 7",
    "trailing-space": "7 ",
    "plus": "+7",
    "hex": "0x7",
    "float": "7.5",
    "exp": "1e3",
    "negative": "-1",
    "huge": "99999999999999999999",
    "empty": "",
    "nbsp": "7\u00a0",
    "fullwidth": "\uff17",
}.items():
    put("number/" + key, value)

# Option keys and values, and setting values.
put("option/key-soh", "k\x01ey=v")
put("option/key-esc", "k\x1b[2Jey=v")
put("option/key-rlo", "k\u202eey=v")
put("option/key-empty", "=v")
put("option/key-huge", "k" * 100000 + "=v")
put("option/value-esc", "key=v\x1b]0;pwned\x07")
put("option/value-huge", "key=" + "v" * 100000)
put("option/key-invalid-utf8", b"k\xffey=v")
put("setting/tz-traversal", "tz=../../../../etc/passwd")
put("setting/tz-esc", "tz=Europe/\x1b[2JParis")
put("setting/tz-huge", "tz=" + "A" * 100000)
put("setting/lang-esc", "lang=e\x1bn")
put("setting/key-control", "t\x01z=UTC")
put("setting/key-rlo", "\u202etz=UTC")
put("password/invalid-utf8", b"\xff\xfelongenough1\n")
put("password/nul", b"longen\x00ough1\n")
put("password/huge", b"p" * 10000000 + b"\n")

# CSVs for bulk create.
put("csv/invalid-utf8.csv", csv_row(b"dave", b"d\xff@acme.example"))
put("csv/overlong.csv", csv_row(b"b\xc0\xafob"))
put("csv/nul.csv", csv_row(b"b\x00ob"))
put("csv/bom-inner.csv", csv_row("bo\ufeffb".encode()))
put("csv/bom-twice.csv", b"\xef\xbb\xbf\xef\xbb\xbf" + csv_row())
put("csv/utf16le-bom.csv", b"\xff\xfe" + csv_row().decode().encode("utf-16-le"))
put("csv/rlo-name.csv", csv_row("\u202eevil".encode()))
put("csv/nbsp-name.csv", csv_row("\u00a0".encode()))
put("csv/esc-name.csv", csv_row(b"a\x1b[2Jb"))
put("csv/esc-full-name.csv",
    b"kind,op,name,email,full-name\nuser,create,dave,dave@acme.example,\x1b]0;pwned\x07x\n")
put("csv/formula-name.csv", csv_row(b"=cmd|' /C calc'!A0"))
put("csv/formula-email.csv", csv_row(b"dave", b"=HYPERLINK(\"http://x\")"))
put("csv/bad-email.csv", csv_row(b"dave", b"a@.b.c"))
put("csv/huge-field.csv", csv_row(b"n" * 16000000))
put("csv/huge-quoted-field.csv", HEADER + b"user,create,\"" + b"q" * 16000000 + b"\",b@acme.example\n")
put("csv/huge-header.csv", b"kind,op,name," + b"h" * 4000000 + b"\n")
put("csv/unterminated-quote.csv", HEADER + b"user,create,\"bob,bob@acme.example\n")
put("csv/stray-quote.csv", HEADER + b"user,create,bo\"b,bob@acme.example\n")
put("csv/too-many-fields.csv", HEADER + b"user,create,bob,bob@acme.example,x,y\n")
put("csv/many-columns.csv", b",".join(b"c%d" % i for i in range(100000)) + b"\n")
put("csv/only-header.csv", HEADER)
put("csv/empty.csv", b"")
put("csv/only-newlines.csv", b"\n" * 100000)
put("csv/duplicate-header.csv", b"kind,op,name,name\nuser,create,bob,carl\n")
put("csv/control-header.csv", b"kind,op,na\x1bme,email\nuser,create,bob,bob@acme.example\n")
put("csv/bad-level.csv",
    b"kind,op,name,skill,level\nuser,skill-set,alice,java, 7\n")
put("csv/many-errors.csv", HEADER + b"".join(
    b"user,create,bad\xe2\x80\xae%d,x@.y\n" % i for i in range(50000)))
put("csv/many-long-errors.csv", HEADER + b"".join(
    b"user,create,\xe2\x80\xae" + b"L" * 5000 + b",x@.y\n" for _ in range(2000)))

# Compressed: truncated, trailing garbage, bombs (small on disk).
good = csv_row()
put("gz/truncated.csv.gz", gz(good)[:-6])
put("gz/truncated-header.csv.gz", gz(good)[:12])
put("gz/trailing-garbage.csv.gz", gz(good) + b"garbage after the stream")
put("gz/trailing-zeros.csv.gz", gz(good) + b"\x00" * 4096)
put("gz/bad-crc.csv.gz", gz(good)[:-8] + b"\xde\xad\xbe\xef" + gz(good)[-4:])
put("gz/not-gzip.csv.gz", b"this is not gzip at all\n")
put("gz/empty.csv.gz", b"")
put("gz/empty-stream.csv.gz", gz(b""))
# 1 GiB of zeros (about 1 MB on disk): NUL bytes from the first one.
put("gz/bomb-zeros.csv.gz", gz_stream(b"\x00" * (1 << 20), 1024))
# 1 GiB of one field that never ends (no newline, no comma).
put("gz/bomb-field.csv.gz", gz_stream(b"A" * (1 << 20), 1024, b"kind,op,name,email\nuser,create,"))
# 512 MiB of one valid row, again and again (some 18 million): the documented row and byte limits must stop it.
row = b"user,create,u,u@acme.example\n"
put("gz/bomb-rows.csv.gz", gz_stream(row * ((1 << 20) // len(row)), 512, HEADER))
# 80,000 distinct valid rows (2.6 MB as read): past a lowered bulk.max_rows or
# bulk.max_megabytes.
put("gz/many-rows.csv.gz", gz(HEADER + b"".join(
    b"user,create,m%d,m%d@acme.example\n" % (i, i) for i in range(80000))))
# A gzip holding a gzip holding a CSV, and a gzip holding a zip.
put("gz/nested-gz.csv.gz", gz(gz(good)))
put("gz/zip-in-gz.csv.gz", gz(zip_of([("a.csv", good)])))

# Zip archives.
put("zip/traversal.zip", zip_of([("../../../../tmp/orgctl-hostile-escape.csv", good)]))
put("zip/absolute.zip", zip_of([("/tmp/orgctl-hostile-abs.csv", good)]))
put("zip/many-members.zip", zip_of([("m%05d.csv" % i, good) for i in range(5000)]))
put("zip/two-members.zip", zip_of([("a.csv", good), ("b.csv", good)]))
put("zip/empty.zip", zip_of([]))
put("zip/only-dir.zip", zip_of([("dir/", b"")]))
put("zip/nested-zip.zip", zip_of([("inner.zip", zip_of([("a.csv", good)]))]))
put("zip/gz-in-zip.zip", zip_of([("a.csv.gz", gz(good))]))
put("zip/bomb.zip", zip_of([("a.csv", b"\x00" * (256 << 20))]))
put("zip/bomb-field.zip", zip_of([("a.csv", b"A" * (256 << 20))]))
put("zip/truncated.zip", zip_of([("a.csv", good * 100)])[:-40])
put("zip/not-zip.zip", b"PK\x03\x04 but nothing else\n")
put("zip/trailing-garbage.zip", zip_of([("a.csv", good)]) + b"garbage" * 100)
put("zip/control-name.zip", zip_of([("a\x1b[2J.csv", good)]))
put("zip/invalid-utf8-member.zip", zip_of([("a.csv", csv_row(b"b\xffob"))]))
put("zip/stored-nul.zip", zip_of([("a.csv", csv_row(b"b\x00ob"))], zipfile.ZIP_STORED))

# Objects for the damaged-tree cases (written into a clone with plain git).
put("object/not-json.json", b"{ this is not JSON\n")
put("object/wrong-shape.json", b"[1, 2, 3]\n")
put("object/nul.json", b"{\"name\": \"a\x00b\"}\n")
put("object/deep.json", b"[" * 100000 + b"]" * 100000 + b"\n")
