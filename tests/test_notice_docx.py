"""打开 DOCX 检查 XML：纸张、页边距、网格、字体（含 eastAsia）、字号、红色、单双页页脚与 PAGE 域、横排节。"""

from __future__ import annotations

import zipfile

import pytest
from lxml import etree

from docgen.render.ooxml import is_continuation

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS = {"w": W, "r": R}


def q(tag: str) -> str:
    p, t = tag.split(":")
    return f"{{{NS[p]}}}{t}"


@pytest.fixture(scope="module")
def pkg(sample_docx):
    z = zipfile.ZipFile(sample_docx)
    return {n: z.read(n) for n in z.namelist()}


@pytest.fixture(scope="module")
def doc(pkg):
    return etree.fromstring(pkg["word/document.xml"])


@pytest.fixture(scope="module")
def styles(pkg):
    return etree.fromstring(pkg["word/styles.xml"])


def sections(doc):
    return doc.findall(".//w:sectPr", NS)


def attr(e, name):
    return e.get(q(f"w:{name}"))


def style_by_id(styles, sid):
    return styles.find(f"w:style[@w:styleId='{sid}']", NS)


def test_page_size_margins_and_grid(doc):
    secs = sections(doc)
    portrait = [s for s in secs if attr(s.find("w:pgSz", NS), "orient") != "landscape"]
    assert portrait
    for s in portrait:
        sz, mar, grid = s.find("w:pgSz", NS), s.find("w:pgMar", NS), s.find("w:docGrid", NS)
        assert (attr(sz, "w"), attr(sz, "h")) == ("11906", "16838")  # A4
        # 天头 37 mm、订口 28 mm、下 35 mm、右 26 mm（twip）
        assert (int(attr(mar, "top")), int(attr(mar, "left")), int(attr(mar, "bottom")), int(attr(mar, "right"))) == \
            pytest.approx((2098, 1587, 1984, 1474), abs=2)
        assert attr(grid, "type") == "lines" and attr(grid, "linePitch") == "579"
        # 页码行顶端在版心下边缘之下 7 mm：页脚距离 = 35 − 7 mm − 14 pt
        assert int(attr(mar, "footer")) == pytest.approx(1587 - 280, abs=3)


def test_landscape_section_swaps_page_and_keeps_binding_margin(doc):
    land = [s for s in sections(doc) if attr(s.find("w:pgSz", NS), "orient") == "landscape"]
    assert len(land) == 1
    sz, mar = land[0].find("w:pgSz", NS), land[0].find("w:pgMar", NS)
    assert (attr(sz, "w"), attr(sz, "h")) == ("16838", "11906")
    # 纸张顺时针旋转：竖排的订口（左 28 mm）在横排的上边，天头（37 mm）在右边
    assert int(attr(mar, "top")) == pytest.approx(1587, abs=2)
    assert int(attr(mar, "right")) == pytest.approx(2098, abs=2)
    assert attr(land[0].find("w:type", NS), "val") == "nextPage"


def test_default_font_size_and_spacing(styles):
    rpr = styles.find("w:docDefaults/w:rPrDefault/w:rPr", NS)
    fonts = rpr.find("w:rFonts", NS)
    assert attr(fonts, "eastAsia") == "仿宋_GB2312" and attr(fonts, "ascii") == "仿宋_GB2312"
    assert attr(rpr.find("w:sz", NS), "val") == "32"  # 3号 = 16 pt
    assert attr(rpr.find("w:spacing", NS), "val") == "-5"  # −0.25 pt，28 字排满 156 mm
    ppr = styles.find("w:docDefaults/w:pPrDefault/w:pPr", NS)
    sp = ppr.find("w:spacing", NS)
    assert (attr(sp, "line"), attr(sp, "lineRule")) == ("579", "exact")


def test_no_theme_fonts_anywhere(pkg):
    for name in ("word/styles.xml", "word/document.xml"):
        root = etree.fromstring(pkg[name])
        for rf in root.iter(q("w:rFonts")):
            for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
                assert rf.get(q(f"w:{a}")) is None, f"{name} 中仍有主题字体 {a}"


