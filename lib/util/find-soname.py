#!/usr/bin/env python3
"""Prints the SONAME of a shared library, the name liborgctl dlopen()s it by (libgit2 and
libcrypto are loaded on first use: lib/store/git_load.c, lib/util/sha1.c). Read at
configure time from the library the build links against, so that the name loaded is the
one the headers are of, whatever the distribution calls it.

    find-soname.py LIBDIR NAME     (NAME as for -l: git2, crypto)
"""
import os
import subprocess
import sys


def main():
    libdir, name = sys.argv[1], sys.argv[2]
    path = os.path.join(libdir, "lib%s.so" % name)
    if not os.path.exists(path):
        sys.exit("find-soname.py: no %s" % path)
    out = subprocess.run(["readelf", "-d", path], check=True, capture_output=True, text=True)
    for line in out.stdout.splitlines():
        if "(SONAME)" in line and "[" in line:
            print(line[line.index("[") + 1 : line.rindex("]")])
            return
    sys.exit("find-soname.py: %s has no SONAME" % path)


if __name__ == "__main__":
    main()
