"""公文 → DOCX。以 templates/docx/notice.docx 为样式与页面设置的来源（类似 pandoc 的 reference.docx），
按数据逐段生成正文；分节、版记、印章等版面元素直接写 WordprocessingML。"""

from __future__ import annotations

import copy
import datetime as dt
import io
import math
from pathlib import Path

from docx import Document
from docx.oxml.ns import qn
from lxml import etree

from docgen.errors import RenderError
from docgen.fonts import DEFAULT_ROLES
from docgen.layout import EM_TWIP, GB9704, joint_row_gap_pt, letter_first_lines, mm, text_width_em, twip
from docgen.model.body import Block
from docgen.render.context import BanjiPlacement, NoticeView
from docgen.render.env import templates_dir
from docgen.render.ooxml import CONTINUATION_STYLE, deterministic_zip, el, para, run, set_core_properties, spacer_para

G = GB9704
EM = EM_TWIP  # 3号字一个字宽（twip）
PITCH = G.line_pitch_twip
FONTS = {k: r.docx for k, r in DEFAULT_ROLES.items()}
EMU_PER_TWIP = 635
NO_INDENT = {"firstLine": 0, "firstLineChars": 0}


def _squeezed_runs(text: str, squeeze: dict[int, float], start: int = 0, end: int | None = None,
                   style: str | None = None) -> list[etree._Element]:
    """text[start:end] 的文字块：要挤压的字（`justify.squeezes` 给出，下标相对整段）各自一块、写明字距，其余连成一块。"""
    end = len(text) if end is None else end
    out, i = [], start
    while i < end:
        if i in squeeze:  # 字距相同的相邻几个字合成一块（整行均匀收紧时就是一块）
            tw = math.floor(squeeze[i] * 20)
            j = i + 1
            while j < end and j in squeeze and math.floor(squeeze[j] * 20) == tw:
                j += 1
            out.append(run(text[i:j], style=style, spacing=G.char_spacing_twip + tw))
            i = j
            continue
        j = i + 1
        while j < end and j not in squeeze:
            j += 1
        out.append(run(text[i:j], style=style))
        i = j
    return out


def _block_paras(blocks: list[Block]) -> list[etree._Element]:
    from docgen.render.justify import squeezes

    out = []
    for b in blocks:
        if b.level == 0:
            out.append(para("GWBody", _squeezed_runs(b.text, squeezes(b.text))))
            continue
        head, whole = b.number + b.text, b.number + b.text + (b.runin or "")
        sq = squeezes(whole)
        runs = _squeezed_runs(whole, sq, 0, len(head))
        if b.runin:
            runs += _squeezed_runs(whole, sq, len(head), style="GWBodyChar")
        p = para(f"GWHeading{b.level}", runs, keep_next=not b.runin and b.level <= 2)
        if b.runin and b.level <= 2:
            # 段中标题（“（一）强化组织领导。严格按照……”）是一整段正文，不与下段同页：样式里的“与下段同页”在这里关掉，
            # 否则一串这样的段落连成一条链，字处理软件把它们整个挪到下一页（PDF 不这样）
            p.find(qn("w:pPr")).insert(1, el("w:keepNext", {"val": "0"}))
        out.append(p)
    return out


def _attach_note_paras(notes: list[str]) -> list[etree._Element]:
    """附件说明：左空二字；回行与名称首字对齐（悬挂缩进）。"""
    out = []
    multi = len(notes) > 1
    for i, n in enumerate(notes):
        if not multi:
            ind = {"left": 5 * EM, "hanging": 3 * EM}
        elif i == 0:
            ind = {"left": 6 * EM, "hanging": 4 * EM}
        else:
            ind = {"left": 6 * EM, "hanging": 1 * EM}
        out.append(para("GWAttachNote", [run(n)], ind={**ind}, before=PITCH if i == 0 else 0, keep_next=True))
    return out


TABLE_SIDES = ("top", "left", "bottom", "right", "insideH", "insideV")