@pytest.mark.parametrize("sid,font,size", [
    ("GWMark", "方正小标宋简体", None),
    ("GWTitle", "方正小标宋简体", "44"),
    ("GWHeading1", "黑体", "32"),
    ("GWHeading2", "楷体_GB2312", "32"),
    ("GWHeading3", "仿宋_GB2312", "32"),
    ("GWAttachLabel", "黑体", "32"),
    ("GWBanji", "仿宋_GB2312", "28"),
    ("GWPageNo", "宋体", "28"),
])
def test_style_fonts_are_east_asian(styles, sid, font, size):
    st = style_by_id(styles, sid)
    assert st is not None, sid
    rf = st.find("w:rPr/w:rFonts", NS)
    assert attr(rf, "eastAsia") == font
    assert attr(rf, "hint") == "eastAsia"
    if size:
        assert attr(st.find("w:rPr/w:sz", NS), "val") == size


def test_font_table_has_alt_names(pkg):
    ft = etree.fromstring(pkg["word/fontTable.xml"])
    alts = {attr(f, "name"): attr(f.find("w:altName", NS), "val") for f in ft.findall("w:font", NS)
            if f.find("w:altName", NS) is not None}
    assert alts.get("仿宋_GB2312") == "仿宋" and alts.get("楷体_GB2312") == "楷体"


def test_mark_is_red_and_runs_hint_east_asian(doc):
    mark = doc.xpath("//w:p[w:pPr/w:pStyle/@w:val='GWMark']", namespaces=NS)[0]
    runs = mark.findall("w:r", NS)
    assert "".join(mark.itertext()) == "铜川市王益区住房和城乡建设局文件"
    red = doc.xpath("//w:p[w:pPr/w:pStyle/@w:val='GWDocNo']/w:pPr/w:pBdr/w:bottom", namespaces=NS)[0]
    assert attr(red, "color") == "FF0000"  # 红色分隔线
    for r in doc.iter(q("w:r")):
        t = "".join(r.itertext())
        if any(c in t for c in "“”‘’—…"):
            assert attr(r.find("w:rPr/w:rFonts", NS), "hint") == "eastAsia", t
    assert runs


def test_mark_geometry(doc):
    ppr = doc.xpath("//w:p[w:pPr/w:pStyle/@w:val='GWMark']/w:pPr", namespaces=NS)[0]
    sp = ppr.find("w:spacing", NS)
    # 上边缘距版心上边缘 35 mm = 1984 twip（无份号、密级时为第一段）
    assert int(attr(sp, "before")) == pytest.approx(1984, abs=2)
    assert attr(ppr.find("w:snapToGrid", NS), "val") == "0"


def test_red_mark_style(styles):
    st = style_by_id(styles, "GWMark")
    assert attr(st.find("w:rPr/w:color", NS), "val") == "FF0000"
    assert attr(st.find("w:pPr/w:jc", NS), "val") == "center"


