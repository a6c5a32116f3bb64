"""WordprocessingML 小工具：构造段落、文字、域、字体设置（python-docx 没有的部分）。"""

from __future__ import annotations

import io
import zipfile

from docx.oxml.ns import qn
from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def el(tag: str, attrs: dict | None = None, *children) -> etree._Element:
    """新建 ``w:`` 元素；`attrs` 的键不带前缀时按 ``w:`` 处理。"""
    e = etree.Element(qn(tag))
    for k, v in (attrs or {}).items():
        e.set(qn(k if ":" in k else f"w:{k}"), str(v))
    for c in children:
        if c is not None:
            e.append(c)
    return e


def rfonts(name: str) -> etree._Element:
    """四种文字都用同一字体，去掉主题字体，并标注 eastAsia 提示（引号、破折号按中文字体显示）。"""
    return el("w:rFonts", {"ascii": name, "hAnsi": name, "eastAsia": name, "cs": name, "hint": "eastAsia"})


def run(text: str, *, font: str | None = None, size_pt: float | None = None, color: str | None = None,
        style: str | None = None, bold: bool = False, spacing: int | None = None) -> etree._Element:
    """一个文字块 ``w:r``。"""
    rpr = el("w:rPr")
    if style:
        rpr.append(el("w:rStyle", {"val": style}))
    rpr.append(rfonts(font) if font else el("w:rFonts", {"hint": "eastAsia"}))
    if bold:
        rpr.append(el("w:b"))
    if color:
        rpr.append(el("w:color", {"val": color}))
    if spacing is not None:
        rpr.append(el("w:spacing", {"val": spacing}))
    if size_pt:
        hp = int(round(size_pt * 2))
        rpr.append(el("w:sz", {"val": hp}))
        rpr.append(el("w:szCs", {"val": hp}))
    r = el("w:r", None, rpr)
    for i, part in enumerate(text.split("\n")):
        if i:
            r.append(el("w:br"))
        t = el("w:t")
        t.text = part
        t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        r.append(t)
    return r


def page_field_runs(font: str, size_pt: float) -> list[etree._Element]:
    """“— PAGE —”：PAGE 域两侧各一条一字线。"""
    hp = str(int(size_pt * 2))

    def r(*children):
        return el("w:r", None, el("w:rPr", None, rfonts(font), el("w:sz", {"val": hp}), el("w:szCs", {"val": hp})), *children)

    def t(s):
        e = el("w:t")
        e.text = s
        e.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
        return e

    instr = el("w:instrText")
    instr.text = " PAGE "
    instr.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return [r(t("— ")), r(el("w:fldChar", {"fldCharType": "begin"})), r(instr),
            r(el("w:fldChar", {"fldCharType": "separate"})), r(t("1")), r(el("w:fldChar", {"fldCharType": "end"})),
            r(t(" —"))]


def para(style: str | None = None, runs: list | None = None, **ppr) -> etree._Element:
    """段落 ``w:p``。`ppr` 支持：jc, before, after, line, line_rule, ind（dict）, snap（bool）,
    page_break_before, keep_next, border_bottom（dict）, tabs（list[(val,pos)]）, outline。"""
    p = el("w:p")
    pp = el("w:pPr")
    if style:
        pp.append(el("w:pStyle", {"val": style}))
    if ppr.get("keep_next"):
        pp.append(el("w:keepNext"))
    if ppr.get("keep_lines"):
        pp.append(el("w:keepLines"))
    if ppr.get("page_break_before"):
        pp.append(el("w:pageBreakBefore"))
    if "border_bottom" in ppr:
        pp.append(el("w:pBdr", None, el("w:bottom", ppr["border_bottom"])))
    if ppr.get("tabs"):
        pp.append(el("w:tabs", None, *[el("w:tab", {"val": v, "pos": pos}) for v, pos in ppr["tabs"]]))
    # 不让字处理软件在汉字与字母、数字之间自动加空（PDF 不加；LibreOffice 默认加，日期“2020年4月1日”因此宽出约 6 mm）
    pp.append(el("w:autoSpaceDE", {"val": "0"}))
    pp.append(el("w:autoSpaceDN", {"val": "0"}))
    if ppr.get("snap") is False:
        pp.append(el("w:snapToGrid", {"val": "0"}))
    sp = {}
    if "before" in ppr:
        sp["before"] = int(ppr["before"])
    if "after" in ppr:
        sp["after"] = int(ppr["after"])
    if "line" in ppr:
        sp["line"] = int(ppr["line"])
        sp["lineRule"] = ppr.get("line_rule", "exact")
    if sp:
        pp.append(el("w:spacing", sp))
    if ppr.get("ind"):
        pp.append(el("w:ind", ppr["ind"]))
    if ppr.get("jc"):
        pp.append(el("w:jc", {"val": ppr["jc"]}))
    if "outline" in ppr:
        pp.append(el("w:outlineLvl", {"val": ppr["outline"]}))
    if len(pp):
        p.append(pp)
    for r in runs or []:
        p.append(r)
    return p


