"""从 Word 表格、Excel 工作表读出带合并标记（~ 与上格、< 与左格）的网格。"""

from __future__ import annotations

from docgen.model.table import MERGE_LEFT, Cell


def docx_table_grid(tbl) -> list[list[Cell]]:
    """Word 表格 → 网格：``w:gridSpan`` 跨列写 <，``w:vMerge`` 续格写 ~。"""
    from docx.oxml.ns import qn

    grid: list[list[Cell]] = []
    for tr in tbl._tbl.tr_lst:
        row: list[Cell] = []
        for tc in tr.tc_lst:
            span, vmerge = 1, None
            tcpr = tc.tcPr
            if tcpr is not None:
                gs = tcpr.find(qn("w:gridSpan"))
                span = int(gs.get(qn("w:val"))) if gs is not None else 1
                vm = tcpr.find(qn("w:vMerge"))
                if vm is not None:
                    vmerge = vm.get(qn("w:val")) or "continue"
            if vmerge == "continue":
                row.append(None)
            else:
                row.append("\n".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in tc.iter(qn("w:p"))).strip())
            row.extend([MERGE_LEFT] * (span - 1))
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    return [r + [""] * (width - len(r)) for r in grid]


def xlsx_sheet_grid(ws, first_row: int, last_row: int, ncols: int) -> list[list[Cell]]:
    """Excel 工作表的一块区域 → 网格（行号从 1 起，含首尾）：合并区域左上角保留内容，
    同一行其余格写 <，下面各行首格写 ~、其余写 <。"""
    grid: list[list[Cell]] = []
    for r in range(first_row, last_row + 1):
        row: list[Cell] = []
        for c in range(1, ncols + 1):
            v = ws.cell(r, c).value
            row.append(_clean(v))
        grid.append(row)
    for rng in ws.merged_cells.ranges:
        r0, c0, r1, c1 = rng.min_row, rng.min_col, rng.max_row, rng.max_col
        if r1 < first_row or r0 > last_row or c0 > ncols:
            continue
        top_value = _clean(ws.cell(r0, c0).value)
        for r in range(max(r0, first_row), min(r1, last_row) + 1):
            for c in range(c0, min(c1, ncols) + 1):
                i, j = r - first_row, c - 1
                if (r, c) == (r0, c0) or (r == first_row and r0 < first_row and c == c0):
                    grid[i][j] = top_value
                elif r == r0 or c != c0:
                    grid[i][j] = MERGE_LEFT
                else:
                    grid[i][j] = None
    return grid


def _clean(v) -> Cell:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, (int, float)):
        return str(v)
    return str(v).strip()
