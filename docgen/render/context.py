"""把公文模型整理成模板用的上下文。所有显示格式（日期、序号、分行）只在这里决定。"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from docgen.layout import (GB9704, TITLE_MAX_EM, break_title, format_date, letter_band_pt, mark_offset_mm, mm,
                           text_width_em)
from docgen.model.body import Block, parse_body
from docgen.model.notice import Attachment, Notice



@dataclass
class Part:
    """附件内容的一段：正文段落（blocks）、表格（table + 单元格 rows）或图片（image，排出的宽高 mm）。"""

    blocks: list[Block] = field(default_factory=list)
    table: Any = None
    rows: list[list[dict]] = field(default_factory=list)
    image: Any = None
    w_mm: float = 0.0
    h_mm: float = 0.0


@dataclass
class AttachmentView:
    index: int  # 从 1 起
    label: str  # “附件1” 或 “附件”
    name: str
    title_lines: list[str]
    landscape: bool
    parts: list[Part] = field(default_factory=list)


@dataclass
class StampView:
    """签名章一枚：签发人职务、图片与排出的大小（mm）。"""

    title: str
    image: Any
    w_mm: float
    h_mm: float


@dataclass
class SealRow:
    """联合行文加盖印章（7.3.5.1）的一排：各发文机关署名与其印章的中心（距版心右边缘，字）。"""

    names: list[str]
    centres_em: list[float]
    seals: list[Any]


@dataclass(frozen=True)
class BanjiPlacement:
    """PDF 排版定下的版记位置，同一份公文的 Word 版照它排（Word 文件本身无法预先分页）。"""

    own_page: bool = False  # 版记另起一页（偶数页；信函只须在最后一面）
    numbered: bool = True  # 另起的那一页编页码（7.5：前面没有为凑偶数页插空白页）
    page: int | None = None  # 版记在第几页（从 0 数；信函首页的版心低）
    letter_short_first: bool = False  # 信函首页因印章会越过第二条双线而照常 22 行


@dataclass
class NoticeView:
    """模板上下文：DOCX 与 HTML 渲染器共用。"""

    notice: Notice
    header_lines: list[str]
    mark_lines: list[str]
    mark_wenjian: bool
    mark_pt: float
    doc_number: str
    signers: list[str]
    title_lines: list[str]
    recipients: str | None
    blocks: list[Block]
    attachment_notes: list[str]  # 附件说明各行（第一行含“附件：”）
    signature: list[str]
    date: str
    note: str | None
    enclosed_title_lines: list[str]
    enclosed_blocks: list[Block]
    attachments: list[AttachmentView]
    cc: str | None
    printer: str | None
    print_date: str | None
    fmt: str = "文件"
    order_no: str | None = None
    attendance: list[tuple[str, str]] = field(default_factory=list)  # 纪要：（“出席”，“张三、李四”）……
    stamps: list[StampView] = field(default_factory=list)
    seals: list[Any] = field(default_factory=list)

    @property
    def seal_rows(self) -> list[SealRow]:
        """联合行文加盖印章：署名按发文机关顺序从左到右、从上到下排成整齐的几排（每排至多三个，不超出版心），
        每个署名上居中压一枚印章，最后一枚同时压成文日期（各排右端对齐到日期的中心）。"""
        n = len(self.signature)
        if len(self.seals) < 2:
            return []
        seal_em = mm(GB9704.seal_mm) / GB9704.char_pitch_pt
        pitch = max(seal_em + 1.5, max(text_width_em(s) for s in self.signature) + 1)
        block_em = GB9704.block_w_mm / (GB9704.char_pitch_pt * 25.4 / 72)
        # 最右一列以日期中心为准；往左每列一个 pitch，最左一枚印章不超出版心
        fit = int((block_em - self.date_centre_em - seal_em / 2) // pitch) + 1
        cols = max(1, min(3, n, fit))
        nrows = -(-n // cols)
        per = -(-n // nrows)
        rows, i = [], 0
        for r in range(nrows):
            k = per if r < nrows - 1 else n - i
            centres = [self.date_centre_em + (k - 1 - j) * pitch for j in range(k)]
            rows.append(SealRow(self.signature[i:i + k], centres, self.seals[i:i + k]))
            i += k
        return rows

    @property
    def signer_rows(self) -> list[list[str]]:
        """签发人按发文机关顺序从左到右、从上到下，一般每行两个（GB/T 9704 7.2.3）；发文字号与最后一行同行。"""
        return [self.signers[i:i + 2] for i in range(0, len(self.signers), 2)]

    @property
    def signer_block_em(self) -> float:
        """签发人一栏的宽度（字）：“签发人：”四字 + 最长一行的姓名与其间一字的空。"""
        return 4 + max(sum(text_width_em(n) for n in row) + len(row) - 1 for row in self.signer_rows)

    @property
    def has_banji(self) -> bool:
        return bool(self.cc or self.printer)

    @property
    def mark_top_pt(self) -> float:
        """发文机关标志上方的留白：使其上边缘距版心上边缘 35 mm（命令 20 mm、纪要 35 mm；份号等版头行占去的行距要扣除）。
        信函的份号等排在双线之下，标志在版心之上（距纸张上边缘 30 mm），留白为负。"""
        if self.fmt == "信函":
            return mm(mark_offset_mm(self.fmt))
        return mm(mark_offset_mm(self.fmt)) - len(self.header_lines) * GB9704.line_pitch_pt

    @property
    def letter_geometry(self) -> dict[str, float]:
        """信函版头各要素的位置（pt，从版心上边缘量，向下为正）：标志上边缘（距纸张上边缘 30 mm，在版心之上）、
        第一条双线上边缘（标志下 4 mm）、首个要素的字顶（双线下 3号字高的 7/8）、标题行顶（与最后一个要素相距二行，
        并落在版心的行距网格上——Word 按网格排标题，PDF 照样排，两者才一致）。"""
        g = GB9704
        pitch = g.line_pitch_pt
        mark_top = self.mark_top_pt
        rule_top = mark_top + self.mark_pt + mm(g.letter_rule_gap_mm)
        first = rule_top + letter_band_pt() + g.letter_text_gap_em * g.body_pt
        n = max(1, len(self.header_lines))
        last_bottom = first + (n - 1) * pitch + g.body_pt
        need = last_bottom + (pitch - g.body_pt) / 2 + pitch
        title_top = math.ceil(need / pitch - 1e-6) * pitch
        return {"mark_top": mark_top, "rule_top": rule_top, "first": first, "last_bottom": last_bottom,
                "title_top": title_top, "lines": n}

    @property
    def order_body_top_pt(self) -> float:
        """命令（10.2）：正文第一行的行顶（pt，从版心上边缘量）——令号下空二行，并落在版心的行距网格上
        （字处理软件按网格排正文；PDF 照样排，两者才一致）。令号字顶在标志下空二行处。"""
        g = GB9704
        pitch = g.line_pitch_pt
        order_top = mm(g.order_mark_offset_mm) + self.mark_pt + 2 * pitch
        order_box_bottom = order_top - (pitch - g.body_pt) / 2 + pitch
        return math.ceil((order_box_bottom + 2 * pitch) / pitch - 1e-6) * pitch

    @property
    def order_no_bottom_pt(self) -> float:
        """命令：令号的字面框下缘（pt，从版心上边缘量）。"""
        g = GB9704
        return mm(g.order_mark_offset_mm) + self.mark_pt + 2 * g.line_pitch_pt + g.body_pt

    @property
    def stamp_col_mm(self) -> float:
        """签名章一栏的宽度：各枚中最宽的（联合行文时各枚上下对齐）。"""
        return max((s.w_mm for s in self.stamps), default=0.0)

    @property
    def mark_spacing_em(self) -> list[float]:
        """联合行文的发文机关标志：各机关名称撑满到最长一个的宽度（分散对齐），每个字后加的字距（字）。"""
        longest = max(text_width_em(x) for x in self.mark_lines)
        return [(longest - text_width_em(x)) / (len(x) - 1) if len(x) > 1 else 0.0 for x in self.mark_lines]

    @property
    def sealed(self) -> bool:
        return bool(self.seals)

    @property
    def date_right_em(self) -> float:
        """成文日期的右边距（字）。加盖印章（7.3.5.1）、签名章（7.3.5.3）：右空四字。不加盖印章（7.3.5.2）：
        日期首字比署名首字右移二字；日期比署名长（右空不足二字）时日期右空二字、署名随之左移。"""
        if self.sealed or self.stamps or not self.signature:
            return 4.0
        sig_w = max(text_width_em(s) for s in self.signature)
        return max(2.0, sig_w - text_width_em(self.date))

    @property
    def date_centre_em(self) -> float:
        """成文日期中点距版心右边缘的字数（印章以此居中）。"""
        return self.date_right_em + text_width_em(self.date) / 2

    @property
    def signature_right_em(self) -> float:
        """署名的右边距（字）。加盖印章：以成文日期为准居中（署名比日期长时不小于 0）。
        不加盖印章：右空二字；日期比署名长时署名左移，使其首字比日期首字左二字。"""
        sig_w = max((text_width_em(s) for s in self.signature), default=0.0)
        if self.sealed:
            return max(0.0, self.date_centre_em - sig_w / 2)
        return max(2.0, self.date_right_em + text_width_em(self.date) + 2 - sig_w)


JOINT_GAP_EM = 0.5  # 联合行文：机关名称与右侧“文件”二字之间的空（字）


def mark_font_size(lines: list[str], wenjian: bool) -> float:
    """发文机关标志字号：不超过版心宽，且不超过默认上限。"""
    longest = max(text_width_em(x) for x in lines) + (2 if wenjian and len(lines) == 1 else 0)
    if wenjian and len(lines) > 1:
        longest += 2 + JOINT_GAP_EM  # 联合行文时“文件”二字在各机关名称右侧，中间空半字
    fit = GB9704.block_w_mm / 25.4 * 72 / max(longest, 1) * 0.98
    return round(min(GB9704.mark_max_pt, fit), 1)


def table_view(table) -> list[list[dict]]:
    """HTML 用：每行要输出的格子及其 rowspan/colspan；被合并的格子不出现。"""
    rows = []
    for cells in table.layout():
        rows.append([{"text": text, "rowspan": g.rowspan, "colspan": g.colspan, "col": c}
                     for c, g, text in cells if text is not None])
    return rows


def image_box_mm(path, landscape: bool, title_lines: int) -> tuple[float, float]:
    """图片附件排出的宽高（mm）：占满版心宽；太高时按比例缩到附件标识、标题之下余下的版心高（再留一行）里。
    读不出尺寸时按 4 : 3。"""
    from PIL import Image

    g = GB9704
    try:
        with Image.open(path) as im:
            ratio = im.width / im.height
    except (OSError, ValueError, ZeroDivisionError):
        ratio = 4 / 3
    w_block, h_block = (g.block_h_mm, g.block_w_mm) if landscape else (g.block_w_mm, g.block_h_mm)
    pitch = g.line_pitch_pt * 25.4 / 72
    room = h_block - (4 + title_lines) * pitch  # 附件标识一行、标题上下各空一行、标题各行，再留一行
    w = w_block
    if w / ratio > room:
        w = room * ratio
    return round(w, 2), round(w / ratio, 2)


def _attachment_view(i: int, total: int, a: Attachment) -> AttachmentView:
    title_lines = break_title(a.name, TITLE_MAX_EM if not a.is_landscape else 28.0)
    parts = []
    for kind, content in a.contents:
        if kind == "text":
            parts.append(Part(blocks=parse_body(content)))
        elif kind == "image":
            w, h = image_box_mm(content, a.is_landscape, len(title_lines))
            parts.append(Part(image=content, w_mm=w, h_mm=h))
        else:
            parts.append(Part(table=content, rows=table_view(content)))
    return AttachmentView(
        index=i,
        label=f"附件{i}" if total > 1 else "附件",
        name=a.name,
        title_lines=title_lines,
        landscape=a.is_landscape,
        parts=parts,
    )


def attachment_notes(names: list[str]) -> list[str]:
    """附件说明：单个写“附件：名称”，多个写“附件：1.名称”，后续各项与首项名称对齐。"""
    if not names:
        return []
    if len(names) == 1:
        return [f"附件：{names[0]}"]
    return [f"{'附件：' if i == 1 else ''}{i}.{n}" for i, n in enumerate(names, start=1)]


def _stamp_view(s) -> StampView:
    """签名章按固定高度排，宽度按图片的长宽比（读不出尺寸时按 2.5 : 1），不超过上限。"""
    from PIL import Image

    g = GB9704
    try:
        with Image.open(s.image) as im:
            ratio = im.width / im.height
    except (OSError, ValueError, ZeroDivisionError):
        ratio = 2.5
    w = min(g.stamp_max_w_mm, g.stamp_h_mm * ratio)
    return StampView(title=s.title, image=s.image, w_mm=round(w, 2), h_mm=round(w / ratio, 2))


def build_notice_view(n: Notice) -> NoticeView:
    """构建 :class:`NoticeView`。"""
    header = []
    if n.copy_no:
        header.append(n.copy_no)
    if n.classification:
        header.append(n.classification + (f"★{n.secrecy_period}" if n.secrecy_period else ""))
    if n.urgency:
        header.append(n.urgency)
    mark_lines = list(n.issuer_mark.organs)
    if n.format == "信函":
        mark_lines = mark_lines[:1]  # 10.1：联合行文只标主办机关
    title_lines = [] if not n.title else n.title if len(n.title) > 1 else break_title(n.title[0], TITLE_MAX_EM)
    attendance = [(label, "、".join(names)) for label, names in
                  (("出席", n.attendees), ("请假", n.absentees), ("列席", n.observers)) if names]
    atts = [_attachment_view(i, len(n.attachments), a) for i, a in enumerate(n.attachments, start=1)]
    enclosed_title: list[str] = []
    if n.enclosed:
        t = n.enclosed.title
        enclosed_title = t if len(t) > 1 else break_title(t[0], TITLE_MAX_EM)
    return NoticeView(
        notice=n,
        header_lines=header,
        mark_lines=mark_lines,
        mark_wenjian=n.issuer_mark.wenjian,
        mark_pt=mark_font_size(mark_lines, n.issuer_mark.wenjian),
        doc_number=n.doc_number or n.issue_no or "",
        signers=list(n.signers or []),
        title_lines=title_lines,
        recipients=n.recipients,
        blocks=n.blocks,
        attachment_notes=attachment_notes([a.name for a in n.attachments]),
        signature=list(n.signature or []),
        date=format_date(n.date),
        note=(n.note if n.note.startswith(("（", "(")) else f"（{n.note}）") if n.note else None,
        enclosed_title_lines=enclosed_title,
        enclosed_blocks=n.enclosed.blocks if n.enclosed else [],
        attachments=atts,
        cc=("，".join(n.cc).rstrip("。") + "。") if n.cc else None,
        printer=n.printer,
        print_date=format_date(n.print_date) if n.print_date else None,
        fmt=n.format,
        order_no=n.order_no,
        attendance=attendance,
        stamps=[_stamp_view(s) for s in n.stamps or []],
        seals=list(n.seal or []),
    )
