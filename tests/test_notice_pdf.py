"""在渲染出的 PDF 上量：纸张、字体嵌入、文字、22 行 × 28 字、版头位置、页码、版记。"""

from __future__ import annotations

import datetime as dt
import re

import pymupdf
import pytest
from measure import SQUEEZABLE, line_ink, check_body_flow, em_width, lines

from docgen.api import load_notice

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0  # 版心（mm）
A4 = (595.28, 841.89)


@pytest.fixture(scope="module")
def pdf(sample_pdf):
    return pymupdf.open(sample_pdf)


@pytest.fixture(scope="module")
def notice(sample_path):
    return load_notice(sample_path)


def body_lines(page):
    """版心内的水平文字行（不含页码）。"""
    return [ln for ln in lines(page) if not ln.vertical and TOP - 1 < ln.em_top < BOTTOM]


def page_number_line(page):
    for ln in lines(page):
        if re.fullmatch(r"— \d+ —", ln.text.strip()):
            return ln
    return None


def is_landscape(page) -> bool:
    return page.rect.width > page.rect.height


def test_page_sizes_and_orientation(pdf):
    sizes = [(round(p.rect.width, 1), round(p.rect.height, 1)) for p in pdf]
    portrait = [(round(A4[0], 1), round(A4[1], 1))]
    assert all(s in portrait + [portrait[0][::-1]] for s in sizes)
    # 附件（任务清单）是横排页，其余竖排
    kinds = ["L" if is_landscape(p) else "P" for p in pdf]
    assert "L" in kinds and kinds[0] == "P" and kinds[-1] == "P"
    first_land = kinds.index("L")
    assert "附件" in pdf[first_land].get_text()


def test_all_fonts_embedded_and_subset(pdf):
    seen = set()
    for i in range(len(pdf)):
        for xref, ext, ftype, basefont, *_ in pdf.get_page_fonts(i):
            seen.add(basefont)
            assert ext not in ("n/a", ""), f"字体未嵌入：{basefont}"
            assert re.match(r"^[A-Z]{6}\+", basefont), f"字体未子集化：{basefont}"
    names = " ".join(seen)
    assert "FandolFang" in names  # 正文仿宋
    assert "Noto-Serif-CJK-SC-Bold" in names  # 小标宋的替代
    assert "Noto-Sans-CJK-SC" in names  # 黑体


def test_body_font_and_size(pdf):
    ls = body_lines(pdf[3])
    assert ls
    for ln in ls:
        assert abs(ln.size - 16) < 0.1
    assert any("FandolFang" in f for ln in ls for f in ln.fonts)


def test_full_body_pages_have_22_lines_of_at_most_28_chars(pdf):
    # 印发文件（实施方案）从第一张“标题页”起连续排到附件之前
    portrait = [i for i, p in enumerate(pdf) if not is_landscape(p)]
    start = next(i for i in portrait if i > 0 and any(ln.size > 20 for ln in body_lines(pdf[i])))
    end = next(i for i, p in enumerate(pdf) if is_landscape(p))
    flow = [body_lines(pdf[i]) for i in range(start, end)]
    assert check_body_flow(flow) >= 2
    for i in portrait:
        ink = {round(base, 1): (x0, x1) for _, x0, x1, base in line_ink(pdf[i])}
        for ln in body_lines(pdf[i]):
            if abs(ln.size - 16) < 0.1:
                # 至多 28 个字位；行末闭标点挤压进版心时多出半个字
                x0, x1 = ink[round(ln.baseline, 1)]
                used = em_width(ln.text) + round((x0 - LEFT) / (16 * 25.4 / 72))
                assert used <= 28 or (used == 29 and ln.text[-1] in SQUEEZABLE), ln.text
                assert x0 >= LEFT - 0.2 and x1 <= RIGHT + 0.3, (f"第 {i + 1} 页", ln.text, x1)


def test_body_lines_are_justified(pdf):
    """中文正文两端对齐：一段里除末行外每行都排到版心右边缘（按标点禁则提前断开的行均匀加宽字距，行末闭标点
    落在版心外时压缩标点挤进本行），不会短一截。"""
    pitch = 28.95 * 25.4 / 72
    checked = squeezed = stretched = 0
    for i, p in enumerate(pdf):
        if is_landscape(p):
            continue
        rows = [r for r in line_ink(p) if TOP < r[3] < BOTTOM]
        for (text, x0, x1, base), (_, nx0, _, nbase) in zip(rows, rows[1:]):
            # 下一行紧接在下一网格行、从版心左缘起：同一段的续行，本行不是段末
            if abs(nbase - base - pitch) < 0.3 and abs(nx0 - LEFT) < 0.3 and x0 < LEFT + 12 and len(text) > 10:
                checked += 1
                assert abs(x1 - (RIGHT - 0.35)) < 0.5, (f"第 {i + 1} 页", text, round(x1, 2))
                used = em_width(text) + round((x0 - LEFT) / (16 * 25.4 / 72))
                squeezed += used > 28
                stretched += used < 28 and not any(c.isascii() for c in text)
    assert checked > 50 and squeezed and stretched, (checked, squeezed, stretched)


def test_a_full_line_holds_28_chars(pdf):
    counts = [em_width(ln.text) for i in (3, 4) for ln in body_lines(pdf[i])]
    assert max(counts) == 28


