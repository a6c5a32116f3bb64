"""文件写出：只在这里写文件。先写临时文件再原子改名，失败时不留半成品。"""

from __future__ import annotations

import contextlib
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

ILLEGAL = set('<>:"/\\|?*')


def safe_filename(name: str, limit: int = 120) -> str:
    """一个路径组成部分：NFC 规范化；Windows 不允许的字符、控制字符换成“_”；不能是 . 或 ..；过长截断。
    档案包、户档、台账的文件名都用它，生成的路径不会越出输出文件夹。"""
    s = unicodedata.normalize("NFC", str(name))
    s = "".join("_" if c in ILLEGAL or ord(c) < 32 else c for c in s).strip().rstrip(".")
    if s in ("", ".", ".."):
        s = "_"
    return s[:limit]


@contextlib.contextmanager
def atomic_writer(path: str | Path) -> Iterator[BinaryIO]:
    """写到 `path` 的文件句柄：同目录临时文件，退出时 fsync + ``os.replace``；出错时删掉临时文件。
    大文件（几万行的汇总表）边生成边写，不必先整个放进内存。"""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
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


def atomic_write(path: str | Path, data: bytes) -> None:
    """把 `data` 写到 `path`：同目录临时文件 + fsync + ``os.replace``。"""
    with atomic_writer(path) as fh:
        fh.write(data)
