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


PITCH_MM = 28.95 * 25.4 / 72  # 行距 28.95 pt
BLOCK_TOP, BLOCK_BOTTOM = 37.0, 262.0
HEADING_START = ("一、", "二、", "三、", "四、", "五、", "六、", "七、", "八、", "九、", "十、", "（一）", "（二）", "（三）",
                 "（四）", "（五）", "（六）")


def grid_slots(page_lines: list[Line]) -> list[int]:
    """每行落在版心 22 行网格的第几行（从 1 起）；不在网格上的行抛出 AssertionError。"""
    slots = []
    for ln in page_lines:
        centre = ln.em_top + ln.size * 25.4 / 72 / 2
        pos = (centre - BLOCK_TOP) / PITCH_MM - 0.5
        assert abs(pos - round(pos)) < 0.3, f"“{ln.text[:12]}”不在行距网格上（偏 {pos - round(pos):.2f} 行）"
        slots.append(round(pos) + 1)
    return slots


def check_body_flow(pages: list[list[Line]]) -> int:
    """一组连续的正文页：每页不超过 22 行且都在网格上；除最后一页外每页排满 22 行，
    只有下一页以标题开头（标题与下段同页）时才允许提前换页。返回排满的页数。"""
    full = 0
    # 网格按 3号正文定义；2号标题行高同为 28.95 pt，但字处理软件对大字号在固定行距中的垂直位置各不相同，只检查正文行
    pages = [[ln for ln in ls if abs(ln.size - 16) < 0.3] for ls in pages]
    for i, ls in enumerate(pages):
        slots = grid_slots(ls)
        assert slots and slots[-1] <= 22, slots
        if i == len(pages) - 1:
            continue
        if slots[-1] == 22:
            full += 1
        else:
            nxt = pages[i + 1][0].text
            assert nxt.startswith(HEADING_START), f"第 {i + 1} 页只排到第 {slots[-1]} 行，下一页却不是以标题开头：{nxt[:12]}"
    return full


SQUEEZABLE = "，。、；：？！）》〉”’」』】〕"


def line_ink(page: pymupdf.Page) -> list[tuple[str, float, float, float]]:
    """每个视觉行：(文字, 首字左缘, 末字右缘, 基线)，毫米。按字的起点量：行末挤压过的闭标点（一行多出的那个）只占
    半个字位，pymupdf 给的 bbox 按字体的整字宽算，会显得越出版心。"""
    rows: dict[float, list[tuple[str, float, float]]] = {}
    for b in page.get_text("rawdict")["blocks"]:
        for ln in b.get("lines", []):
            if abs(ln["dir"][0]) < 0.5:
                continue
            for s in ln["spans"]:
                for c in s["chars"]:
                    if c["c"].strip():
                        rows.setdefault(round(c["origin"][1] * PT_MM, 1), []).append(
                            (c["c"], c["origin"][0] * PT_MM, s["size"] * PT_MM))
    out = []
    for base, cs in sorted(rows.items()):
        cs.sort(key=lambda t: t[1])
        ch, x, size = cs[-1]
        text = "".join(c for c, _, _ in cs)
        indent = max(0, round((cs[0][1] - 28.0) / size))  # 首行缩进的字数（版心左缘 28 mm）
        squeezed = ch in SQUEEZABLE and em_width(text) + indent > 28
        width = 0.5 if squeezed or ord(ch) < 0x2000 else 1.0
        out.append((text, cs[0][1], x + width * size, base))
    return out


PAGE_NUMBER = r"— \d+ —"


