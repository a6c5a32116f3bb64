"""生成 Word 模板 templates/docx/notice.docx（提交到仓库，可随时重建）：

    .venv/bin/python templates/build_templates.py

模板只提供样式、页面设置和页脚；docgen 渲染时清空正文、按数据生成段落。
用户可以在 Word 中打开模板修改样式（字体、字号、缩进），但请保留样式名称和四个分节：
第 1 节竖排页（单双页页码）、第 2 节横排表格页（页码在竖排位置）、第 3 节版记页（无页码）、
第 4 节单独成文的横排文件（页码在横排页底部）。
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml.ns import qn
from docx.shared import Pt

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from docgen.fonts import DEFAULT_ROLES  # noqa: E402
from docgen.layout import GB9704, mm, twip  # noqa: E402
from docgen.render.ooxml import deterministic_zip, el, page_field_runs, para, rfonts, run, spacer_para  # noqa: E402

G = GB9704
FS, HT, KT, XBS, ST = (DEFAULT_ROLES[k].docx for k in ("fs", "ht", "kt", "xbs", "st"))
EM = 320  # 一个 3号字宽（twip）


def set_fonts(rpr, name: str) -> None:
    for old in rpr.findall(qn("w:rFonts")):
        rpr.remove(old)
    rpr.insert(0, rfonts(name))


def style(doc, sid: str, name: str, kind=WD_STYLE_TYPE.PARAGRAPH, *, font: str = FS, size: float = 16,
          base: str | None = "GWBody", color: str | None = None, ppr: dict | None = None,
          spacing: int | None = None):
    st = doc.styles.add_style(name, kind)
    st.element.set(qn("w:styleId"), sid)
    if base and kind == WD_STYLE_TYPE.PARAGRAPH:
        st.element.append(el("w:basedOn", {"val": base}))
    st.element.append(el("w:qFormat"))
    if kind == WD_STYLE_TYPE.PARAGRAPH and ppr is not None:
        p = para(None, None, **ppr)
        ppr_el = p.find(qn("w:pPr"))
        if ppr_el is not None:
            st.element.append(ppr_el)
    rpr = el("w:rPr", None, rfonts(font))
    if color:
        rpr.append(el("w:color", {"val": color}))
    if spacing is not None:
        rpr.append(el("w:spacing", {"val": spacing}))
    rpr.append(el("w:sz", {"val": int(size * 2)}))
    rpr.append(el("w:szCs", {"val": int(size * 2)}))
    st.element.append(rpr)
    return st


def set_defaults(doc) -> None:
    styles = doc.styles.element
    dd = styles.find(qn("w:docDefaults"))
    rpr = dd.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for child in list(rpr):
        rpr.remove(child)
    for child in (rfonts(FS), el("w:spacing", {"val": G.char_spacing_twip}), el("w:kern", {"val": 0}),
                  el("w:sz", {"val": int(G.body_pt * 2)}), el("w:szCs", {"val": int(G.body_pt * 2)}),
                  el("w:lang", {"val": "en-US", "eastAsia": "zh-CN", "bidi": "ar-SA"})):
        rpr.append(child)
    ppr_default = dd.find(qn("w:pPrDefault"))
    if ppr_default is None:
        ppr_default = el("w:pPrDefault", None, el("w:pPr"))
        dd.append(ppr_default)
    ppr = ppr_default.find(qn("w:pPr"))
    for child in list(ppr):
        ppr.remove(child)
    # 行末闭标点落在版心外一个字位时留在本行（“允许标点溢出边界”，docgen 的 PDF 在同一处压缩标点挤进版心），
    # 断行与 PDF 相同（docgen.layout.body_lines）。不写 w:overflowPunct：不写时 Word 与 LibreOffice 都允许；
    # LibreOffice 把写明的值读反了（val=1 反而不许、val=0 反而许）
    ppr.append(el("w:spacing", {"before": 0, "after": 0, "line": G.line_pitch_twip, "lineRule": "exact"}))
    ppr.append(el("w:jc", {"val": "both"}))
    # 所有样式里的主题字体都去掉，避免覆盖显式字体
    for rf in styles.iter(qn("w:rFonts")):
        for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rf.attrib.pop(qn(f"w:{a}"), None)


def font_table(doc) -> None:
    """fontTable 中写入中文字体及其替代名（altName），Word 缺字体时按替代名显示。"""
    ft = None
    for rel in doc.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            ft = rel.target_part
    if ft is None:
        return
    from lxml import etree

    root = etree.fromstring(ft.blob)
    names = {f.get(qn("w:name")) for f in root.findall(qn("w:font"))}
    for role in DEFAULT_ROLES.values():
        if role.docx in names:
            continue
        f = el("w:font", {"name": role.docx}, el("w:altName", {"val": role.docx_alt}),
               el("w:charset", {"val": "86"}), el("w:family", {"val": "modern" if role.key != "ht" else "swiss"}),
               el("w:pitch", {"val": "fixed"}))
        root.append(f)
    ft._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def portrait(section) -> None:
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = twip_len(11906), twip_len(16838)
    set_margins(section, G.top_mm, G.right_mm, G.bottom_mm, G.left_mm)


def landscape(section) -> None:
    # 横排：纸张顺时针转 90°，竖排的订口（左）成为上边，天头（上）成为右边
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = twip_len(16838), twip_len(11906)
    set_margins(section, G.left_mm, G.top_mm, G.right_mm, G.bottom_mm)


def twip_len(v: int):
    from docx.shared import Twips

    return Twips(v)


def set_margins(section, top, right, bottom, left) -> None:
    from docx.shared import Mm

    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    # 页脚距离：页码行（4号，行高 14 pt）顶端距版心下边缘 7 mm
    section.footer_distance = Mm(G.bottom_mm - G.pageno_gap_mm) - Pt(G.pageno_pt)


def grid(section) -> None:
    sp = section._sectPr
    for g in sp.findall(qn("w:docGrid")):
        sp.remove(g)
    sp.append(el("w:docGrid", {"type": "lines", "linePitch": G.line_pitch_twip}))


def clear(container) -> None:
    for p in list(container._element):
        if p.tag in (qn("w:p"), qn("w:tbl")):
            container._element.remove(p)


def footer_para(footer, align: str, before: int = 0) -> None:
    clear(footer)
    side = "right" if align == "right" else "left"
    ind = {side: twip(G.pageno_pt), "firstLine": 0, "firstLineChars": 0}
    footer._element.append(para("GWPageNo", page_field_runs(ST, G.pageno_pt), jc=align, ind=ind,
                                **({"before": before} if before else {})))


def landscape_footer(footer, odd: bool) -> None:
    """横排页页码：页脚中放一个浮动单格表格，文字方向自上而下（顺时针 90°），
    位于左边距内、距版心 7 mm——纸张转回竖排后页码正好在竖排页的位置。"""
    clear(footer)
    gap = mm(G.pageno_gap_mm)
    width_pt = G.pageno_pt + 2  # 单元格宽（文字高）
    x_pt = mm(G.bottom_mm) - gap - width_pt  # 单元格左边距纸张左边
    length_pt = mm(60)
    top_block = mm(G.left_mm)  # 横排版心上边
    bottom_block = mm(G.left_mm + G.block_w_mm)  # 横排版心下边
    y_pt = bottom_block - length_pt if odd else top_block
    p = para("GWPageNo", page_field_runs(ST, G.pageno_pt), jc="right" if odd else "left",
             ind={"right" if odd else "left": twip(G.pageno_pt), "firstLine": 0, "firstLineChars": 0}, snap=False)
    tc = el("w:tc", None,
            el("w:tcPr", None, el("w:tcW", {"w": twip(width_pt), "type": "dxa"}),
               el("w:tcMar", None, el("w:top", {"w": 0, "type": "dxa"}), el("w:left", {"w": 0, "type": "dxa"}),
                  el("w:bottom", {"w": 0, "type": "dxa"}), el("w:right", {"w": 0, "type": "dxa"})),
               el("w:textDirection", {"val": "tbRl"}), el("w:vAlign", {"val": "top"})),
            p)
    tbl = el("w:tbl", None,
             el("w:tblPr", None,
                el("w:tblpPr", {"leftFromText": 0, "rightFromText": 0, "vertAnchor": "page", "horzAnchor": "page",
                                "tblpX": twip(x_pt), "tblpY": twip(y_pt)}),
                el("w:tblOverlap", {"val": "never"}),
                el("w:tblW", {"w": twip(width_pt), "type": "dxa"}),
                el("w:tblLayout", {"type": "fixed"}),
                el("w:tblCellMar", None, el("w:left", {"w": 0, "type": "dxa"}), el("w:right", {"w": 0, "type": "dxa"}))),
             el("w:tblGrid", None, el("w:gridCol", {"w": twip(width_pt)})),
             el("w:tr", None, el("w:trPr", None, el("w:trHeight", {"val": twip(length_pt), "hRule": "exact"})), tc))
    footer._element.append(tbl)
    footer._element.append(para(None, [], line=20, snap=False))


def letter_section(section) -> None:
    """信函的分节：首页不编页码（首页页脚另设），首页页脚里是距纸张下边缘 20 mm 的第二条红色双线（相对纸张定位）。
    标志与第一条双线在正文里相对纸张定位（上边缘距纸张上边缘 30 mm）。首页版心向下伸到第二条双线上方（10.1，
    23 行）：Word 不能逐页设页边距，所以这一节的下页边距按首页设，其余各页的页码段前留 7 mm——页脚从版心下边缘
    （距纸张下边缘 35 mm）开始，字处理软件把正文推回版心下边缘以上（22 行），页码仍在版心下 7 mm。"""
    from docx.shared import Mm

    from docgen.layout import letter_band_pt, letter_first_bottom_mm
    from docgen.render.docx import letter_rule_table

    section.bottom_margin = Mm(letter_first_bottom_mm())
    section.different_first_page_header_footer = True
    for ftr, align in ((section.footer, "right"), (section.even_page_footer, "left")):
        ftr.is_linked_to_previous = False
        footer_para(ftr, align, before=round(mm(G.pageno_gap_mm) * 20))
    fh = section.first_page_header
    fh.is_linked_to_previous = False
    clear(fh)
    fh._element.append(para(None, []))
    ff = section.first_page_footer
    ff.is_linked_to_previous = False
    clear(ff)
    y = mm(G.page_h_mm - G.letter_foot_rule_mm) - letter_band_pt()
    x = mm(G.left_mm - (G.letter_rule_len_mm - G.block_w_mm) / 2)
    ff._element.append(letter_rule_table(x, y, thick_on_top=False))
    ff._element.append(spacer_para(1))


def build(path: Path) -> None:
    doc = Document()
    set_defaults(doc)
    font_table(doc)
    normal = doc.styles["Normal"]
    # 正文的网格参数写在 Normal 样式里（LibreOffice 不读 docDefaults 中的字距）：
    # 字距 −0.25 pt、中西文之间不自动加空，保证每行 28 字
    npp = normal.element.get_or_add_pPr()
    # 不做孤行控制（与 PDF 一致：整页排满 22 行）；标题与下一段同页由标题样式的 keepNext 保证
    for child in (el("w:widowControl", {"val": "0"}), el("w:autoSpaceDE", {"val": "0"}),
                  el("w:autoSpaceDN", {"val": "0"})):
        npp.append(child)
    nrpr = normal.element.get_or_add_rPr()
    for child in (rfonts(FS), el("w:spacing", {"val": G.char_spacing_twip}), el("w:sz", {"val": int(G.body_pt * 2)}),
                  el("w:szCs", {"val": int(G.body_pt * 2)})):
        nrpr.append(child)
    style(doc, "GWBody", "公文正文", base="Normal", ppr={"ind": {"firstLineChars": 200, "firstLine": 2 * EM}})
    # 正文最后一段的末两行（与署名同页，见 docgen/render/docx.py 的 _split_closing）：接着上一段，不缩进
    style(doc, "GWBodyCont", "公文正文（续）", base="GWBody", ppr={"ind": {"firstLine": 0, "firstLineChars": 0}})
    style(doc, "GWHeaderLine", "公文版头行", font=HT, ppr={"ind": {"firstLine": 0, "firstLineChars": 0}})
    style(doc, "GWMark", "公文发文机关标志", font=XBS, size=36, color="FF0000",
          ppr={"jc": "center", "snap": False, "ind": {"firstLine": 0, "firstLineChars": 0}})
    style(doc, "GWDocNo", "公文发文字号", ppr={"jc": "center", "snap": False, "ind": {"firstLine": 0, "firstLineChars": 0}})
    # 标题：2号字，行距固定为一行（28.95 pt）、不对齐网格——否则字处理软件把每行标题排成两个网格行（PDF 是一行）
    style(doc, "GWTitle", "公文标题", font=XBS, size=22,
          ppr={"jc": "center", "ind": {"firstLine": 0, "firstLineChars": 0}, "outline": 0, "line": G.line_pitch_twip,
               "snap": False})
    style(doc, "GWRecipients", "公文主送机关", ppr={"ind": {"firstLine": 0, "firstLineChars": 0}})
    style(doc, "GWHeading1", "公文一级标题", font=HT, ppr={"outline": 1, "keep_next": True})
    style(doc, "GWHeading2", "公文二级标题", font=KT, ppr={"outline": 2, "keep_next": True})
    style(doc, "GWHeading3", "公文三级标题", ppr={"outline": 3})
    style(doc, "GWHeading4", "公文四级标题", ppr={"outline": 4})
    style(doc, "GWBodyChar", "公文正文字符", WD_STYLE_TYPE.CHARACTER, font=FS, spacing=G.char_spacing_twip)
    style(doc, "GWAttachNote", "公文附件说明", ppr={})
    style(doc, "GWSignature", "公文发文机关署名", ppr={"jc": "right", "ind": {"firstLine": 0, "firstLineChars": 0}, "keep_next": True})
    style(doc, "GWDate", "公文成文日期", ppr={"jc": "right", "ind": {"firstLine": 0, "firstLineChars": 0, "right": 4 * EM}})
    style(doc, "GWNote", "公文附注", ppr={})
    style(doc, "GWAttachLabel", "公文附件标识", font=HT, ppr={"ind": {"firstLine": 0, "firstLineChars": 0}})
    style(doc, "GWTableText", "公文表格文字", size=12,
          ppr={"ind": {"firstLine": 0, "firstLineChars": 0}, "line": 348, "line_rule": "atLeast", "snap": False, "jc": "left"})
    style(doc, "GWTableHead", "公文表头文字", font=HT, size=12, base="GWTableText", ppr={"jc": "center"})
    style(doc, "GWBanji", "公文版记", size=G.banji_pt,
          ppr={"ind": {"firstLine": 0, "firstLineChars": 0}, "snap": False})
    style(doc, "GWPageNo", "公文页码", font=ST, size=G.pageno_pt, base=None,
          ppr={"line": twip(G.pageno_pt), "snap": False, "ind": {"firstLine": 0, "firstLineChars": 0}})

    doc.settings.odd_and_even_pages_header_footer = True
    body = doc._body
    clear(body)
    info = ("本文件是 docgen 的公文 Word 模板，只提供样式、页面设置与页脚。渲染时正文会被数据替换。"
            "第 1 节：竖排页，单页页码居右、双页页码居左。")
    doc._body._element.insert(0, para("GWBody", [run(info)]))
    s1 = doc.sections[0]
    portrait(s1)
    grid(s1)
    footer_para(s1.footer, "right")
    footer_para(s1.even_page_footer, "left")

    doc.add_paragraph("第 2 节：横排表格页（附件），页码保持在竖排页的位置。", style="Normal")
    s2 = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape(s2)
    grid(s2)
    s2.footer.is_linked_to_previous = False
    s2.even_page_footer.is_linked_to_previous = False
    landscape_footer(s2.footer, odd=True)
    landscape_footer(s2.even_page_footer, odd=False)

    doc.add_paragraph("第 3 节：版记页（偶数页，不编页码）。", style="Normal")
    s3 = doc.add_section(WD_SECTION.EVEN_PAGE)
    portrait(s3)
    grid(s3)
    s3.footer.is_linked_to_previous = False
    s3.even_page_footer.is_linked_to_previous = False
    clear(s3.footer)
    clear(s3.even_page_footer)
    s3.footer._element.append(para(None, []))
    s3.even_page_footer._element.append(para(None, []))

    doc.add_paragraph("第 4 节：单独成文的横排文件（如任务清单），页码在横排页底部，单页居右、双页居左。", style="Normal")
    s4 = doc.add_section(WD_SECTION.NEW_PAGE)
    landscape(s4)
    grid(s4)
    s4.footer.is_linked_to_previous = False
    s4.even_page_footer.is_linked_to_previous = False
    footer_para(s4.footer, "right")
    footer_para(s4.even_page_footer, "left")

    doc.add_paragraph("第 5 节：信函格式（首页标志距纸张上边缘 30 mm、首页不编页码、距纸张下边缘 20 mm 的红色双线）。",
                      style="Normal")
    s5 = doc.add_section(WD_SECTION.NEW_PAGE)
    portrait(s5)
    grid(s5)
    letter_section(s5)

    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = "公文模板", "docgen", "docgen"
    cp.created = cp.modified = dt.datetime(2020, 1, 1)
    cp.revision = 1
    import io

    buf = io.BytesIO()
    doc.save(buf)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(deterministic_zip(buf.getvalue()))


if __name__ == "__main__":
    out = ROOT / "templates" / "docx" / "notice.docx"
    build(out)
    print(f"已生成 {out.relative_to(ROOT)}")


# ---------------------------------------------------------------- 户档文书（docxtpl 模板）

def household_templates() -> None:
    """收入核算表、户情卡：docxtpl 模板（Jinja 标签写在 Word 里，用户可在 Word 中改版式）。"""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    def base(title: str):
        d = Document()
        s = d.sections[0]
        portrait(s)
        s.top_margin, s.bottom_margin = Mm(25), Mm(20)
        s.left_margin, s.right_margin = Mm(20), Mm(20)
        set_defaults(d)
        normal = d.styles["Normal"]
        rpr = normal.element.get_or_add_rPr()
        set_fonts(rpr, ST)  # 表格用宋体（与 Typst 打印模板一致）
        normal.font.size = Pt(10.5)
        ppr = d.styles.element.find(qn("w:docDefaults")).find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for sp in ppr.findall(qn("w:spacing")):
            ppr.remove(sp)
        ppr.append(el("w:spacing", {"before": 0, "after": 0, "line": 300, "lineRule": "auto"}))
        clear(d._body)
        d._body._element.insert(0, para(None, [run(title, font=XBS, size_pt=18)], jc="center", after=200))
        return d

    def table(d, rows: list[list[str]], widths_mm: list[float]):
        t = d.add_table(rows=len(rows), cols=len(rows[0]))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                cell = t.cell(r, c)
                cell.width = Mm(widths_mm[c])
                cell.text = v
        if len(rows) > 1 and rows[1][0].startswith("{%tr for"):  # 逐条重复的表：表头行在续页重复、行不跨页
            t.rows[0]._tr.get_or_add_trPr().append(el("w:tblHeader"))
            for r in t.rows:
                r._tr.get_or_add_trPr().append(el("w:cantSplit"))
        return t

    from docx.shared import Mm

    d = base("{{ year }}年度建档立卡户收入核算表")
    d.add_paragraph("{{ township }}{{ village }}{{ group }}　户编号：{{ hh_id }}　核算日期：{{ date }}")
    table(d, [["户主姓名", "{{ head }}", "证件号码", "{{ head_id }}"],
              ["家庭人口数", "{{ size }}", "贫困户属性", "{{ attribute }}"],
              ["主要致贫原因", "{{ cause }}", "脱贫状态", "{{ status }}"]], [30, 45, 30, 65])
    d.add_paragraph("收支明细（元）")
    table(d, [["类别", "项目", "金额（元）", "说明"],
                  ["{%tr for i in items %}", "", "", ""],
                  ["{{ i.category }}", "{{ i.name }}", "{{ i.amount }}", "{{ i.note }}"],
                  ["{%tr endfor %}", "", "", ""]], [30, 60, 30, 50])
    d.add_paragraph("核算结果")
    table(d, [["年收入", "{{ gross }}", "生产经营性支出", "{{ expense }}"],
              ["纯收入", "{{ net }}", "人均纯收入", "{{ per_capita }}"],
              ["当年贫困线", "{{ line }}", "监测线（贫困线×{{ monitor_ratio }}）", "{{ monitor_line }}"],
              ["收入是否达标", "{{ income_verdict }}", "是否低于监测线", "{{ monitor_verdict }}"]], [30, 55, 35, 50])
    # 结论与全县汇总同一口径：收入与两不愁三保障分开判断，“否”都写明原因
    d.add_paragraph("{% if income_reason %}收入未达标原因：{{ income_reason }}{% endif %}")
    d.add_paragraph("两不愁三保障是否达标：{{ assurance_verdict }}{% if assurance_reason %}（{{ assurance_reason }}）{% endif %}")
    d.add_paragraph("结论：{{ verdict }}")
    d.add_paragraph("{% if notes %}说明：{{ notes }}{% endif %}")
    d.add_paragraph("")
    d.add_paragraph("户主（签字）：　　　　　　帮扶责任人（签字）：　　　　　　村委会（盖章）：")
    _save_tpl(d, ROOT / "templates" / "docx" / "household_income.docx")

    d = base("建档立卡户户情卡")
    d.add_paragraph("{{ township }}{{ village }}{{ group }}　户编号：{{ hh_id }}")
    table(d, [["户主", "{{ head }}", "证件号码", "{{ head_id }}"],
              ["家庭人口数", "{{ size }}", "联系电话", "{{ phone }}"],
              ["贫困户属性", "{{ attribute }}", "脱贫状态", "{{ status }}"]], [30, 45, 30, 65])
    d.add_paragraph("家庭成员")
    table(d, [["姓名", "与户主关系", "性别", "证件号码", "健康状况", "文化程度/在校", "劳动技能"],
              ["{%tr for m in members %}", "", "", "", "", "", ""],
              ["{{ m.name }}", "{{ m.relation }}", "{{ m.sex }}", "{{ m.id }}", "{{ m.health }}", "{{ m.education }}",
               "{{ m.labour }}"],
              ["{%tr endfor %}", "", "", "", "", "", ""]], [22, 18, 10, 42, 22, 26, 26])
    d.add_paragraph("两不愁三保障及饮水安全")
    table(d, [["项目", "是否达标", "说明"],
              ["{%tr for c in checks %}", "", ""],
              ["{{ c.name }}", "{{ c.result }}", "{{ c.reason }}"],
              ["{%tr endfor %}", "", ""]], [40, 30, 100])
    # 结论与全县汇总同一口径：收入与两不愁三保障分开判断，“否”都写明原因
    d.add_paragraph("两不愁三保障是否达标：{{ assurance_verdict }}{% if assurance_reason %}（{{ assurance_reason }}）{% endif %}")
    d.add_paragraph("收入情况")
    table(d, [["人均纯收入（元）", "{{ per_capita }}", "核算年度", "{{ year }}"],
              ["当年贫困线（元）", "{{ line }}", "监测线（贫困线×{{ monitor_ratio }}，元）", "{{ monitor_line }}"],
              ["收入是否达标", "{{ income_verdict }}", "是否低于监测线", "{{ monitor_verdict }}"]], [35, 45, 45, 45])
    d.add_paragraph("{% if income_reason %}收入未达标原因：{{ income_reason }}{% endif %}")
    d.add_paragraph("结论：{{ verdict }}")
    d.add_paragraph("{% if notes %}说明：{{ notes }}{% endif %}")
    # 库册实证说核对（月末批处理给了帮扶手册时）：这一户还没有改正的不一致
    d.add_paragraph("{%p if mismatches %}")
    d.add_paragraph("库册核对未解决的不一致（{{ mismatches|length }} 处）")
    table(d, [["项目", "不一致之处", "库（国办系统）", "另一边", "另一边的值", "备注"],
              ["{%tr for m in mismatches %}", "", "", "", "", ""],
              ["{{ m.item }}", "{{ m.rule }}", "{{ m.ku }}", "{{ m.source }}", "{{ m.other }}", "{{ m.detail }}"],
              ["{%tr endfor %}", "", "", "", "", ""]], [20, 40, 30, 15, 30, 35])
    d.add_paragraph("{%p endif %}")
    d.add_paragraph("填表日期：{{ date }}")
    _save_tpl(d, ROOT / "templates" / "docx" / "household_card.docx")


def _save_tpl(d, path: Path) -> None:
    import io

    cp = d.core_properties
    cp.author = cp.last_modified_by = "docgen"
    cp.created = cp.modified = dt.datetime(2020, 1, 1)
    cp.revision = 1
    buf = io.BytesIO()
    d.save(buf)
    path.write_bytes(deterministic_zip(buf.getvalue()))
    print(f"已生成 {path.relative_to(ROOT)}")


if __name__ == "__main__":
    household_templates()
