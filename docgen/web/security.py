"""会话、CSRF、登录限速、Host 检查。

- 会话放在服务器内存里（随机 256 位编号；Cookie 为 HttpOnly + SameSite=Strict），登录成功时换新编号；
- 每个会话一个 CSRF 令牌：所有会改变状态的请求（POST 等）都要带上（请求头 X-CSRF-Token 或表单字段 csrf），
  否则 403——本机模式（不登录）也一样：别的网站不能借浏览器往 127.0.0.1 上提交；
- 只在本机地址上听时只接受 Host 为 127.0.0.1 / localhost / [::1] 的请求（挡住 DNS 重绑定）；
- 登录失败按用户名与来源地址计数：连续 5 次失败后锁定，锁定时间逐次加倍（30 秒起，最长 15 分钟）。
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field

COOKIE = "docgen_session"
SESSION_SECONDS = 8 * 3600
LOCAL_USER = "本机"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@dataclass
class Session:
    id: str
    user: str | None  # None：还没登录（只能看登录页）
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    expires: float = field(default_factory=lambda: time.time() + SESSION_SECONDS)


class Sessions:
    def __init__(self):
        self.items: dict[str, Session] = {}
        self.lock = threading.Lock()

    def new(self, user: str | None) -> Session:
        s = Session(secrets.token_urlsafe(32), user)
        with self.lock:
            now = time.time()
            for k in [k for k, v in self.items.items() if v.expires < now]:
                del self.items[k]
            self.items[s.id] = s
        return s

    def get(self, sid: str | None) -> Session | None:
        if not sid:
            return None
        s = self.items.get(sid)
        if s is None or s.expires < time.time():
            return None
        return s

    def drop(self, sid: str) -> None:
        with self.lock:
            self.items.pop(sid, None)


def csrf_ok(session: Session, token: str | None) -> bool:
    return bool(token) and hmac.compare_digest(session.csrf.encode(), str(token).encode())


class Throttle:
    """登录限速。"""

    LIMIT = 5
    BASE = 30.0
    MAX = 900.0

    def __init__(self):
        self.fails: dict[str, tuple[int, float]] = {}  # 键 → (连续失败次数, 锁到何时)
        self.lock = threading.Lock()

    def wait(self, keys: list[str]) -> float:
        now = time.time()
        return max([self.fails.get(k, (0, 0.0))[1] - now for k in keys] + [0.0])

    def failed(self, keys: list[str]) -> None:
        now = time.time()
        with self.lock:
            for k in keys:
                n, _ = self.fails.get(k, (0, 0.0))
                n += 1
                until = now + min(self.MAX, self.BASE * 2 ** (n - self.LIMIT)) if n >= self.LIMIT else 0.0
                self.fails[k] = (n, until)

    def succeeded(self, keys: list[str]) -> None:
        with self.lock:
            for k in keys:
                self.fails.pop(k, None)


def host_allowed(host_header: str | None, loopback: bool) -> bool:
    if not loopback:
        return True
    if not host_header:
        return False
    import re

    return re.fullmatch(r"(localhost|127\.0\.0\.1|\[::1\])(:\d{1,5})?", host_header.strip().lower()) is not None


def is_loopback(host: str) -> bool:
    import ipaddress

    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
