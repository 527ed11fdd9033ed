#!/usr/bin/env python3
"""Makes the open fonts baosong ships in assets/fonts/ for 公文-style reports
on machines without the 公文 fonts (方正小标宋简体, 仿宋, 黑体, 楷体).

Each is a subset of a font Debian packages (fonts-noto-cjk, fonts-lxgw-wenkai)
to the characters of GB 2312 (6,763 hanzi and 682 symbols) plus ASCII and
common punctuation, so the repository carries a few MB instead of ~90 MB.
Re-run after a font update:

    python3 scripts/subset-fonts.py [--src DIR] [--out assets/fonts]

Needs fonttools (pip install fonttools). LXGW WenKai's licence reserves the
names "LXGW" and "霞鹜" for unmodified fonts, so its subset is renamed
"WenKai GB Subset" (文楷GB子集); the Noto fonts reserve only "Source" and
keep their names.
"""

import argparse
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

NOTO = "/usr/share/fonts/opentype/noto"
LXGW = "/usr/share/fonts/truetype/lxgw-wenkai"

# (output file, source file, face index in a .ttc or None, new family names or None)
FONTS = [
    ("NotoSerifCJKsc-Regular-GB2312.otf", f"{NOTO}/NotoSerifCJK-Regular.ttc", "Noto Serif CJK SC", None),
    ("NotoSansCJKsc-Regular-GB2312.otf", f"{NOTO}/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", None),
    ("WenKaiGBSubset-Regular.ttf", f"{LXGW}/LXGWWenKai-Regular.ttf", None, ("WenKai GB Subset", "文楷GB子集")),
]


def gb2312():
    """Every character GB 2312 encodes."""
    chars = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([hi, lo]).decode("gb2312")))
            except UnicodeDecodeError:
                pass
    return chars


def punctuation():
    """ASCII, Latin-1 punctuation and the punctuation, numbering and symbols
    Chinese office documents use beyond GB 2312."""
    ranges = [
        (0x20, 0x7E),      # ASCII
        (0xA0, 0xBF),      # Latin-1 punctuation and signs
        (0xD7, 0xD7), (0xF7, 0xF7),  # × ÷
        (0x2010, 0x2027),  # dashes, quotes, bullet, ellipsis
        (0x2030, 0x203B),  # ‰ ′ ″ ※
        (0x2116, 0x2116),  # №
        (0x2160, 0x217F),  # Roman numerals
        (0x2190, 0x2199),  # arrows
        (0x2460, 0x24FF),  # ① ⑴ ⒈ and circled letters
        (0x25A0, 0x25CF),  # ■ □ ▲ △ ◆ ◇ ○ ●
        (0x2605, 0x2606),  # ★ ☆
        (0x3000, 0x303F),  # CJK symbols and punctuation
        (0x3200, 0x32FF),  # enclosed CJK (㈠ …)
        (0xFE30, 0xFE4F),  # CJK compatibility forms
        (0xFF01, 0xFF5E),  # full-width forms
        (0xFFE0, 0xFFE6),  # full-width signs
    ]
    return {c for lo, hi in ranges for c in range(lo, hi + 1)}


def load(path, family):
    if path.endswith(".ttc"):
        for font in TTCollection(path).fonts:
            if font["name"].getDebugName(1) == family:
                return font
        sys.exit(f"{path} has no face {family!r}")
    return TTFont(path)


def rename(font, family):
    """Replaces every family, full and PostScript name (the OFL's reserved
    names must not stay on a modified font)."""
    en, zh = family
    style = font["name"].getDebugName(2) or "Regular"
    ps = en.replace(" ", "") + "-" + style
    name = font["name"]
    for rec in list(name.names):
        if rec.nameID in (1, 4, 16, 21):
            text = zh if rec.langID in (0x804, 33) else en
            if rec.nameID == 4:
                text = f"{text} {style}" if style != "Regular" else text
            name.setName(text, rec.nameID, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 3:
            name.setName(f"{ps};subset", 3, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID == 6:
            name.setName(ps, 6, rec.platformID, rec.platEncID, rec.langID)
        elif rec.nameID in (17, 22):
            pass
    if "CFF " in font:
        font["CFF "].cff.fontNames = [ps]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "assets", "fonts"))
    args = parser.parse_args()
    unicodes = sorted(gb2312() | punctuation())
    options = subset.Options()
    options.layout_features = ["*"]  # vertical forms, proportional punctuation, …
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.hinting = False
    options.notdef_outline = True
    options.drop_tables += ["DSIG"]
    for out, src, face, family in FONTS:
        font = load(src, face)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=unicodes)
        subsetter.subset(font)
        if family:
            rename(font, family)
        path = os.path.join(args.out, out)
        font.save(path)
        print(f"{path}: {os.path.getsize(path) / 1048576:.2f} MB, {len(font.getBestCmap())} characters")


if __name__ == "__main__":
    main()
