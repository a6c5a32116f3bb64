"""GB/T 9704-2012 的规则都在这里：版面几何、字号、发文字号与成文日期的写法。模型、两个渲染器（DOCX、PDF）与
检查器（lint）都从这里取，保证各处一致。

单位：mm 为毫米，pt 为磅（1/72 英寸），twip 为 1/20 磅（Word 的长度单位）。
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

# 发文字号（7.2.4）：发文机关代字〔年份〕序号号——六角括号、年份写全、序号不编虚位、不加“第”
DOC_NUMBER = re.compile(r"^(?P<prefix>[\u4e00-\u9fa5A-Za-z]{1,20})〔(?P<year>\d{4})〕(?P<seq>\d+)号$")
# 像发文字号而写法不合规（括号不对、年份两位、加了“第”……）：检查器据此指出哪里不对
DOC_NUMBER_LOOSE = re.compile(r"^(?P<prefix>[\u4e00-\u9fa5A-Za-z]{1,20})(?P<open>[〔\[［﹝【(（])\s*(?P<year>\d{2,4})\s*"
                              r"(?P<close>[〕\]］﹞】)）])\s*(?P<di>第?)\s*(?P<seq>\d+)\s*号$")


def format_date(d: dt.date) -> str:
    """成文日期（7.3.5.4）：阿拉伯数字，年份写全，月、日不编虚位，如 2020年1月5日。"""
    return f"{d.year}年{d.month}月{d.day}日"


MM_PER_PT = 25.4 / 72


def mm(v: float) -> float:
    """毫米 → 磅。"""
    return v / MM_PER_PT


def twip(pt: float) -> int:
    """磅 → twip（四舍五入）。"""
    return int(round(pt * 20))


# 字号（号 → 磅）
SIZE = {"初号": 42, "小初": 36, "一号": 26, "小一": 24, "二号": 22, "小二": 18, "三号": 16, "小三": 15,
        "四号": 14, "小四": 12, "五号": 10.5}


@dataclass(frozen=True)
class PageGeometry:
    """A4 公文用纸与版心。"""

    page_w_mm: float = 210
    page_h_mm: float = 297
    top_mm: float = 37  # 天头
    left_mm: float = 28  # 订口
    block_w_mm: float = 156  # 版心宽
    block_h_mm: float = 225  # 版心高
    lines: int = 22
    chars: int = 28
    body_pt: float = 16  # 3号
    line_pitch_twip: int = 579  # 28.95 pt：22 行 = 224.6 mm，不超出版心
    char_spacing_twip: int = -5  # −0.25 pt：28 字 = 441 pt ≤ 版心宽 442.2 pt，29 字放不下
    mark_offset_mm: float = 35  # 发文机关标志上边缘距版心上边缘
    red_rule_gap_mm: float = 4  # 发文字号之下 4 mm 为红色分隔线
    red_rule_pt: float = 1.0  # 分隔线粗细（标准未规定）
    pageno_gap_mm: float = 7  # 页码一字线上距版心下边缘
    pageno_pt: float = 14  # 4号
    banji_pt: float = 14  # 版记 4号
    banji_thick_mm: float = 0.35
    banji_thin_mm: float = 0.25
    seal_mm: float = 42.0  # 印章直径（县级机关公章常见尺寸）
    stamp_h_mm: float = 15.0  # 签名章高（7.3.5.3 未规定；常见 15 mm 左右），宽按图片比例，不超过 stamp_max_w_mm
    stamp_max_w_mm: float = 60.0
    # 特定格式（第 10 章）
    letter_mark_top_mm: float = 30  # 信函：发文机关标志上边缘距纸张上边缘（10.1）
    letter_rule_len_mm: float = 170  # 信函：两条红色双线长 170 mm，居中
    letter_rule_gap_mm: float = 4  # 信函：第一条双线在标志下 4 mm
    letter_foot_rule_mm: float = 20  # 信函：第二条双线距纸张下边缘 20 mm
    letter_thick_pt: float = 2.25  # 双线的粗线（标准未规定粗细，取常见的 2.25 pt 与 0.75 pt、间隔 0.75 pt）
    letter_thin_pt: float = 0.75
    letter_rule_sep_pt: float = 0.75
    letter_text_gap_em: float = 7 / 8  # 信函：双线与其下（上）文字的距离为 3号字高的 7/8
    order_mark_offset_mm: float = 20  # 命令（令）：标志上边缘距版心上边缘（10.2）
    minutes_mark_offset_mm: float = 35  # 纪要：标志上边缘距版心上边缘（10.3）

    @property
    def right_mm(self) -> float:
        return self.page_w_mm - self.left_mm - self.block_w_mm

    @property
    def bottom_mm(self) -> float:
        return self.page_h_mm - self.top_mm - self.block_h_mm

    @property
    def line_pitch_pt(self) -> float:
        return self.line_pitch_twip / 20

    @property
    def char_spacing_pt(self) -> float:
        return self.char_spacing_twip / 20

    @property
    def char_pitch_pt(self) -> float:
        return self.body_pt + self.char_spacing_pt

    @property
    def mark_max_pt(self) -> float:
        """发文机关标志默认最大字号（约 22 mm 高以内，常见做法）。"""
        return 48.0


GB9704 = PageGeometry()

# 公文格式（第 10 章）：文件格式与三种特定格式
FORMATS = ("文件", "信函", "命令", "纪要")


def mark_offset_mm(fmt: str) -> float:
    """发文机关标志上边缘距版心上边缘（mm）。信函从纸张上边缘量 30 mm，即版心之上。"""
    g = GB9704
    return {"文件": g.mark_offset_mm, "命令": g.order_mark_offset_mm, "纪要": g.minutes_mark_offset_mm,
            "信函": g.letter_mark_top_mm - g.top_mm}[fmt]


def joint_row_gap_pt() -> float:
    """联合行文加盖印章时两排署名之间的空（整数行）：上下两排印章不相交、不相切（至少隔 3 mm）。"""
    g = GB9704
    lines = math.ceil((mm(g.seal_mm) + mm(3)) / g.line_pitch_pt)
    return (lines - 1) * g.line_pitch_pt


def letter_band_pt() -> float:
    """信函红色双线的总高（pt）：粗线、间隔、细线。"""
    g = GB9704
    return g.letter_thick_pt + g.letter_rule_sep_pt + g.letter_thin_pt


def letter_foot_top_mm() -> float:
    """信函第二条双线的上边缘距版心上边缘（mm）：双线下边缘距纸张下边缘 20 mm。"""
    g = GB9704
    return g.page_h_mm - g.letter_foot_rule_mm - letter_band_pt() * MM_PER_PT - g.top_mm


def letter_first_lines() -> int:
    """信函首页版心的行数（10.1）：首页版心向下伸到第二条双线上方，最后一行的字距双线不少于 3号字高的 7/8；
    各行仍在行距网格上（与其余各页同一网格，Word 也这样排）。A4、3号字时为 23 行（其余各页 22 行）。"""
    g = GB9704
    lowest_em_bottom = letter_foot_top_mm() / MM_PER_PT - g.letter_text_gap_em * g.body_pt  # pt，从版心上边缘量
    half_leading = (g.line_pitch_pt - g.body_pt) / 2
    return int((lowest_em_bottom + half_leading) // g.line_pitch_pt)


def letter_first_bottom_mm() -> float:
    """信函首页的下页边距（mm）：版心正好容下 `letter_first_lines()` 行。"""
    g = GB9704
    return g.page_h_mm - g.top_mm - letter_first_lines() * g.line_pitch_pt * MM_PER_PT


EM_TWIP = 320  # 正文 3号字（16 pt）一个字宽（twip）
TITLE_MAX_EM = 20.0  # 2号字标题在 156 mm 版心内每行最多约 20 字


def text_width_em(text: str) -> float:
    """文字宽度（以字为单位）：ASCII 字母、数字算半个字，其余算一个字。"""
    return sum(0.5 if ord(c) < 0x2000 and c not in "—…“”‘’·" else 1.0 for c in text)


_NO_START = set("，。、；：？！）》〉”’」』】〕…—·%％")
_NO_END = set("（《〈“‘「『【〔")
# 语义单元边界：在这些位置断行代价低（值越小越好）
_BEFORE_GOOD = {"关于": -8, "《": 1, "“": 2, "（": 2, "的通知": 3, "的意见": 3, "的决定": 3, "的报告": 3,
                "的请示": 3, "的函": 3, "的批复": 3, "的实施方案": 3, "实施方案": 4, "工作": 6, "印发": 5, "转发": 5}
_AFTER_GOOD = {"》": 2, "”": 2, "）": 2, "、": 3, "，": 1, "局": 2, "委员会": 2, "政府": 2, "办公室": 2}


def _break_cost(text: str, i: int) -> float | None:
    """在 text[i] 之前断行的代价；None 表示不允许。"""
    if text[i] in _NO_START or text[i - 1] in _NO_END:
        return None
    if text[i - 1].isdigit() and text[i].isdigit():
        return None
    if text[:i].endswith("关于"):  # “关于”留在行尾、下文另起，词意不完整
        return None
    if text[i - 1] == "的":  # “的”不落在行尾（“……的 / 通知”）
        return 30.0
    if text[i - 1] in "和与及并":  # 连词不落在行尾
        return 20.0
    best = 10.0
    if any(text.startswith(w, i) or text[:i].endswith(w) for w in TITLE_WORDS):
        best = 4.0  # 词与词之间
    for w, c in _BEFORE_GOOD.items():
        if text.startswith(w, i):
            best = min(best, float(c))
    for w, c in _AFTER_GOOD.items():
        if text[:i].endswith(w):
            best = min(best, float(c))
    return best


# 行末可以挤进版心的点号（标点挤压）：落在第 29 字位时不把前一字拉下来，而是压缩标点留在本行
HANG = set("，。、；：？！")  # 只有点号：LibreOffice 对落在行外的闭括号、闭引号不肯挤（把前一字拉下来），为与 Word 版一致不挤它们


def body_lines(text: str, first_indent_em: float = 2.0, width_em: float = 28.0) -> list[tuple[int, int, bool]]:
    """正文一段在 28 字一行的网格上怎样分行：各行 (起, 止, 行末标点是否须挤压)。按 GB/T 15834 的标点禁则：
    不在行首的标点——闭标点正好落在行末之外一个字位时挤进本行（标点挤压；字处理软件在这里让标点悬挂，断行相同），
    其余连同前一字移到下一行；不在行尾的开引号、开括号移到下一行；连续的西文字母、数字不拆开。"""
    units: list[tuple[int, int]] = []  # 不可拆的单元：(起, 止)
    i = 0
    while i < len(text):
        j = i + 1
        if text[i].isascii() and text[i].isalnum():
            while j < len(text) and text[j].isascii() and (text[j].isalnum() or text[j] in ".%"):
                j += 1
        units.append((i, j))
        i = j
    out: list[tuple[int, int, bool]] = []
    start = 0
    w = first_indent_em
    k = 0
    while k < len(units):
        a, b = units[k]
        uw = text_width_em(text[a:b])
        if w + uw > width_em + 1e-9 and a > start:
            nxt = units[k + 1][0] if k + 1 < len(units) else None
            if (b - a == 1 and text[a] in HANG and w + uw <= width_em + 1 + 1e-9
                    and (nxt is None or text[nxt] not in _NO_START)):
                out.append((start, b, True))  # 闭标点挤进本行
                start, w, k = b, 0.0, k + 1
                continue
            brk = k
            # 行首不能是禁则标点；行尾不能是开标点：往前挪断点
            while brk > 0 and (text[units[brk][0]] in _NO_START or text[units[brk - 1][0]] in _NO_END):
                brk -= 1
            if units[brk][0] <= start:
                brk = k
            out.append((start, units[brk][0], False))
            start, w, k = units[brk][0], 0.0, brk
            continue
        w += uw
        k += 1
    if start < len(text) or not out:
        out.append((start, len(text), False))
    return out


def body_line_breaks(text: str, first_indent_em: float = 2.0, width_em: float = 28.0) -> list[int]:
    """各行首字的下标（不含 0）；分行规则见 `body_lines`。PDF 与 DOCX 都按它断行，DOCX 据此把最后一段的末两行
    与署名排在一起。"""
    return [a for a, _, _ in body_lines(text, first_indent_em, width_em)[1:]]


# 标题回行时“词意完整”：这些词不拆开（公文标题里常见的词；其余位置按语义单元的代价与行长匀称来选）
TITLE_WORDS = (
    "农村危房改造", "危房改造", "住房安全有保障", "农村", "自建房", "危房", "改造", "抗震", "住房", "安全", "保障", "排查", "整治", "鉴定", "脱贫", "攻坚", "扶贫",
    "乡村", "振兴", "建设", "管理", "城乡", "工作", "实施", "方案", "意见", "通知", "通报", "决定", "报告", "请示",
    "批复", "专项", "行动", "进一步", "加强", "规范", "开展", "做好", "贫困户", "三清零", "八查", "住建", "系统", "印发",
    "转发", "关于", "有关", "事项", "组织", "领导", "任务", "清单", "百日", "冲刺", "人民政府", "办公室", "委员会",
    "住房和城乡建设局", "王益区")


def _inside_word(text: str, i: int) -> bool:
    """在 text[i] 之前断行会不会拆开 TITLE_WORDS 里的词。"""
    for w in TITLE_WORDS:
        start = text.find(w, max(0, i - len(w) + 1))
        while start != -1 and start < i:
            if start < i < start + len(w):
                return True
            start = text.find(w, start + 1)
    return False


def break_title(text: str, max_em: float = 20.0) -> list[str]:
    """把标题分行（GB/T 9704 7.3.1：回行时词意完整、排列对称、长短适宜，用梯形或菱形）：每行不超过 `max_em` 字，
    不拆 TITLE_WORDS 里的词与数字，断在语义单元的边界（“关于”之前、书名号前后……），行数尽量少，各行长短尽量匀称。"""
    from itertools import combinations

    n = len(text)
    if text_width_em(text) <= max_em:
        return [text]
    cuts = {}
    for i in range(1, n):
        c = _break_cost(text, i)
        if c is not None and not _inside_word(text, i):
            cuts[i] = c
    fallback = {i: c for i in range(1, n) if (c := _break_cost(text, i)) is not None}
    total = text_width_em(text)
    k0 = max(2, int(-(-total // max_em)))
    for pool in (cuts, fallback):
        positions = sorted(pool)
        best = None
        for k in (k0, k0 + 1, k0 + 2):
            if len(positions) < k - 1 or k - 1 > 4 or (best is not None and k > k0 + 1):
                continue
            for combo in combinations(positions, k - 1):
                bounds = (0, *combo, n)
                widths = [text_width_em(text[bounds[j]:bounds[j + 1]]) for j in range(k)]
                if max(widths) > max_em:
                    continue
                mean = sum(widths) / k
                shape = sum((w - mean) ** 2 for w in widths)
                # 锯齿形（长短长、短长短）不是梯形也不是菱形
                zigzag = any((widths[j] - widths[j - 1]) * (widths[j + 1] - widths[j]) < 0 and
                             not (widths[j] > widths[j - 1] and widths[j] > widths[j + 1]) for j in range(1, k - 1))
                score = shape + 6 * sum(pool[c] for c in combo) + (40 if zigzag else 0) + 40 * (k - k0)  # 多一行要有理由
                if best is None or score < best[0]:
                    best = (score, bounds)
        if best is not None:
            bounds = best[1]
            return [text[bounds[j]:bounds[j + 1]] for j in range(len(bounds) - 1)]
    out, cur = [], ""  # 没有合法断点（极少见）：按长度硬断
    for ch in text:
        if text_width_em(cur + ch) > max_em:
            out.append(cur)
            cur = ""
        cur += ch
    return out + [cur]
