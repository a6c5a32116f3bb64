"""GB 11643-1999 公民身份号码：校验码、出生日期、性别，以及公示用的打码。

households 的校验、lint 的个人信息检查、户档与公示文书都用这里的函数，不另写一份。
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"  # S mod 11 = 0..10 对应的校验码
SHAPE = re.compile(r"\d{17}[\dXx]")
# 文中找身份证号用（前后不是数字或字母）
IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")


def check_char(body17: str) -> str:
    """前 17 位 → 第 18 位校验码。"""
    return CHECK_CHARS[sum(int(a) * w for a, w in zip(body17, WEIGHTS)) % 11]


def checksum_ok(s: str) -> bool:
    """18 位号码且校验码正确（x 与 X 同）。"""
    return bool(SHAPE.fullmatch(s)) and check_char(s[:17]) == s[17].upper()


def birth_date(s: str) -> dt.date | None:
    """第 7–14 位的出生日期；日期不存在时为 None。"""
    try:
        return dt.date(int(s[6:10]), int(s[10:12]), int(s[12:14]))
    except ValueError:
        return None


def sex(s: str) -> str:
    """第 17 位：奇数为男，偶数为女。"""
    return "男" if int(s[16]) % 2 else "女"


@dataclass(frozen=True)
class IdProblem:
    code: str  # ID001 格式或校验码；ID002 出生日期
    message: str


def check(raw: str, reference: dt.date) -> tuple[str, dt.date | None, list[IdProblem]]:
    """校验一个号码：(规范写法（X 大写）, 出生日期或 None, 问题)。出生年份须在 1900 与基准日期所在年之间
    （基准日期来自期别或配置，不读今天的日期）。"""
    s = raw.strip().upper()
    if not SHAPE.fullmatch(s):
        return s, None, [IdProblem("ID001", f"应为 18 位身份证号（17 位数字 + 校验位），得到 {s!r}（{len(s)} 位）")]
    problems = []
    if not checksum_ok(s):
        problems.append(IdProblem("ID001", f"身份证号校验位不对（GB 11643）：{mask(s)}"))
    birth = birth_date(s)
    if birth is None:
        problems.append(IdProblem("ID002", f"身份证号中的出生日期 {s[6:14]} 不存在"))
    elif not 1900 <= birth.year <= reference.year or birth > reference:
        problems.append(IdProblem("ID002", f"身份证号中的出生日期 {birth} 不合理（应在 1900 年与基准日期 {reference} 之间）"))
    return s, birth, problems


def mask(s: str, head: int = 6, tail: int = 4) -> str:
    """公示用：保留前 `head` 位与后 `tail` 位，中间每位换成 *（默认 610202********0018）。"""
    if not s:
        return ""
    keep = head + tail
    if len(s) <= keep:
        return "*" * len(s)
    return s[:head] + "*" * (len(s) - keep) + s[len(s) - tail:]


def mask_phone(p: str) -> str:
    """手机号：138****1234。"""
    return p[:3] + "****" + p[-4:] if len(p) == 11 else p
