"""公文 HTML → PDF（WeasyPrint）。

版记须在最后一页（偶数页）并使末条分隔线与版心下边缘重合，这要知道排版结果，
所以分两遍：第一遍排版并测量，第二遍按测量结果放置版记。
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from markupsafe import Markup

from docgen.errors import RenderError
from docgen.fonts import FontSet
from docgen.render.justify import justify_paragraph
from docgen.layout import GB9704, joint_row_gap_pt, letter_first_bottom_mm, letter_foot_top_mm, mm, text_width_em
from docgen.render.context import BanjiPlacement, NoticeView
from docgen.render.env import make_env, templates_dir

log = logging.getLogger("docgen")

def font_families(fonts: FontSet) -> dict[str, str]:
    """各字体角色的 CSS font-family 值（首选已解析的字体，再接其余回退）。"""
    r = fonts.resolve()
    # 字体名在 FontSet 中已校验（只含字母、数字、汉字、空格、-、_），可直接放进 CSS
    fam = {k: Markup(v.css_family()) for k, v in r.items()}
    fam["xbs_weight"] = Markup(r["xbs"].css_weight)
    return fam


def _pageno_css(fonts: FontSet) -> str:
    st = fonts.resolve()["st"]
    return (f"font-family: {st.css_family()}; font-size: {GB9704.pageno_pt}pt; letter-spacing: 0; "
            f"line-height: {GB9704.pageno_pt}pt; vertical-align: top; padding-top: {GB9704.pageno_gap_mm}mm;")


def html_context(v: NoticeView, fonts: FontSet, *, banji_spacer_pt: float = 0.0,
                 banji_own_page: bool = False, banji_numbered: bool = True, letter_short_first: bool = False) -> dict:
    """HTML 模板的全部变量。"""
    g = GB9704
    return {
        "v": v,
        "g": g,
        "f": font_families(fonts),
        "pageno_css": Markup(_pageno_css(fonts)),
        "seal_uri": Path(v.seals[0]).resolve().as_uri() if v.seals else None,  # 旧模板用的单枚印章
        "seal_right_pt": round(v.date_centre_em * g.char_pitch_pt - mm(g.seal_mm) / 2, 3),
        "seal_pt": mm(g.seal_mm),
        "name_width_pt": lambda s: text_width_em(s) * g.char_pitch_pt,
        "joint_row_gap_pt": joint_row_gap_pt(),
        "letter_foot_top_mm": letter_foot_top_mm(),
        "letter_first_page_bottom_mm": GB9704.bottom_mm if letter_short_first else letter_first_bottom_mm(),  # 信函首页的下边距
        "banji_spacer_pt": round(banji_spacer_pt, 3),
        "banji_own_page": banji_own_page,
        "banji_numbered": banji_numbered,
        "created": v.notice.date.isoformat(),
        "justify": _justifier(fonts),
        "fixed_table": _table_fixer(fonts),
    }


_ROLE_OF_CLASS = {None: "fs", "h1": "ht", "h2": "kt"}


def _justifier(fonts: FontSet):
    """模板里的 justify(块)：一段正文（标题部分用标题字体）逐行两端对齐的 HTML。"""
    widths = {cls: fonts.ascii_advances(role) for cls, role in _ROLE_OF_CLASS.items()}  # 每种字体的字宽只查一次

    def ascii_em(ch: str, cls: str | None) -> float:
        return widths.get(cls, widths[None]).get(ch, 0.5)

    def justify(b) -> Markup:
        if b.level == 0:
            parts = [(b.text, None)]
        else:
            parts = [(f"{b.number}{b.text}", f"h{b.level}"), (b.runin or "", None)]
        return justify_paragraph(parts, ascii_em)

    return justify


def _is_ideograph(ch: str) -> bool:
    o = ord(ch)
    return 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x3FFFF


def _longest_unbreakable_em(text: str, ascii_em: dict[str, float]) -> float:
    """估计一格文字最长的不可断开的一段有多宽（字）：只认空白处、两个汉字之间、汉字与 ASCII 字母数字之间可以断行
    （实际能断的地方更多，所以只会估大）。ASCII 字符按字体的字宽，汉字、全角标点算一个字，其余字符按 1.2 个字算（宁大勿小）。"""
    longest = run = 0.0
    prev = ""
    for ch in text:
        if ch.isspace():
            run, prev = 0.0, ""
            continue
        if prev and (_is_ideograph(prev) and (_is_ideograph(ch) or ch.isascii() and ch.isalnum())
                     or prev.isascii() and prev.isalnum() and _is_ideograph(ch)):
            run = 0.0
        run += ascii_em.get(ch, 0.5) if ord(ch) < 0x7F else (1.0 if _is_ideograph(ch) or 0x3000 <= ord(ch) <= 0x303F
                                                             or 0xFF00 <= ord(ch) <= 0xFFEF or ch in "—…“”‘’·" else 1.2)
        longest = max(longest, run)
        prev = ch
    return longest


TABLE_PT = 12.0  # templates/html/_table.css：table.grid 的字号
CELL_EXTRA_PT = 2 * 4 + 0.5  # 格内左右边距 4 pt + 边框（合并边框各占一半，按整条算）


def _table_fixer(fonts: FontSet):
    """模板里的 fixed_table(表格, 横排)：这张表能不能用固定表格布局（table-layout: fixed）而版面与自动布局完全相同。
    自动布局（WeasyPrint）要逐格量最小/最大内容宽度，表格大时很慢；给了列宽、且每格最长的不可断开的一段都放得进
    它的列（所以各列的最小内容宽度都不超过给定的宽度）、两位小数的各列百分比之和不超过 100% 时，自动布局得到的
    列宽就是各列百分比按其和折算成 100%（不足的部分按比例补足），与固定布局照折算后的百分比排出的相同。
    百分比之和超过 100% 时自动布局按各列最小内容宽度压缩，算不出来，仍用自动布局。"""
    ascii_fs, ascii_ht = fonts.ascii_advances("fs"), fonts.ascii_advances("ht")

    def fixed_table(table, landscape: bool) -> list[float] | None:
        if not table.widths:
            return None
        total = sum(table.widths)
        pcts = [round(100 * w / total, 2) for w in table.widths]  # 与 _table.html 原来的写法相同（Jinja 的 round 也是四舍五入到两位）
        if sum(pcts) > 100 * (1 + 1e-10):
            return None
        width_pt = mm(GB9704.block_h_mm if landscape else GB9704.block_w_mm) - 1.0  # 表宽（减去合并边框，再留余量）
        col_pt = [p / sum(pcts) * width_pt for p in pcts]
        margin = 1.0  # pt：字宽估计的余量

        def fits(text: str, col: int, span: int, ascii_em: dict[str, float]) -> bool:
            room = min(col_pt[col:col + span]) - CELL_EXTRA_PT - margin  # 跨列的格子按其中最窄的一列算（宁严勿宽）
            return _longest_unbreakable_em(text, ascii_em) * TABLE_PT * 1.02 <= room

        if not all(fits(h, c, 1, ascii_ht) for c, h in enumerate(table.columns)):
            return None
        for cells in table.layout():
            for c, g, text in cells:
                if text and not fits(text, c, g.colspan, ascii_fs):
                    return None
        return [100 * p / sum(pcts) for p in pcts]

    return fixed_table


def render_notice_html(v: NoticeView, fonts: FontSet, **kw) -> str:
    """渲染公文 HTML 字符串。"""
    env = make_env(str(templates_dir() / "html"))
    return env.get_template("notice.html").render(**html_context(v, fonts, **kw))


def _content_uris(allowed: list[Path]) -> dict[str, str]:
    """每个允许读的图片：真实的 file: 地址 → 按内容取的地址（file:///docgen-image/<sha256>.png）。WeasyPrint 按地址给
    PDF 里的图片取名，换成按内容取名后，同一份公文在哪个文件夹里排都得到同样的字节（周报的统计图画在临时文件夹里）。"""
    import hashlib

    out = {}
    for p in allowed:
        real = p.resolve()
        try:
            digest = hashlib.sha256(real.read_bytes()).hexdigest()
        except OSError:
            continue
        out[real.as_uri()] = f"file:///docgen-image/{digest}{real.suffix.lower()}"
    return out


def _url_fetcher_for(allowed: list[Path], virtual: dict[str, str] | None = None):
    """只允许读取明确给出的本地文件（印章图片等），其余一律拒绝（不联网、不读任意文件）。"""
    from weasyprint.urls import URLFetcher

    allowed_uris = {p.resolve().as_uri() for p in allowed}
    real_of = {v: k for k, v in (virtual or {}).items()}

    class _Restricted(URLFetcher):
        def fetch(self, url, headers=None):
            url = real_of.get(url, url)
            if url in allowed_uris:
                return super().fetch(url, headers)
            raise ValueError(f"模板引用了不允许的外部资源：{url}")

    return _Restricted(allowed_protocols={"file"})


def _boxes(page):
    """一页上的全部排版框（深度优先）。"""
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        yield box
        stack.extend(getattr(box, "children", []) or [])


def _find_box(page, element_id: str):
    for box in _boxes(page):
        el = getattr(box, "element", None)
        if el is not None and el.get("id") == element_id and getattr(box, "element_tag", None) == "div":
            return box
    return None


def _layout(html: str, base_dir: Path, fonts: FontSet, allowed: list[Path]):
    import os

    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    conf = fonts.fontconfig_file
    if conf:
        os.environ["FONTCONFIG_FILE"] = conf
    fc = FontConfiguration()
    virtual = _content_uris(allowed)
    for real, name in virtual.items():
        html = html.replace(f'"{real}"', f'"{name}"')
    doc = HTML(string=html, base_url=str(base_dir), url_fetcher=_url_fetcher_for(allowed, virtual)).render(font_config=fc)
    return doc


def render_notice_pdf(v: NoticeView, fonts: FontSet, base_dir: Path, hints: dict | None = None) -> bytes:
    """两遍排版（版记第一遍被分页拆开时三遍），返回 PDF 字节。同一输入每次得到相同字节。

    `hints`（工作台的实时预览用）：上一次排这份公文时版记的位置记在 ``hints["版记"]``（留白、是否另起一页）。改了一个字
    之后版记多半还在原处：先按上次的位置排一遍，能证明第一遍排版会得出同样的位置（同页：版记末条线正好落在版心下边缘；
    另起一页：正文止于奇数页、版记紧跟在偶数页、留白等于版心高减版记高）就直接用这一遍，省掉一遍排版；否则照常两遍。
    两条路排出的 HTML 一样，字节也一样（测试逐份比对）。没有提示而最后是横排附件时（版记必定另起一页），先只排版记
    量出它的高度当作提示：附件止于奇数页时一遍排完，止于偶数页（版记前插空白页、不编页码）时再排一遍。没有提示而最后是
    竖排附件时，前面的部分只排一遍、最后一个附件连同版记单独排再拼（:func:`_split_at_last_attachment`，逐页与两遍的相同）。"""
    return render_notice_pdf_placed(v, fonts, base_dir, hints)[0]


def render_notice_pdf_placed(v: NoticeView, fonts: FontSet, base_dir: Path,
                             hints: dict | None = None) -> tuple[bytes, BanjiPlacement]:
    """:func:`render_notice_pdf`，另外给出版记落在哪里（同一份公文的 Word 版照它排，见 `render_notice_docx`）。"""
    allowed = v.notice.images
    even = v.fmt != "信函"
    short = False  # 信函首页因印章照常 22 行

    def html(**kw):
        return render_notice_html(v, fonts, letter_short_first=short, **kw)

    def placed(doc, own: bool, numbered: bool, page: int | None, spacer: float) -> tuple[bytes, BanjiPlacement]:
        if hints is not None:
            hints["版记"] = {"留白": spacer, "另起": own}
        return _write(doc, v.notice.date), BanjiPlacement(own, numbered, page, short)

    hint = (hints or {}).get("版记")
    if v.has_banji and hint is None and even and v.attachments and v.attachments[-1].landscape:
        # 最后是横排附件：版记必定另起一页，留白只取决于版记自身的高度——只排版记量出来，当作提示用
        alone = _banji_alone_spacer(html(), base_dir, fonts, allowed)
        hint = {"留白": round(alone, 3), "另起": True} if alone is not None else None
    if v.has_banji and hint is not None:
        spacer, own = hint["留白"], hint["另起"]
        doc = _layout(html(banji_spacer_pt=spacer, banji_own_page=own), base_dir, fonts, allowed)
        if _sealed_letter(v) and _seal_crosses(doc):
            short = True  # 照常两遍（都按首页 22 行排）
        elif (_own_page_holds if own else _spacer_holds)(doc, spacer, even):
            return placed(doc, own, True, _banji_pages(doc)[0], spacer)  # 另起一页时能一遍验证的只有编页码的情形
        elif own and _own_page_holds(doc, spacer, even, blank_before=True):
            # 横排附件止于偶数页：版记前插了空白页，两遍排版也会得出“另起、不编页码”与同一留白——再排一遍就是它
            doc = _layout(html(banji_spacer_pt=spacer, banji_own_page=True, banji_numbered=False), base_dir, fonts, allowed)
            pages = _banji_pages(doc)
            if len(pages) == 1 and pages[0] % 2 == 1:
                return placed(doc, True, False, pages[0], spacer)
    if v.has_banji and hints is None and even and v.attachments and not v.attachments[-1].landscape:
        split = _split_at_last_attachment(html, base_dir, fonts, allowed)
        if split is not None:
            doc, placement = split
            return _write(doc, v.notice.date), placement
    doc, short = _first_layout(v, fonts, base_dir, short)
    if not v.has_banji:
        return _write(doc, v.notice.date), BanjiPlacement(letter_short_first=short)
    doc, spacer, own, numbered, page = _banji_final(doc, lambda **kw: _layout(html(**kw), base_dir, fonts, allowed), even)
    if hints is not None:  # 另起一页且前面插了空白页（不编页码）的情形不记：一遍排版验证不了
        hints["版记"] = {"留白": round(spacer, 3), "另起": own} if numbered or not own else None
    return _write(doc, v.notice.date), BanjiPlacement(own, numbered, page, short)


def _banji_final(first, relayout, even: bool = True) -> tuple:
    """由第一遍排版 `first` 定版记的位置，再带上留白排最后一遍（`relayout(**模板变量)`）：(排版结果, 留白, 另起, 编页码,
    版记在第几页)。整份两遍与分段排（只排最后一个附件那段）共用。"""
    spacer, own, numbered = _banji_placement(first, relayout, even)
    doc = relayout(banji_spacer_pt=spacer, banji_own_page=own, banji_numbered=numbered)
    pages = _banji_pages(doc)
    if len(pages) != 1 or (even and pages[0] % 2 != 1):
        raise RenderError("版记排版失败：未能放在最后一个偶数页")
    return doc, spacer, own, numbered, pages[0]


_LAST_ATTACHMENT = '<section class="attachment'


def _split_at_last_attachment(html, base_dir: Path, fonts: FontSet, allowed) -> tuple | None:
    """最后一个附件是竖排时：附件另面编排（8），从它起的各页与前面怎么排无关，只看从第几页起——所以前面的部分
    （正文与其余附件）只排一遍，最后一个附件连同版记单独排（定版记位置一遍、带留白再一遍），两段的页拼成一份。
    单独排的那段开头垫一两张空页，使它从与整份里相同的单双页起、仍在强制分页之后，页码接着前面的页数（垫的页拼时去掉）；
    所以每页与整份排两遍的结果相同（测试逐页比对文字与图的位置），只是大半内容少排一遍。
    `html(**模板变量)` 给出整份 HTML。HTML 里找不到分界（用户改过模板）时为 None，照常两遍。"""
    if not _stock_template():
        return None
    full = html()
    cut, banji, body = full.rfind(_LAST_ATTACHMENT), full.find('<div id="banji"'), full.find("<body")
    if body < 0 or cut < body or banji < cut or full.find("</head>") < 0:
        return None
    head = _layout(full[:cut] + "</body>\n</html>\n", base_dir, fonts, allowed)
    before = len(head.pages)
    pad = 1 if before % 2 == 1 else 2  # 垫几页：最后一个附件从第 before+1 页起，单双与整份里相同

    def tail(**kw):
        t = html(**kw)
        i, b = t.rfind(_LAST_ATTACHMENT), t.index(">", t.find("<body")) + 1
        start = f"<style>@page :first {{ counter-reset: page {before + 1 - pad}; }}</style>\n</head>"
        return _layout(t[:b].replace("</head>", start, 1) + '<div style="break-after: page"></div>' * pad + t[i:],
                       base_dir, fonts, allowed)

    last, _, own, numbered, page = _banji_final(tail(), tail)
    return head.copy(head.pages + last.pages[pad:]), BanjiPlacement(own, numbered, before + page - pad, False)


_STOCK: dict = {}


def _stock_template() -> bool:
    """用的是 docgen 自带的公文模板（templates/html 里的文件与包里的逐字节相同）：分段排只对它证明过（测试逐页比对）。
    用户改过的模板可能把各部分包在别的元素里、或用到“前一个附件”之类的选择器，分开排就不一样了——照常两遍。"""
    import hashlib

    from docgen.render.env import PACKAGE_TEMPLATES, templates_dir

    def digest(folder: Path) -> str:
        h = hashlib.sha256()
        for f in sorted((folder / "html").glob("*")):
            if f.is_file():
                h.update(f.name.encode() + b"\0" + f.read_bytes())
        return h.hexdigest()

    here = templates_dir()
    key = (str(here), tuple((f.name, st.st_mtime_ns, st.st_size) for f in sorted((here / "html").glob("*"))
                            for st in (f.stat(),)))
    if key not in _STOCK:
        _STOCK.clear()
        _STOCK[key] = Path(here).resolve() == Path(PACKAGE_TEMPLATES).resolve() or digest(here) == digest(PACKAGE_TEMPLATES)
    return _STOCK[key]


def _sealed_letter(v: NoticeView) -> bool:
    """盖了印章或签名章的信函：首页 23 行时印章可能伸过第二条双线（见 :func:`_seal_crosses`）。"""
    return v.fmt == "信函" and bool(v.notice.images)


def _first_layout(v: NoticeView, fonts: FontSet, base_dir: Path, short: bool = False):
    """第一遍排版（版记接在正文后、没有留白）：(排版结果, 信函首页是否照常 22 行)。盖了章的信函首页印章越过首页版心时
    按首页 22 行再排一遍。PDF 与 Word 版（:func:`docx_layout`）都从这一遍定版记的位置。"""
    allowed = v.notice.images
    doc = _layout(render_notice_html(v, fonts, letter_short_first=short), base_dir, fonts, allowed)
    if not short and _sealed_letter(v) and _seal_crosses(doc):
        return _layout(render_notice_html(v, fonts, letter_short_first=True), base_dir, fonts, allowed), True
    return doc, short


def _seal_crosses(doc) -> bool:
    """信函（10.1）首页版心伸到第二条双线上方（23 行）后，署名、日期落在第 23 行时印章或签名章的图片会伸过双线：
    首页上有印章、签名章图片的下沿越出首页版心时为真——这份信函的首页就照常 22 行（PDF 与 Word 一样）。"""
    page = doc.pages[0]
    bottom = _page_bottom_px(page)
    return any(getattr(box, "element_tag", None) == "img"
               and {"seal", "stamp"} & set((box.element.get("class") or "").split())
               and box.position_y + box.margin_height() > bottom + 0.5 for box in _boxes(page))


def _banji_pages(doc) -> list[int]:
    """版记所在的页（从 0 数；被分页拆开时不止一页）。"""
    return [i for i, p in enumerate(doc.pages) if _find_box(p, "banji") is not None]


def _outer_height_px(box) -> float:
    """版记框连同内边距、边框的高（px）。"""
    return box.height + box.padding_top + box.padding_bottom + box.border_top_width + box.border_bottom_width


def _own_page_spacer(box) -> float:
    """另起一页时版记上方的留白（pt）：版心高 − 整块高，末条线离版心下边缘留 0.02 pt。"""
    return mm(GB9704.block_h_mm) - _outer_height_px(box) / PX_PER_PT - 0.02


def _same_spacer(again: float, spacer: float) -> bool:
    """量得的留白与模板里写的（保留三位小数）是同一个。"""
    return round(again, 3) == round(spacer, 3) and abs(again - spacer) < 0.0004


def _banji_alone_spacer(full_html: str, base_dir: Path, fonts: FontSet, allowed) -> float | None:
    """只排版记（同样的样式、同样的版心宽）量出另起一页时的留白（与 `_place_banji` 同一公式）。版记不是正文最后一块、
    或一页放不下时为 None。"""
    b = full_html.find("<body")
    i = full_html.find('<div id="banji"')
    if b < 0 or i < b:
        return None
    b = full_html.index(">", b) + 1
    doc = _layout(full_html[:b] + full_html[i:], base_dir, fonts, allowed)
    box = _find_box(doc.pages[0], "banji") if len(doc.pages) == 1 else None
    return _own_page_spacer(box) if box is not None else None


def _spacer_holds(doc, spacer: float, even: bool) -> bool:
    """按留白 `spacer` 排出的 `doc` 是否正是两遍排版会得到的：版记没被拆开、在（信函以外须是偶数的）页上、
    不在页顶，且去掉留白时第一遍会算出同一个留白（版记末条线离版心下边缘正好是留白公式里的 0.02 pt）。"""
    pages = _banji_pages(doc)
    if len(pages) != 1:
        return False
    idx = pages[0]
    page = doc.pages[idx]
    if (even and idx % 2 != 1) or page.width >= page.height:
        return False
    box = _find_box(page, "banji")
    top = box.position_y + box.margin_top
    bare_top = top - spacer * PX_PER_PT  # 没有留白时版记的上沿（留白之前的内容排得一样）
    if bare_top <= mm(GB9704.top_mm) * PX_PER_PT + 1:
        return False
    return _same_spacer((_page_bottom_px(page) - bare_top - _outer_height_px(box)) / PX_PER_PT - 0.02, spacer)


def _own_page_holds(doc, spacer: float, even: bool, blank_before: bool = False) -> bool:
    """按“另起一页、留白 `spacer`”排出的 `doc` 是否正是两遍排版会得到的。第一遍（版记接在正文后）一定判为另起一页
    且编页码，当且仅当正文的最后一页是奇数页（版记在那一页上不在偶数页；放不下挪到下一页时在页顶；拆开时也另起）——
    这时版记紧跟在它后面的偶数页上，前面没有插空白页；留白只取决于版记自身的高度。信函（不必偶数页）不走这条路。
    `blank_before`：验证的是另一种——版记前是为凑偶数页插的空白页、再前面是横排页（版记不可能与它同页），这时两遍
    排版得出“另起、不编页码”与同一留白。"""
    if not even:
        return False
    found = _banji_pages(doc)
    if len(found) != 1 or found[0] % 2 != 1:
        return False
    idx = found[0]
    blank = getattr(getattr(doc.pages[idx - 1]._page_box, "page_type", None), "blank", None)
    if blank is None or blank != blank_before:
        return False
    if blank_before and (idx < 2 or doc.pages[idx - 2].width <= doc.pages[idx - 2].height):
        return False
    return _same_spacer(_own_page_spacer(_find_box(doc.pages[idx], "banji")), spacer)


def docx_layout(v: NoticeView, fonts: FontSet, base_dir: Path) -> BanjiPlacement:
    """DOCX 用（Word 文件本身无法预先分页）：按 PDF 的第一遍排版定下版记落在哪里（与 :func:`render_notice_pdf_placed`
    同一判断，只是不排第二遍）。没有版记、也不是盖了章的信函时不排版。"""
    if not v.has_banji and not _sealed_letter(v):
        return BanjiPlacement()
    doc, short = _first_layout(v, fonts, base_dir)
    if not v.has_banji:
        return BanjiPlacement(letter_short_first=short)
    _, own, numbered, _ = _place_banji(doc, v.fmt != "信函")
    return BanjiPlacement(own, numbered, None if own else _banji_pages(doc)[0], short)


PX_PER_PT = 4 / 3  # WeasyPrint 的排版单位是 CSS px（1 px = 0.75 pt）


def _banji_placement(doc, relayout, even: bool = True) -> tuple[float, bool, bool]:
    """(上方留白 pt, 是否另起一页, 版记页编不编页码)。第一遍里版记被分页拆开时只量得到第一段，
    所以让它单独成页再排一遍量出整块的高度（`relayout(**模板变量)` 排一遍）。"""
    spacer, own, numbered, exact = _place_banji(doc, even)
    if not exact:  # 单独成页再量：这时版记在页顶、不拆开，按另起一页算出留白（版心高 − 整块高）
        spacer, own, _, exact = _place_banji(relayout(banji_own_page=True, banji_numbered=numbered), even)
        if not exact:
            raise RenderError("版记排版失败：版记一整页也放不下（抄送机关太多？）")
    return spacer, own, numbered


def _page_bottom_px(page) -> float:
    """一页版心下边缘（px，从纸张上边缘量）：信函首页的版心比其余各页低。"""
    box = page._page_box
    return box.content_box_y() + box.height


def _place_banji(doc, even: bool = True) -> tuple[float, bool, bool, bool]:
    """由一遍排版结果算出版记的位置：(上方留白 pt, 是否另起一页, 版记页编不编页码, 量得准不准)。
    同页放得下且为偶数页就放在本页底部，否则另起偶数页。GB/T 9704 7.5：版记页前有空白页时，空白页和版记页都不编页码；
    否则版记页照常编页码。版记被分页拆开时（只量得到第一段）“量得准”为假。
    `even` 为假（信函，10.1）时版记只须在最后一面版心内最下方，不必是偶数页。"""
    pages = _banji_pages(doc)
    if not pages:
        raise RenderError("版记排版失败：找不到版记")
    idx, split = pages[0], len(pages) > 1
    box = _find_box(doc.pages[idx], "banji")
    height = _outer_height_px(box)
    top = box.position_y + box.margin_top
    on_even = idx % 2 == 1 or not even
    block_bottom = _page_bottom_px(doc.pages[idx])
    portrait = doc.pages[idx].width < doc.pages[idx].height
    # 版记恰好从某页顶上开始（正文止于前一页）：分页处的上边距会被截掉，留白不起作用，只能按另起一页排
    at_top = top <= mm(GB9704.top_mm) * PX_PER_PT + 1
    if not split and on_even and portrait and not at_top and top + height <= block_bottom + 0.01:
        return (block_bottom - top - height) / PX_PER_PT - 0.02, False, True, True
    # 另起偶数页：正文最后一页是奇数页时版记页紧跟其后（不空页，照常编页码）；是偶数页时中间空一页（都不编）
    last = idx - 1 if at_top else idx
    numbered = last % 2 == 0 or not even
    return _own_page_spacer(box), True, numbered, not split


def _write(doc, date: dt.date) -> bytes:
    import os

    epoch = int(dt.datetime(date.year, date.month, date.day, tzinfo=dt.timezone.utc).timestamp())
    old = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        return doc.write_pdf(pdf_identifier=b"docgen-" + str(epoch).encode(), uncompressed_pdf=False)
    finally:
        if old is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = old