def test_header_geometry(pdf, notice):
    ls = lines(pdf[0])
    mark = next(ln for ln in ls if "住房和城乡建设局文件" in ln.text)
    assert abs(mark.em_top - (TOP + 35)) <= 1.0, mark.em_top  # 上边缘距版心上边缘 35 mm
    assert abs((mark.x0 + mark.x1) / 2 - (LEFT + RIGHT) / 2) < 1.0  # 居中
    docno = next(ln for ln in ls if ln.text.strip() == notice.doc_number)
    assert abs((docno.x0 + docno.x1) / 2 - (LEFT + RIGHT) / 2) < 1.0
    mark_bottom = mark.em_top + mark.size * 25.4 / 72
    assert abs(docno.em_top - mark_bottom - 2 * 10.21) < 1.0  # 发文字号在标志下空二行
    red = [d for d in pdf[0].get_drawings() if d.get("fill") and d["fill"][0] > 0.9 and d["fill"][1] < 0.1]
    assert len(red) == 1
    r = red[0]["rect"]
    x0, y0, x1 = r.x0 * 25.4 / 72, r.y0 * 25.4 / 72, r.x1 * 25.4 / 72
    assert abs(x0 - LEFT) < 0.2 and abs(x1 - RIGHT) < 0.2  # 与版心等宽
    docno_bottom = docno.em_top + 16 * 25.4 / 72
    assert abs(y0 - docno_bottom - 4) < 0.6  # 发文字号之下 4 mm
    # 发文机关标志为红色
    spans = [s for b in pdf[0].get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"]
             if "文件" in s["text"]]
    assert spans and all(s["color"] == 0xFF0000 for s in spans)
    title = next(ln for ln in ls if ln.text.startswith("铜川市王益区住房和城乡建设局关于"))
    assert abs(title.size - 22) < 0.1
    assert title.em_top > y0 + 2 * 10.2 - 1  # 红线下空二行


def test_page_numbers_alternate_sides(pdf):
    for i, page in enumerate(pdf):
        ln = page_number_line(page)
        if not page.get_text().strip():  # 版记页前的空白页不编页码，版记页也就不编（7.5）
            assert ln is None and i == len(pdf) - 2 and page_number_line(pdf[-1]) is None
            break
        assert ln is not None, f"第 {i + 1} 页没有页码"
        assert ln.text.strip() == f"— {i + 1} —"
        assert abs(ln.size - 14) < 0.1
        if is_landscape(page):
            assert ln.vertical  # 横排页页码随纸张旋转
            continue
        assert abs(ln.em_top - (BOTTOM + 7)) < 1.0  # 一字线上距版心下边缘 7 mm
        one = 14 * 25.4 / 72
        if (i + 1) % 2:
            assert abs(ln.x1 - (RIGHT - one)) < 0.6, ("单页居右空一字", ln)
        else:
            assert abs(ln.x0 - (LEFT + one)) < 0.6, ("双页居左空一字", ln)


def test_landscape_page_number_stays_in_portrait_position(pdf):
    for i, page in enumerate(pdf):
        if not is_landscape(page):
            continue
        ln = page_number_line(page)
        # 竖排左边缘（装订边）= 横排上边；竖排下边 = 横排左边：页码在左边距内，距版心 7 mm
        assert ln.vertical and ln.x1 < 35 - 7 + 1.5 and ln.x0 > 35 - 7 - 8


def test_banji_on_last_even_page_at_block_bottom(pdf):
    last = pdf[-1]
    assert len(pdf) % 2 == 0
    text = last.get_text()
    assert "抄送：区脱贫攻坚领导小组办公室。" in text and "2020年3月24日印发" in text
    rules = sorted((d["rect"] for d in last.get_drawings()), key=lambda r: r.y0)
    assert len(rules) == 3
    heights = [round((r.y1 - r.y0) * 25.4 / 72, 2) for r in rules]
    assert heights == [0.35, 0.25, 0.35]
    assert abs(rules[-1].y1 * 25.4 / 72 - BOTTOM) < 0.2  # 末条分隔线与版心下边缘重合
    for r in rules:
        assert abs(r.x0 * 25.4 / 72 - LEFT) < 0.2 and abs(r.x1 * 25.4 / 72 - RIGHT) < 0.2
    for ln in lines(last):
        assert abs(ln.size - 14) < 0.1  # 4号


def test_selectable_text_equals_source(pdf, notice):
    text = "".join(p.get_text() for p in pdf).replace("\n", "")
    text = re.sub(r"— \d+ —", "", text)
    expected = [notice.doc_number, "".join(notice.title), notice.recipients]
    expected += [b.heading + b.runin if b.level else b.text for b in notice.blocks]
    expected += [b.heading + b.runin if b.level else b.text for b in notice.enclosed.blocks]
    expected += ["铜川市王益区住房和城乡建设局", "2020年3月24日"]
    pos = 0
    for e in expected:
        j = text.find(e, pos)
        assert j >= 0, f"PDF 文本中找不到（或顺序不对）：{e}"
        pos = j + len(e)


def test_metadata(pdf, notice):
    md = pdf.metadata
    assert md["title"] == "".join(notice.title)
    assert md["author"] == "铜川市王益区住房和城乡建设局"
    assert md["creationDate"].startswith("D:20200324")


def test_heading_fonts(pdf):
    spans = [s for p in pdf for b in p.get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"]]
    h1 = next(s for s in spans if s["text"].startswith("一、行动目标"))
    h2 = next(s for s in spans if s["text"].startswith("（一）排查政策落实"))
    h3 = next(s for s in spans if s["text"].startswith("1.剩余贫困人口"))
    assert "Sans" in h1["font"]  # 黑体
    assert "WenKai" in h2["font"]  # 楷体
    assert "Fandol" in h3["font"]  # 仿宋


def test_creation_date_is_document_date(notice):
    assert notice.date == dt.date(2020, 3, 24)
