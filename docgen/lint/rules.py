"""体检规则。每条规则一个函数，用 @rule 登记编号、默认级别和名称；kinds 限定适用的文件种类。"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Iterator

from docgen.layout import DOC_NUMBER_LOOSE as DOC_NO  # 发文字号的写法只在 docgen.layout 里定义
from docgen.lint.core import RULES, Finding, Fix, rule
from docgen.rules.gb11643 import IN_TEXT as ID_IN_TEXT
from docgen.rules.gb11643 import checksum_ok
from docgen.rules.gb11643 import mask as mask_id
from docgen.lint.units import LintDoc, Unit
from docgen.model.body import chinese_number

CJK = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff01-\uff5e“”‘’《》…—、]")
CN_NUM = "一二三四五六七八九十"


def kinds(*ks):
    def deco(fn):
        fn.kinds = ks
        return fn

    return deco


def hit(doc: LintDoc, u: Unit, rid: str, message: str, text: str = "", suggestion: str = "",
        fix: Fix | None = None, severity: str | None = None) -> Finding:
    return Finding(rid, severity or RULES[rid].severity, doc.name, u.where, message, text, suggestion, fix, u)


def context(text: str, i: int, j: int, pad: int = 4) -> str:
    return text[max(0, i - pad): j + pad]


def short(s: str, limit: int = 30) -> str:
    """报告中显示的原文：过长时保留首尾。"""
    return s if len(s) <= limit else s[: limit // 2] + "……" + s[-(limit // 2):]


def is_cjk(ch: str) -> bool:
    return bool(ch) and bool(CJK.match(ch))


# ================================================================== 结构（GB/T 9704）



@rule("GW001", "error", "发文字号年份须用六角括号〔〕")
def gw001(doc):
    for u in doc.role("发文字号"):
        m = DOC_NO.match(u.text.strip())
        if m and (m.group("open") != "〔" or m.group("close") != "〕"):
            bad = m.group("open") + m.group("year") + m.group("close")
            good = f"〔{m.group('year')}〕"
            yield hit(doc, u, "GW001", "发文字号的年份应括在六角括号〔〕中", u.text, u.text.replace(bad, good), Fix(bad, good))


@rule("GW002", "error", "发文字号序号不编虚位")
def gw002(doc):
    for u in doc.role("发文字号"):
        m = DOC_NO.match(u.text.strip())
        if m and m.group("seq").startswith("0"):
            yield hit(doc, u, "GW002", "发文字号的序号不编虚位（不加前导 0）", u.text,
                      u.text.replace(m.group("seq") + "号", str(int(m.group("seq"))) + "号"))


@rule("GW003", "error", "发文字号不加“第”")
def gw003(doc):
    for u in doc.role("发文字号"):
        m = DOC_NO.match(u.text.strip())
        if m and m.group("di"):
            yield hit(doc, u, "GW003", "发文字号的序号前不加“第”", u.text, u.text.replace("第", "", 1))


@rule("GW004", "error", "发文字号格式：代字〔年份〕序号号")
def gw004(doc):
    for u in doc.role("发文字号"):
        m = DOC_NO.match(u.text.strip())
        if not m:
            yield hit(doc, u, "GW004", "发文字号应为“代字〔年份〕序号号”", u.text, "如 铜王住建发〔2020〕108号")
        elif len(m.group("year")) != 4:
            yield hit(doc, u, "GW004", "发文字号的年份应写全四位", u.text)
        elif " " in u.text.strip():
            yield hit(doc, u, "GW004", "发文字号中不应有空格", u.text, u.text.replace(" ", ""))


GOOD_DATE = re.compile(r"^(\d{4})年([1-9]\d?)月([1-9]\d?)日$")
ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def doc_date(doc: LintDoc) -> dt.date | None:
    for u in doc.role("成文日期"):
        t = u.text.strip()
        m = GOOD_DATE.match(t) or ISO_DATE.match(t) or re.match(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$", t)
        if m:
            try:
                return dt.date(*(int(x) for x in m.groups()))
            except ValueError:
                return None
    return None


@rule("GW010", "error", "成文日期用阿拉伯数字写全年月日，不编虚位")
def gw010(doc):
    for role in ("成文日期", "印发日期"):
        for u in doc.role(role):
            t = u.text.strip()
            if doc.kind != "docx" and ISO_DATE.match(t):
                continue  # YAML 中可写 2020-03-24，docgen 输出时统一写法
            if GOOD_DATE.match(t):
                continue
            m = re.match(r"^(\d{4})年0?(\d{1,2})月0?(\d{1,2})日$", t)
            if m:
                yield hit(doc, u, "GW010", f"{role}的月、日不编虚位（不加 0）", t, f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日")
            elif re.match(r"^[〇○零一二三四五六七八九]{4}年", t):
                yield hit(doc, u, "GW010", f"{role}应使用阿拉伯数字（2012 版标准）", t, "如 2020年3月24日")
            else:
                yield hit(doc, u, "GW010", f"{role}应写作“2020年3月24日”的形式", t)


@rule("GW011", "error", "标题末尾不加标点")
def gw011(doc):
    for role in ("标题", "印发文件标题", "附件标题", "附件名称"):
        units = doc.role(role)
        if units and units[-1].text.rstrip()[-1:] in "。，；：、！？.,;:!?":
            u = units[-1]
            yield hit(doc, u, "GW011", f"{role}末尾不加标点符号", u.text, u.text.rstrip()[:-1])


@rule("GW012", "error", "主送机关后用全角冒号")
@kinds("docx")
def gw012(doc):
    for u in doc.role("主送机关"):
        if not u.text.endswith("："):
            yield hit(doc, u, "GW012", "主送机关最后一个机关名称后标全角冒号“：”", u.text, u.text.rstrip(":") + "：")


NOTE_ITEM = re.compile(r"^(?:附件[：:])?\s*(?P<num>\d+\s*[.．、)）]|[（(]\d+[)）])?\s*(?P<name>.+)$")


def attachment_note_names(doc: LintDoc) -> list[tuple[Unit, str | None, str]]:
    out = []
    for u in doc.role("附件说明"):
        m = NOTE_ITEM.match(u.text.strip())
        if m:
            out.append((u, m.group("num"), m.group("name").strip()))
    return out


@rule("GW013", "error", "附件说明：多个附件用 1. 2. 编号，单个不编号，名称后不加标点")
@kinds("docx")
def gw013(doc):
    items = attachment_note_names(doc)
    for i, (u, num, name) in enumerate(items, start=1):
        if len(items) > 1:
            if num is None:
                yield hit(doc, u, "GW013", "有多个附件时应按 1. 2. 编号", u.text)
            elif not re.fullmatch(rf"{i}\s*[.．]", num):
                yield hit(doc, u, "GW013", f"附件序号应写作“{i}.”", u.text, f"{i}.{name}")
        elif num is not None:
            yield hit(doc, u, "GW013", "只有一个附件时不编序号", u.text, f"附件：{name}")
        if name[-1:] in "。，；：、.,;:":
            yield hit(doc, u, "GW013", "附件名称后不加标点", u.text, name[:-1])


@rule("GW014", "error", "附件说明中的名称与附件标题一致")
@kinds("docx")
def gw014(doc):
    names = [n.rstrip("。，；.,;") for _, _, n in attachment_note_names(doc)]
    titles = [u for u in doc.role("附件标题")]
    for i, u in enumerate(titles):
        if i < len(names) and names[i] != u.text.strip():
            yield hit(doc, u, "GW014", f"附件标题与附件说明第 {i + 1} 项“{names[i]}”不一致", u.text, names[i])
    if titles and len(titles) != len(names):
        yield hit(doc, titles[0], "GW014", f"附件说明列了 {len(names)} 个附件，正文后有 {len(titles)} 个附件")


HEADING_PATTERNS = [
    (1, re.compile(rf"^(?P<n>[{CN_NUM}]+)(?P<sep>[、.．，,])")),
    (2, re.compile(rf"^(?P<open>[（(])(?P<n>[{CN_NUM}]+)(?P<close>[）)])(?P<sep>、?)")),
    (3, re.compile(r"^(?P<n>\d{1,2})(?P<sep>[.．、])(?=\D)")),
    (4, re.compile(r"^(?P<open>[（(])(?P<n>\d{1,2})(?P<close>[）)])(?P<sep>、?)")),
]


def cn_to_int(s: str) -> int:
    for n in range(1, 100):
        if chinese_number(n) == s:
            return n
    return -1


def headings(doc: LintDoc) -> Iterator[tuple[Unit, int, int, re.Match]]:
    for u in doc.units:
        if u.role != "正文" or u.level:  # 用 # 标出的标题由 docgen 编号，不会出错
            continue
        t = u.text.lstrip(" \u3000")
        for level, rx in HEADING_PATTERNS:
            m = rx.match(t)
            if m:
                n = m.group("n")
                yield u, level, (int(n) if n.isdigit() else cn_to_int(n)), m
                break


@rule("GW015", "error", "标题序号：一、（一）1.（1）依次编排，不跳号、不重号、不用错标点")
def gw015(doc):
    counters: dict[tuple[int, int], int] = {}
    for u, level, n, m in headings(doc):
        sep = m.group("sep")
        right = {1: "、", 2: "", 3: ".", 4: ""}[level]
        number = m.group(0)
        if level == 3 and sep == "．":
            sep = "."
        if sep != right:
            good = {1: f"{m.group('n')}、", 2: f"（{m.group('n')}）", 3: f"{m.group('n')}.", 4: f"（{m.group('n')}）"}[level]
            yield hit(doc, u, "GW015", f"第{level}层序号应写作“{good}”", number, good)
        key = (u.section, level)
        if n == 1:
            counters[key] = 1
        else:
            expect = counters.get(key, 0) + 1
            if n != expect and counters.get(key) is not None:
                kind = "重号" if n <= counters[key] else "跳号"
                yield hit(doc, u, "GW015", f"第{level}层序号{kind}：上一个是 {counters[key]}，这里是 {n}", u.text[:12])
            counters[key] = n
        for deeper in range(level + 1, 5):
            counters.pop((u.section, deeper), None)


@rule("GW016", "error", "抄送机关后标句号")
def gw016(doc):
    for u in doc.role("抄送"):
        t = u.text.strip()
        if doc.kind == "docx":
            if not t.endswith("。"):
                yield hit(doc, u, "GW016", "抄送机关最后一个名称后标句号", t, t.rstrip("，,.;；") + "。")
        elif t[-1:] in "，,;；.":
            yield hit(doc, u, "GW016", "抄送机关末尾的标点由 docgen 统一为句号，请删去", t, t[:-1])


@rule("GW017", "error", "标题最多四层（一、（一）1.（1））")
@kinds("notice")
def gw017(doc):
    for u in doc.role("正文"):
        if u.level == 4 and u.text.startswith("#"):  # “#####”：前四个算作第 4 层，余下的 # 留在了文字里
            depth = 4 + len(u.text) - len(u.text.lstrip("#"))
            yield hit(doc, u, "GW017", f"写了 {depth} 个 #：公文标题最多四层（# 一、 ## （一） ### 1. #### （1）），"
                      "更细的层次请并入上一层或改写成段落", "#" * depth, "####")


DOWNWARD = ("通知", "通报", "决定", "批复", "意见", "决议", "公告", "通告", "令")


@rule("GW018", "warning", "签发人只用于上行文")
@kinds("notice")
def gw018(doc):
    """7.2.3：上报的公文（请示、报告）标注签发人；通知、批复等下行文不标。"""
    signers = doc.role("签发人")
    title = "".join(u.text for u in doc.role("标题")).strip()
    if signers and title.endswith(DOWNWARD):
        kind = next(k for k in DOWNWARD if title.endswith(k))
        yield hit(doc, signers[0], "GW018", f"这是{kind}（下行文），不标注签发人；上报的请示、报告才标签发人（7.2.3）",
                  signers[0].text)


@rule("GW019", "error", "命令（令）格式须有令号，令号只用于命令")
@kinds("notice")
def gw019(doc):
    fmt = doc.first("格式")
    order = doc.first("令号")
    if fmt is not None and fmt.text.strip() == "命令" and order is None:
        yield hit(doc, fmt, "GW019", "命令（令）格式须有令号（10.2），如 令号: 12，排作“第12号”", fmt.text)
    if order is not None and (fmt is None or fmt.text.strip() != "命令"):
        yield hit(doc, order, "GW019", "只有命令（令）格式有令号；要写命令请加 格式: 命令", order.text)


# ================================================================== 标点（GB/T 15834）

FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）", ".": "。"}


@rule("PU001", "error", "中文里用了半角标点")
def pu001(doc):
    for u in doc.units:
        t = u.text
        for m in re.finditer(r"[,;:?!.]", t):
            i = m.start()
            ch = t[i]
            prev, nxt = t[i - 1: i], t[i + 1: i + 2]
            if ch == "." and (not is_cjk(prev) or prev == "…"):
                continue  # 1. 序号、小数、网址、邮箱
            if ch == ":" and (prev.isdigit() and nxt.isdigit() or t[i: i + 3] == "://"):
                continue
            if ch == "," and prev.isdigit() and nxt.isdigit():
                continue  # 千分位
            if not (is_cjk(prev) or is_cjk(nxt)):
                continue
            good = FULL[ch]
            ctx = context(t, i, i + 1, 3)
            yield hit(doc, u, "PU001", f"中文中的“{ch}”应为全角“{good}”", ctx, ctx.replace(ch, good, 1) if ctx.count(ch) == 1 else good,
                      Fix(ctx, ctx.replace(ch, good, 1)) if ctx.count(ch) == 1 else None)
        # 一对半角圆括号括着中文
        for m in re.finditer(r"\(([^()（）]*)\)", t):
            if any(is_cjk(c) for c in m.group(1)) or is_cjk(t[m.start() - 1: m.start()]):
                old = m.group(0)
                new = "（" + m.group(1) + "）"
                yield hit(doc, u, "PU001", "中文中的圆括号应为全角“（）”", old, new, Fix(old, new))


PAIRS = {"（": "）", "(": ")", "［": "］", "[": "]", "【": "】", "《": "》", "〔": "〕", "“": "”", "‘": "’", "「": "」", "『": "』"}
FAMILY = {"（": "round", "(": "round", "）": "round", ")": "round", "［": "square", "[": "square", "］": "square",
          "]": "square", "【": "lent", "】": "lent", "《": "book", "》": "book", "〔": "tort", "〕": "tort",
          "“": "dq", "”": "dq", "‘": "sq", "’": "sq", "「": "cq", "」": "cq", "『": "cq2", "』": "cq2"}
CLOSES = set(PAIRS.values())


@rule("PU002", "error", "括号、引号不成对或全半角混用")
def pu002(doc):
    for u in doc.units:
        t = u.text
        stack: list[tuple[str, int]] = []
        for i, ch in enumerate(t):
            if ch in PAIRS:
                stack.append((ch, i))
            elif ch in CLOSES:
                if stack and FAMILY[stack[-1][0]] == FAMILY[ch]:
                    op, j = stack.pop()
                    if PAIRS[op] != ch:  # 同一种括号，一个全角一个半角
                        inner = t[j + 1: i]
                        old = t[j: i + 1]
                        new = "（" + inner + "）" if FAMILY[ch] == "round" else "［" + inner + "］"
                        yield hit(doc, u, "PU002", f"括号不配对：“{op}”与“{ch}”一个半角一个全角",
                                  short(context(t, j, i + 1, 2)), short(new), Fix(old, new) if old.count(op) == 1 else None)
                else:
                    yield hit(doc, u, "PU002", f"“{ch}”没有对应的前半个", context(t, i, i + 1), "")
        for op, j in stack:
            yield hit(doc, u, "PU002", f"“{op}”没有对应的后半个", context(t, j, j + 1), "")


@rule("PU003", "error", "中文里用了直引号")
def pu003(doc):
    for u in doc.units:
        t = u.text
        for m in re.finditer(r"[\"']", t):
            i = m.start()
            if is_cjk(t[i - 1: i]) or is_cjk(t[i + 1: i + 2]):
                yield hit(doc, u, "PU003", "中文中的引号应为弯引号“”‘’", context(t, i, i + 1), "")


@rule("PU004", "error", "省略号应为“……”")
def pu004(doc):
    for u in doc.units:
        t = u.text
        for m in re.finditer(r"\.{3,}|。{3,}|(?<!…)…(?!…)|…{3,}", t):
            yield hit(doc, u, "PU004", "省略号应为两个“…”（……）", context(t, m.start(), m.end(), 3), "……")


@rule("PU005", "warning", "破折号应为“——”")
def pu005(doc):
    for u in doc.units:
        t = u.text
        for m in re.finditer(r"(?<!—)—(?!—)", t):
            i = m.start()
            if is_cjk(t[i - 1: i]) and t[i - 1: i] != "—" and is_cjk(t[i + 1: i + 2]):
                yield hit(doc, u, "PU005", "单个“—”是一字线（用于起止），作破折号应写“——”", context(t, i, i + 1, 3),
                          "——（若表示起止，可用“—”或“～”连接数字）")


# ================================================================== 日期与时限

MD_NO_DAY = re.compile(r"(?<![\d年])(\d{1,2})月(\d{1,2})(?=前|之前|以前|止|完成|截止)")
YMD = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日")
YM_END = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末|上旬|中旬|下旬)")
DEADLINE_AFTER = re.compile(r"^(?:前|之前|以前|止|完成|截止)")


@rule("DT001", "error", "日期不完整（如“4月15前”少了“日”）")
def dt001(doc):
    for u in doc.units:
        for m in MD_NO_DAY.finditer(u.text):
            good = f"{m.group(1)}月{m.group(2)}日"
            yield hit(doc, u, "DT001", "日期少了“日”", context(u.text, m.start(), m.end(), 2), good)


def _year(doc: LintDoc) -> int | None:
    d = doc_date(doc)
    if d:
        return d.year
    if doc.kind == "tasklist" and isinstance(doc.data, dict):
        y = doc.data.get("年度", doc.data.get("year"))
        return y if isinstance(y, int) else None
    return None


@rule("DT002", "error", "日期不存在")
def dt002(doc):
    year = _year(doc) or 2000  # 不知道年份时按闰年算，2月29日不报
    for u in doc.units:
        for m in YMD.finditer(u.text):
            y = int(m.group(1)) if m.group(1) else year
            mo, d = int(m.group(2)), int(m.group(3))
            if not 1 <= mo <= 12 or not 1 <= d <= calendar.monthrange(y, mo)[1]:
                yield hit(doc, u, "DT002", "日期不存在", m.group(0))
        for m in YM_END.finditer(u.text):
            if not 1 <= int(m.group(2)) <= 12:
                yield hit(doc, u, "DT002", "月份不存在", m.group(0))


@rule("DT003", "warning", "时限早于成文日期")
def dt003(doc):
    base = doc_date(doc)
    if base is None:
        return
    for u in doc.units:
        if u.role in ("成文日期", "印发日期"):
            continue
        for rx in (YMD, YM_END, MD_NO_DAY):
            for m in rx.finditer(u.text):
                if not DEADLINE_AFTER.match(u.text[m.end():] or "") and rx is not YM_END:
                    continue
                try:
                    if rx is MD_NO_DAY:
                        d = dt.date(base.year, int(m.group(1)), int(m.group(2)))
                    else:
                        y = int(m.group(1)) if m.group(1) else base.year
                        mo = int(m.group(2))
                        d = (dt.date(y, mo, int(m.group(3))) if rx is YMD
                             else dt.date(y, mo, calendar.monthrange(y, mo)[1]))
                except ValueError:
                    continue
                if d < base:
                    yield hit(doc, u, "DT003", f"时限 {d.isoformat()} 早于成文日期 {base.isoformat()}", context(u.text, m.start(), m.end(), 2))


# ================================================================== 泄密与个人信息


def mask(s: str, keep: int = 2) -> str:
    return s[:keep] + "*" * max(0, len(s) - keep)


CRED = re.compile(r"(?P<key>用户名|用户|账号|帐号|登录名|口令|密码|密钥|password|passwd|pwd|username|user|token|api[_-]?key|secret)"
                  r"\s*[:：=]\s*(?P<val>[^\s,，;；。)）]+)", re.I)


@rule("SEC001", "error", "公文中出现账号、密码等登录凭据")
def sec001(doc):
    for u in doc.units:
        for m in CRED.finditer(u.text):
            yield hit(doc, u, "SEC001", f"出现了{m.group('key')}（登录凭据不得写入公文，泄露即失密）",
                      f"{m.group('key')}：{mask(m.group('val'))}", "删去凭据，改为“另行通知”或通过内部渠道发送")


def _personal_severity(doc: LintDoc) -> str:
    return "warning" if doc.classified else "error"


@rule("SEC002", "error", "公开文件中出现未打码的身份证号")
def sec002(doc):
    for u in doc.units:
        for m in ID_IN_TEXT.finditer(u.text):
            if checksum_ok(m.group(0)):
                yield hit(doc, u, "SEC002", "出现完整的身份证号（公开发布的文件应打码）", mask(m.group(0), 6),
                          mask_id(m.group(0)), severity=_personal_severity(doc))


@rule("SEC003", "warning", "公开文件中出现个人手机号")
def sec003(doc):
    for u in doc.units:
        for m in re.finditer(r"(?<!\d)1[3-9]\d{9}(?!\d)", u.text):
            yield hit(doc, u, "SEC003", "出现手机号（个人信息，公开文件中应打码或改用办公电话）", mask(m.group(0), 3),
                      m.group(0)[:3] + "****" + m.group(0)[-4:])


def luhn_ok(s: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(s)):
        d = int(ch)
        if i % 2:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


@rule("SEC004", "error", "公开文件中出现银行卡号")
def sec004(doc):
    for u in doc.units:
        for m in re.finditer(r"(?<![\dA-Za-z])\d{16,19}(?![\dA-Za-z])", u.text):
            s = m.group(0)
            if len(s) == 18 and checksum_ok(s):
                continue
            if luhn_ok(s) and s[0] in "3456":
                yield hit(doc, u, "SEC004", "出现银行卡号（公开文件中应打码）", mask(s, 4), s[:4] + " **** **** " + s[-4:],
                          severity=_personal_severity(doc))


# ================================================================== 版式（.docx）

from docgen.lint import docx_layout  # noqa: E402,F401  登记 LY 规则