def table_frame(width_twip: int, weights: list[float], cell_margin: int = 80,
                borders: bool | dict = True) -> tuple[etree._Element, list[int]]:
    """一张居中、固定列宽的 Word 表格的外框（tblPr 与 tblGrid）：(w:tbl, 各列宽 twip)；`borders` 为假时无框，
    为 {边: 线型} 时只画这几条边。公文附件表、公示名单、备考表的方框、联合行文与信函的发文机关标志、信函的双线、
    版记都用它，各自往里加行。"""
    total = sum(weights)
    cols = [int(width_twip * w / total) for w in weights]
    cols[-1] = width_twip - sum(cols[:-1])
    if isinstance(borders, dict):
        spec = {s: borders.get(s, {"val": "nil"}) for s in TABLE_SIDES}
    else:
        line = {"val": "single", "sz": 4, "space": 0, "color": "000000"} if borders else {"val": "nil"}
        spec = dict.fromkeys(TABLE_SIDES, line)
    tbl = el("w:tbl", None,
             el("w:tblPr", None,
                el("w:tblW", {"w": width_twip, "type": "dxa"}),
                el("w:jc", {"val": "center"}),
                el("w:tblBorders", None, *[el(f"w:{s}", spec[s]) for s in TABLE_SIDES]),
                el("w:tblLayout", {"type": "fixed"}),
                el("w:tblCellMar", None, el("w:left", {"w": cell_margin, "type": "dxa"}),
                   el("w:right", {"w": cell_margin, "type": "dxa"}))),
             el("w:tblGrid", None, *[el("w:gridCol", {"w": c}) for c in cols]))
    return tbl, cols


def float_table(tbl: etree._Element, x_twip: int, y_twip: int, horz: str = "margin",
                vert: str = "page") -> etree._Element:
    """把表格改成浮动表格：纵向从 `vert`（纸张 page 或版心 margin）上边量 `y_twip`，横向从 `horz`（版心 margin 或纸张
    page）左边量 `x_twip`，不与别的浮动表格重叠。"""
    tblpr = tbl.find(qn("w:tblPr"))
    jc = tblpr.find(qn("w:jc"))
    if jc is not None:
        tblpr.remove(jc)
    tblpr.insert(0, el("w:tblOverlap", {"val": "never"}))
    tblpr.insert(0, el("w:tblpPr", {"leftFromText": 0, "rightFromText": 0, "topFromText": 0, "bottomFromText": 0,
                                    "vertAnchor": vert, "horzAnchor": horz, "tblpX": int(x_twip), "tblpY": int(y_twip)}))
    return tbl


def _table(t, width_twip: int) -> etree._Element:
    tbl, cols = table_frame(width_twip, t.widths or [1.0] * len(t.columns))

    def cell(text: str, width: int, style: str, span: int = 1, vmerge: str | None = None,
             center: bool = False) -> etree._Element:
        tcpr = el("w:tcPr", None, el("w:tcW", {"w": width, "type": "dxa"}))
        if span > 1:
            tcpr.append(el("w:gridSpan", {"val": span}))
        if vmerge:
            tcpr.append(el("w:vMerge", {"val": vmerge} if vmerge == "restart" else None))
        tcpr.append(el("w:vAlign", {"val": "center"}))
        p = para(style, [run(text)] if text else [], jc="center" if center else None)
        return el("w:tc", None, tcpr, p)

    head = el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), el("w:tblHeader")),
              *[cell(c, cols[i], "GWTableHead") for i, c in enumerate(t.columns)])
    tbl.append(head)
    for cells in t.layout():
        tr = el("w:tr", None, el("w:trPr", None, el("w:cantSplit")))
        for c, g, text in cells:
            width = sum(cols[c:c + g.colspan])
            merged = g.rowspan > 1 or g.colspan > 1
            if text is None:
                tr.append(cell("", width, "GWTableText", g.colspan, vmerge="continue"))
            else:
                tr.append(cell(text, width, "GWTableText", g.colspan, vmerge="restart" if g.rowspan > 1 else None,
                               center=merged))
        tbl.append(tr)
    return tbl


