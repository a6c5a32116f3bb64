"""工作台的网页与接口（Starlette）。页面用 Jinja2 模板（自动转义），静态文件由应用自己提供（不连外网）。

各页面做的事都交给命令行用的同一些函数：公文 → :func:`docgen.api.render_document`、:func:`docgen.lint.lint_paths`；
任务清单 → :func:`docgen.load.tasklist.load_tasklist`、:func:`docgen.load.tracking.read_progress`；建档立卡、档案、
批处理 → :mod:`docgen.web.tasks`（其中每个都只调用 check / ledger / archive / batch 命令所用的函数）。
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from docgen.errors import InputError
from docgen.web import drafts, security, tasks
from docgen.web.jobs import JobQueue
from docgen.web.passwords import DUMMY, verify_password
from docgen.web.workspace import AuditLog, Workspace

HERE = Path(__file__).parent
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
NOTICE_FORMATS = {"pdf": (".pdf", "application/pdf"),
                  "docx": (".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")}
TASKLIST_FORMATS = {**NOTICE_FORMATS, "xlsx": (".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}
PROFILES = ("default", "jiangxi")


@dataclass
class Ctx:
    user: str
    session: security.Session
    ws: Workspace


class HTTPError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


def content_disposition(name: str) -> str:
    """下载名：RFC 6266/5987（中文文件名各浏览器都认），ASCII 部分去掉引号与控制字符。"""
    ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


class Workbench:
    """一个工作台实例：设置、账号、会话、工作区、任务队列、预览进程。"""

    def __init__(self, settings, *, host: str = "127.0.0.1", workspace: Path | None = None,
                 preview_workers: int | None = None):
        self.settings = settings
        self.conf = settings.workbench
        self.loopback = security.is_loopback(host)
        if not self.loopback and not self.conf.users:
            raise InputError(f"要在 {host} 上开工作台（别的电脑能连上），须先在 docgen.yml 的“工作台: 账号”里设账号"
                             "（docgen password 用户名 生成口令散列）；只在本机用时不写 --host")
        self.accounts = bool(self.conf.users)
        self.root = Path(workspace or self.conf.workspace or Path.cwd() / "docgen-工作台").resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.limit = int(self.conf.upload_limit_mb * 1024 * 1024)
        self.sessions = security.Sessions()
        self.throttle = security.Throttle()
        self.queue = JobQueue()
        self.audit = AuditLog(self.root / "审计日志.jsonl")
        self.renderer = None
        self.preview_workers = preview_workers
        self.workspaces: dict[str, Workspace] = {}
        self.draft_locks: dict[str, asyncio.Lock] = {}
        self.hints: dict[str, dict] = {}  # 草稿编号 → 上次排版的提示（版记留白）：改一个字后再排省一遍
        self.env = Environment(loader=FileSystemLoader(str(HERE / "pages")), autoescape=select_autoescape(default=True),
                               trim_blocks=True, lstrip_blocks=True)
        self.env.globals["loopback"] = self.loopback
        self.env.globals["accounts"] = self.accounts

    # ------------------------------------------------------------------ 基础
    def workspace(self, user: str) -> Workspace:
        ws = self.workspaces.get(user)
        if ws is None:
            ws = self.workspaces[user] = Workspace(self.root, user)
            self.queue.load_history(user, ws.root / "jobs")
        return ws

    def page(self, request: Request, ctx: Ctx | None, name: str, status: int = 200, **kw) -> Response:
        given = kw.pop("csrf", "")
        html = self.env.get_template(name).render(request=request, user=ctx.user if ctx else None,
                                                  csrf=ctx.session.csrf if ctx else given, **kw)
        return self.secure(Response(html, status, media_type="text/html; charset=utf-8"))

    @staticmethod
    def secure(resp: Response) -> Response:
        resp.headers.setdefault("Content-Security-Policy", CSP)
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "no-referrer"
        resp.headers["X-Frame-Options"] = "DENY"
        resp.headers.setdefault("Cache-Control", "no-store")
        return resp

    def set_cookie(self, resp: Response, request: Request, s: security.Session) -> None:
        resp.set_cookie(security.COOKIE, s.id, max_age=security.SESSION_SECONDS, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https", path="/")

    async def guard(self, request: Request, auth: bool) -> Response | tuple:
        """每个请求先过这里：Host、会话、登录、CSRF、上传大小。"""
        if not security.host_allowed(request.headers.get("host"), self.loopback):
            return self.secure(Response("只接受本机地址（127.0.0.1、localhost）的请求", 421,
                                        media_type="text/plain; charset=utf-8"))
        s = self.sessions.get(request.cookies.get(security.COOKIE))
        fresh = None
        if s is None:
            s = fresh = self.sessions.new(None if self.accounts else security.LOCAL_USER)
        if request.method in UNSAFE:
            origin = request.headers.get("origin")
            if origin and origin != "null" and origin.split("://", 1)[-1] != request.headers.get("host"):
                return self.refuse(request, 403, "拒绝：请求来自别的网站")
            token = request.headers.get("x-csrf-token")
            ctype = request.headers.get("content-type", "")
            if ctype.startswith("multipart/form-data"):
                length = request.headers.get("content-length")
                if length is None:
                    return self.refuse(request, 411, "上传要给出大小（Content-Length）")
                if int(length) > self.limit + 64 * 1024:
                    return self.refuse(request, 413, f"上传的文件太大：上限 {self.conf.upload_limit_mb:g} MB"
                                                     "（docgen.yml 的“工作台: 上传上限”可以改）")
            if token is None and (ctype.startswith("multipart/form-data") or
                                  ctype.startswith("application/x-www-form-urlencoded")):
                form = await request.form(max_files=200, max_fields=200, max_part_size=4 * 1024 * 1024)
                token = form.get("csrf")
            if fresh is not None or not security.csrf_ok(s, token):
                return self.refuse(request, 403, "拒绝：缺少或不对的安全令牌（CSRF）。请刷新页面后再试")
        if auth and s.user is None:
            if request.method == "GET" and "text/html" in request.headers.get("accept", "text/html"):
                resp = RedirectResponse("/login?next=" + quote(request.url.path), 303)
            else:
                resp = JSONResponse({"error": "请先登录"}, 401)
            if fresh is not None:
                self.set_cookie(resp, request, s)
            return self.secure(resp)
        return (Ctx(s.user, s, self.workspace(s.user)) if s.user else s), fresh

    def refuse(self, request: Request, status: int, message: str, got=None) -> Response:
        """出错的回答：页面里的脚本（fetch，带 X-CSRF-Token 或要 JSON）得到 JSON；浏览器提交表单得到一个说明页。"""
        if "application/json" in request.headers.get("accept", "") or request.headers.get("x-csrf-token") is not None:
            return self.secure(JSONResponse({"error": message}, status))
        ctx = got if isinstance(got, Ctx) else None
        csrf = got.csrf if isinstance(got, security.Session) else ""
        return self.page(request, ctx, "error.html", status, message=message, status_code=status, csrf=csrf)

    def shown(self, message: str, got) -> str:
        """给用户看的说明里不露出服务器上的文件夹（工作区的路径换成“工作区”）。"""
        return message.replace(str(self.root) + "/", "").replace(str(self.root), "工作区")

    def wrap(self, fn, auth: bool = True):
        async def endpoint(request: Request):
            got = await self.guard(request, auth)
            if isinstance(got, Response):
                return got
            got, fresh = got
            try:
                resp = await fn(request, got)
            except HTTPError as exc:
                resp = self.refuse(request, exc.status, exc.message, got)
            except KeyError:
                resp = self.refuse(request, 404, "找不到（或不是你的）", got)
            except InputError as exc:
                resp = self.refuse(request, 400, self.shown(str(exc), got), got)
            except Exception as exc:  # noqa: BLE001 — 内部错误：说一句中文，调用栈写进服务器的日志
                import traceback

                traceback.print_exc()
                resp = self.refuse(request, 500, f"内部错误（{type(exc).__name__}），已记在服务器的日志里；请把这一步怎么做的告诉管理员", got)
            if fresh is not None:
                self.set_cookie(resp, request, fresh)
            return self.secure(resp)

        return endpoint

    async def form(self, request: Request):
        return await request.form(max_files=200, max_fields=200, max_part_size=4 * 1024 * 1024)

    async def receive_files(self, request: Request, ctx: Ctx, folder: Path, allowed: tuple[str, ...],
                            field: str = "file") -> tuple[list, dict]:
        """收下表单里的文件（按内容认种类、放进工作区的 `folder`）。返回 (上传, 其他表单字段)。"""
        form = await self.form(request)
        ups = []
        total = 0
        try:
            for f in form.getlist(field):
                if not hasattr(f, "read"):
                    continue
                tmp = Path(tempfile.mkstemp(prefix=".upload-", dir=folder)[1])
                try:
                    with open(tmp, "wb") as out:
                        while chunk := await f.read(1 << 20):
                            total += len(chunk)
                            if total > self.limit:
                                raise HTTPError(413, f"上传的文件太大：上限 {self.conf.upload_limit_mb:g} MB")
                            out.write(chunk)
                    if not f.filename and tmp.stat().st_size == 0:  # 文件框里没选文件：浏览器照样送一个没名字的空部分
                        continue
                    ups.append(await run_in_threadpool(ctx.ws.save_upload, folder, f.filename or "", tmp, allowed))
                finally:
                    tmp.unlink(missing_ok=True)
        finally:
            await form.close()
        fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
        return ups, fields

    # ------------------------------------------------------------------ 路由
    def routes(self) -> list:
        w = self.wrap
        return [
            Route("/", w(self.home)),
            Route("/login", w(self.login_page, auth=False), methods=["GET"]),
            Route("/login", w(self.login, auth=False), methods=["POST"]),
            Route("/logout", w(self.logout), methods=["POST"]),
            Route("/api/jobs", w(self.api_jobs)),
            Route("/api/jobs/{id}", w(self.api_job)),
            Route("/api/jobs/{id}/cancel", w(self.api_cancel), methods=["POST"]),
            Route("/jobs/{id}", w(self.job_page)),
            Route("/jobs/{id}/file/{name:path}", w(self.job_file)),
            Route("/jobs/{id}/zip", w(self.job_zip), methods=["POST"]),
            # 公文起草
            Route("/draft", w(self.draft_list)),
            Route("/draft/new", w(self.draft_new), methods=["POST"]),
            Route("/draft/{id}", w(self.draft_page)),
            Route("/api/draft/{id}", w(self.draft_get)),
            Route("/api/draft/{id}/save", w(self.draft_save), methods=["POST"]),
            Route("/api/draft/{id}/preview", w(self.draft_preview), methods=["POST"]),
            Route("/api/draft/{id}/upload", w(self.draft_upload), methods=["POST"]),
            Route("/draft/{id}/page/{name}", w(self.draft_image)),
            Route("/draft/{id}/download/{fmt}", w(self.draft_download)),
            # 任务清单
            Route("/tasklist", w(self.tasklist_list)),
            Route("/tasklist/new", w(self.tasklist_new), methods=["POST"]),
            Route("/tasklist/{id}", w(self.tasklist_page)),
            Route("/tasklist/{id}/page/{name}", w(self.tasklist_image)),
            Route("/tasklist/{id}/download/{fmt}", w(self.tasklist_download)),
            Route("/tasklist/{id}/tracking", w(self.tasklist_tracking), methods=["POST"]),
            Route("/tasklist/{id}/edit", w(self.tasklist_edit), methods=["POST"]),
            Route("/tasklist/blank", w(self.tasklist_blank), methods=["POST"]),
            # 建档立卡
            Route("/households", w(self.households_list)),
            Route("/households/new", w(self.households_new), methods=["POST"]),
            Route("/households/{id}", w(self.households_page)),
            Route("/households/{id}/check", w(self.households_check), methods=["POST"]),
            Route("/households/{id}/build", w(self.households_build), methods=["POST"]),
            Route("/households/{id}/crosscheck", w(self.households_crosscheck), methods=["POST"]),
            Route("/households/{id}/handbook-template", w(self.households_handbook_template)),
            Route("/api/jobs/{id}/issues", w(self.job_issues)),
            # 档案
            Route("/archive", w(self.archive_page)),
            Route("/archive/build", w(self.archive_build), methods=["POST"]),
            Route("/archive/verify", w(self.archive_verify), methods=["POST"]),
            # 八查与问题台账
            Route("/campaign", w(self.campaign_page)),
            Route("/campaign/survey", w(self.campaign_survey), methods=["POST"]),
            Route("/campaign/read", w(self.campaign_read), methods=["POST"]),
            Route("/campaign/ledger", w(self.campaign_ledger), methods=["POST"]),
            Route("/campaign/问题整改台账.xlsx", w(self.campaign_xlsx)),
            Route("/campaign/report", w(self.campaign_report), methods=["POST"]),
            # 月末批处理
            Route("/batch", w(self.batch_page)),
            Route("/batch/start", w(self.batch_start), methods=["POST"]),
            Mount("/static", StaticFiles(directory=str(HERE / "static")), name="static"),
        ]

    def app(self) -> Starlette:
        async def startup():
            self.renderer = await run_in_threadpool(_make_renderer, self.preview_workers)

        async def shutdown():
            if self.renderer is not None:
                self.renderer.shutdown()
            self.queue.shutdown()

        from contextlib import asynccontextmanager

        @asynccontextmanager
        async def lifespan(app):
            await startup()
            try:
                yield
            finally:
                await shutdown()

        from starlette.exceptions import HTTPException

        async def not_found(request: Request, exc: HTTPException):
            text = {404: "没有这个页面", 405: "这个地址不接受这种请求"}.get(exc.status_code, "请求不对")
            return self.refuse(request, exc.status_code, text)

        return Starlette(routes=self.routes(), lifespan=lifespan, exception_handlers={404: not_found, 405: not_found})

    # ------------------------------------------------------------------ 登录
    async def login_page(self, request: Request, got):
        s = got.session if isinstance(got, Ctx) else got
        if not self.accounts:
            return RedirectResponse("/", 303)
        return self.page(request, None, "login.html", csrf=s.csrf, next=_safe_next(request.query_params.get("next")))

    async def login(self, request: Request, got):
        s = got.session if isinstance(got, Ctx) else got
        if not self.accounts:
            return RedirectResponse("/", 303)
        form = await self.form(request)
        user, password = str(form.get("user") or "").strip(), str(form.get("password") or "")
        nxt = _safe_next(form.get("next"))
        keys = [f"u:{user}", f"ip:{request.client.host if request.client else '?'}"]
        wait = self.throttle.wait(keys)
        if wait > 0:
            return self.page(request, None, "login.html", 429, csrf=s.csrf, next=nxt,
                             error=f"登录失败次数太多，请 {int(wait) + 1} 秒后再试")
        stored = self.conf.users.get(user)
        ok = await run_in_threadpool(verify_password, password, stored or DUMMY)
        if not (ok and stored):
            self.throttle.failed(keys)
            return self.page(request, None, "login.html", 401, csrf=s.csrf, next=nxt, error="用户名或口令不对")
        self.throttle.succeeded(keys)
        self.sessions.drop(s.id)
        new = self.sessions.new(user)  # 登录后换新的会话编号（防会话固定）
        resp = RedirectResponse(nxt, 303)
        self.set_cookie(resp, request, new)
        return resp

    async def logout(self, request: Request, ctx: Ctx):
        self.sessions.drop(ctx.session.id)
        resp = RedirectResponse("/login" if self.accounts else "/", 303)
        resp.delete_cookie(security.COOKIE, path="/")
        return resp

    async def home(self, request: Request, ctx: Ctx):
        return self.page(request, ctx, "home.html", jobs=[j.as_dict() for j in self.queue.list(ctx.user)][:10])

    # ------------------------------------------------------------------ 任务
    async def api_jobs(self, request: Request, ctx: Ctx):
        kind = request.query_params.get("kind")
        return JSONResponse([j.as_dict() for j in self.queue.list(ctx.user, kind)][:50])

    async def api_job(self, request: Request, ctx: Ctx):
        return JSONResponse(self.queue.get(ctx.user, request.path_params["id"]).as_dict())

    async def api_cancel(self, request: Request, ctx: Ctx):
        return JSONResponse(self.queue.cancel(ctx.user, request.path_params["id"]).as_dict())

    async def job_page(self, request: Request, ctx: Ctx):
        job = self.queue.get(ctx.user, request.path_params["id"])
        return self.page(request, ctx, "job.html", job=job.as_dict())

    async def job_issues(self, request: Request, ctx: Ctx):
        job = self.queue.get(ctx.user, request.path_params["id"])
        f = job.folder / "issues.json"
        return Response(f.read_bytes() if f.is_file() else b"[]", media_type="application/json")

    def submit(self, ctx: Ctx, kind: str, title: str, fn, ref: str = "") -> str:
        return self.queue.submit(ctx.user, kind, title, ctx.ws.root / "jobs", fn, ref).id

    async def job_zip(self, request: Request, ctx: Ctx):
        """把一次批处理（用上传的数据跑的）的输出打成 zip（另一个任务：几千户要一会儿）。"""
        await self.form(request)
        job = self.queue.get(ctx.user, request.path_params["id"])
        if job.kind != "batch" or job.state != "done" or not job.result.get("dataset"):
            raise HTTPError(400, "只有用上传的数据跑完的批处理可以打包下载")
        out = ctx.ws.inside(Path(job.result["out"]))
        skip = lambda rel: rel.startswith((".docgen", "档案/.")) or rel == "批处理报告.json"  # noqa: E731

        def pack(progress, folder):
            progress.note("打包")
            names = tasks.zip_folder(out, folder / "批处理输出.zip", skip)
            return {"zip": "批处理输出.zip", "files": len(names), "of": job.id}

        ident = self.submit(ctx, "zip", f"打包：{job.title}", pack, ref=job.id)
        return RedirectResponse(f"/jobs/{ident}", 303)

    async def job_file(self, request: Request, ctx: Ctx):
        job = self.queue.get(ctx.user, request.path_params["id"])
        name = request.path_params["name"]
        allowed = _downloadable(job)
        if name not in allowed:
            raise KeyError(name)
        path = ctx.ws.file(job.folder, allowed[name])
        if job.kind in ("ledger", "batch", "archive", "zip", "crosscheck") and not _public(name):
            self.audit.record(ctx.user, job.title, [name],
                              request.client.host if request.client else "")
        return FileResponse(path, headers={"Content-Disposition": content_disposition(Path(name).name)})

    # ------------------------------------------------------------------ 公文起草
    def draft_dir(self, ctx: Ctx, ident: str) -> Path:
        return ctx.ws.dir("drafts", ident)

    def draft_form(self, folder: Path) -> dict:
        f = folder / "form.json"
        return json.loads(f.read_text("utf-8")) if f.is_file() else {}

    def drafts(self, ctx: Ctx) -> list[dict]:
        return [{"id": d.name, "title": form.get("标题") or "（无标题）", "number": form.get("发文字号") or ""}
                for d, form in ctx.ws.folders("drafts", "form.json")]

    async def draft_list(self, request: Request, ctx: Ctx):
        return self.page(request, ctx, "draft_list.html", drafts=self.drafts(ctx))

    async def draft_new(self, request: Request, ctx: Ctx):
        ident, folder = ctx.ws.new_dir("drafts")
        try:
            ups, _ = await self.receive_files(request, ctx, folder, ("yaml", "docx", "xlsx", "png", "jpeg"))
            form = {"格式": "文件"}
            opened = next((u for u in ups if u.kind in ("yaml", "docx")), None)
            if opened is not None:
                form = await run_in_threadpool(_open_notice, opened.path)
                if opened.kind == "yaml":
                    opened.path.unlink()
            atomic = folder / "form.json"
            atomic.write_text(json.dumps(form, ensure_ascii=False), "utf-8")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return RedirectResponse(f"/draft/{ident}", 303)

    async def draft_page(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        return self.page(request, ctx, "draft.html", draft_id=folder.name, formats=drafts.FORMATS,
                         files=ctx.ws.uploads(folder))

    async def draft_get(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        return JSONResponse({"form": self.draft_form(folder), "files": ctx.ws.uploads(folder)})

    def _lock(self, ident: str) -> asyncio.Lock:
        return self.draft_locks.setdefault(ident, asyncio.Lock())

    async def draft_save(self, request: Request, ctx: Ctx):
        """保存表单 → 写出 notice.yaml → 体检；返回体检结果（指到表单的格子）与标题的编号。"""
        folder = self.draft_dir(ctx, request.path_params["id"])
        form = drafts.clean_form(await _json(request))
        async with self._lock(folder.name):
            result = await run_in_threadpool(_save_and_lint, folder, form, self.settings)
        return JSONResponse(result)

    async def draft_preview(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        body = await _json(request)
        try:
            rev = int(body.get("rev", 0)) if isinstance(body, dict) else 0
        except (TypeError, ValueError):
            raise HTTPError(400, "rev 应为整数") from None
        path = folder / drafts.NOTICE
        if not path.is_file():
            raise HTTPError(400, "草稿还没有保存")
        out = folder / ".preview"
        out.mkdir(exist_ok=True)
        async with self._lock(folder.name):
            result = await asyncio.wrap_future(self.renderer.submit(path, out, rev, self.hints.get(folder.name)))
        if "hints" in result:
            self.hints[folder.name] = result.pop("hints")
        if "error" in result:
            lines = await run_in_threadpool(_safe_line_fields, path)
            result["error"] = self.shown(result["error"], ctx)
            for i in result.get("issues", []):
                i["target"] = drafts.field_target(i.get("field", ""), i.get("row"), lines)
        else:
            keep = {p["name"] for p in result["pages"]}
            for old in out.glob("p*.jpg"):
                if old.name not in keep:
                    old.unlink(missing_ok=True)
            result["pages"] = [{**p, "url": f"/draft/{folder.name}/page/{p['name']}"} for p in result["pages"]]
        result["rev"] = rev
        return JSONResponse(result)

    async def draft_image(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        path = ctx.ws.file(folder / ".preview", request.path_params["name"])
        return FileResponse(path, media_type="image/jpeg", headers={"Cache-Control": "private, max-age=600"})

    async def draft_upload(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        ups, fields = await self.receive_files(request, ctx, folder, ("xlsx", "docx", "yaml", "png", "jpeg"))
        return JSONResponse({"files": [u.as_dict() for u in ups]})

    async def draft_download(self, request: Request, ctx: Ctx):
        folder = self.draft_dir(ctx, request.path_params["id"])
        fmt = request.path_params["fmt"]
        path = folder / drafts.NOTICE
        if not path.is_file():
            raise HTTPError(400, "草稿还没有保存：先在表单里填写（改动会自动保存）")
        form = self.draft_form(folder)
        stem = _stem(form.get("标题") or form.get("发文字号") or "公文")
        if fmt == "yaml":
            return Response(path.read_bytes(), media_type="text/yaml; charset=utf-8",
                            headers={"Content-Disposition": content_disposition(stem + ".yaml")})
        if fmt == "zip":
            data = await run_in_threadpool(_zip_draft, folder)
            return Response(data, media_type="application/zip",
                            headers={"Content-Disposition": content_disposition(stem + "（草稿）.zip")})
        if fmt not in NOTICE_FORMATS:
            raise KeyError(fmt)
        ext, mime = NOTICE_FORMATS[fmt]
        data = await asyncio.wrap_future(self.renderer.submit_bytes(path, ext, self.hints.get(folder.name)))
        if isinstance(data, str):
            raise HTTPError(400, self.shown(data, ctx))
        return Response(data, media_type=mime, headers={"Content-Disposition": content_disposition(stem + ext)})

    # ------------------------------------------------------------------ 任务清单
    async def tasklist_list(self, request: Request, ctx: Ctx):
        items = [{"id": d.name, **meta} for d, meta in ctx.ws.folders("uploads", ".tasklist.json")]
        return self.page(request, ctx, "tasklist_list.html", items=items)

    async def tasklist_new(self, request: Request, ctx: Ctx):
        ident, folder = ctx.ws.new_dir("uploads")
        try:
            ups, _ = await self.receive_files(request, ctx, folder, ("xlsx", "docx", "yaml"))
            if len(ups) != 1:
                raise HTTPError(400, "请选一个任务清单文件（Excel、Word 或 YAML）")
            info = await run_in_threadpool(_tasklist_info, ups[0].path)
            (folder / ".tasklist.json").write_text(json.dumps({**info, "name": ups[0].name, "file": ups[0].path.name},
                                                              ensure_ascii=False), "utf-8")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        return RedirectResponse(f"/tasklist/{ident}", 303)

    def tasklist_meta(self, ctx: Ctx, ident: str) -> tuple[Path, dict]:
        folder = ctx.ws.dir("uploads", ident)
        meta = folder / ".tasklist.json"
        if not meta.is_file():
            raise KeyError(ident)
        return folder, json.loads(meta.read_text("utf-8"))

    async def tasklist_page(self, request: Request, ctx: Ctx, progress=None, status: int = 200, edit_error: str = "",
                            edit_text: str | None = None):
        folder, meta = self.tasklist_meta(ctx, request.path_params["id"])
        out = folder / ".preview"
        out.mkdir(exist_ok=True)
        pages = sorted(out.glob("p0-*.jpg"), key=lambda p: int(p.stem.split("-")[1]))
        if not pages:
            result = await asyncio.wrap_future(self.renderer.submit(ctx.ws.file(folder, meta["file"]), out, 0))
            if "error" in result:
                raise InputError(result["error"])
            pages = [out / p["name"] for p in result["pages"]]
        if edit_text is None:
            src = ctx.ws.file(folder, meta["file"])
            from docgen.importer import import_tasklist

            edit_text = src.read_text("utf-8") if src.suffix == ".yaml" else await run_in_threadpool(import_tasklist, src)
        return self.page(request, ctx, "tasklist.html", status, id=folder.name, meta=meta,
                         pages=[p.name for p in pages], progress=progress, edit_text=edit_text, edit_error=edit_error)

    async def tasklist_blank(self, request: Request, ctx: Ctx):
        """新建一份清单：从一个两行的例子开始，在页面上改 YAML。"""
        await self.form(request)
        ident, folder = ctx.ws.new_dir("uploads")
        (folder / "清单.yaml").write_text(BLANK_TASKLIST, "utf-8")
        info = await run_in_threadpool(_tasklist_info, folder / "清单.yaml")
        (folder / ".tasklist.json").write_text(json.dumps({**info, "name": "清单.yaml", "file": "清单.yaml"},
                                                          ensure_ascii=False), "utf-8")
        return RedirectResponse(f"/tasklist/{ident}", 303)

    async def tasklist_edit(self, request: Request, ctx: Ctx):
        """改清单：页面上的 YAML（合并单元格写作 ~ 与 <，与 docgen import 导出的相同）先校验，对了才换掉原来的。"""
        folder, meta = self.tasklist_meta(ctx, request.path_params["id"])
        form = await self.form(request)
        text = str(form.get("yaml") or "")
        tmp = folder / ".edit.yaml"
        tmp.write_text(text, "utf-8")
        try:
            info = await run_in_threadpool(_tasklist_info, tmp)
        except InputError as exc:
            tmp.unlink(missing_ok=True)
            return await self.tasklist_page(request, ctx, status=400, edit_error=str(exc).replace(".edit.yaml", "清单.yaml"),
                                            edit_text=text)
        os.replace(tmp, folder / "清单.yaml")
        meta = {**meta, **info, "file": "清单.yaml"}
        (folder / ".tasklist.json").write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        shutil.rmtree(folder / ".preview", ignore_errors=True)
        return RedirectResponse(f"/tasklist/{folder.name}", 303)

    async def tasklist_image(self, request: Request, ctx: Ctx):
        folder, _ = self.tasklist_meta(ctx, request.path_params["id"])
        return FileResponse(ctx.ws.file(folder / ".preview", request.path_params["name"]), media_type="image/jpeg")

    async def tasklist_download(self, request: Request, ctx: Ctx):
        folder, meta = self.tasklist_meta(ctx, request.path_params["id"])
        fmt = request.path_params["fmt"]
        if fmt not in TASKLIST_FORMATS:
            raise KeyError(fmt)
        ext, mime = TASKLIST_FORMATS[fmt]
        data = await asyncio.wrap_future(self.renderer.submit_bytes(ctx.ws.file(folder, meta["file"]), ext))
        if isinstance(data, str):
            raise HTTPError(400, data)
        return Response(data, media_type=mime,
                        headers={"Content-Disposition": content_disposition(_stem(meta.get("title") or "任务清单") + ext)})

    async def tasklist_tracking(self, request: Request, ctx: Ctx):
        folder, meta = self.tasklist_meta(ctx, request.path_params["id"])
        sub = folder / "tracking"
        if sub.exists():
            shutil.rmtree(sub)
        sub.mkdir()
        ups, fields = await self.receive_files(request, ctx, sub, ("xlsx",))
        if not ups:
            raise HTTPError(400, "请选择各单位填好的跟踪表（Excel）")
        from docgen.load.tracking import read_progress
        from docgen.model.base import parse_date

        day = None
        if (fields.get("date") or "").strip():
            try:
                day = parse_date(fields["date"].strip())
            except ValueError:
                raise InputError(f"报告日期应为日期，如 2020-04-30，得到“{fields['date']}”") from None
        prog = await run_in_threadpool(read_progress, [u.path for u in ups], day)
        return await self.tasklist_page(request, ctx, progress=prog)

    # ------------------------------------------------------------------ 建档立卡
    def dataset(self, ctx: Ctx, ident: str) -> tuple[Path, dict]:
        folder = ctx.ws.dir("uploads", ident)
        meta = folder / ".dataset.json"
        if not meta.is_file():
            raise KeyError(ident)
        return folder, json.loads(meta.read_text("utf-8"))

    def datasets(self, ctx: Ctx) -> list[dict]:
        return [{"id": d.name, **meta, "files": ctx.ws.uploads(d)} for d, meta in ctx.ws.folders("uploads", ".dataset.json")]

    async def households_list(self, request: Request, ctx: Ctx):
        return self.page(request, ctx, "households_list.html", datasets=self.datasets(ctx))

    async def households_new(self, request: Request, ctx: Ctx):
        ident, folder = ctx.ws.new_dir("uploads")
        try:
            ups, fields = await self.receive_files(request, ctx, folder, ("xlsx", "csv", "yaml"))
            if not ups:
                raise HTTPError(400, "请选择导出表等数据文件（.xlsx、.csv、.yaml）")
            period = (fields.get("period") or "").strip()
            if period:
                from docgen.cli import parse_period

                parse_period(period, "期别")
            from docgen.web.workspace import display_name

            label = display_name((fields.get("label") or "").replace("/", "／")).strip()[:60] \
                if (fields.get("label") or "").strip() else "、".join(u.name for u in ups)[:60]
            (folder / ".dataset.json").write_text(json.dumps({"label": label, "period": period}, ensure_ascii=False),
                                                  "utf-8")
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        self._check(ctx, folder, period)
        return RedirectResponse(f"/households/{ident}", 303)

    def _check(self, ctx: Ctx, folder: Path, period: str) -> str:
        files = [folder / u["file"] for u in ctx.ws.uploads(folder)]
        return self.submit(ctx, "check", "校验数据",
                           lambda p, f: {**tasks.check_households(files, period or None, self.settings, p, f),
                                         "dataset": folder.name}, ref=folder.name)

    async def households_page(self, request: Request, ctx: Ctx):
        folder, meta = self.dataset(ctx, request.path_params["id"])
        mine = [j for j in self.queue.list(ctx.user) if j.ref == folder.name]
        check = next((j.as_dict() for j in mine if j.kind == "check"), None)
        build = next((j.as_dict() for j in mine if j.kind == "ledger"), None)
        cross = next((j.as_dict() for j in mine if j.kind == "crosscheck"), None)
        return self.page(request, ctx, "households.html", id=folder.name, meta=meta, files=ctx.ws.uploads(folder),
                         check=check, build=build, cross=cross)

    async def households_crosscheck(self, request: Request, ctx: Ctx):
        folder, meta = self.dataset(ctx, request.path_params["id"])
        ident, up = ctx.ws.new_dir("uploads")
        ups, _fields = await self.receive_files(request, ctx, up, ("xlsx",))
        if not ups:
            raise HTTPError(400, "请选择帮扶手册录入表（Excel，可多选）")
        files = [folder / u["file"] for u in ctx.ws.uploads(folder)]
        books = [u.path for u in ups]
        period = meta.get("period") or None
        self.submit(ctx, "crosscheck", f"库册核对（{meta.get('label', '')}）",
                    lambda p, f: tasks.crosscheck(files, books, period, self.settings, p, f), ref=folder.name)
        return RedirectResponse(f"/households/{folder.name}", 303)

    async def households_handbook_template(self, request: Request, ctx: Ctx):
        from docgen.crosscheck.handbook import write_template
        from docgen.households.stage import staged

        folder, meta = self.dataset(ctx, request.path_params["id"])
        files = [folder / u["file"] for u in ctx.ws.uploads(folder)]
        period = meta.get("period") or None
        ym = (int(period[:4]), int(period[5:7])) if period else None
        def build() -> bytes:
            import tempfile

            with staged(files, self.settings, ym) as stg:
                rows = [(a.household.hh_id, a.household.head.name, a.household.village) for a in stg.all_assessments()]
            with tempfile.TemporaryDirectory(prefix="docgen-册-") as tmp:
                return write_template(Path(tmp) / "t.xlsx", rows).read_bytes()

        import asyncio

        data = await asyncio.get_running_loop().run_in_executor(None, build)
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": content_disposition("帮扶手册录入表.xlsx")})

    async def households_check(self, request: Request, ctx: Ctx):
        folder, meta = self.dataset(ctx, request.path_params["id"])
        self._check(ctx, folder, meta.get("period", ""))
        return RedirectResponse(f"/households/{folder.name}", 303)

    async def households_build(self, request: Request, ctx: Ctx):
        folder, meta = self.dataset(ctx, request.path_params["id"])
        form = await self.form(request)
        period = meta.get("period") or str(form.get("period") or "").strip()
        from docgen.cli import parse_period

        parse_period(period, "期别")
        docs = {"all": ("docx", "pdf"), "docx": ("docx",), "pdf": ("pdf",), "none": ()}.get(str(form.get("docs") or "all"),
                                                                                          ("docx", "pdf"))
        files = [folder / u["file"] for u in ctx.ws.uploads(folder)]
        self.submit(ctx, "ledger", f"台账与户档（{meta.get('label', '')}，{period}）",
                    lambda p, f: {**tasks.build_ledgers(files, period, docs, self.settings, p, f),
                                  "dataset": folder.name, "period": period}, ref=folder.name)
        return RedirectResponse(f"/households/{folder.name}", 303)

    # ------------------------------------------------------------------ 档案
    async def archive_page(self, request: Request, ctx: Ctx):
        sources = [j.as_dict() for j in self.queue.list(ctx.user) if j.kind in ("ledger", "batch") and j.state == "done"]
        runs = [j.as_dict() for j in self.queue.list(ctx.user) if j.kind in ("archive", "verify")]
        return self.page(request, ctx, "archive.html", sources=sources, runs=runs, profiles=PROFILES)

    async def archive_build(self, request: Request, ctx: Ctx):
        form = await self.form(request)
        src = self.queue.get(ctx.user, str(form.get("source") or ""))
        if src.kind not in ("ledger", "batch") or src.state != "done":
            raise HTTPError(400, "请选一次已完成的台账生成或批处理")
        profile = str(form.get("profile") or "default")
        if profile not in PROFILES:
            raise HTTPError(400, f"整理方案只能是 {'、'.join(PROFILES)}")
        try:
            year = int(str(form.get("year") or (src.result.get("period") or "")[:4]))
        except ValueError:
            raise HTTPError(400, "请填归档年度，如 2020") from None
        if not 2000 <= year <= 2100:
            raise HTTPError(400, "归档年度应在 2000–2100 之间")
        out = src.folder / "out" if src.kind == "ledger" else Path(src.result["out"])
        data_files = []
        if src.result.get("dataset"):
            dfolder, _ = self.dataset(ctx, src.result["dataset"])
            data_files = [dfolder / u["file"] for u in ctx.ws.uploads(dfolder)]
        ident = self.submit(ctx, "archive", f"档案（{profile}，{year} 年）",
                            lambda p, f: tasks.build_archive([out], data_files, profile, year, p, f))
        return RedirectResponse(f"/jobs/{ident}", 303)

    async def archive_verify(self, request: Request, ctx: Ctx):
        ident, folder = ctx.ws.new_dir("uploads")
        ups, fields = await self.receive_files(request, ctx, folder, ("zip",))
        if len(ups) != 1:
            shutil.rmtree(folder, ignore_errors=True)
            raise HTTPError(400, "请选一个移交 zip")
        profile = fields.get("profile") or "default"
        if profile not in PROFILES:
            raise HTTPError(400, f"整理方案只能是 {'、'.join(PROFILES)}")
        path = ups[0].path
        job = self.submit(ctx, "verify", f"核对 {ups[0].name}",
                          lambda p, f: tasks.verify_archive(path, profile, p, f))
        return RedirectResponse(f"/jobs/{job}", 303)

    # ------------------------------------------------------------------ 八查与问题台账
    def ledger_dir(self, ctx: Ctx) -> Path:
        return ctx.ws.inside(ctx.ws.root / "campaign" / "问题台账")

    async def campaign_page(self, request: Request, ctx: Ctx):
        from docgen.campaign.problems import DB, ProblemLedger

        stats = None
        day = request.query_params.get("date") or ""
        if (self.ledger_dir(ctx) / DB).is_file():
            from docgen.model.base import parse_date

            try:
                on = parse_date(day) if day else None
            except ValueError:
                raise HTTPError(400, f"日期应写作 2020-04-26，得到“{day}”") from None
            led = ProblemLedger(self.ledger_dir(ctx))
            try:
                items = led.problems()
                on = on or max((parse_date(p["found"]) for p in items if p["found"]), default=None)
                stats = led.stats(on) if on else None
            finally:
                led.close()
            day = on.isoformat() if on else day
        jobs = [j.as_dict() for j in self.queue.list(ctx.user)
                if j.kind in ("survey", "survey-read", "ledger-update", "weekly")]
        head = self.settings.weekly or {}
        weekly = {k: "、".join(v) if isinstance(v, list) else str(v or "") for k, v in head.items() if k in REPORT_FIELDS}
        return self.page(request, ctx, "campaign.html", datasets=self.datasets(ctx), stats=stats, day=day, jobs=jobs,
                         weekly=weekly, weekly_configured=bool(head), report_fields=REPORT_FIELDS)

    async def campaign_report(self, request: Request, ctx: Ctx):
        from docgen.campaign.problems import DB
        from docgen.campaign.report import head_from_form
        from docgen.model.base import parse_date

        if not (self.ledger_dir(ctx) / DB).is_file():
            raise HTTPError(400, "还没有问题台账：先读回八查排查表")
        ident, folder = ctx.ws.new_dir("uploads")
        ups, fields = await self.receive_files(request, ctx, folder, ("xlsx",))
        if not ups:
            raise HTTPError(400, "请选择各单位填回的任务跟踪表（Excel，可多选）")
        text = (fields.get("date") or "").strip()
        try:
            day = parse_date(text) if text else None
        except ValueError:
            raise HTTPError(400, f"报告日期应写作 2020-04-02，得到“{text}”") from None
        try:
            head = head_from_form({k: str(fields.get(k) or "") for k in REPORT_FIELDS}, self.settings.weekly)
        except InputError as exc:
            raise HTTPError(400, "；".join(f"{i.location.field or ''}：{i.message}" for i in exc.issues) or exc.message) from None
        number = None  # 发文字号（可写 {年}、{周}）在版头里
        paths, led = [u.path for u in ups], self.ledger_dir(ctx)
        job = self.submit(ctx, "weekly", f"周进展情况报告（{len(paths)} 份跟踪表）",
                          lambda p, f: tasks.weekly_report(paths, led, day, number, head, self.settings, p, f))
        return RedirectResponse(f"/jobs/{job}", 303)

    async def campaign_survey(self, request: Request, ctx: Ctx):
        form = await self.form(request)
        dfolder, meta = self.dataset(ctx, str(form.get("dataset") or ""))
        files = [dfolder / u["file"] for u in ctx.ws.uploads(dfolder)]
        period = meta.get("period") or None
        ident = self.submit(ctx, "survey", f"八查排查表（{meta.get('label', '')}）",
                            lambda p, f: tasks.make_surveys(files, period, self.settings, p, f))
        return RedirectResponse(f"/jobs/{ident}", 303)

    async def campaign_read(self, request: Request, ctx: Ctx):
        from docgen.model.base import parse_date

        ident, folder = ctx.ws.new_dir("uploads")
        ups, fields = await self.receive_files(request, ctx, folder, ("xlsx",))
        if not ups:
            raise HTTPError(400, "请选择填好的八查排查表（Excel，可多选）")
        try:
            deadline = parse_date((fields.get("deadline") or "2020-04-30").strip())
        except ValueError:
            raise HTTPError(400, f"整改时限应写作 2020-04-30，得到“{fields.get('deadline')}”") from None
        books, led = [u.path for u in ups], self.ledger_dir(ctx)
        job = self.submit(ctx, "survey-read", f"读回排查表（{len(books)} 份）",
                          lambda p, f: tasks.read_surveys(books, led, deadline, p, f))
        return RedirectResponse(f"/jobs/{job}", 303)

    async def campaign_ledger(self, request: Request, ctx: Ctx):
        from docgen.campaign.problems import DB
        from docgen.model.base import parse_date

        if not (self.ledger_dir(ctx) / DB).is_file():
            raise HTTPError(400, "还没有问题台账：先读回八查排查表")
        ident, folder = ctx.ws.new_dir("uploads")
        ups, fields = await self.receive_files(request, ctx, folder, ("xlsx",))
        if len(ups) != 1:
            raise HTTPError(400, "请选一份改过的 问题整改台账.xlsx")
        try:
            day = parse_date((fields.get("date") or "").strip())
        except ValueError:
            raise HTTPError(400, f"记账日期应写作 2020-04-26，得到“{fields.get('date')}”") from None
        path, led = ups[0].path, self.ledger_dir(ctx)
        job = self.submit(ctx, "ledger-update", f"记台账（{ups[0].name}）",
                          lambda p, f: tasks.update_ledger(path, led, day, p, f))
        return RedirectResponse(f"/jobs/{job}", 303)

    async def campaign_xlsx(self, request: Request, ctx: Ctx):
        from docgen.campaign.problems import XLSX

        path = ctx.ws.file(self.ledger_dir(ctx), XLSX)
        return FileResponse(path, headers={"Content-Disposition": content_disposition(XLSX)})

    # ------------------------------------------------------------------ 月末批处理
    async def batch_page(self, request: Request, ctx: Ctx):
        runs = [j.as_dict() for j in self.queue.list(ctx.user, "batch")]
        return self.page(request, ctx, "batch.html", runs=runs, projects=[str(p) for p in self.conf.projects],
                         datasets=self.datasets(ctx), profiles=PROFILES)

    async def batch_start(self, request: Request, ctx: Ctx):
        from docgen.cli import parse_period

        _, up = ctx.ws.new_dir("uploads")  # 帮扶手册（可选）
        try:
            ups, form = await self.receive_files(request, ctx, up, ("xlsx",))
            parse_period(str(form.get("period") or "").strip(), "期别")
        except BaseException:
            shutil.rmtree(up, ignore_errors=True)
            raise
        books = [u.path for u in ups]
        if not books:
            shutil.rmtree(up, ignore_errors=True)

        period = str(form.get("period") or "").strip()
        parse_period(period, "期别")
        archive = str(form.get("archive") or "") or None
        if archive is not None and archive not in PROFILES:
            raise HTTPError(400, f"整理方案只能是 {'、'.join(PROFILES)}")
        project = None
        data: list[Path] = []
        choice = str(form.get("source") or "")
        if choice.startswith("project:"):
            idx = int(choice.split(":", 1)[1]) if choice.split(":", 1)[1].isdigit() else -1
            if not 0 <= idx < len(self.conf.projects):
                raise HTTPError(400, "没有这个项目")
            project = self.conf.projects[idx]
            out = None
            title = f"批处理 {project.name} {period}"
        else:
            dfolder, meta = self.dataset(ctx, choice.removeprefix("data:"))
            data = [dfolder / u["file"] for u in ctx.ws.uploads(dfolder)]
            out = ctx.ws.inside(ctx.ws.root / "runs" / dfolder.name)  # 同一份数据的各次批处理写到同一处：增量
            title = f"批处理 {meta.get('label', dfolder.name)} {period}"
        ident = self.submit(ctx, "batch", title,
                            lambda p, f: {**tasks.run_batch(project, data, out, period, archive, self.settings, p, f,
                                                            handbooks=books),
                                          "period": period, "dataset": None if project else choice.removeprefix("data:")})
        return RedirectResponse(f"/jobs/{ident}", 303)


BLANK_TASKLIST = """# 任务清单：每行一项任务；~ 表示与上一格合并，< 表示与左一格合并
标题: 某某工作任务清单
年度: 2020
列: [类别, 具体任务, 责任科室（责任人）, 完成时限]
行:
  - [组织保障, 成立工作专班，明确分工, 办公室, 3月底前]
  - [~, 每周报告工作进展, 各科室, 长期坚持]
