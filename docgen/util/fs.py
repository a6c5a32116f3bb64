"""文件写出：只在这里写文件。先写临时文件再原子改名，失败时不留半成品。"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from pathlib import Path

ILLEGAL = set('<>:"/\\|?*')


def safe_filename(name: str, limit: int = 120) -> str:
    """一个路径组成部分：NFC 规范化；Windows 不允许的字符、控制字符换成“_”；不能是 . 或 ..；过长截断。
    档案包、户档、台账的文件名都用它，生成的路径不会越出输出文件夹。"""
    s = unicodedata.normalize("NFC", str(name))
    s = "".join("_" if c in ILLEGAL or ord(c) < 32 else c for c in s).strip().rstrip(".")
    if s in ("", ".", ".."):
        s = "_"
    return s[:limit]


def atomic_write(path: str | Path, data: bytes) -> None:
    """把 `data` 写到 `path`：同目录临时文件 + fsync + ``os.replace``。"""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
