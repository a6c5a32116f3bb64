"""各账号的工作区：上传的文件、草稿、生成的输出、任务记录。

浏览器给的路径与文件名从不直接当作文件系统路径：目录由服务器生成（随机编号），文件名由
:func:`docgen.util.fs.safe_filename` 重写（去掉 / \\ .. 与控制字符等）并按内容认出的种类换上扩展名；
写出前再确认落在工作区里。所以上传一个名为 ``../../x`` 的文件，只会落在工作区里的 ``x.xlsx``。
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from docgen.errors import InputError
from docgen.util.fs import atomic_write, safe_filename

KINDS_ZH = {"xlsx": "Excel 工作簿", "docx": "Word 文档", "csv": "CSV 表格", "yaml": "YAML 文本", "png": "PNG 图片",
            "jpeg": "JPEG 图片", "zip": "zip 压缩包", "pdf": "PDF"}
EXT = {"xlsx": ".xlsx", "docx": ".docx", "csv": ".csv", "yaml": ".yaml", "png": ".png", "jpeg": ".jpg", "zip": ".zip",
       "pdf": ".pdf"}


def sniff(head: bytes, path: Path | None = None) -> str | None:
    """按内容认文件种类（不看扩展名）：xlsx、docx、zip、png、jpeg、pdf、csv 或 yaml（文字），认不出为 None。"""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "ole"  # 旧版 .xls/.doc，或加了打开密码的 Office 文件
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        if path is None:
            return "zip"
        try:
            with zipfile.ZipFile(path) as z:
                names = set(z.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" in names:
            if any(n.startswith("xl/") for n in names):
                return "xlsx"
            if any(n.startswith("word/") for n in names):
                return "docx"
            return None
        if any(n.endswith("content.xml") for n in names) and "mimetype" in names:
            return "ods"
        return "zip"
    if b"\0" in head:
        return None
    for enc in ("utf-8-sig", "gb18030"):
        try:
            text = head.decode(enc)
            break
        except UnicodeDecodeError as exc:  # 恰好截在一个字的中间
            if exc.start >= len(head) - 4:
                text = head[: exc.start].decode(enc, "ignore")
                break
    else:
        return None
    first = next((ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith("#")), "")
    if ("," in first or "\t" in first) and ":" not in first.split(",")[0]:
        return "csv"
    return "yaml"


REFUSED = {"ole": "旧版 Office 文件（.xls/.doc）或加了打开密码的文件：请在 Excel/WPS 里去掉打开密码、另存为 .xlsx/.docx 后再传",
           "ods": "OpenDocument 表格（.ods）：请另存为 Excel 工作簿（.xlsx）后再传"}


def display_name(name: str) -> str:
    """浏览器给的文件名 → 只用来显示的名字：去掉路径、控制字符与文字方向控制符（“\u202egpj.xlsx”不会显示成别的扩展名）。"""
    from docgen.util.fs import _INVISIBLE
    from docgen.util.text import CONTROL

    base = (name or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c not in _INVISIBLE and not CONTROL.match(c) and ord(c) >= 32).strip()
    return base[:120] or "未命名"


@dataclass
class Upload:
    id: str
    name: str  # 显示名（浏览器给的名字，只用于显示）
    kind: str
    path: Path
    size: int

    def as_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "kind": self.kind, "kind_zh": KINDS_ZH.get(self.kind, self.kind),
                "size": self.size, "file": self.path.name}


class Workspace:
    """一个账号的工作区。"""

    def __init__(self, root: Path, user: str):
        self.user = user
        key = "u-" + hashlib.sha256(user.encode("utf-8")).hexdigest()[:16]
        self.root = (root / key).resolve()
        for sub in ("uploads", "drafts", "runs", "jobs"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()

    # -- 路径
    def inside(self, p: Path) -> Path:
        """`p` 须在工作区里（解开符号链接之后）；否则是程序错误，拒绝。"""
        rp = p.resolve()
        if rp != self.root and self.root not in rp.parents:
            raise PermissionError(f"路径越出工作区：{p}")
        return rp

    def new_dir(self, sub: str) -> tuple[str, Path]:
        ident = secrets.token_hex(8)
        d = self.inside(self.root / sub / ident)
        d.mkdir(parents=True)
        return ident, d

    def folders(self, sub: str, marker: str | None = None):
        """`sub` 下服务器建的各个文件夹（最近改过的在前）；给了 `marker` 时只要有这个记录文件的，连同读出的记录。"""
        for d in sorted((self.root / sub).iterdir(), key=lambda p: p.stat().st_mtime, reverse=True):
            if not d.is_dir():
                continue
            if marker is None:
                yield d, {}
            elif (d / marker).is_file():
                yield d, json.loads((d / marker).read_text("utf-8"))

    def dir(self, sub: str, ident: str) -> Path:
        """由编号找目录：编号只能是服务器生成的 16 位十六进制。"""
        if not (isinstance(ident, str) and len(ident) == 16 and all(c in "0123456789abcdef" for c in ident)):
            raise KeyError(ident)
        d = self.inside(self.root / sub / ident)
        if not d.is_dir():
            raise KeyError(ident)
        return d

    # -- 上传
    def save_upload(self, folder: Path, name: str, data_path: Path, allowed: tuple[str, ...], *,
                    stem: str | None = None) -> Upload:
        """把已收下的临时文件 `data_path` 按内容认种类、放进 `folder`。`allowed`：这一处接受的种类。
        文件名：浏览器给的名字经 safe_filename 重写（或用 `stem`），扩展名按内容定。"""
        with open(data_path, "rb") as fh:
            head = fh.read(4096)
        kind = sniff(head, data_path)
        shown = display_name(name)
        if not head:
            raise InputError(f"{shown}: 是空文件")
        claimed = shown.rsplit(".", 1)[-1].lower() if "." in shown else ""
        if kind in ("csv", "yaml") and claimed in ("xlsx", "xlsm", "docx", "zip", "png", "jpg", "jpeg", "pdf"):
            raise InputError(f"{shown}: 文件名是 .{claimed}，内容却是文字（按内容判断）：请上传真正的 .{claimed} 文件")
        if kind in REFUSED:
            raise InputError(f"{shown}: 是{REFUSED[kind]}")
        if kind not in allowed:
            want = "、".join(KINDS_ZH.get(k, k) for k in allowed)
            got = KINDS_ZH.get(kind, "认不出的内容") if kind else "认不出的内容"
            raise InputError(f"{shown}: 内容是{got}，这里要的是 {want}（按文件内容判断，与扩展名无关）")
        base = stem or shown.rsplit(".", 1)[0] if "." in shown else (stem or shown)
        fname = safe_filename(base, 120) + EXT[kind]
        target = self.inside(folder / fname)
        n = 2
        while target.exists():  # 同一批里同名：加序号
            target = self.inside(folder / f"{safe_filename(base, 110)}-{n}{EXT[kind]}")
            n += 1
        os.replace(data_path, target) if Path(data_path).parent == folder else _copy(data_path, target)
        up = Upload(target.name, shown, kind, target, target.stat().st_size)
        meta = folder / ".uploads.json"
        items = json.loads(meta.read_text("utf-8")) if meta.is_file() else []
        items.append(up.as_dict())
        atomic_write(meta, json.dumps(items, ensure_ascii=False, indent=1).encode("utf-8"))
        return up

    def uploads(self, folder: Path) -> list[dict]:
        meta = folder / ".uploads.json"
        items = json.loads(meta.read_text("utf-8")) if meta.is_file() else []
        return [i for i in items if (folder / i["file"]).is_file()]

    def file(self, folder: Path, rel: str) -> Path:
        """输出里的一个文件（`rel` 来自服务器自己列出的清单；仍确认它在 `folder` 里、是文件）。"""
        p = self.inside(folder / rel)
        if folder.resolve() not in p.parents or not p.is_file():
            raise KeyError(rel)
        return p


def _copy(src: Path, dst: Path) -> None:
    import shutil

    tmp = dst.with_name("." + dst.name + ".part")
    shutil.copyfile(src, tmp)
    os.replace(tmp, dst)


class AuditLog:
    """下载含完整身份证号文书的记录（谁、下载了什么、什么时候），一行一条 JSON，只追加。"""

    def __init__(self, path: Path):
        self.path = path
        self.lock = threading.Lock()

    def record(self, user: str, what: str, files: list[str], remote: str) -> None:
        line = json.dumps({"时间": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "用户": user, "下载": what, "文件": files,
                           "地址": remote}, ensure_ascii=False)
        with self.lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())

    def entries(self) -> list[dict]:
        if not self.path.is_file():
            return []
        return [json.loads(x) for x in self.path.read_text("utf-8").splitlines() if x.strip()]
