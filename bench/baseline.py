"""基准测试共用的基线：openpyxl（read_only）把工作簿的每一行读一遍——docgen 读同样的文件时与它比。"""

from __future__ import annotations

from pathlib import Path


def openpyxl_read(books: list[Path], sheet: str | None = None) -> int:
    """读 `books` 的每张表（给了 `sheet` 时只读这一张）的每一行，返回行数。"""
    from openpyxl import load_workbook

    n = 0
    for b in books:
        wb = load_workbook(b, read_only=True, data_only=True)
        for ws in [wb[sheet]] if sheet else wb.worksheets:
            for _ in ws.iter_rows(values_only=True):
                n += 1
        wb.close()
    return n
