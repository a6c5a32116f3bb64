"""工作台的接口与安全（不开浏览器）：CSRF、登录与限速、Host 检查、上传的路径与大小、审计、草稿 ↔ YAML。"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import httpx
import pytest
import yaml
from web_server import running

from docgen.web.passwords import hash_problem, hash_password, verify_password
from docgen.web.workspace import sniff

ROOT = Path(__file__).resolve().parent.parent


def token(client: httpx.Client, path: str = "/") -> str:
    r = client.get(path)
    return re.search(r'name="csrf-token" content="([^"]+)"', r.text).group(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("wb")) as (url, wb):
        yield url, wb


def test_password_hash_roundtrip_and_refuses_plain_text():
    h = hash_password("正确的口令 horse")
    assert h.startswith("scrypt$32768$8$1$") and hash_problem(h) == ""
    assert verify_password("正确的口令 horse", h) and not verify_password("错的", h)
    assert hash_password("x") != hash_password("x")  # 每次加盐
    assert "不能直接写口令" in hash_problem("123456")
    assert "太弱" in hash_problem("scrypt$1024$8$1$" + h.split("$", 4)[4])


def test_state_changing_requests_need_the_csrf_token(server):
    url, _ = server
    with httpx.Client(base_url=url) as c:
        tok = token(c)
        assert c.post("/draft/new").status_code == 403
        assert c.post("/draft/new", data={"csrf": "假的"}).status_code == 403
        assert c.post("/draft/new", headers={"X-CSRF-Token": tok + "x"}).status_code == 403
        r = c.post("/draft/new", data={"csrf": tok})
        assert r.status_code == 303 and r.headers["location"].startswith("/draft/")
        # 别的网站的页面提交过来（带着 Origin）：即使令牌对也拒绝
        assert c.post("/draft/new", data={"csrf": tok}, headers={"Origin": "http://evil.example"}).status_code == 403


def test_new_client_without_cookie_cannot_post(server):
    url, _ = server
    with httpx.Client(base_url=url) as a, httpx.Client(base_url=url) as b:
        tok = token(a)
        assert b.post("/draft/new", data={"csrf": tok}).status_code == 403  # 令牌属于 a 的会话


def test_cookie_is_httponly_samesite_strict(server):
    url, _ = server
    r = httpx.get(url + "/")
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    assert "default-src 'self'" in r.headers["content-security-policy"]


def test_loopback_server_refuses_foreign_host_header(server):
    url, _ = server
    assert httpx.get(url + "/", headers={"Host": "evil.example:80"}).status_code == 421
    assert httpx.get(url + "/", headers={"Host": "localhost"}).status_code == 200


def test_upload_name_cannot_leave_the_workspace(server):
    url, wb = server
    with httpx.Client(base_url=url) as c:
        tok = token(c)
        data = (ROOT / "samples/households/户籍导出.xlsx").read_bytes()
        r = c.post("/households/new", data={"csrf": tok, "period": "2020-12"},
                   files={"file": ("../../x", data, "application/octet-stream")})
        assert r.status_code == 303
        ws = Path(wb.root)
        hits = [p for p in ws.rglob("x.xlsx")]
        assert len(hits) == 1 and ws in hits[0].parents
        assert not (ws.parent / "x").exists() and not (ws.parent.parent / "x").exists()
        # 名字里的反斜杠、点、控制字符也一样
        r = c.post("/households/new", data={"csrf": tok},
                   files={"file": ("..\\..\\..\\evil\x00.xlsx", data)})
        assert r.status_code == 303
        assert all(ws in p.parents for p in ws.rglob("*.xlsx"))


def test_upload_is_sniffed_by_content_not_extension(server):
    url, _ = server
    with httpx.Client(base_url=url) as c:
        tok = token(c)
        r = c.post("/households/new", data={"csrf": tok}, files={"file": ("户籍.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100)})
        assert r.status_code == 400 and "PNG 图片" in r.text and 'id="error-message"' in r.text  # 表单提交：说明页
        r = c.post("/households/new", data={"csrf": tok}, files={"file": ("旧表.xlsx", b"\xd0\xcf\x11\xe0" + b"0" * 100)})
        assert r.status_code == 400 and "另存为" in r.text
        r = c.post("/households/new", data={"csrf": tok}, files={"file": ("户籍.xlsx", "户编号,姓名\n1,张三\n".encode())})
        assert r.status_code == 400 and "内容却是文字" in r.text
        r = c.post("/households/new", data={"csrf": tok}, files={"file": ("空.csv", b"")})
        assert r.status_code == 400 and "空文件" in r.text
        # 页面脚本（fetch）得到 JSON
        r = c.post("/households/new", data={"csrf": tok}, files={"file": ("户籍.xlsx", b"\x89PNG\r\n\x1a\n0")},
                   headers={"Accept": "application/json"})
        assert r.status_code == 400 and "PNG 图片" in r.json()["error"]


def test_upload_size_limit(tmp_path):
    with running(tmp_path, upload_limit_mb=0.05) as (url, _):
        with httpx.Client(base_url=url) as c:
            tok = token(c)
            r = c.post("/households/new", data={"csrf": tok}, files={"file": ("大.csv", b"a,b\n" * 40_000)})
            assert r.status_code == 413 and "上限" in r.text


def test_non_loopback_policy_requires_login_and_throttles(tmp_path):
    users = {"张三": hash_password("口令很长的一句话")}
    with running(tmp_path, users=users, policy_host="0.0.0.0") as (url, wb):
        with httpx.Client(base_url=url) as c:
            r = c.get("/households", headers={"Accept": "text/html"})
            assert r.status_code == 303 and r.headers["location"].startswith("/login")
            assert c.get("/api/jobs").status_code == 401
            tok = token(c, "/login")
            r = c.post("/login", data={"csrf": tok, "user": "张三", "password": "错的"})
            assert r.status_code == 401 and "用户名或口令不对" in r.text
            old = c.cookies.get("docgen_session")
            r = c.post("/login", data={"csrf": tok, "user": "张三", "password": "口令很长的一句话", "next": "/households"})
            assert r.status_code == 303 and r.headers["location"] == "/households"
            assert c.cookies.get("docgen_session") != old  # 登录后换了会话编号
            assert c.get("/households").status_code == 200
            tok2 = token(c, "/households")
            assert c.post("/logout", data={"csrf": tok2}).status_code == 303
            assert c.get("/api/jobs").status_code == 401
        with httpx.Client(base_url=url) as c:
            tok = token(c, "/login")
            codes = [c.post("/login", data={"csrf": tok, "user": "张三", "password": f"错{i}"}).status_code
                     for i in range(6)]
            assert codes[:5] == [401] * 5 and codes[5] == 429
            r = c.post("/login", data={"csrf": tok, "user": "张三", "password": "口令很长的一句话"})
            assert r.status_code == 429 and "秒后再试" in r.text  # 锁定期内口令对了也不放行


def test_open_server_without_accounts_is_refused():
    from docgen.errors import InputError
    from docgen.settings import Settings
    from docgen.web.app import Workbench

    with pytest.raises(InputError, match="账号"):
        Workbench(Settings(), host="0.0.0.0")


def test_serve_command_refuses_open_address_without_accounts(tmp_path):
    import subprocess
    import sys

    r = subprocess.run([sys.executable, "-m", "docgen", "serve", "--host", "0.0.0.0", "--port", "1"], cwd=tmp_path,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "docgen password" in r.stderr


def test_users_are_kept_apart(tmp_path):
    users = {"甲": hash_password("甲的口令甲的口令"), "乙": hash_password("乙的口令乙的口令")}
    with running(tmp_path, users=users, policy_host="0.0.0.0") as (url, _):
        def login(name):
            c = httpx.Client(base_url=url)
            tok = token(c, "/login")
            c.post("/login", data={"csrf": tok, "user": name, "password": f"{name}的口令{name}的口令"})
            return c

        a, b = login("甲"), login("乙")
        r = a.post("/draft/new", data={"csrf": token(a, "/draft")})
        draft = r.headers["location"]
        assert a.get(draft).status_code == 200
        assert b.get(draft).status_code == 404
        assert b.get("/api" + draft).status_code == 404


def test_downloads_with_full_id_numbers_are_audited(server, tmp_path):
    from docgen.households.sample import generate

    url, wb = server
    generate(12, 3, tmp_path / "d", 0.0, 2020)
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c)
        files = [("file", (p.name, p.read_bytes())) for p in sorted((tmp_path / "d").iterdir()) if p.suffix != ".json"]
        loc = c.post("/households/new", data={"csrf": tok, "period": "2020-12"}, files=files).headers["location"]
        wait(c)
        assert c.post(loc + "/build", data={"csrf": tok, "docs": "pdf"}).status_code == 303
        job = wait(c)
        assert job["state"] == "done", job["error"]
        before = len(wb.audit.entries())
        r = c.get(f"/jobs/{job['id']}/file/台账与户档.zip")
        assert r.status_code == 200 and r.content[:2] == b"PK"
        entries = wb.audit.entries()
        assert len(entries) == before + 1 and entries[-1]["用户"] == "本机" and entries[-1]["文件"] == ["台账与户档.zip"]
        public = job["result"]["public"][0]
        assert c.get(f"/jobs/{job['id']}/file/{public}").status_code == 200
        assert len(wb.audit.entries()) == before + 1  # 公示名单（已打码）不记
        assert c.get(f"/jobs/{job['id']}/file/../../审计日志.jsonl").status_code == 404
        assert c.get(f"/jobs/{job['id']}/file/out/户档").status_code == 404  # 只能下载结果里列出的文件


def wait(c: httpx.Client, timeout: float = 300) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = c.get("/api/jobs").json()
        if jobs and not jobs[0]["active"]:
            return jobs[0]
        time.sleep(0.3)
    raise AssertionError("任务没有结束")


def test_batch_page_takes_a_handbook(server, tmp_path):
    """批处理页可以一起上传帮扶手册：月末一起做库册核对（与命令行的 --handbook 同一条路），埋下的不一致在报告里。"""
    from docgen.crosscheck.sample import write_handbook
    from docgen.households.sample import generate

    url, wb = server
    generate(30, 2, tmp_path / "d", 0.0, 2020)
    planted = write_handbook(tmp_path / "d", tmp_path / "册", seed=3, rate=0.2)
    assert planted
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c)
        files = [("file", (p.name, p.read_bytes())) for p in sorted((tmp_path / "d").iterdir()) if p.suffix != ".json"]
        ds = c.post("/households/new", data={"csrf": tok, "period": "2020-12"}, files=files).headers["location"]
        wait(c)
        assert 'id="batch-handbook"' in c.get("/batch").text
        book = tmp_path / "册" / "帮扶手册.xlsx"
        r = c.post("/batch/start", data={"csrf": tok, "source": "data:" + ds.rsplit("/", 1)[1], "period": "2020-12"},
                   files=[("file", (book.name, book.read_bytes()))])
        assert r.status_code == 303
        job = wait(c)
        assert job["state"] == "done", job["error"]
        notes = "；".join(job["result"]["report"]["说明"])
        bad = len({a["户编号"] for a in planted})
        assert f"（{bad} 户），见 核对/库册核对.xlsx" in notes
        # 文件框里没选文件（浏览器照样送一个没名字的空部分）：照常跑、不做核对；CSRF 不对时不收
        r = c.post("/batch/start", data={"csrf": tok, "source": "data:" + ds.rsplit("/", 1)[1], "period": "2020-12"},
                   files=[("file", ("", b"", "application/octet-stream"))])
        assert r.status_code == 303, r.text
        job = wait(c)
        assert job["state"] == "done" and "库册核对" not in "；".join(job["result"]["report"]["说明"])
        r = c.post("/batch/start", data={"csrf": "不对", "source": "x", "period": "2020-12"},
                   files=[("file", (book.name, book.read_bytes()))])
        assert r.status_code == 403


def test_cancel_a_running_batch(server, tmp_path):
    from docgen.households.sample import generate

    url, wb = server
    generate(300, 5, tmp_path / "d", 0.0, 2020)
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c)
        files = [("file", (p.name, p.read_bytes())) for p in sorted((tmp_path / "d").iterdir()) if p.suffix != ".json"]
        ds = c.post("/households/new", data={"csrf": tok, "period": "2020-12"}, files=files).headers["location"]
        wait(c)
        r = c.post("/batch/start", data={"csrf": tok, "source": "data:" + ds.rsplit("/", 1)[1], "period": "2020-12"})
        job_id = r.headers["location"].rsplit("/", 1)[1]
        deadline = time.monotonic() + 120
        while c.get(f"/api/jobs/{job_id}").json()["done"] < 5:
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert c.post(f"/api/jobs/{job_id}/cancel", headers={"X-CSRF-Token": tok}).status_code == 200
        job = wait(c)
        assert job["id"] == job_id and job["state"] == "cancelled"
        assert 0 < job["done"] < job["total"]
        # 再跑一次：接着做完，前面做好的跳过
        r = c.post("/batch/start", data={"csrf": tok, "source": "data:" + ds.rsplit("/", 1)[1], "period": "2020-12"})
        job = wait(c)
        rep = job["result"]["report"]
        assert job["state"] == "done" and rep["失败"] == 0 and rep["跳过"] > 0 and rep["完成"] + rep["跳过"] == rep["计划"]
        page = c.get(f"/jobs/{job['id']}").text
        assert "/tmp" not in page and 'id="batch-zip"' in page  # 不露出服务器上的路径；可以打包下载
        r = c.post(f"/jobs/{job['id']}/zip", data={"csrf": tok})
        z = wait(c)
        assert z["kind"] == "zip" and z["state"] == "done", z["error"]
        before = len(wb.audit.entries())
        r = c.get(f"/jobs/{z['id']}/file/批处理输出.zip")
        import io
        import zipfile

        names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
        assert any(n.endswith(".pdf") for n in names) and not any(".docgen" in n for n in names)
        assert len(wb.audit.entries()) == before + 1


def test_sniff():
    assert sniff(b"\x89PNG\r\n\x1a\nxxxx") == "png"
    assert sniff("户编号,姓名\n1,张三\n".encode("gbk")) == "csv"
    assert sniff("标题: 通知\n正文: |\n  好\n".encode()) == "yaml"
    assert sniff(b"\x00\x01\x02") is None


def test_draft_form_round_trips_through_the_cli_yaml(tmp_path):
    """打开样例公文 YAML → 表单 → 写回 YAML：与原文件读出来的数据相同（渲染结果就相同）。"""
    from docgen.load.yamlsrc import load_yaml
    from docgen.web import drafts

    src = ROOT / "samples/tongwang-2020-108/notice.yaml"
    data = load_yaml(src).data
    form = drafts.notice_to_form(data)
    (tmp_path / "tasklist.yaml").write_bytes((src.parent / "tasklist.yaml").read_bytes())
    out = drafts.write_notice(tmp_path, form)
    from docgen.api import load_notice

    def dump(path):
        d = load_notice(path).model_dump(mode="json")
        for a in d["attachments"]:
            a["file"] = Path(a["file"]).name if a["file"] else None
        return d

    assert dump(out) == dump(src)


def test_unknown_yaml_keys_are_named_not_dropped():
    from docgen.errors import InputError
    from docgen.web import drafts

    with pytest.raises(InputError, match="备注栏"):
        drafts.notice_to_form({"标题": "x", "备注栏": "y"})


def test_tasklist_page_upload_edit_download_and_tracking(server, tmp_path):
    from openpyxl import load_workbook

    url, _ = server
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c, "/tasklist")
        r = c.post("/tasklist/new", data={"csrf": tok},
                   files={"file": ("清单.yaml", (ROOT / "samples/tongwang-2020-108/tasklist.yaml").read_bytes())})
        assert r.status_code == 303
        page = c.get(r.headers["location"]).text
        assert page.count('class="page"') >= 2  # 排好的各页
        tl = r.headers["location"]
        x = c.get(tl + "/download/xlsx")
        assert x.status_code == 200
        wb = load_workbook(__import__("io").BytesIO(x.content))
        assert wb.sheetnames == ["任务清单", "跟踪"] and wb["任务清单"].merged_cells.ranges
        for fmt, magic in (("docx", b"PK"), ("pdf", b"%PDF")):
            assert c.get(f"{tl}/download/{fmt}").content[:len(magic)] == magic
        # 跟踪表：一个单位填了一行，另一个单位乱填
        ws = wb["跟踪"]
        ws.cell(3, 7, "已完成")
        ws.cell(3, 8, "2020-03-30")
        good = tmp_path / "甲.xlsx"
        wb.save(good)
        ws.cell(4, 7, "差不多了")
        bad = tmp_path / "乙.xlsx"
        wb.save(bad)
        r = c.post(tl + "/tracking", data={"csrf": tok, "date": "2020-07-01"},
                   files=[("file", ("甲.xlsx", good.read_bytes())), ("file", ("乙.xlsx", bad.read_bytes()))])
        assert r.status_code == 200
        assert "共 24 项任务" in r.text and 'id="overdue"' in r.text
        assert "乙.xlsx:跟踪:4:状态" in r.text
        # 在页面上改：YAML 写错时说在哪、原来的不动；改对了重排
        r = c.post(tl + "/edit", data={"csrf": tok, "yaml": "标题: 坏\n列: [具体任务]\n行: 不是列表\n"})
        assert r.status_code == 400 and 'id="edit-error"' in r.text and "清单.yaml" in r.text
        r = c.post(tl + "/edit", data={"csrf": tok, "yaml": "标题: 新清单\n列: [类别, 具体任务, 完成时限]\n"
                                                         "行:\n  - [甲, 任务一, 3月底前]\n  - [~, 任务二, 4月底前]\n"})
        assert r.status_code == 303
        page = c.get(tl).text
        assert "<h1>新清单</h1>" in page and "2 行" in page
        # 新建空白清单
        r = c.post("/tasklist/blank", data={"csrf": tok})
        assert r.status_code == 303 and "某某工作任务清单" in c.get(r.headers["location"]).text


def test_bad_requests_get_chinese_answers_not_500(server):
    url, _ = server
    with httpx.Client(base_url=url) as c:
        tok = token(c, "/draft")
        draft = c.post("/draft/new", data={"csrf": tok}).headers["location"].rsplit("/", 1)[1]
        h = {"X-CSRF-Token": tok}
        assert c.get(f"/draft/{draft}/download/yaml").status_code == 400  # 还没保存
        r = c.get(f"/draft/{draft}/download/pdf")
        assert r.status_code == 400 and "还没有保存" in r.text and "/tmp" not in r.text
        for body in ("not json", "[1, 2]"):
            r = c.post(f"/api/draft/{draft}/save", content=body.encode(), headers={**h, "Content-Type": "application/json"})
            assert r.status_code == 400 and r.json()["error"], body
        r = c.post(f"/api/draft/{draft}/save", json={"正文": 123, "附件": "x"}, headers=h)
        assert r.status_code == 400 and "附件" in r.json()["error"]
        r = c.post(f"/api/draft/{draft}/save", json={"正文": 123, "标题": "关于某事的通知"}, headers=h)
        assert r.status_code == 200
        r = c.post(f"/api/draft/{draft}/preview", json={"rev": "abc"}, headers=h)
        assert r.status_code == 400 and "rev" in r.json()["error"]
        r = c.post(f"/api/draft/{draft}/save", data={"csrf": tok})  # 表单编码送到只收 JSON 的地址
        assert r.status_code == 415 and "JSON" in r.text
        r = c.post(f"/api/draft/{draft}/preview", json={"rev": 1}, headers=h)
        issues = r.json()["issues"]
        assert {i["target"] for i in issues} >= {"发文机关", "成文日期"}  # 指到表单里没填的格子
        assert all("/tmp" not in i["message"] for i in issues)
        for path, code in (("/没有这页", 404), ("/draft", 405)):
            r = c.request("PUT" if code == 405 else "GET", path, headers={"X-CSRF-Token": tok} if code == 405 else {})
            assert r.status_code == code and ("没有这个页面" in r.text or "不接受" in r.text)
            assert "default-src 'self'" in r.headers["content-security-policy"]
        for host in ("localhost:1@evil.example", "[::1]evil", "127.0.0.1.evil.example"):
            assert c.get("/", headers={"Host": host}).status_code == 421, host


def test_campaign_pages_survey_to_ledger_to_closure(server, tmp_path):
    """八查与问题台账页：生成排查表 → 下载 → 填一个“否” → 读回进台账 → 改台账销号 → 页面上的数。"""
    import io
    import zipfile

    from openpyxl import load_workbook

    from docgen.campaign.survey import COLUMNS
    from docgen.households.sample import generate

    url, _ = server
    generate(20, 21, tmp_path / "d", 0.0, 2020)
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c, "/campaign")
        files = [("file", (p.name, p.read_bytes())) for p in sorted((tmp_path / "d").iterdir()) if p.suffix != ".json"]
        ds = c.post("/households/new", data={"csrf": tok, "period": "2020-12"}, files=files).headers["location"]
        wait(c)
        c.post("/campaign/survey", data={"csrf": tok, "dataset": ds.rsplit("/", 1)[1]})
        job = wait(c)
        assert job["state"] == "done" and job["result"]["households"] == 20, job["error"]
        z = zipfile.ZipFile(io.BytesIO(c.get(f"/jobs/{job['id']}/file/八查排查表.zip").content))
        name = sorted(z.namelist())[0]
        wb = load_workbook(io.BytesIO(z.read(name)))
        ws = wb["八查"]
        ws.cell(3, COLUMNS.index("查1") + 1, "否")  # 没写问题说明：先错一次
        bad = io.BytesIO()
        wb.save(bad)
        c.post("/campaign/read", data={"csrf": tok}, files={"file": (name, bad.getvalue())})
        job = wait(c)
        assert job["result"]["errors"] == 1
        rows = c.get(f"/api/jobs/{job['id']}/issues").json()
        assert any(r["位置"] == f"{name}:八查:3:问题说明" for r in rows)
        ws.cell(3, COLUMNS.index("问题说明") + 1, "证件丢失")
        ws.cell(3, COLUMNS.index("排查日期") + 1, "2020-04-10")
        good = io.BytesIO()
        wb.save(good)
        c.post("/campaign/read", data={"csrf": tok}, files={"file": (name, good.getvalue())})
        job = wait(c)
        assert job["result"].get("changes", {}).get("新增") == 1, job
        page = c.get("/campaign?date=2020-04-20").text
        assert "共 1 条：未销号 1" in page
        led = load_workbook(io.BytesIO(c.get("/campaign/问题整改台账.xlsx").content))
        lw = led["问题整改台账"]
        head = {cell.value: cell.column for cell in lw[1]}
        lw.cell(2, head["状态"], "已销号")
        lw.cell(2, head["销号日期"], "2020-04-25")
        lw.cell(2, head["佐证材料"], "补发的认定证件")
        buf = io.BytesIO()
        led.save(buf)
        c.post("/campaign/ledger", data={"csrf": tok, "date": "2020-04-26"},
               files={"file": ("问题整改台账.xlsx", buf.getvalue())})
        job = wait(c)
        assert job["result"] == {"errors": 0, "changed": 1}, job
        page = c.get("/campaign?date=2020-04-26").text
        assert "本周销号 1" in page and "清零进度 100.0%" in page
        # 4. 周报：传两份跟踪表，版头在页面上填（服务器没有配置“周报”）
        from docgen.api import render_document

        blank = render_document(ROOT / "samples/tongwang-2020-108/tasklist.yaml", ".xlsx")
        tw = load_workbook(io.BytesIO(blank))
        tw["跟踪"].cell(3, 7, "已完成")
        tw["跟踪"].cell(3, 8, "2020-04-22")
        one = io.BytesIO()
        tw.save(one)
        head = {"发文机关标志": "某某县住房和城乡建设局文件", "发文字号": "某住建报〔{年}〕{周}号", "签发人": "张某某",
                "主送机关": "县脱贫攻坚领导小组办公室", "发文机关署名": "某某县住房和城乡建设局"}
        r = c.post("/campaign/report", data={"csrf": tok, "date": "2020-04-26", **{**head, "签发人": ""}},
                   files=[("file", ("城乡建设科.xlsx", one.getvalue()))])
        assert r.status_code == 400 and "签发人" in r.text  # 上行文没有签发人：页面上说清楚
        c.post("/campaign/report", data={"csrf": tok, "date": "2020-04-26", **head},
               files=[("file", ("城乡建设科.xlsx", one.getvalue())), ("file", ("质监站.xlsx", blank))])
        job = wait(c)
        r = job["result"]
        assert job["state"] == "done" and r["errors"] == 0 and r["week"] == 6, job
        assert r["problems"]["已销号"] == 1 and r["tasks"]["已完成"] == 1
        page = c.get(f"/jobs/{job['id']}").text
        assert "第 6 周" in page and 'id="weekly-chart"' in page
        docx = c.get(f"/jobs/{job['id']}/file/{r['files']['docx']}").content
        from docx import Document

        text = "\n".join(p.text for p in Document(io.BytesIO(docx)).paragraphs)
        assert "第6周（4月24日至4月26日）" in text and "某住建报〔2020〕6号" in text
        assert c.get(f"/jobs/{job['id']}/file/{r['files']['pdf']}").content.startswith(b"%PDF")
        assert c.get(f"/jobs/{job['id']}/file/{r['files']['png']}").content.startswith(b"\x89PNG")


def test_crosscheck_on_the_dataset_page(server, tmp_path):
    """建档立卡页的库册核对：上传导出表与走访记录 → 下载预填的录入表模板 → 上传录好的帮扶手册 → 页面上的数与埋下的一样，
    报告可下载；册里有错时逐格列出、不核对。"""
    import io

    from openpyxl import load_workbook

    from docgen.crosscheck.sample import write_handbook
    from docgen.households.sample import generate

    url, _ = server
    generate(40, 12, tmp_path / "d", 0.0, 2020)
    planted = write_handbook(tmp_path / "d", tmp_path / "册", seed=3, rate=0.3)
    with httpx.Client(base_url=url, timeout=300) as c:
        tok = token(c, "/households")
        files = [("file", (p.name, p.read_bytes())) for p in sorted((tmp_path / "d").iterdir()) if p.suffix == ".xlsx"]
        files.append(("file", ("走访记录.xlsx", (tmp_path / "册" / "走访记录.xlsx").read_bytes())))
        ds = c.post("/households/new", data={"csrf": tok, "period": "2020-12"}, files=files).headers["location"]
        wait(c)
        t = load_workbook(io.BytesIO(c.get(f"{ds}/handbook-template").content))
        assert t["家庭情况"].max_row == 41  # 预填 40 户
        c.post(f"{ds}/crosscheck", data={"csrf": tok},
               files=[("file", ("帮扶手册.xlsx", (tmp_path / "册" / "帮扶手册.xlsx").read_bytes()))])
        job = wait(c)
        r = job["result"]
        assert job["state"] == "done" and r["errors"] == 0 and r["mismatches"] == len(planted), job
        page = c.get(ds).text
        assert f"不一致 <strong class=\"error\">{len(planted)} 处</strong>" in page
        rep = load_workbook(io.BytesIO(c.get(f"/jobs/{job['id']}/file/{r['report']}").content))
        assert rep["汇总"].cell(rep["汇总"].max_row, rep["汇总"].max_column).value == len(planted)
        wb = load_workbook(tmp_path / "册" / "帮扶手册.xlsx")
        ws = wb["收入"]
        ws.cell(2, 2, "去年")
        bad = io.BytesIO()
        wb.save(bad)
        c.post(f"{ds}/crosscheck", data={"csrf": tok}, files=[("file", ("帮扶手册.xlsx", bad.getvalue()))])
        job = wait(c)
        assert job["result"]["errors"] == 1
        rows = c.get(f"/api/jobs/{job['id']}/issues").json()
        assert rows[0]["位置"] == "帮扶手册.xlsx:收入:2:年度"
