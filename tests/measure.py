"""在渲染出的 PDF 上量版面：行、字、位置（毫米）、字体。测试共用。"""

from __future__ import annotations

from dataclasses import dataclass

import pymupdf

PT_MM = 25.4 / 72
EM_TOP = 0.88  # 思源/Noto CJK、Fandol 等中文字体的字面框顶端在基线上 0.88 em


@dataclass
class Line:
    text: str
    x0: float  # mm
    x1: float
    em_top: float  # 字面框顶端 y（mm）
    baseline: float
    size: float  # pt
    fonts: set[str]
    vertical: bool


def lines(page: pymupdf.Page) -> list[Line]:
    """页面上的文字行（按视觉行：同一基线的文字合并）。"""
    out = []
    for b in page.get_text("dict")["blocks"]:
        for ln in b.get("lines", []):
            spans = [s for s in ln["spans"] if s["text"].strip()]
            if not spans:
                continue
            text = "".join(s["text"] for s in ln["spans"])
            size = max(s["size"] for s in spans)
            base = spans[0]["origin"][1]
            vertical = abs(ln["dir"][0]) < 0.5
            out.append(Line(text, ln["bbox"][0] * PT_MM, ln["bbox"][2] * PT_MM, (base - EM_TOP * size) * PT_MM,
                            base * PT_MM, size, {s["font"] for s in spans}, vertical))
    # 同一基线上的多个 line 合并为一行
    merged: list[Line] = []
    for ln in sorted(out, key=lambda x: (x.vertical, round(x.baseline, 1), x.x0)):
        if merged and not ln.vertical and not merged[-1].vertical and abs(merged[-1].baseline - ln.baseline) < 0.3:
            m = merged[-1]
            merged[-1] = Line(m.text + ln.text, min(m.x0, ln.x0), max(m.x1, ln.x1), min(m.em_top, ln.em_top),
                              m.baseline, max(m.size, ln.size), m.fonts | ln.fonts, False)
        else:
            merged.append(ln)
    return merged


def em_width(text: str) -> float:
    """以字为单位的宽度：ASCII 半个字，其余一个字。"""
    return sum(0.5 if ord(c) < 0x2000 else 1.0 for c in text if c not in "\n")
