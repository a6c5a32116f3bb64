"""带合并单元格的表格：数据里用标记写合并，渲染时算出每个合并区域。

- ``~``（YAML 空值 None）：与上格合并；
- ``"<"``：与左格合并。

任何合并区域都必须是矩形。标记有多种等价写法（2×2 区域第二行第二格写 ``~`` 或 ``<`` 都行），
:func:`canonical` 把它们统一成一种，使 导入 → 渲染 → 导入 得到相同的数据。
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import field_validator, model_validator

from docgen.model.base import Model, zh

MERGE_LEFT = "<"
Cell = str | int | float | None


@dataclass(frozen=True)
class Region:
    """一个（可能合并的）单元格：左上角位置、跨行数、跨列数。"""

    row: int
    col: int
    rowspan: int
    colspan: int


def cell_text(value: Any) -> str:
    if value is None or value == MERGE_LEFT:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def regions(rows: list[list[Cell]]) -> dict[tuple[int, int], Region]:
    """每个格子的归属区域（以左上角为键的 Region）。非矩形或标记放错位置时抛出 ValueError（行列从 1 起）。"""
    owner: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is None:
                if r == 0:
                    raise ValueError(f"第 1 行第 {c + 1} 列不能写 ~（上面没有可合并的格子）")
                if c >= len(rows[r - 1]):
                    raise ValueError(f"第 {r + 1} 行第 {c + 1} 列写了 ~，但上一行没有这一列")
                owner[(r, c)] = owner[(r - 1, c)]
            elif v == MERGE_LEFT:
                if c == 0:
                    raise ValueError(f"第 {r + 1} 行第 1 列不能写 <（左边没有可合并的格子）")
                owner[(r, c)] = owner[(r, c - 1)]
            else:
                owner[(r, c)] = (r, c)
    members: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for cell, o in owner.items():
        members.setdefault(o, []).append(cell)
    out: dict[tuple[int, int], Region] = {}
    for (r0, c0), cells in members.items():
        r1 = max(r for r, _ in cells)
        c1 = max(c for _, c in cells)
        if min(r for r, _ in cells) != r0 or min(c for _, c in cells) != c0 or len(cells) != (r1 - r0 + 1) * (c1 - c0 + 1):
            raise ValueError(f"从第 {r0 + 1} 行第 {c0 + 1} 列开始的合并区域不是矩形")
        region = Region(r0, c0, r1 - r0 + 1, c1 - c0 + 1)
        for cell in cells:
            out[cell] = region
    return out


def canonical(rows: list[list[Cell]]) -> list[list[Cell]]:
    """统一合并标记：区域首行其余格写 <，以下各行首格写 ~、其余写 <。"""
    reg = regions(rows)
    out = []
    for r, row in enumerate(rows):
        new: list[Cell] = []
        for c, v in enumerate(row):
            g = reg[(r, c)]
            if (g.row, g.col) == (r, c):
                new.append(v)
            elif r == g.row or c != g.col:
                new.append(MERGE_LEFT)
            else:
                new.append(None)
        out.append(new)
    return out


class Table(Model):
    """表格：列名与行。行中 ``~`` 表示与上格合并，``"<"`` 表示与左格合并。"""

    columns: list[str] = zh("列", "columns", min_length=1)
    rows: list[list[Cell]] = zh("行", "rows", min_length=1)
    widths: list[float] | None = zh("列宽", "widths", default=None, description="各列相对宽度")

    @field_validator("rows")
    @classmethod
    def _canonical(cls, rows: list[list[Cell]]) -> list[list[Cell]]:
        return canonical(rows)

    @model_validator(mode="after")
    def _check_shape(self) -> "Table":
        n = len(self.columns)
        for i, row in enumerate(self.rows, start=1):
            if len(row) != n:
                raise ValueError(f"表格第 {i} 行有 {len(row)} 个单元格，应与列数 {n} 相同")
        if self.widths is not None and len(self.widths) != n:
            raise ValueError(f"列宽有 {len(self.widths)} 项，应与列数 {n} 相同")
        return self

    def cell_text(self, value: Any) -> str:
        return cell_text(value)

    def layout(self) -> list[list[tuple[int, Region, str]]]:
        """逐行列出要输出的格子：(列号, 区域, 文字)。被合并的格子不出现；
        区域首行以下的格子以 (列号, 区域, None) 出现，供 Word 写 vMerge continue。"""
        reg = regions(self.rows)
        out = []
        for r, row in enumerate(self.rows):
            cells = []
            for c, v in enumerate(row):
                g = reg[(r, c)]
                if c != g.col:
                    continue  # 横向合并中被并入的格子
                cells.append((c, g, cell_text(self.rows[g.row][g.col]) if r == g.row else None))
            out.append(cells)
        return out
