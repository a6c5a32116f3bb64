"""正文标记：每行一段，``#``…``####`` 标出层级，序号自动编排。

- ``# 行动目标`` → “一、行动目标”（黑体）
- ``## 强化组织领导。严格按照……`` → “（一）强化组织领导。”（楷体，段中标题）+ 正文
- ``### …`` → “1.”，``#### …`` → “（1）”（仿宋）

作者自己写的同级序号（如 ``# 一、行动目标``）会被去掉后重新编号，保证序号连续。
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from pydantic import AfterValidator

CN_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1→一，10→十，12→十二，21→二十一，105→一百零五，110→一百一十，1001→一千零一（到 9999）。"""
    if n <= 0 or n >= 10000:
        raise ValueError(f"序号 {n} 超出了 1–9999")
    if n < 20:
        return ("十" if n >= 10 else "") + (CN_DIGITS[n % 10] if n % 10 or n < 10 else "") if n >= 10 else CN_DIGITS[n]
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += CN_DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def heading_number(level: int, n: int) -> str:
    """第 `level` 级第 `n` 个标题的序号：一、 （一） 1. （1）。"""
    if level == 1:
        return f"{chinese_number(n)}、"
    if level == 2:
        return f"（{chinese_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(level)


_MANUAL = {
    1: re.compile(r"^[一二三四五六七八九十]+[、.．]\s*"),
    2: re.compile(r"^[（(][一二三四五六七八九十]+[）)][、]?\s*"),
    3: re.compile(r"^\d+[.．、]\s*"),
    4: re.compile(r"^[（(]\d+[）)][、]?\s*"),
}
_HEADING = re.compile(r"^(#{1,4})\s*(.*)$")


@dataclass(frozen=True)
class Block:
    """正文中的一段。`level` 为 0 表示普通段落；`runin` 为段中标题后的正文。"""

    level: int
    text: str
    number: str = ""
    runin: str = ""
    line: int = 0  # 在正文文本中的行号（从 1 起）

    @property
    def heading(self) -> str:
        return f"{self.number}{self.text}"


def parse_body(text: str) -> list[Block]:
    """把正文标记解析为段落列表并编号。"""
    blocks: list[Block] = []
    counters = [0, 0, 0, 0, 0]
    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip().replace("\u3000", " ").strip()
        if not line:
            continue
        deep = re.match(r"^#{5,}", line)
        if deep:
            raise ValueError(f"正文第 {lineno} 行写了 {len(deep.group(0))} 个 #：标题最多四层"
                             "（# 一、 ## （一） ### 1. #### （1））")
        m = _HEADING.match(line)
        if not m:
            blocks.append(Block(0, line, line=lineno))
            continue
        level = len(m.group(1))
        content = _MANUAL[level].sub("", m.group(2).strip(), count=1)
        counters[level] += 1
        for deeper in range(level + 1, 5):
            counters[deeper] = 0
        number = heading_number(level, counters[level])
        head, runin = content, ""
        idx = content.find("。")
        if 0 <= idx < len(content) - 1:
            head, runin = content[: idx + 1], content[idx + 1 :].strip()
        blocks.append(Block(level, head, number, runin, lineno))
    return blocks


def _checked(text: str) -> str:
    parse_body(text)  # 标题层级等写法错误在读入时就报出（指向“正文”），不等到渲染
    return text


# 模型里的“正文”字段：读入时按正文标记校验一遍
BodyText = Annotated[str, AfterValidator(_checked)]