def test_odd_even_footers_with_page_fields(pkg, doc):
    settings = etree.fromstring(pkg["word/settings.xml"])
    assert settings.find("w:evenAndOddHeaders", NS) is not None
    rels = etree.fromstring(pkg["word/_rels/document.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels}
    first = sections(doc)[0]
    refs = {attr(f, "type"): target[f.get(q("r:id"))] for f in first.findall("w:footerReference", NS)}
    assert set(refs) >= {"default", "even"}
    odd = etree.fromstring(pkg["word/" + refs["default"]])
    even = etree.fromstring(pkg["word/" + refs["even"]])
    for root, jc, side in ((odd, "right", "right"), (even, "left", "left")):
        p = root.find(".//w:p", NS)
        assert attr(p.find("w:pPr/w:jc", NS), "val") == jc
        assert int(attr(p.find("w:pPr/w:ind", NS), side)) == 280  # 空一字（4号）
        instr = "".join(t.text for t in root.iter(q("w:instrText")))
        assert instr.strip() == "PAGE"
        text = "".join(t.text or "" for t in root.iter(q("w:t")))
        assert text.startswith("— ") and text.endswith(" —")


def test_landscape_footer_rotated_in_left_margin(pkg, doc):
    rels = etree.fromstring(pkg["word/_rels/document.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels}
    land = [s for s in sections(doc) if attr(s.find("w:pgSz", NS), "orient") == "landscape"][0]
    for f in land.findall("w:footerReference", NS):
        root = etree.fromstring(pkg["word/" + target[f.get(q("r:id"))]])
        assert attr(root.find(".//w:tcPr/w:textDirection", NS), "val") == "tbRl"
        pos = root.find(".//w:tblpPr", NS)
        assert attr(pos, "horzAnchor") == "page" and int(attr(pos, "tblpX")) < 1984  # 在左边距（35 mm）内
        assert "PAGE" in "".join(t.text for t in root.iter(q("w:instrText")))


def test_banji_page_numbered_as_in_pdf(pkg, doc):
    """样例的正文止于第 9 页（横排附件）：版记页紧跟在第 10 页，前面没有空白页，照常编页码（7.5）——与 PDF 一样。
    版记一节用竖排页的页脚，仍另起偶数页（字处理软件分页与 PDF 不同时也不落在奇数页）。"""
    last = doc.find("w:body/w:sectPr", NS)
    assert attr(last.find("w:type", NS), "val") == "evenPage"
    assert attr(last.find("w:pgSz", NS), "orient") != "landscape"
    rels = etree.fromstring(pkg["word/_rels/document.xml.rels"])
    target = {r.get("Id"): r.get("Target") for r in rels}
    refs = last.findall("w:footerReference", NS)
    assert {attr(f, "type") for f in refs} == {"default", "even"}
    for f in refs:
        root = etree.fromstring(pkg["word/" + target[f.get(q("r:id"))]])
        assert "".join(t.text for t in root.iter(q("w:instrText"))).strip() == "PAGE"


def test_banji_rules(doc):
    tbl = doc.findall("w:body/w:tbl", NS)[-1]
    b = tbl.find("w:tblPr/w:tblBorders", NS)
    assert attr(b.find("w:top", NS), "sz") == "8" and attr(b.find("w:bottom", NS), "sz") == "8"  # 0.35 mm
    assert attr(b.find("w:insideH", NS), "sz") == "6"  # 0.25 mm
    text = "".join(tbl.itertext())
    assert "抄送：区脱贫攻坚领导小组办公室。" in text and "2020年3月24日印发" in text


def test_task_table_merges_and_repeats_header(doc):
    tbl = doc.findall("w:body/w:tbl", NS)[0]
    rows = tbl.findall("w:tr", NS)
    assert rows[0].find("w:trPr/w:tblHeader", NS) is not None
    assert all(r.find("w:trPr/w:cantSplit", NS) is not None for r in rows)
    first_col = [r.findall("w:tc", NS)[0].find("w:tcPr/w:vMerge", NS) for r in rows[1:]]
    assert attr(first_col[0], "val") == "restart"
    assert all(v is not None and attr(v, "val") in (None, "continue") for v in first_col[1:13])  # 三排查三清零：13 行
    assert attr(first_col[13], "val") == "restart"  # 三精准
    third = [r.findall("w:tc", NS)[2].find("w:tcPr/w:vMerge", NS) for r in rows[1:]]
    assert third[0] is None  # 剩余贫困人口脱贫清零：单独一格
    assert attr(third[1], "val") == "restart" and third[2] is not None  # 一收入：合并两行


def test_attachment_label_and_title(doc):
    labels = doc.xpath("//w:p[w:pPr/w:pStyle/@w:val='GWAttachLabel']", namespaces=NS)
    assert ["".join(p.itertext()) for p in labels] == ["附件"]


def test_core_properties_from_document(pkg):
    core = pkg["docProps/core.xml"].decode()
    assert "2020-03-24T00:00:00Z" in core
    assert "铜王住建发〔2020〕108号" in core


def test_text_equals_source_in_order(doc, sample_path):
    from docgen.api import load_notice

    n = load_notice(sample_path)
    paras = []
    for p in doc.iter(q("w:p")):
        t = "".join(t.text or "" for t in p.iter(q("w:t")))
        if is_continuation(p):  # 为排版拆开的末两行
            paras[-1] += t
        else:
            paras.append(t)
    text = "\n".join(paras)
    expected = [n.doc_number, n.recipients]
    expected += [b.heading + b.runin if b.level else b.text for b in n.blocks]
    expected += ["铜川市王益区住房和城乡建设局", "2020年3月24日"]
    expected += [b.heading + b.runin if b.level else b.text for b in n.enclosed.blocks]
    expected += ["附件", "类别", "抄送：区脱贫攻坚领导小组办公室。"]
    pos = 0
    for e in expected:
        j = text.find(e, pos)
        assert j >= 0, f"DOCX 中找不到（或顺序不对）：{e}"
        pos = j + len(e)
