"""工作台基准（同一轮里量，比值对照基线）：

1. 预览延迟：样例公文（正文 + 24 行的横排任务清单附件 + 印发的实施方案，共 N 页）在正文里改一个字之后，
   保存 + 预览（排出全部页面的图片）到拿到结果的时间，p50 与 p95；基线为一个新开的 ``docgen render`` 进程
   把同一份 YAML 排成 PDF 的时间（不开工作台时用户改一个字后要等的）。
2. 20 个模拟用户同时编辑、预览 60 秒：每人一份草稿（一页半的常见通知），各人在头几秒里陆续开始，改一个字 → 保存 →
   预览 → 停几秒（打字、看页面，`--think`，默认 1–3 秒）再改；记每次“保存 + 预览”的延迟（p50、p95）与出错次数。

服务器是单独的 ``docgen serve`` 进程（只听 127.0.0.1），预览排版用两个进程（两核）。

    .venv/bin/python bench/bench_workbench.py [--edits 30] [--users 20] [--seconds 60]
"""

from __future__ import annotations

import argparse
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "tongwang-2020-108"
DOCGEN = [sys.executable, "-m", "docgen"]

TYPICAL = {"发文机关": "某某县住房和城乡建设局", "加文件": True, "发文字号": "某住建发〔2020〕5号",
           "标题": "关于做好农村危房改造工作的通知", "主送机关": "各镇人民政府，县直有关部门",
           "正文": "为做好农村危房改造工作，现将有关事项通知如下。\n# 工作目标\n年底前完成存量危房改造，做到应改尽改。\n"
                   "# 工作措施\n## 摸清底数。各镇要对辖区内农村住房逐户排查，建立台账。\n"
                   "## 压实责任。实行包村包户责任制，明确责任人和完成时限。\n"
                   "## 加强督查。县住建局每月通报进度，对进度滞后的镇进行约谈。\n"
                   "# 工作要求\n各镇要高度重视，精心组织，确保按期完成任务。每周五前报送进度。" * 2,
           "发文机关署名": "某某县住房和城乡建设局", "成文日期": "2020年4月1日",
           "抄送机关": "县人民政府办公室", "印发机关": "某某县住房和城乡建设局办公室", "印发日期": "2020年4月1日"}


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def start_server(ws: Path) -> tuple[subprocess.Popen, str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*DOCGEN, "serve", "--port", str(port), "--workspace", str(ws)], cwd=ws.parent,
                            stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/", timeout=2).status_code == 200:
                return proc, url
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("工作台没有起来：" + (proc.stderr.read() if proc.stderr else ""))


class User:
    def __init__(self, url: str):
        self.c = httpx.Client(base_url=url, timeout=300, follow_redirects=False)
        r = self.c.get("/draft")
        self.tok = re.search(r'name="csrf-token" content="([^"]+)"', r.text).group(1)
        self.h = {"X-CSRF-Token": self.tok}
        self.rev = 0

    def new_draft(self, files: list[Path] = ()) -> None:
        opened = [("file", (p.name, p.read_bytes())) for p in files[:1]]
        r = self.c.post("/draft/new", data={"csrf": self.tok}, files=opened or None)
        self.draft = r.headers["location"].rsplit("/", 1)[1]
        if len(files) > 1:
            self.c.post(f"/api/draft/{self.draft}/upload", headers=self.h,
                        files=[("file", (p.name, p.read_bytes())) for p in files[1:]])
        self.form = self.c.get(f"/api/draft/{self.draft}").json()["form"]

    def edit_and_preview(self) -> float:
        """改一个字（正文第一段末尾换一个字），保存、预览；返回秒数（出错时抛出）。"""
        body = self.form["正文"]
        first, sep, rest = body.partition("\n")
        first = first[:-1] + ("。" if first.endswith("！") else "！") if first else "好"
        self.form["正文"] = first + sep + rest
        self.rev += 1
        t = time.perf_counter()
        r = self.c.post(f"/api/draft/{self.draft}/save", json=self.form, headers=self.h)
        r.raise_for_status()
        r = self.c.post(f"/api/draft/{self.draft}/preview", json={"rev": self.rev}, headers=self.h)
        r.raise_for_status()
        data = r.json()
        if "error" in data:
            raise RuntimeError(data["error"])
        for p in data["pages"][:1]:  # 浏览器随后取第一页的图
            self.c.get(p["url"]).raise_for_status()
        return time.perf_counter() - t


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--users", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--think", default="1-3", help="每次改完、看完预览后停多久再改（秒，如 1-3）")
    a = ap.parse_args()
    lo, hi = (float(x) for x in a.think.split("-"))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # 基线：新开的 docgen render 进程
        base = []
        for i in range(5):
            t = time.perf_counter()
            subprocess.run([*DOCGEN, "render", str(SAMPLE / "notice.yaml"), "-o", str(tmp / f"r{i}.pdf"), "-q"],
                           check=True, capture_output=True)
            base.append(time.perf_counter() - t)
        proc, url = start_server(tmp / "ws")
        try:
            u = User(url)
            u.new_draft([SAMPLE / "notice.yaml", SAMPLE / "tasklist.yaml"])
            u.edit_and_preview()  # 预热
            lat = [u.edit_and_preview() for _ in range(a.edits)]
            # 并发
            results: list[float] = []
            errors: list[str] = []
            lock = threading.Lock()
            stop = time.monotonic() + a.seconds

            def user_loop(k: int) -> None:
                rnd = random.Random(k)
                time.sleep(rnd.uniform(0, hi))  # 各人不在同一秒开始（不是 20 个人同时按下回车）
                try:
                    me = User(url)
                    me.new_draft()
                    me.form.update(TYPICAL)
                    me.form["正文"] = me.form["正文"].replace("某某县", f"第{k}县")
                except Exception as exc:  # noqa: BLE001
                    with lock:
                        errors.append(f"建草稿：{exc}")
                    return
                while time.monotonic() < stop:
                    try:
                        dt = me.edit_and_preview()
                        with lock:
                            results.append(dt)
                    except Exception as exc:  # noqa: BLE001
                        with lock:
                            errors.append(str(exc)[:200])
                    time.sleep(rnd.uniform(lo, hi))

            threads = [threading.Thread(target=user_loop, args=(k,)) for k in range(a.users)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        finally:
            proc.terminate()
            proc.wait(30)
    b50 = statistics.median(base)
    print(f"| 量的是 | p50（秒） | p95（秒） | 次数 | 与基线之比（p50） |")
    print(f"|---|---:|---:|---:|---:|")
    print(f"| 基线：新开 docgen render 进程排样例公文 PDF | {b50:.2f} | {pct(base, 95):.2f} | {len(base)} | 1.00 |")
    print(f"| 样例公文改一个字 → 保存 + 预览（全部页面的图片） | {statistics.median(lat):.2f} | {pct(lat, 95):.2f} | "
          f"{len(lat)} | {statistics.median(lat) / b50:.2f} |")
    if results:
        print(f"| {a.users} 人同时编辑、预览 {a.seconds:.0f} 秒（一页半的通知，每次停 {a.think} 秒） | {statistics.median(results):.2f} | "
              f"{pct(results, 95):.2f} | {len(results)} | {statistics.median(results) / b50:.2f} |")
    print(f"\n出错 {len(errors)} 次" + (f"：{errors[:3]}" if errors else ""))


if __name__ == "__main__":
    main()
