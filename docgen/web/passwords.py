"""工作台账号的口令散列：标准库的 scrypt（内存开销大，显卡与专用芯片难以批量猜）。

散列写成一行文字放进 docgen.yml：``scrypt$N$r$p$盐$散列``（盐与散列为 base64）。
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

# N=2^15、r=8：每次约 32 MB 内存、约 0.1 秒（OWASP 建议的 scrypt 参数下限为 N=2^17/r=8 或等价的组合，
# 这里取 2^15 让两核机器上登录不卡；猜一个口令的代价仍是 32 MB × 0.1 秒）
N, R, P = 2**15, 8, 1
MAXMEM = 64 * 1024 * 1024


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode("ascii")


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    salt = salt or os.urandom(16)
    dk = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=N, r=R, p=P, maxmem=MAXMEM, dklen=32)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(dk)}"


def _parse(stored: str):
    parts = stored.split("$") if isinstance(stored, str) else []
    if len(parts) != 6 or parts[0] != "scrypt":
        return None
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, dk = base64.b64decode(parts[4], validate=True), base64.b64decode(parts[5], validate=True)
    except ValueError:
        return None
    if n < 2**14 or n & (n - 1) or not 1 <= r <= 32 or not 1 <= p <= 4 or len(salt) < 16 or len(dk) < 32 \
            or 128 * r * n * p > MAXMEM:
        return None
    return n, r, p, salt, dk


def hash_problem(stored) -> str:
    """口令散列写得不对时的说明（对时为空串）。"""
    if not isinstance(stored, str) or not stored.startswith("scrypt$"):
        return "应为 docgen password 生成的口令散列（以 scrypt$ 开头），不能直接写口令"
    if _parse(stored) is None:
        return "口令散列不完整或参数太弱（请重新生成，整行原样复制）"
    return ""


def verify_password(password: str, stored: str) -> bool:
    parsed = _parse(stored)
    if parsed is None:
        return False
    n, r, p, salt, dk = parsed
    got = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=MAXMEM, dklen=len(dk))
    return hmac.compare_digest(got, dk)


# 没有这个账号时也算一遍散列：响应时间不泄露“有没有这个用户名”
DUMMY = hash_password("docgen-no-such-user", salt=b"\0" * 16)
