#!/usr/bin/env python3
"""Minimal extractor for Qt binary resource files (.rcc), stdlib only.

Usage: rcc_extract.py FILE.rcc OUTDIR [--list]
Writes every file in the resource tree under OUTDIR, keeping its resource
path.  Supports rcc format versions 1-3 with zlib compression (zstd-compressed
entries are reported and skipped).
"""
import os
import struct
import sys
import zlib


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, out = sys.argv[1], sys.argv[2]
    only_list = "--list" in sys.argv[3:]
    b = open(src, "rb").read()
    if b[:4] != b"qres":
        sys.exit(f"{src}: not an rcc file")
    version, tree, data, names = struct.unpack(">IIII", b[4:20])
    node = 22 if version >= 2 else 14

    def name(off):
        n = struct.unpack(">H", b[names + off:names + off + 2])[0]
        return b[names + off + 6:names + off + 6 + 2 * n].decode("utf-16-be")

    def walk(idx, prefix):
        p = tree + idx * node
        name_off, flags = struct.unpack(">IH", b[p:p + 6])
        nm = "" if idx == 0 else name(name_off)
        path = f"{prefix}/{nm}" if nm else prefix
        if flags & 2:
            count, first = struct.unpack(">II", b[p + 6:p + 14])
            for c in range(first, first + count):
                walk(c, path)
            return
        (doff,) = struct.unpack(">I", b[p + 10:p + 14])
        q = data + doff
        (size,) = struct.unpack(">I", b[q:q + 4])
        blob = b[q + 4:q + 4 + size]
        if flags & 4:
            print(f"skip (zstd): {path}", file=sys.stderr)
            return
        if flags & 1:
            blob = zlib.decompress(blob[4:])
        if only_list:
            print(f"{len(blob)}\t{path}")
            return
        dst = os.path.join(out, path.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(blob)

    walk(0, "")


if __name__ == "__main__":
    main()
