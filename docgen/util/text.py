"""文字里不能要的字符：一处定义，YAML、导出表、附件文本、文件名都用它。"""

from __future__ import annotations

import re

# 制表、换行、回车之外的 C0 控制字符，DEL，C1 控制字符，U+FFFE/U+FFFF（XML 不允许），落单的代理项
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffe\uffff\ud800-\udfff]")


def control_char(text: str) -> str | None:
    """`text` 里第一个不可见的控制字符（没有时为 None）。"""
    m = CONTROL.search(text)
    return m.group() if m else None
