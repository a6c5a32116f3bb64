"""把已有文件读作附件内容：Word（.docx）的段落和表格、纯文本（.txt/.md，按正文标记解析）、
任务清单（.yaml 或 .xlsx）。"""

from __future__ import annotations

import re
from pathlib import Path

from docgen.errors import InputError, Location
from docgen.load.tables import docx_table_grid
from docgen.render.ooxml import is_continuation

SUPPORTED = (".docx", ".txt", ".md", ".yaml", ".yml", ".xlsx")
_HEADING_STYLE = re.compile(r"^(?:Heading|标题)\s*([1-4])$", re.I)


def read_attachment_file(path: Path, where: Location) -> list[tuple[str, object]]:
    """返回内容片段列表：``("text", 正文标记)`` 或 ``("table", {"列": [...], "行": [...]})``。"""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise InputError(f"{where}: 附件文件 {path.name} 的格式不支持，可用：{'、'.join(SUPPORTED)}"
                         "（PDF、扫描件请在归档时作为原件提供）")
    if suffix in (".yaml", ".yml", ".xlsx"):
        from docgen.load.tasklist import load_tasklist

        return [("table", load_tasklist(path).as_table())]
    if suffix in (".txt", ".md"):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise InputError(f"{where}: 附件文件 {path.name} 不是 UTF-8 编码") from None
        from docgen.util.text import CONTROL

        bad = CONTROL.search(text)
        if bad:
            line = text.count("\n", 0, bad.start()) + 1
            raise InputError(f"{where}: 附件文件 {path.name} 第 {line} 行有不可见的控制字符（U+{ord(bad.group()):04X}），请删除")
        return [("text", text)]
    return _read_docx(path, where)


def _read_docx(path: Path, where: Location) -> list[tuple[str, object]]:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph

    from docgen.load.package import open_problem, package_problem

    why = package_problem(path, "docx")
    if why:
        raise InputError(f"{where}: 附件文件 {why}")
    try:
        doc = Document(str(path))
    except Exception as exc:  # 损坏的或不是 Word 文件
        raise InputError(f"{where}: 附件文件 {path.name}: {open_problem(exc, 'docx')}") from None
    parts: list[tuple[str, object]] = []
    lines: list[str] = []

    def flush():
        if lines:
            parts.append(("text", "\n".join(lines)))
            lines.clear()

    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            p = Paragraph(child, doc)
            text = p.text.strip()
            if not text:
                continue
            if lines and is_continuation(child):  # docgen 排版时拆出的末两行：接回上一段
                lines[-1] += text
                continue
            m = _HEADING_STYLE.match(p.style.name if p.style is not None else "")
            lines.append(("#" * int(m.group(1)) + " " + text) if m else text)
        elif child.tag == qn("w:tbl"):
            flush()
            n_table = sum(1 for kind, _ in parts if kind == "table") + 1
            parts.append(("table", _table_rows(DocxTable(child, doc), f"{where}: Word 文件 {path.name} 的第 {n_table} 个表格")))
    flush()
    if not parts:
        raise InputError(f"{where}: Word 文件 {path.name} 中没有内容")
    return parts


def _table_rows(tbl, where: str) -> dict:
    """Word 表格 → {列, 行}：首行为表头，合并单元格按标记保留。空表格、表头一行全空都报错（不悄悄排一张空表）。"""
    grid = docx_table_grid(tbl)
    if not grid or not any(str(c).strip() not in ("", "<", "^") for row in grid for c in row if c is not None):
        raise InputError(f"{where}是空的（没有任何文字）：请删掉这个表格或填上内容")
    header, body = grid[0], grid[1:]
    if not any(str(c).strip() not in ("", "<", "^") for c in header if c is not None):
        raise InputError(f"{where}第一行（表头）是空的：第一行要写列名")
    width = len(header)
    return {"列": [str(h) if h not in (None, "", "<") else f"列{i + 1}" for i, h in enumerate(header)],
            "行": body or [[""] * width]}