def _banji_table(v: NoticeView, floating: bool, letter_first_page: bool = False) -> tuple[etree._Element, int]:
    """版记表格及其高度（twip）：首末条分隔线 0.35 mm、中间 0.25 mm。`floating` 时表格相对页面定位，
    末条分隔线与版心下边缘重合（与正文同页时用；`letter_first_page`：在信函首页，那一页的版心低）。"""
    width = twip(mm(G.block_w_mm))
    one = twip(G.banji_pt)
    thick = {"val": "single", "sz": 8, "space": 0, "color": "000000"}  # 1 pt ≈ 0.35 mm
    thin = {"val": "single", "sz": 6, "space": 0, "color": "000000"}  # 0.75 pt ≈ 0.26 mm
    rows = []
    if v.cc:
        per_line = (mm(G.block_w_mm) - 2 * G.banji_pt) / G.banji_pt - 3
        n = max(1, math.ceil(text_width_em(v.cc) / per_line))
        # 一行的：段落行高取一个 4号字高、在定高的行里上下居中——与 PDF 一样字在行距中间（行高取一行行距时 LibreOffice
        # 把多出的空白放在字的上方，字比 PDF 低约 1.2–1.8 mm）。回行的抄送机关仍按行距排（位置的差别未处理）
        single = {"line": one} if n == 1 else {}
        rows.append((n, para("GWBanji", [run("抄送：" + v.cc)], ind={"left": one + 3 * one, "hanging": 3 * one, "right": one},
                         **single)))
    if v.printer:
        rows.append((1, para("GWBanji", [run(v.printer), el("w:r", None, el("w:tab")), run(f"{v.print_date}印发")],
                         ind={"left": one, "right": one}, tabs=[("right", width - one)], line=one)))
    total = sum(n for n, _ in rows) * PITCH
    # 10.1：信函的版记不加分隔线
    rules = {} if v.fmt == "信函" else {"top": thick, "bottom": thick, "insideH": thin}
    tbl, _ = table_frame(width, [1], cell_margin=0, borders=rules)
    if floating:
        # 横向从纸张左边、纵向从版心上边量：LibreOffice（7.4）只把这样定位的通栏浮动表格排成浮动的——横纵都从纸张量且
        # 落在左下四分之一、或横向从版心量而表格与版心同宽时，它把表格当成普通表格接在正文后面
        block_h = letter_first_lines() * PITCH if letter_first_page else twip(mm(G.block_h_mm))
        float_table(tbl, twip(mm(G.left_mm)), block_h - total, horz="page", vert="margin")
    for n, p in rows:
        tbl.append(el("w:tr", None, el("w:trPr", None, el("w:cantSplit"), el("w:trHeight", {"val": n * PITCH, "hRule": "exact"})),
                      el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": width, "type": "dxa"}), el("w:vAlign", {"val": "center"})), p)))
    return tbl, total


def _joint_mark(v: NoticeView) -> list[etree._Element]:
    """联合行文的发文机关标志：无框两栏表格居中——左栏各机关名称分散对齐（w:jc=distribute）到最长一个的宽度，
    右栏“文件”二字上下居中；与 PDF 同样不超出版心。上方用定高的空段把标志上边缘放在距版心上边缘 35 mm 处。"""
    from docgen.render.context import JOINT_GAP_EM

    one = v.mark_pt * 20  # 标志一个字宽（twip）
    left = round(max(text_width_em(x) for x in v.mark_lines) * one)
    right = round((2 + JOINT_GAP_EM) * one) if v.mark_wenjian else 0
    tbl, _ = table_frame(left + right, [left] + ([right] if right else []), cell_margin=0, borders=False)
    organs = [para("GWMark", [run(x, size_pt=v.mark_pt)], jc="distribute", line=twip(v.mark_pt), snap=False)
              for x in v.mark_lines]
    cells = [el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": left, "type": "dxa"})), *organs)]
    if right:
        cells.append(el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": right, "type": "dxa"}), el("w:vAlign", {"val": "center"})),
                        para("GWMark", [run("文件", size_pt=v.mark_pt)], jc="right", line=twip(v.mark_pt), snap=False)))
    tbl.append(el("w:tr", None, *cells))
    return [spacer_para(twip(v.mark_top_pt)), tbl]


def _seal_run(doc, seal: Path, right_twip: float, pic_id: int = 1) -> etree._Element:
    """印章：浮于文字下方的图片，中心距版心右边缘 `right_twip`，顶端在所在段落之上 1.5 行（距正文一行之内）。"""
    size = int(mm(G.seal_mm) * 12700)
    x = int((mm(G.block_w_mm) * 20 - right_twip) * EMU_PER_TWIP) - size // 2
    y = -int(1.5 * PITCH * EMU_PER_TWIP)
    return _anchored_picture(doc, seal, x, y, size, size, pic_id, "印章")


def _anchored_picture(doc, image_path: Path, x: int, y: int, cx: int, cy: int, pic_id: int, name: str) -> etree._Element:
    """浮于文字下方的图片（EMU）：横向从版心左边缘、纵向从所在段落顶端量。"""
    rid, image = doc.part.get_or_add_image(str(image_path))
    size = cx
    xml = f"""
<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
     xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
     xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main"
     xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"
     xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><w:drawing>
<wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="251659264" behindDoc="1"
  locked="0" layoutInCell="1" allowOverlap="1">
 <wp:simplePos x="0" y="0"/>
 <wp:positionH relativeFrom="margin"><wp:posOffset>{x}</wp:posOffset></wp:positionH>
 <wp:positionV relativeFrom="paragraph"><wp:posOffset>{y}</wp:posOffset></wp:positionV>
 <wp:extent cx="{size}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/><wp:wrapNone/>
 <wp:docPr id="{pic_id}" name="{name}{pic_id}"/>
 <wp:cNvGraphicFramePr><a:graphicFrameLocks noChangeAspect="1"/></wp:cNvGraphicFramePr>
 <a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture"><pic:pic>
  <pic:nvPicPr><pic:cNvPr id="{pic_id}" name="image{pic_id}"/><pic:cNvPicPr/></pic:nvPicPr>
  <pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>
  <pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{size}" cy="{cy}"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr>
 </pic:pic></a:graphicData></a:graphic>
</wp:anchor></w:drawing></w:r>"""
    return etree.fromstring(xml)


def _figure_para(doc, part) -> etree._Element:
    """图片附件：居中的嵌入式图片，段落行高随图片（不对齐网格，固定行距会把图片裁掉）。"""
    from docx.shared import Emu

    inline = doc.part.new_pic_inline(str(part.image), Emu(int(part.w_mm * 36000)), Emu(int(part.h_mm * 36000)))
    for side in ("distT", "distB", "distL", "distR"):  # 不写时 LibreOffice 四周各留 0.32 cm，图片就越出版心
        inline.set(side, "0")
    r = el("w:r", None, el("w:drawing", None, inline))
    return para(None, [r], jc="center", line=240, line_rule="auto", snap=False, before=0, after=0, ind=NO_INDENT)


def _split_closing(block: Block, p: etree._Element) -> list[etree._Element]:
    """正文最后一段：末两行与署名、日期同页（7.3.5.5，PDF 里是 widows/orphans: 2）。字处理软件的“与下段同页”
    会把整段都挪到下一页（前一页空出半页），所以按 28 字网格上的断行（`body_line_breaks`，与 PDF 一致）把末两行
    拆成一个不缩进、与下段同页的段落（样式“公文正文（续）”：读 Word 文件的地方——体检、导入——把它接回上一段），
    其余照常在分页处断开。"""
    from docgen.layout import body_line_breaks

    if block.level != 0:
        return [p]
    breaks = body_line_breaks(block.text)
    if len(breaks) < 2:
        return [p]
    from docgen.render.justify import squeezes

    cut = breaks[-2]
    sq = squeezes(block.text)
    # PDF 里这一段 orphans: 2——页末至少留两行：前段只有一行时与末两行排在一起，否则前段自己至少在页末留两行
    head = para("GWBody", _squeezed_runs(block.text, sq, 0, cut), keep_next=len(breaks) == 2)
    if len(breaks) > 2:
        head.find(qn("w:pPr")).insert(1, el("w:widowControl", {"val": "1"}))
    tail = para(CONTINUATION_STYLE, _squeezed_runs(block.text, sq, cut))
    return [head, tail]


def _set_before(p: etree._Element, before: int) -> None:
    ppr = p.find(qn("w:pPr"))
    sp = ppr.find(qn("w:spacing"))
    if sp is None:
        sp = el("w:spacing")
        ppr.append(sp)
    sp.set(qn("w:before"), str(int(before)))


def letter_rule_table(x_pt: float, y_pt: float, thick_on_top: bool) -> etree._Element:
    """信函的红色双线：一行一格、长 170 mm 的无字浮动表格（相对纸张定位），上下两条边框为粗、细两线，行高为两线的间隔。"""
    width = twip(mm(G.letter_rule_len_mm))
    thick = {"val": "single", "sz": int(G.letter_thick_pt * 8), "space": 0, "color": "FF0000"}
    thin = {"val": "single", "sz": int(G.letter_thin_pt * 8), "space": 0, "color": "FF0000"}
    top, bottom = (thick, thin) if thick_on_top else (thin, thick)
    tbl, _ = table_frame(width, [1], cell_margin=0, borders={"top": top, "bottom": bottom})
    tbl.append(el("w:tr", None, el("w:trPr", None, el("w:cantSplit"),
                                   el("w:trHeight", {"val": twip(G.letter_rule_sep_pt), "hRule": "exact"})),
                  el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": width, "type": "dxa"})), spacer_para(1))))
    return float_table(tbl, twip(x_pt), twip(y_pt), horz="page")


def _letter_mark(v: NoticeView) -> etree._Element:
    """信函的发文机关标志：上边缘距纸张上边缘 30 mm 的无框浮动表格。"""
    width = twip(mm(G.block_w_mm))
    tbl, _ = table_frame(width, [1], cell_margin=0, borders=False)
    mark_p = para("GWMark", [run(v.mark_lines[0], size_pt=v.mark_pt)], before=0, after=0, line=twip(v.mark_pt), snap=False)
    tbl.append(el("w:tr", None, el("w:trPr", None, el("w:trHeight", {"val": twip(v.mark_pt), "hRule": "exact"})),
                  el("w:tc", None, el("w:tcPr", None, el("w:tcW", {"w": width, "type": "dxa"})), mark_p)))
    return float_table(tbl, 0, twip(mm(G.top_mm) + v.mark_top_pt))


def _letter_first_header(doc, sect_pr, v: NoticeView) -> None:
    """把信函的发文机关标志写进信函分节的首页页眉（页眉里的浮动表格可以放在版心之上；正文里的会被挪进版心）。"""
    ref = next((r for r in sect_pr.findall(qn("w:headerReference")) if r.get(qn("w:type")) == "first"), None)
    if ref is None:
        raise RenderError("Word 模板的信函分节缺少首页页眉，请运行 make templates 重建")
    hdr = doc.part.related_parts[ref.get(qn("r:id"))].element
    for child in list(hdr):
        hdr.remove(child)
    hdr.append(_letter_mark(v))
    hdr.append(spacer_para(1))


def _letter_head(v: NoticeView) -> list[etree._Element]:
    """信函（10.1）的版头（标志在首页页眉里，见 `_letter_first_header`）：第一条红色双线在标志下 4 mm、上粗下细、
    长 170 mm（相对纸张定位）；双线下 3号字高的 7/8 处左为份号等、右为发文字号（正文从版心上边缘起，用段前空出）。
    第二条双线在信函分节的首页页脚里。"""
    rule_y = mm(G.top_mm) + v.letter_geometry["rule_top"]
    rule_x = mm(G.left_mm - (G.letter_rule_len_mm - G.block_w_mm) / 2)
    out = [letter_rule_table(rule_x, rule_y, thick_on_top=True)]
    before = twip(v.letter_geometry["first"])  # 首个要素的字顶（从版心上边缘量）
    left = v.header_lines or [""]
    for i, line in enumerate(left):
        runs = [run(line)] if line else []
        style = "GWHeaderLine" if line and not (i == 0 and v.notice.copy_no) else "GWDocNo"
        if i == 0:
            runs += [el("w:r", None, el("w:tab")), run(v.doc_number)]
        out.append(para(style, runs, jc="left", ind=NO_INDENT, tabs=[("right", twip(mm(G.block_w_mm)))],
                        before=before if i == 0 else PITCH - twip(G.body_pt), line=twip(G.body_pt), snap=False))
    return out


def _attendance_paras(v: NoticeView) -> list[etree._Element]:
    """纪要（10.3）：出席、请假、列席各起一段，左空二字，“出席：”用黑体，名称回行与冒号后的首字对齐。"""
    out = []
    for i, (label, names) in enumerate(v.attendance):
        out.append(para("GWAttachNote", [run(label + "：", font=FONTS["ht"]), run(names)],
                        ind={"left": 5 * EM, "hanging": 3 * EM}, before=PITCH if i == 0 else 0, keep_next=True))
    return out


def _signature_paras(doc, v: NoticeView) -> list[etree._Element]:
    """署名、日期与印章（7.3.5）：加盖印章（单一机关、联合行文）、签名章、不加盖印章，纪要没有署名时只有附注。"""
    out = []
    block = twip(mm(G.block_w_mm))

    def spacer(height: int) -> etree._Element:
        # 浮动图片相对所在段落定位，而“段落顶端”在 Word 与 LibreOffice 里对段前间距的算法不同：
        # 署名段不设段前，用定高的空段空出那几行
        return spacer_para(height, keep_next=True)

    if v.stamps:
        # 7.3.5.3：正文下空二行右空四字加盖签名章，职务在其左空二字、上下居中；签名章下空一行右空四字为日期
        col = twip(mm(v.stamp_col_mm))
        for i, st in enumerate(v.stamps):
            out.append(spacer(2 * PITCH if i == 0 else PITCH))
            p = para("GWSignature", [run(st.title)], before=0, ind={**NO_INDENT, "right": 4 * EM + col + 2 * EM})
            cx, cy = int(st.w_mm * 36000), int(st.h_mm * 36000)
            x = (block - 4 * EM) * EMU_PER_TWIP - cx
            y = (PITCH * EMU_PER_TWIP - cy) // 2
            p.append(_anchored_picture(doc, Path(st.image), x, y, cx, cy, 10 + i, "签名章"))
            out.append(p)
        out.append(para("GWDate", [run(v.date)], before=PITCH))
    elif v.seal_rows:
        # 7.3.5.1 联合行文：各排署名用居中制表位排在印章中心，印章压在署名上，最后一枚同时压日期
        for r, row in enumerate(v.seal_rows):
            runs = []
            for name in row.names:
                runs += [el("w:r", None, el("w:tab")), run(name)]
            tabs = [("center", block - round(c * EM)) for c in row.centres_em]
            out.append(spacer(2 * PITCH if r == 0 else twip(joint_row_gap_pt())))
            p = para("GWSignature", runs, jc="left", ind=NO_INDENT, tabs=tabs, before=0)
            for j, seal in enumerate(row.seals):
                p.append(_seal_run(doc, Path(seal), row.centres_em[j] * EM, pic_id=20 + r * 3 + j))
            out.append(p)
        out.append(para("GWDate", [run(v.date)], ind={**NO_INDENT, "right": round(v.date_right_em * EM)}))
    elif not v.signature:
        pass
    elif v.sealed:
        out.append(spacer(2 * PITCH))
        for i, s in enumerate(v.signature):
            p = para("GWSignature", [run(s)], before=0, ind={**NO_INDENT, "right": int(v.signature_right_em * EM)})
            if i == 0:
                p.append(_seal_run(doc, Path(v.seals[0]), v.date_centre_em * EM))
            out.append(p)
        out.append(para("GWDate", [run(v.date)]))
    else:
        # 7.3.5.2：署名全是汉字，宽度就是字数，所以署名右空二字、日期左端 = 署名左端 + 二字都不依赖字体；
        # 只有日期比署名长（日期右空二字、署名左移）时要估日期的宽度
        sig_w = max(text_width_em(x) for x in v.signature)
        long_date = v.signature_right_em > 2.0
        for i, s in enumerate(v.signature):
            ind = ({**NO_INDENT, "left": block - round((v.signature_right_em + sig_w) * EM)} if long_date
                   else {**NO_INDENT, "right": 2 * EM})
            out.append(para("GWSignature", [run(s)], jc="left" if long_date else "right",
                            before=PITCH if i == 0 else 0, ind=ind))
        ind = {**NO_INDENT, "right": 2 * EM} if long_date else {**NO_INDENT, "left": block - round(sig_w * EM)}
        out.append(para("GWDate", [run(v.date)], jc="right" if long_date else "left", ind=ind))
    return out


SECTION_KINDS = ("portrait", "landscape", "banji", "standalone", "letter")


def open_template():
    """打开 Word 模板，取出四个分节的属性（竖排、横排附件、版记页、独立横排），并清空正文。"""
    tpl = templates_dir() / "docx" / "notice.docx"
    if not tpl.is_file():
        raise RenderError(f"找不到 Word 模板 {tpl}，请运行 make templates 重建")
    doc = Document(str(tpl))
    body = doc.element.body
    sects = [p.find(qn("w:pPr")).find(qn("w:sectPr")) for p in body.findall(qn("w:p"))
             if p.find(qn("w:pPr")) is not None and p.find(qn("w:pPr")).find(qn("w:sectPr")) is not None]
    sects.append(body.find(qn("w:sectPr")))
    if len(sects) != len(SECTION_KINDS) or sects[-1] is None:
        raise RenderError(f"Word 模板 {tpl} 应有 {len(SECTION_KINDS)} 个分节（竖排、横排附件、版记页、独立横排、信函），"
                          "请勿删除分节")
    sect = dict(zip(SECTION_KINDS, sects))
    for child in list(body):
        body.remove(child)
    return doc, sect


def write_sections(doc, sect: dict, segments: list[tuple[str, list[etree._Element]]]) -> None:
    """按分节写入正文：除最后一节外，分节属性放在该节最后一个段落里。"""
    body = doc.element.body
    for i, (kind, els) in enumerate(segments):
        last = i == len(segments) - 1
        if not els or els[-1].tag != qn("w:p"):
            els.append(para(None, []))
        for e in els:
            body.append(e)
        # 编页码的版记页（7.5：前面没有空白页，正文止于奇数页）：竖排页的页脚，仍写“另起偶数页”——字处理软件的分页
        # 与 PDF 不同时（如横排任务清单的表格在 LibreOffice 里少一页）版记也不会落在奇数页
        sp = copy.deepcopy(sect["portrait" if kind == "banji_numbered" else kind])
        t = sp.find(qn("w:type"))
        if t is None:
            t = el("w:type")
            sp.insert(0, t)
        t.set(qn("w:val"), "evenPage" if kind.startswith("banji") else "nextPage")
        if last:
            body.append(sp)
        else:
            ppr = els[-1].find(qn("w:pPr"))
            if ppr is None:
                ppr = el("w:pPr")
                els[-1].insert(0, ppr)
            ppr.append(sp)


def save_docx(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return deterministic_zip(buf.getvalue())


def render_notice_docx(v: NoticeView, placement: BanjiPlacement | None = None) -> bytes:
    """渲染 DOCX 字节。`placement` 来自 PDF 的排版（:func:`docgen.render.pdf.docx_layout` 或
    :func:`~docgen.render.pdf.render_notice_pdf_placed`）：版记是否另起偶数页、那一页编不编页码（7.5）、与正文同页时
    在第几页、信函首页是否照常 22 行。不给时版记另起一页、不编页码。"""
    placement = placement or BanjiPlacement(own_page=True, numbered=False)
    doc, sect = open_template()
    segments: list[tuple[str, list[etree._Element]]] = [("portrait", [])]

    def add(*els):
        segments[-1][1].extend(els)

    # 版头
    if v.fmt == "信函":
        segments[0] = ("letter", [])
        add(*_letter_head(v))
    else:
        for line in v.header_lines:
            add(para("GWHeaderLine", [run(line)]))
        if len(v.mark_lines) > 1:
            add(*_joint_mark(v))
        else:
            mark_text = v.mark_lines[0] + ("文件" if v.mark_wenjian else "")
            add(para("GWMark", [run(mark_text, size_pt=v.mark_pt)], before=twip(v.mark_top_pt),
                     line=twip(v.mark_pt), snap=False))
    red = {"val": "single", "sz": int(G.red_rule_pt * 8), "space": int(round(mm(G.red_rule_gap_mm))), "color": "FF0000"}
    half_leading = (PITCH - twip(G.body_pt)) // 2
    body_before = None  # 正文第一段的段前（命令：令号下空二行）
    if v.fmt == "信函":
        pass
    elif v.fmt == "命令":
        add(para("GWDocNo", [run(v.order_no)], before=2 * PITCH, line=twip(G.body_pt)))
        body_before = twip(v.order_body_top_pt - v.order_no_bottom_pt) - 10  # 差一点点就会被挪到下一条网格线
    elif v.signers:
        # 7.2.3：每行两个签发人，续行与上一行的第一个姓名对齐（左对齐制表位在“签发人：”之后），发文字号与最后一行同行
        label_at = twip(mm(G.block_w_mm)) - EM - round(v.signer_block_em * EM)  # 制表位从版心左边量
        rows = v.signer_rows
        for i, row in enumerate(rows):
            last = i == len(rows) - 1
            runs = [run(v.doc_number)] if last else []
            runs += [el("w:r", None, el("w:tab"))]
            runs += [run("签发人：")] if i == 0 else [el("w:r", None, el("w:tab"))]
            runs += [run("　".join(row), font=FONTS["kt"])]
            add(para("GWDocNo", runs, jc="left", ind={"left": EM, "right": EM},
                     tabs=[("left", label_at), ("left", label_at + 4 * EM)],
                     before=2 * PITCH if i == 0 else PITCH - twip(G.body_pt), line=twip(G.body_pt),
                     **({"border_bottom": red} if last else {})))
    elif v.fmt == "纪要":
        # 纪要：左为期号（发文字号），右为日期（没有署名时），与 PDF 一样左右各空一字
        right = [el("w:r", None, el("w:tab")), run(v.date)] if not v.signature else []
        add(para("GWDocNo", [run(v.doc_number)] + right, jc="left", ind={"left": EM, "right": EM},
                 tabs=[("right", twip(mm(G.block_w_mm)) - EM)], before=2 * PITCH, line=twip(G.body_pt),
                 border_bottom=red))
    else:
        add(para("GWDocNo", [run(v.doc_number)], before=2 * PITCH, line=twip(G.body_pt), border_bottom=red))
    if v.title_lines:
        if v.fmt == "信函":
            lg = v.letter_geometry
            before = twip(lg["title_top"] - lg["last_bottom"]) - 10  # 差一点点就会被挪到下一条网格线
        else:
            before = 2 * PITCH - twip(G.red_rule_pt)
        add(para("GWTitle", [run("\n".join(v.title_lines))], before=before))
    elif v.fmt == "纪要":
        body_before = 2 * PITCH - twip(G.red_rule_pt)
    if v.recipients:
        add(para("GWRecipients", [run(v.recipients)], before=PITCH))
    paras = _block_paras(v.blocks)
    paras[-1:] = _split_closing(v.blocks[-1], paras[-1])
    if body_before is not None and not v.recipients:
        _set_before(paras[0], body_before)
    # 正文最后一段与署名同页：署名、日期、印章不单独成页
    last_ppr = paras[-1].find(qn("w:pPr"))
    if last_ppr.find(qn("w:keepNext")) is None:
        last_ppr.insert(1, el("w:keepNext"))
    last_ppr.insert(2, el("w:keepLines"))
    add(*paras)
    add(*_attach_note_paras(v.attachment_notes))
    add(*_attendance_paras(v))
    add(*_signature_paras(doc, v))
    if v.note:
        add(para("GWNote", [run(v.note)]))
    # 印发的文件
    if v.enclosed_title_lines:
        add(para("GWTitle", [run("\n".join(v.enclosed_title_lines))], page_break_before=True, after=PITCH))
        add(*_block_paras(v.enclosed_blocks))
    # 附件
    for a in v.attachments:
        orient = "landscape" if a.landscape else "portrait"
        if orient != segments[-1][0]:
            segments.append((orient, []))
            label = para("GWAttachLabel", [run(a.label)])
        else:
            label = para("GWAttachLabel", [run(a.label)], page_break_before=True)
        add(label)
        add(para("GWTitle", [run("\n".join(a.title_lines))], before=PITCH, after=PITCH))
        block_w = G.block_h_mm if a.landscape else G.block_w_mm
        for part in a.parts:
            add(*_block_paras(part.blocks))
            if part.table is not None:
                add(_table(part.table, twip(mm(block_w))))
            if part.image is not None:
                add(_figure_para(doc, part))
    # 版记
    if v.has_banji:
        own = placement.own_page or segments[-1][0] == "landscape"
        if own:
            # 版记单独成页（偶数页）：用固定行高的空段把表格推到版心底部，
            # 比浮动表格更可靠（各种字处理软件都按同样的方式排）。信函（10.1）的版记只须在最后一面，另起一页照常编页码；
            # 其余格式另起偶数页，前面插了空白页时不编页码（版记页一节没有页码），否则照常编（用竖排页的页脚）
            if v.fmt == "信函":
                kind = "portrait"
            else:
                kind = "banji_numbered" if placement.own_page and placement.numbered else "banji"
            segments.append((kind, []))
            tbl, height = _banji_table(v, floating=False)
            # 分隔线的粗细不计入固定行高（LibreOffice 如此排），也从空段中扣除。版记页有页码时 LibreOffice 的版心比
            # 没有页脚时矮：信函那一页多留 1 pt。编页码的版记页（另起偶数页、带页码的页脚）：LibreOffice 把这一页的
            # 正文整体下移约 3.5 mm（198 twip；同样的一节写成“下一页”时不移，没有页码的版记页也不移），空段相应减短；
            # 不移时表格再往下 24 twip 就挪到下一页，往下 12 twip 时末条线在版心下边缘上方约 0.45 mm，取后者。
            # Word 里是否同样下移没有条件核对：不移时版记末条线比版心下边缘高约 3.8 mm，不会跑到下一页
            footer = {"banji": 0, "portrait": 20, "banji_numbered": -12 + 198}[kind]
            rules = (0 if v.fmt == "信函" else 2 * 20 + (15 if v.cc and v.printer else 0)) + footer
            spacer = twip(mm(G.block_h_mm)) - height - rules - 2
            add(spacer_para(spacer), tbl, spacer_para(1))
        else:
            tbl, _ = _banji_table(v, floating=True, letter_first_page=v.fmt == "信函" and placement.page == 0
                                  and not placement.letter_short_first)
            add(tbl, spacer_para(1))
    if v.fmt == "信函":
        _letter_first_header(doc, sect["letter"], v)
        if placement.letter_short_first:  # 首页的印章会越过第二条双线：首页版心照常止于 262 mm
            sect["letter"].find(qn("w:pgMar")).set(qn("w:bottom"), str(twip(mm(G.bottom_mm))))
    write_sections(doc, sect, segments)
    _core_properties(doc, v)
    return save_docx(doc)


def _core_properties(doc, v: NoticeView) -> None:
    set_core_properties(doc, title=v.notice.title_text, author="、".join(v.signature), keywords=v.notice.number_text,
                        subject=v.notice.number_text, date=v.notice.date)
