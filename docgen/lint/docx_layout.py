"""Word 文件的版式检查：纸张、页边距、正文与标题的字体字号、页码页脚。"""

from __future__ import annotations

from collections import Counter

from docx.oxml.ns import qn

from docgen.lint.core import RULES, Finding, rule
from docgen.lint.units import LintDoc

FANGSONG = {"仿宋_GB2312", "仿宋", "FangSong", "FangSong_GB2312", "STFangsong", "华文仿宋", "FandolFang"}
XIAOBIAOSONG = {"方正小标宋简体", "方正小标宋_GBK", "方正小标宋", "小标宋", "FZXiaoBiaoSong-B05S", "华文中宋", "STZhongsong"}
TWIP_MM = 1440 / 25.4


def kinds_docx(fn):
    fn.kinds = ("docx",)
    return fn


def _f(doc: LintDoc, rid: str, where: str, message: str, text: str = "", suggestion: str = "") -> Finding:
    return Finding(rid, RULES[rid].severity, doc.name, where, message, text, suggestion)


def _sections(doc: LintDoc):
    body = doc.docx.element.body
    return list(body.iter(qn("w:sectPr")))


@rule("LY001", "error", "纸张为 A4")
@kinds_docx
def ly001(doc):
    for i, sp in enumerate(_sections(doc), start=1):
        sz = sp.find(qn("w:pgSz"))
        if sz is None:
            continue
        w, h = int(sz.get(qn("w:w"))), int(sz.get(qn("w:h")))
        dims = sorted((round(w / TWIP_MM), round(h / TWIP_MM)))
        if abs(dims[0] - 210) > 1 or abs(dims[1] - 297) > 1:
            yield _f(doc, "LY001", f"第{i}节", f"纸张为 {dims[0]}×{dims[1]} mm，应为 A4（210×297 mm）")


@rule("LY002", "error", "页边距：天头 37 mm、订口 28 mm、下 35 mm、右 26 mm（各 ±1 mm）")
@kinds_docx
def ly002(doc):
    for i, sp in enumerate(_sections(doc), start=1):
        sz, mar = sp.find(qn("w:pgSz")), sp.find(qn("w:pgMar"))
        if sz is None or mar is None:
            continue
        landscape = int(sz.get(qn("w:w"))) > int(sz.get(qn("w:h")))
        got = {k: int(mar.get(qn(f"w:{k}"), "0")) / TWIP_MM for k in ("top", "left", "bottom", "right")}
        # 横排页：纸张顺时针转 90°，竖排的订口在上、天头在右
        want = {"top": 28, "left": 35, "bottom": 26, "right": 37} if landscape else {"top": 37, "left": 28, "bottom": 35, "right": 26}
        letter = _letter_bottom(doc, sp) if not landscape else None
        if letter is not None and abs(got["bottom"] - want["bottom"]) > 1.05:
            want["bottom"] = round(letter, 1)  # 首页 23 行的信函；首页因印章照常 22 行的，下边距就是 35 mm
        names = {"top": "上", "left": "左", "bottom": "下", "right": "右"}
        bad = [f"{names[k]} {got[k]:.1f} mm（应为 {want[k]}）" for k in want if abs(got[k] - want[k]) > 1.05]
        if bad:
            yield _f(doc, "LY002", f"第{i}节", "页边距不符：" + "，".join(bad))


def _letter_bottom(doc: LintDoc, sp) -> float | None:
    """信函分节（10.1，docgen 的写法）的下页边距：首页版心伸到第二条双线上方，所以下边距按首页设，其余各页的页码
    段前留出版心下边缘到页码的 7 mm、把正文推回版心下边缘以上。认得出这样的分节时返回首页 23 行的下边距，否则 None
    （首页因印章照常 22 行的信函，这一节的下边距与其余各页一样是 35 mm，也对）。"""
    from docgen.layout import GB9704, letter_first_bottom_mm

    if sp.find(qn("w:titlePg")) is None:
        return None
    ref = next((r for r in sp.findall(qn("w:footerReference")) if r.get(qn("w:type")) == "default"), None)
    if ref is None:
        return None
    try:
        part = doc.docx.part.related_parts[ref.get(qn("r:id"))]
    except KeyError:
        return None
    spacing = part.element.find(".//" + qn("w:spacing"))
    before = int(spacing.get(qn("w:before"), "0")) / TWIP_MM if spacing is not None else 0
    return letter_first_bottom_mm() if abs(before - GB9704.pageno_gap_mm) < 0.5 else None


