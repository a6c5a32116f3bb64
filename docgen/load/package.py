"""用户给的 Excel / Word 文件先在这里过一遍：看内容而不是扩展名，读不了时说清楚“怎么办”（中文），
含 XML 实体声明（DOCTYPE / ENTITY）的一律拒绝——docgen 从不解析实体（“十亿笑”炸弹、读本机文件的外部实体）。

所有读 .xlsx、.docx 的地方（建档立卡导出表、任务清单、附件、lint）都先调 :func:`check_package`。
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docgen.errors import InputError

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # 旧版 Office（.xls、.doc）与加密的 Office 文件
_KIND = {"xlsx": ("Excel 工作簿", "xl/workbook.xml", "Excel 或 WPS", ".xlsx"),
         "docx": ("Word 文档", "word/document.xml", "Word 或 WPS", ".docx")}


def package_problem(p: Path, kind: str = "xlsx") -> str | None:
    """`p` 不能当 `kind`（xlsx、docx）读时的中文说明（以文件名开头）；能读时为 None。"""
    label, main, app, ext = _KIND[kind]
    try:
        with open(p, "rb") as fh:
            head = fh.read(8)
            if head.startswith(CFB_MAGIC):
                fh.seek(0)
                blob = fh.read(1 << 20)
                if "EncryptionInfo".encode("utf-16-le") in blob or "EncryptedPackage".encode("utf-16-le") in blob:
                    menu = "保护工作簿" if kind == "xlsx" else "保护文档"
                    return (f"{p.name}: 设置了打开密码（已加密），docgen 读不了。请在 {app} 中打开它，"
                            f"“文件 → 信息 → {menu} → 用密码进行加密”，清空密码后保存，再试")
                old = ".xls，97–2003" if kind == "xlsx" else ".doc，97–2003"
                return f"{p.name}: 是旧版格式（{old}），docgen 读不了。请在 {app} 中打开，“另存为”{ext} 后再试"
    except IsADirectoryError:
        return f"{p.name}: 是文件夹，不是{label}"
    except PermissionError:
        return f"{p.name}: 没有读取权限（请检查文件权限，或先把文件复制到自己的文件夹）"
    except FileNotFoundError:
        return f"{p.name}: 找不到文件"
    if not zipfile.is_zipfile(p):
        return f"{p.name}: 不是有效的{label}（文件已损坏或不完整，或只是改了扩展名）。请在 {app} 中打开后重新保存为 {ext}"
    try:
        with zipfile.ZipFile(p) as z:
            names = set(z.namelist())
            if "mimetype" in names and b"opendocument" in z.read("mimetype"):
                return f"{p.name}: 是开放文档格式（.ods / .odt，扩展名被改成了 {ext}），docgen 读不了。请“另存为”{ext} 后再试"
            if main not in names:
                return f"{p.name}: 不是{label}（缺少 {main}）。请在 {app} 中打开后另存为 {ext}"
            for info in z.infolist():
                if info.filename.endswith((".xml", ".rels")):
                    with z.open(info) as part:
                        start = part.read(4096)
                    if b"<!DOCTYPE" in start or b"<!ENTITY" in start:
                        return (f"{p.name}: 其中的 {info.filename} 含有 XML 实体声明（DOCTYPE），docgen 出于安全不解析实体，"
                                f"拒绝读取。正常的 {ext} 文件里没有它：请在 {app} 中打开后另存一次再试")
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError):
        return f"{p.name}: 文件已损坏（无法解压）。请在 {app} 中打开后重新保存，或重新导出"
    return None


def open_fast_workbook(p: str | Path):
    """先按包检查（.xls、加密、不是 Excel……给出怎么办），再用快速读法打开；打不开时中文说明。八查排查表、
    帮扶手册、往年问题的读回都用它。"""
    from docgen.load.xlsxfast import FastWorkbook

    p = Path(p)
    check_package(p, "xlsx")
    try:
        return FastWorkbook(p)
    except Exception:  # noqa: BLE001
        raise InputError(f"{p.name}: 工作簿读不出来（文件已损坏或不是 Excel 保存的格式），请在 Excel 中打开后重新保存") from None


def check_package(p: str | Path, kind: str = "xlsx") -> None:
    why = package_problem(Path(p), kind)
    if why:
        raise InputError(why)


def open_problem(exc: BaseException, kind: str = "xlsx") -> str:
    """openpyxl / python-docx 打开文件时的异常 → 中文（不带英文的异常名）。"""
    label, _, app, ext = _KIND[kind]
    name = type(exc).__name__
    if name in ("XMLSyntaxError", "ParseError") or "XML" in name:
        return f"其中的 XML 已损坏或不完整，读不下去。请在 {app} 中打开后重新保存为 {ext}，或重新导出"
    if name in ("KeyError", "BadZipFile", "PackageNotFoundError"):
        return f"不是完整的{label}（缺少必需的部分）。请在 {app} 中打开后另存为 {ext}"
    return f"无法读取这个{label}。请在 {app} 中打开后重新保存为 {ext} 再试"