def check_notice_layout(pdf: pymupdf.Document, date_text: str, fmt: str = "文件", banji: bool = False,
                        where: object = "") -> None:
    """一份公文 PDF 的 GB/T 9704 几何检查（版面扫描与各种生成的公文共用）：正文各页 22 行且都在行距网格上、除署名前一页外
    排满；续行之前的一行两端对齐到版心右缘；该编页码的页都编了且页码对；版记末条线压在偶数页版心下边缘（信函：最后一面
    版心内最下方）。`date_text`：成文日期（找署名所在页）。"""
    import re

    bottom = BLOCK_BOTTOM
    body_pages = []
    for k, p in enumerate(pdf):
        if p.rect.width > p.rect.height:
            break
        # 信函首页的版心伸到第二条双线上方（第 23 行）
        low = BLOCK_TOP + 23 * PITCH_MM if fmt == "信函" and k == 0 else bottom
        body_pages.append([ln for ln in lines(p) if not ln.vertical and 36 < ln.em_top < low - 1
                           and not re.fullmatch(PAGE_NUMBER, ln.text.strip())])
    first = 1 if len(body_pages) > 1 else 0  # 首页有版头，从第 2 页起查
    date_page = next(k for k, pg in enumerate(body_pages) if any(date_text in ln.text.replace(" ", "") for ln in pg))
    chunk = [pg for pg in body_pages[first:date_page] if any(abs(ln.size - 16) < 0.3 for ln in pg)]
    if len(chunk) > 1:
        check_body_flow(chunk)
    for p in pdf[:len(body_pages)]:
        rows = [r for r in line_ink(p) if 36 < r[3] < bottom]
        for (text, x0, x1, base), (_, nx0, _, nbase) in zip(rows, rows[1:]):
            if abs(nbase - base - PITCH_MM) < 0.3 and abs(nx0 - 28) < 0.3 and x0 < 40 and len(text) > 10:
                assert abs(x1 - 183.65) < 0.5, (where, text, x1)
    if fmt == "信函":  # 首页版心伸到第二条双线上方：最下一行的字距双线不少于 3号字高的 7/8
        foot = [d["rect"].y0 * PT_MM for d in pdf[0].get_drawings() if d["rect"].y0 * PT_MM > 250]
        low = [ln for ln in lines(pdf[0]) if not ln.vertical and ln.em_top > bottom - 1]
        if foot and low:
            assert min(foot) - max(ln.em_top + ln.size * PT_MM for ln in low) >= 7 / 8 * 16 * PT_MM - 0.3, where
    for k, p in enumerate(pdf):
        num = [ln for ln in lines(p) if re.fullmatch(PAGE_NUMBER, ln.text.strip())]
        if fmt == "信函" and k == 0:
            assert not num, where
            continue
        blank = not [ln for ln in lines(p) if not re.fullmatch(PAGE_NUMBER, ln.text.strip())]
        if num:
            assert num[0].text.strip() == f"— {k + 1} —", (where, k)
        else:
            assert blank or k == len(pdf) - 1, (where, k)
    if banji:
        last = pdf[-1]
        if fmt == "信函":
            cc = next(ln for ln in lines(last) if ln.text.startswith("抄送"))
            # 版记的最后一行（抄送机关可能回行）在版心内最下一行；只有一页时那是首页，首页的版心伸到第二条双线上方（23 行）
            tail = max(ln.em_top for ln in lines(last) if ln.em_top >= cc.em_top and not ln.vertical
                       and not re.fullmatch(PAGE_NUMBER, ln.text.strip()))
            lowest = BLOCK_TOP + (23 if len(pdf) == 1 else 22) * PITCH_MM
            assert lowest - PITCH_MM < tail < lowest, (where, tail)
        else:
            assert len(pdf) % 2 == 0, (where, len(pdf))  # 版记在偶数页
            rules = [d["rect"] for d in last.get_drawings() if d["rect"].width > 400]
            assert rules and abs(max(r.y1 for r in rules) * 25.4 / 72 - bottom) < 0.6, where


def page_contents(data: bytes) -> list[tuple]:
    """PDF 每页看得见的东西：纸张大小、每个词及其位置、图的位置、画的线与框（位置取到 0.01 pt）。两份 PDF 的字节
    可以不同（字体子集、对象的次序），这个相同就是排得一样。"""
    doc = pymupdf.open(stream=data, filetype="pdf")
    out = []
    for p in doc:
        words = [(*(round(x, 2) for x in w[:4]), w[4]) for w in p.get_text("words")]
        images = [tuple(round(x, 2) for x in i["bbox"]) for i in p.get_image_info()]
        drawn = sorted(tuple(round(x, 2) for x in g["rect"]) for g in p.get_drawings())
        out.append((tuple(round(x, 2) for x in p.rect), words, images, drawn))
    return out
