#!/usr/bin/env python3
"""Renders media/icon.png (128x128, RGBA): the extension's own mark, drawn here (no artwork copied).

A rounded dark-blue tile with three rising bars (datasets compared) under a pediment (the agora).
Anti-aliased by 4x4 supersampling. Only the standard library: zlib for the PNG's IDAT.
"""
import struct
import sys
import zlib

SIZE = 128
SS = 4  # samples per pixel side

BG = (22, 41, 74)
BARS = [(86, 196, 160), (246, 193, 66), (236, 104, 90)]
ROOF = (235, 240, 248)


def inside_rounded(x, y, x0, y0, x1, y1, r):
    if x < x0 or x > x1 or y < y0 or y > y1:
        return False
    cx = min(max(x, x0 + r), x1 - r)
    cy = min(max(y, y0 + r), y1 - r)
    return (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def in_triangle(x, y, a, b, c):
    def side(p, q):
        return (x - q[0]) * (p[1] - q[1]) - (p[0] - q[0]) * (y - q[1])

    d1, d2, d3 = side(a, b), side(b, c), side(c, a)
    neg = d1 < 0 or d2 < 0 or d3 < 0
    pos = d1 > 0 or d2 > 0 or d3 > 0
    return not (neg and pos)


def color_at(x, y):
    """Colour of a point (x, y in pixels, 0..128), or None outside the tile."""
    if not inside_rounded(x, y, 4, 4, 124, 124, 22):
        return None
    # pediment and architrave
    if in_triangle(x, y, (20, 46), (108, 46), (64, 18)):
        return ROOF
    if 20 <= x <= 108 and 49 <= y <= 55:
        return ROOF
    # three rising bars (columns), then the base
    for i, (h, col) in enumerate(zip((26, 38, 50), BARS)):
        bx = 28 + i * 26
        if bx <= x <= bx + 18 and 106 - h <= y <= 106:
            return col
    if 20 <= x <= 108 and 109 <= y <= 114:
        return ROOF
    return BG


def render():
    rows = []
    n = SS * SS
    for py in range(SIZE):
        row = bytearray([0])  # filter: none
        for px in range(SIZE):
            r = g = b = a = 0
            for sy in range(SS):
                for sx in range(SS):
                    c = color_at(px + (sx + 0.5) / SS, py + (sy + 0.5) / SS)
                    if c is not None:
                        r += c[0]
                        g += c[1]
                        b += c[2]
                        a += 255
            cov = a / 255
            if cov:
                row += bytes((round(r / cov), round(g / cov), round(b / cov), round(a / n)))
            else:
                row += bytes((0, 0, 0, 0))
        rows.append(bytes(row))
    return b"".join(rows)


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(raw):
    ihdr = struct.pack(">IIBBBBB", SIZE, SIZE, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


if __name__ == "__main__":
    out = sys.argv[1] if len(sys.argv) > 1 else "media/icon.png"
    with open(out, "wb") as f:
        f.write(png(render()))
