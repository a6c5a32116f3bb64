"""核对前的归一：只抹掉“合理的写法差异”，真正不同的值照样不同。

- 文字：全角半角（NFKC）、空白、括号（乡（镇）与 乡(镇)）一律按同一种写法比；
- 取值：与户主关系、主要致贫原因、帮扶措施 按 docgen.households.enums 的写法变体归一（缺劳动力 → 缺劳力）；
- 金额：12000、12,000、1.2万、1.2万元、“12000元” 都是 12000 元；表头或“单位”列写万元时乘 10000；
- 日期：2020-01-02、2020/1/2、2020.1.2、2020年1月2日、20200102 与 Excel 的日期格都是同一天；年度：2018、2018年、2018.0。
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from docgen.households.enums import normalise_value


def text(v) -> str:
    """比较用的文字：NFKC（全角字母数字与括号变半角）、去掉全部空白。"""
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return "".join(unicodedata.normalize("NFKC", str(v)).split())


def enum(field: str, v) -> str:
    """取值字段：先按 docgen 的写法变体归一（同一份变体表，与读导出表时一样），再按文字比。"""
    raw = str(v).strip() if v is not None else ""
    return text(normalise_value(field, raw) if raw else "")


_MONEY = re.compile(r"^([+-]?\d+(?:\.\d+)?)(万)?(元)?$")


def money(v, unit: str = "元") -> float | None:
    """金额（元）。`unit`：这一格所在列或“单位”列写的单位（元 / 万元）。认不出时返回 None。"""
    if v is None or v == "":
        return None
    factor = 10000.0 if text(unit) in ("万元", "万") else 1.0
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return float(v) * factor
    t = text(v).replace(",", "").replace("，", "")
    m = _MONEY.match(t)
    if not m:
        return None
    amount = float(m.group(1))
    return amount * 10000.0 if m.group(2) else amount * factor


def date(v) -> dt.date | None:
    """日期：各种写法与 Excel 的日期格（与读导出表时同一个 :func:`docgen.model.base.loose_date`；全角数字先变半角）。"""
    from docgen.model.base import loose_date

    return loose_date(v if isinstance(v, dt.date) or v is None else text(v))


def count(v) -> int | None:
    """人数：4、4.0、“4人”、“4 口”都是 4。"""
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v) if float(v).is_integer() else None
    t = text(v).rstrip("人口")
    return int(t) if t.isdigit() else None


_MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})月?$")


def date_parts(v) -> tuple[int, int, int | None] | None:
    """日期或只写到月的“出生年月”（1950年3月、1996.09）：(年, 月, 日或 None)。"""
    d = date(v)
    if d is not None:
        return d.year, d.month, d.day
    m = _MONTH.match(text(v))
    if m and 1 <= int(m.group(2)) <= 12:
        return int(m.group(1)), int(m.group(2)), None
    return None


def year(v) -> int | None:
    from docgen.households.validate import year_of

    if isinstance(v, str):
        v = text(v)
    return year_of(v) if v not in (None, "") else None