def pin_core_dates(blob: bytes, stamp) -> bytes:
    """openpyxl 保存时总把“修改时间”写成当前时间；把 docProps/core.xml 中的创建、修改时间改回 `stamp`。"""
    import re

    iso = stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
    return re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms)", rf"\g<1>{iso}\g<2>",
                  blob.decode("utf-8")).encode("utf-8")


def literal(cell):
    """数据原样写进 Excel 单元格：以“=”开头的文字不变成公式（openpyxl 见“=”开头就当公式写出，
    户主名 “=HYPERLINK(…)” 就成了可点的链接）。docgen 自己写的公式（报告日期 =TODAY()）不经过这里。"""
    if cell.data_type == "f":
        cell.data_type = "s"
    return cell


def workbook_bytes(wb, stamp) -> bytes:
    """openpyxl 工作簿 → 确定性的 .xlsx 字节（文档属性日期固定为 `stamp`，zip 时间戳固定）。"""
    out = io.BytesIO()
    save_workbook(wb, out, stamp)
    return out.getvalue()


def save_workbook(wb, dest, stamp) -> None:
    """同 :func:`workbook_bytes`，但写到文件句柄 `dest`；中间结果放在临时文件里，几万行的工作簿也不整个进内存。"""
    import tempfile

    wb.properties.created = wb.properties.modified = stamp
    with tempfile.TemporaryFile() as tmp:
        wb.save(tmp)
        tmp.seek(0)
        rezip(tmp, dest, {"docProps/core.xml": lambda b: pin_core_dates(b, stamp)})


def deterministic_zip(data: bytes, rewrite: dict | None = None) -> bytes:
    """重写 zip：固定时间戳、固定压缩方式，成员顺序不变——同一输入得到相同字节。"""
    out = io.BytesIO()
    rezip(io.BytesIO(data), out, rewrite)
    return out.getvalue()


def rezip(src_file, dest, rewrite: dict | None = None) -> None:
    """:func:`deterministic_zip` 的流式版本。`rewrite`：成员名 → 改写函数（bytes → bytes）；
    其余成员分块复制（几万行的工作表不整个解压进内存）。"""
    rewrite = rewrite or {}
    src = zipfile.ZipFile(src_file)
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            if info.filename in rewrite:
                z.writestr(zi, rewrite[info.filename](src.read(info.filename)), compresslevel=6)
                continue
            zi.file_size = info.file_size  # 大于 2 GB 时 zipfile 据此写 ZIP64
            with src.open(info) as fin, z.open(zi, "w") as fout:
                while chunk := fin.read(1 << 20):
                    fout.write(chunk)


def spacer_para(height_twip: int, keep_next: bool = False) -> etree._Element:
    """定高的空段（精确行高，不对齐网格）：用来把下面的内容推到算好的位置。段里放一个极小的空 run，
    字处理软件就不会按正文字号把行撑高。"""
    tiny = el("w:r", None, el("w:rPr", None, el("w:sz", {"val": 2}), el("w:szCs", {"val": 2})))
    return para(None, [tiny], line=max(1, int(height_twip)), snap=False, before=0, after=0, keep_next=keep_next)


# 正文最后一段为排版拆出的末两行所用的样式（见 docgen/render/docx.py 的 _split_closing）：读 Word 文件的地方把它接回上一段
CONTINUATION_STYLE = "GWBodyCont"


def is_continuation(p: etree._Element) -> bool:
    """段落 ``w:p`` 是不是 docgen 拆出的“公文正文（续）”。"""
    style = p.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
    return style is not None and style.get(qn("w:val")) == CONTINUATION_STYLE


def set_core_properties(doc, *, title: str, author: str, keywords: str = "", subject: str = "",
                        date=None) -> None:
    """Word 文件的“属性”（标题、作者、关键词……）。每项最多 255 个字（Office 的限制，python-docx 超出即报错）：
    过长的标题（一份几百字的标题、几百字的村名）截断并以“…”结尾——文件正文里的文字不受影响。日期不取时钟。"""
    import datetime as dt

    def fit(s: str) -> str:
        s = str(s or "")
        return s if len(s) <= 255 else s[:254] + "…"

    cp = doc.core_properties
    cp.title, cp.author, cp.last_modified_by = fit(title), fit(author), "docgen"
    cp.keywords, cp.subject, cp.comments = fit(keywords), fit(subject), ""
    if date is not None:
        stamp = dt.datetime(date.year, date.month, date.day)
        cp.created = cp.modified = cp.last_printed = stamp
    cp.revision = 1
