"""文件写出：只在这里写文件。先写临时文件再原子改名，失败时不留半成品。"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from docgen.util.text import CONTROL

ILLEGAL = set('<>:"/\\|?*')


NAME_LIMIT_BYTES = 150  # 文件系统一个名字最多 255 字节（UTF-8 汉字 3 字节）；留出后缀与临时文件名的余量


# 文字方向控制符（可把“gpj.exe”显示成“exe.jpg”）与零宽字符：文件名里不要
_INVISIBLE = set("\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff")
# Windows 的保留名：CON.docx 在 Windows 上打不开、拷不走
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


def _clean(name: str) -> str:
    s = unicodedata.normalize("NFC", str(name))
    s = "".join("_" if c in ILLEGAL or c in _INVISIBLE or CONTROL.match(c) or ord(c) < 32 else c for c in s).strip().rstrip(".")
    if s.split(".")[0].upper() in _RESERVED:
        s = "_" + s
    if s.startswith("."):  # 以“.”开头是隐藏文件（docgen 读文件夹时也会跳过它）
        s = "_" + s[1:]
    return "_" if s in ("", ".", "..") else s


def safe_filename(name: str, limit: int = NAME_LIMIT_BYTES, *, chars: int | None = None) -> str:
    """一个路径组成部分：NFC 规范化；Windows 不允许的字符、控制字符换成“_”；不能是 . 或 ..；
    超过 `limit` 字节（UTF-8；给了 `chars` 时另限字数，如 Excel 工作表名 31 字、整理方案的“命名.最长”）时缩短：
    保留开头、接“~”与原名的 8 位哈希，缩短后仍互不相同、看得出是谁。
    档案包、户档、台账的文件名都用它，生成的路径不会越出输出文件夹。"""
    s = _clean(name)
    if chars is not None:
        limit = min(limit if limit != NAME_LIMIT_BYTES else 240, 240)
    if len(s.encode("utf-8")) <= limit and (chars is None or len(s) <= chars):
        return s
    tag = "~" + hashlib.sha256(s.encode("utf-8")).hexdigest()[:8]
    keep = s.encode("utf-8")[: limit - len(tag)].decode("utf-8", "ignore")  # 按字节切，切在字的边界上
    if chars is not None:
        keep = keep[: max(1, chars - len(tag))]
    return keep.rstrip(". ") + tag


def shortened_note(name: str, limit: int = NAME_LIMIT_BYTES) -> str:
    """`name` 做文件名时被缩短了就说一句（否则空串）。"""
    if len(_clean(name).encode("utf-8")) <= limit:
        return ""
    return f"“{name[:16]}……”太长（超过 {limit} 字节），做文件名时缩短为“{safe_filename(name, limit)}”"


@contextlib.contextmanager
def atomic_writer(path: str | Path, durable: bool = True) -> Iterator[BinaryIO]:
    """写到 `path` 的文件句柄：同目录临时文件，退出时 fsync + ``os.replace``；出错时删掉临时文件。
    大文件（几万行的汇总表）边生成边写，不必先整个放进内存。`durable=False` 时不逐个 fsync
    （批处理几万份户档逐个 fsync 要多花几十秒；它在结束时统一 :func:`flush_to_disk`）——改名仍是原子的，
    进程被杀也不会留下写了一半的文件。"""
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, exc.filename if exc.errno == 17 else str(target.parent)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            if durable:
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, target)
        except OSError as exc:  # 报错时说用户给的文件名，而不是隐藏的临时文件名
            raise OSError(exc.errno, exc.strerror, str(target)) from exc
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write(path: str | Path, data: bytes, durable: bool = True) -> None:
    """把 `data` 写到 `path`：同目录临时文件 + fsync + ``os.replace``。"""
    with atomic_writer(path, durable) as fh:
        fh.write(data)


def flush_to_disk(folder: str | Path) -> None:
    """把 `folder` 所在文件系统上还在缓存里的数据一次写到磁盘（syncfs）：批处理结束、报告成功之前调用。"""
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        syncfs = libc.syncfs
    except (OSError, AttributeError):  # pragma: no cover - 不是 Linux
        os.sync()
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        if syncfs(fd) != 0:  # pragma: no cover
            os.sync()
    finally:
        os.close(fd)
