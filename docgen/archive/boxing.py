"""装盒（DA/T 22-2015 §6.4）：按页数装到容量为止；不同年度、类别、期限不混装；一个户卷不拆开；盒脊宽度按装入的页数取规格。"""

from __future__ import annotations

from collections import defaultdict

from docgen.archive.model import Box, Bundle, Volume


def box_units(bundle: Bundle, profile) -> None:
    cap = profile["装盒"]["每盒页数"]
    widths = sorted(profile["装盒"].get("盒脊宽度", [20, 30, 40, 50]))
    groups: dict[tuple, list] = defaultdict(list)
    for it in bundle.items:
        groups[(it.year, it.category, it.retention)].append(it)
    for v in bundle.volumes:
        groups[(v.year, v.category, v.retention)].append(v)
    n = 0
    for (year, cat, ret), units in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2])):
        units.sort(key=lambda u: u.number)
        cur: list = []
        pages = 0
        for u in units:
            p = u.pages if isinstance(u, Volume) else u.doc.pages
            if cur and pages + p > cap:
                n += 1
                bundle.boxes.append(Box(n, year, cat, ret, cur, pages, spine(pages, cap, widths)))
                cur, pages = [], 0
            cur.append(u)
            pages += p
        if cur:
            n += 1
            bundle.boxes.append(Box(n, year, cat, ret, cur, pages, spine(pages, cap, widths)))
    for box in bundle.boxes:
        for u in box.units:
            u.box = box.number
            if isinstance(u, Volume):
                for it in u.items:
                    it.box = box.number


def spine(pages: int, cap: int, widths: list[int]) -> int:
    """盒脊宽度：按装入的页数占容量的比例取最接近的规格（20/30/40/50 mm）。"""
    frac = pages / cap
    idx = min(len(widths) - 1, int(frac * len(widths) - 1e-9)) if frac > 0 else 0
    return widths[max(0, idx)]