"""


# ---------------------------------------------------------------------- 在线程里做的事

async def _json(request: Request):
    """页面脚本送来的 JSON：要声明 application/json、能解析。"""
    if not request.headers.get("content-type", "").startswith("application/json"):
        raise HTTPError(415, "这个地址只收 JSON（页面脚本送来的）")
    try:
        return await request.json()
    except ValueError:
        raise HTTPError(400, "送来的不是有效的 JSON") from None


def _make_renderer(workers):
    from docgen.web.preview import Renderer

    return Renderer(workers)


def _save_and_lint(folder: Path, form: dict, settings) -> dict:
    from docgen.lint import LintConfig, lint_paths

    from docgen.util.fs import atomic_write

    atomic_write(folder / "form.json", json.dumps(form, ensure_ascii=False).encode("utf-8"), durable=False)
    path = drafts.write_notice(folder, form)
    findings = []
    try:
        found = lint_paths([path], LintConfig(dict(settings.lint_overrides)))
        lines = drafts.line_fields(path)
        for f in found:
            row = int(f.where) if str(f.where).isdigit() else 0
            findings.append({**f.as_dict(), "target": lines.get(row, ""), "severity_zh":
                             {"error": "错误", "warning": "警告", "info": "提示"}[f.severity]})
    except InputError as exc:
        findings.append({"rule": "", "severity": "error", "severity_zh": "错误", "message": str(exc), "target": ""})
    return {"findings": findings, "outline": drafts.outline(form.get("正文") or ""),
            "enclosed_outline": drafts.outline((form.get("印发文件") or {}).get("正文") or "")}


def _safe_line_fields(path: Path) -> dict[int, str]:
    try:
        return drafts.line_fields(path)
    except InputError:
        return {}


def _open_notice(path: Path) -> dict:
    """打开已有的公文 YAML 或 Word 公文，换成表单。"""
    if path.suffix == ".yaml":
        from docgen.load.yamlsrc import load_yaml

        return drafts.notice_to_form(load_yaml(path).data)
    from docgen.importer import import_notice_docx

    return drafts.notice_to_form(import_notice_docx(path))


def _zip_draft(folder: Path) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            if f.is_file() and not f.name.startswith(".") and f.name != "form.json":
                z.write(f, f.name)
    return buf.getvalue()


def _tasklist_info(path: Path) -> dict:
    from docgen.load.tasklist import load_tasklist

    tl = load_tasklist(path)
    return {"title": tl.title or "任务清单", "rows": len(tl.rows), "columns": list(tl.columns)}


def _stem(text: str) -> str:
    from docgen.util.fs import safe_filename

    return safe_filename(str(text).replace("\n", ""), 120)


REPORT_FIELDS = ("发文机关标志", "发文字号", "签发人", "主送机关", "发文机关署名", "抄送机关", "印发机关")


def _safe_next(value) -> str:
    v = str(value or "/")
    return v if v.startswith("/") and not v.startswith("//") and "\\" not in v else "/"


def _downloadable(job) -> dict[str, str]:
    """任务结果里可以下载的文件：下载名 → 任务文件夹里的相对路径（只由服务器自己的结果给出）。"""
    r = job.result or {}
    out: dict[str, str] = {}
    if job.kind in ("zip", "survey") and r.get("zip"):
        out[r["zip"]] = r["zip"]
    if job.kind == "ledger" and r.get("zip"):
        out[r["zip"]] = r["zip"]
        for p in r.get("public", []):
            out[p] = f"out/{p}"
    if job.kind == "crosscheck":
        from docgen.batch.plan import CROSSCHECK_DIR

        for name in (r.get("report"), r.get("zip")):
            if name:
                out[name] = f"{CROSSCHECK_DIR}/{name}"
    if job.kind == "weekly":
        for name in (r.get("files") or {}).values():
            out[name] = f"周报/{name}"
    if job.kind == "archive":
        for z in r.get("zips", []):
            out[z] = f"档案/{z}"
        if r.get("report"):
            out[r["report"]] = f"档案/{r['report']}"
    return out


def _public(name: str) -> bool:
    """公示名单（身份证号已打码）与完整性报告不含完整的身份证号：下载不记审计。"""
    return "公示" in Path(name).name or name == "完整性报告.xlsx"


def create_app(settings=None, **kw) -> Starlette:
    from docgen.settings import Settings

    return Workbench(settings or Settings(), **kw).app()
