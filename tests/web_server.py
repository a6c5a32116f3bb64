"""测试用：在本进程的线程里开工作台（只听 127.0.0.1，端口由系统分配），测试结束时停掉。"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from pathlib import Path

import uvicorn

from docgen.settings import Settings, Workbench as WorkbenchSettings
from docgen.web.app import Workbench


@contextlib.contextmanager
def running(tmp: Path, *, users: dict[str, str] | None = None, policy_host: str = "127.0.0.1",
            upload_limit_mb: float = 50.0, projects: tuple[Path, ...] = ()):
    """开一个工作台，给出 (网址, Workbench)。`policy_host`：按“监听在这个地址上”来定安全策略
    （测试里的服务器总是只在 127.0.0.1 上听；policy_host 为 0.0.0.0 时按对外开放的规矩：要登录）。"""
    settings = Settings(workbench=WorkbenchSettings(users=dict(users or {}), upload_limit_mb=upload_limit_mb,
                                                    workspace=tmp / "ws", projects=projects))
    wb = Workbench(settings, host=policy_host, workspace=tmp / "ws", preview_workers=1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(wb.app(), host="127.0.0.1", port=port, log_level="warning",
                                           access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("工作台没有起来")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", wb
    finally:
        server.should_exit = True
        thread.join(30)