class Props:
    """按 Word 的继承顺序求段落和文字的实际字体、字号：文字直接格式 → 字符样式 → 段落样式链 → 文档默认。"""

    def __init__(self, docx):
        self.styles = {}
        st = docx.styles.element
        for s in st.findall(qn("w:style")):
            self.styles[s.get(qn("w:styleId"))] = s
        dd = st.find(qn("w:docDefaults"))
        self.default_rpr = dd.find(qn("w:rPrDefault") + "/" + qn("w:rPr")) if dd is not None else None
        self.default_para = next((s.get(qn("w:styleId")) for s in st.findall(qn("w:style"))
                                  if s.get(qn("w:type")) == "paragraph" and s.get(qn("w:default")) in ("1", "true")), None)
        self.theme_ea = _theme_east_asian(docx)

    def _chain(self, sid):
        seen = set()
        while sid and sid not in seen and sid in self.styles:
            seen.add(sid)
            s = self.styles[sid]
            yield s
            b = s.find(qn("w:basedOn"))
            sid = b.get(qn("w:val")) if b is not None else None

    def run_props(self, p, r) -> tuple[str | None, float | None]:
        rprs = []
        rpr = r.find(qn("w:rPr"))
        if rpr is not None:
            rprs.append(rpr)
            rs = rpr.find(qn("w:rStyle"))
            if rs is not None:
                rprs += [s.find(qn("w:rPr")) for s in self._chain(rs.get(qn("w:val")))]
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        sid = ps.get(qn("w:val")) if ps is not None else self.default_para
        rprs += [s.find(qn("w:rPr")) for s in self._chain(sid)]
        rprs.append(self.default_rpr)
        font = size = None
        for x in rprs:
            if x is None:
                continue
            if font is None:
                f = x.find(qn("w:rFonts"))
                if f is not None:
                    font = f.get(qn("w:eastAsia")) or (self.theme_ea if f.get(qn("w:eastAsiaTheme")) else None)
            if size is None:
                sz = x.find(qn("w:sz"))
                if sz is not None:
                    size = int(sz.get(qn("w:val"))) / 2
        return font, size

    def para_props(self, p) -> tuple[str | None, float | None]:
        """段落中字数最多的字体与字号。"""
        counts: Counter = Counter()
        for r in p.iter(qn("w:r")):
            t = "".join(x.text or "" for x in r.iter(qn("w:t")))
            if t.strip():
                counts[self.run_props(p, r)] += len(t)
        return counts.most_common(1)[0][0] if counts else (None, None)


def _theme_east_asian(docx) -> str | None:
    from lxml import etree

    for rel in docx.part.rels.values():
        if rel.reltype.endswith("/theme"):
            root = etree.fromstring(rel.target_part.blob)
            ns = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main"}
            f = root.find(".//a:minorFont/a:font[@script='Hans']", ns)
            if f is not None:
                return f.get("typeface")
            ea = root.find(".//a:minorFont/a:ea", ns)
            return ea.get("typeface") if ea is not None and ea.get("typeface") else "（主题字体）"
    return None


def _paragraph_elements(doc: LintDoc) -> dict[int, object]:
    out = {}
    n = 0
    for child in doc.docx.element.body.iterchildren():
        if child.tag == qn("w:p"):
            n += 1
            out[n] = child
    return out


@rule("LY003", "error", "正文用 3号（16 pt）仿宋")
@kinds_docx
def ly003(doc):
    props = Props(doc.docx)
    paras = _paragraph_elements(doc)
    counts: Counter = Counter()
    for u in doc.units:
        if u.role == "正文" and u.index in paras:
            counts[props.para_props(paras[u.index])] += len(u.text)
    if not counts:
        return
    (font, size), _ = counts.most_common(1)[0]
    first = next(u for u in doc.units if u.role == "正文")
    if font not in FANGSONG:
        yield _f(doc, "LY003", first.where, f"正文字体为“{font or '未设置'}”，应为仿宋（仿宋_GB2312）", suggestion="仿宋_GB2312")
    if size is None or abs(size - 16) > 0.1:
        yield _f(doc, "LY003", first.where, f"正文字号为 {size or '未设置'} pt，应为 3号（16 pt）", suggestion="16 pt")


@rule("LY004", "error", "标题用 2号（22 pt）小标宋")
@kinds_docx
def ly004(doc):
    props = Props(doc.docx)
    paras = _paragraph_elements(doc)
    for u in doc.role("标题")[:1]:
        font, size = props.para_props(paras[u.index])
        if font not in XIAOBIAOSONG:
            yield _f(doc, "LY004", u.where, f"标题字体为“{font or '未设置'}”，应为小标宋（方正小标宋简体）", u.text[:16])
        if size is None or abs(size - 22) > 0.1:
            yield _f(doc, "LY004", u.where, f"标题字号为 {size or '未设置'} pt，应为 2号（22 pt）", u.text[:16])


@rule("LY005", "error", "页码：“— 1 —”，单页居右、双页居左")
@kinds_docx
def ly005(doc):
    d = doc.docx
    settings = d.settings.element
    odd_even = settings.find(qn("w:evenAndOddHeaders")) is not None
    sect = d.sections[0]
    odd_xml = sect.footer._element if not sect.footer.is_linked_to_previous or True else None

    def has_page(el) -> bool:
        instr = "".join(t.text or "" for t in el.iter(qn("w:instrText")))
        simple = [f.get(qn("w:instr")) or "" for f in el.iter(qn("w:fldSimple"))]
        return "PAGE" in instr.upper() or any("PAGE" in s.upper() for s in simple)

    def align(el) -> str | None:
        for p in el.iter(qn("w:p")):
            if has_page(p):
                jc = p.find(qn("w:pPr") + "/" + qn("w:jc"))
                return jc.get(qn("w:val")) if jc is not None else "left"
        return None

    def text(el) -> str:
        return "".join(t.text or "" for t in el.iter(qn("w:t")))

    if odd_xml is None or not has_page(odd_xml):
        yield _f(doc, "LY005", "页脚", "页脚中没有页码（PAGE 域）", suggestion="插入“— PAGE —”页码")
        return
    if "—" not in text(odd_xml):
        yield _f(doc, "LY005", "页脚", "页码两侧应各有一条一字线“—”", text(odd_xml).strip(), "— 1 —")
    if not odd_even:
        yield _f(doc, "LY005", "页脚", "没有设置“奇偶页不同”，页码无法单页居右、双页居左", suggestion="页面设置 → 版式 → 奇偶页不同")
        return
    if align(odd_xml) != "right":
        yield _f(doc, "LY005", "单页页脚", "单页页码应居右（右空一字）")
    even = sect.even_page_footer._element
    if not has_page(even):
        yield _f(doc, "LY005", "双页页脚", "双页页脚中没有页码")
    elif align(even) not in ("left", "start", None):
        yield _f(doc, "LY005", "双页页脚", "双页页码应居左（左空一字）")
