"""读取任务清单：YAML（树形或平铺）、Excel、Word。所有问题都指明 文件:工作表:行:列。"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from docgen.load.package import check_package, open_problem
from docgen.errors import InputError, Issue, Location
from docgen.load.tables import docx_table_grid, xlsx_sheet_grid
from docgen.load.yamlsrc import load_yaml
from docgen.model.table import Cell
from docgen.model.tasklist import (
    RowError,
    TaskList,
    TreeError,
    column_role,
    normalise_header,
    tasklist_from_tree,
)

TREE_KEYS = ("清单", "tree")
TASKLIST_KEYS = {"清单", "tree", "行", "rows"}


def is_tasklist_data(data: Any) -> bool:
    return isinstance(data, dict) and bool(TASKLIST_KEYS & set(map(str, data))) and not (
        {"发文字号", "doc_number"} & set(map(str, data)))


def load_tasklist(path: str | Path, year: int | None = None, *, sheet: str | None = None) -> TaskList:
    """按扩展名读取任务清单：.yaml/.yml、.xlsx、.docx。`sheet`：Excel 里只读这一张工作表（跟踪表对照任务清单时用）。"""
    p = Path(path)
    suffix = p.suffix.lower()
    if not p.is_file():
        raise InputError(f"{p.name}: 找不到文件")
    if suffix in (".yaml", ".yml"):
        return _from_yaml(p, year)
    if suffix == ".xlsx":
        return _from_xlsx(p, year, sheet)
    if suffix == ".docx":
        return _from_docx(p, year)
    raise InputError(f"{p.name}: 任务清单只能从 .yaml、.xlsx、.docx 读取")


def _validate(data: dict, where_row, fname: str, what: str = "任务清单") -> TaskList:
    """校验并把问题换算为用户位置。`where_row(i, column)` 给出第 i 行（从 0 起）的 Location。"""
    from docgen.util.text import CONTROL

    cols = data_columns(data)
    for i, row in enumerate(data.get("行") or data.get("rows") or []):
        for j, v in enumerate(row if isinstance(row, list) else []):
            if isinstance(v, str) and (bad := CONTROL.search(v)):
                col = cols[j] if j < len(cols) else None
                raise InputError(f"{where_row(i, col)}: 这一格有不可见的控制字符（U+{ord(bad.group()):04X}），请删除")
    try:
        return TaskList.model_validate(data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False):
            e = err.get("ctx", {}).get("error")
            loc = tuple(err["loc"])
            if isinstance(e, RowError):
                where = where_row(e.row, e.column) if e.row is not None else Location(fname, field=e.column)
                issues.append(Issue(where, "任务清单.行", str(e)))
            elif loc and loc[0] in ("行", "rows") and len(loc) >= 2 and isinstance(loc[1], int):
                col = data_columns(data)[loc[2]] if len(loc) > 2 and isinstance(loc[2], int) and loc[2] < len(data_columns(data)) else None
                msg = str(e) if e else _type_msg(err)
                where = where_row(loc[1], col)
                if any(i.location == where for i in issues):  # 联合类型（文字/整数/数字）对同一格报了几次：只留第一条
                    continue
                issues.append(Issue(where, "任务清单.类型", msg))
            else:
                key = str(loc[0]) if loc else None
                issues.append(Issue(Location(fname, field=key), "任务清单." + err["type"], str(e) if e else _type_msg(err)))
        raise InputError(f"{fname}: {what}内容有误，共 {len(issues)} 处", issues) from None


def data_columns(data: dict) -> list[str]:
    from docgen.model.tasklist import DEFAULT_COLUMNS

    return list(data.get("列") or data.get("columns") or DEFAULT_COLUMNS)


def _type_msg(err: dict) -> str:
    """pydantic 的类型错误 → 中文（期望什么、得到什么）。"""
    from docgen.model.base import type_message

    t = err["type"]
    got = err.get("input")
    if t == "missing":
        return f"缺少必填项“{err['loc'][-1]}”"
    if t == "extra_forbidden":
        return f"未知的键“{err['loc'][-1]}”"
    if t == "too_short" and tuple(err["loc"])[:1] in (("行",), ("rows",)):
        return "表头下面没有任务行"
    return f"{type_message(err)}，得到 {got!r}"


def _from_yaml(p: Path, year: int | None) -> TaskList:
    src = load_yaml(p)
    data = src.data
    if not isinstance(data, dict):
        raise InputError(f"{src.display_name}: 任务清单应为 YAML 映射（标题、年度、清单 或 列 + 行）")
    data = dict(data)
    if year is not None and "年度" not in data and "year" not in data:
        data["年度"] = year
    tree_key = next((k for k in TREE_KEYS if k in data), None)
    if tree_key is not None:
        try:
            data, paths = tasklist_from_tree(data, tree_key)
        except TreeError as exc:
            raise InputError(f"{src.location(exc.keypath)}: {exc}") from None
        except RowError as exc:
            raise InputError(f"{src.location(('列',), '列')}: {exc}") from None
        line_of = [src.line_of(kp) for kp in paths]
    else:
        rows_key = "行" if "行" in data else "rows"
        rows = data.get(rows_key)
        if not isinstance(rows, list):
            raise InputError(f"{src.location((rows_key,), rows_key)}: “行”应为列表，每项是一行")
        cols = data_columns(data)
        data[rows_key] = [_row_from_mapping(r, cols, src, (rows_key, i)) if isinstance(r, dict) else r
                          for i, r in enumerate(rows)]
        line_of = [src.line_of((rows_key, i)) for i in range(len(rows))]
    cols = data_columns(data)

    def where_row(i: int, column: str | None) -> Location:
        return Location(src.display_name, row=line_of[i] if i < len(line_of) else None, field=column)

    return _validate(data, where_row, src.display_name)


def _row_from_mapping(row: dict, cols: list[str], src, keypath) -> list[Cell]:
    unknown = [k for k in row if k not in cols]
    if unknown:
        raise InputError(f"{src.location(keypath + (unknown[0],))}: 未知的列“{unknown[0]}”，现有列：{'、'.join(cols)}")
    return [row.get(c, "") for c in cols]


def _find_header(rows: list[list[str]]) -> int | None:
    for i, row in enumerate(rows[:15]):
        if any(column_role(c) == "task" for c in row if c):
            return i
    return None


def _top_rows(ws, max_cols: int | None = None) -> list[list[str]]:
    """工作表前 15 行的文字（找表头用）。"""
    cols = ws.max_column if max_cols is None else min(ws.max_column, max_cols)
    return [[str(ws.cell(r, c).value or "").strip() for c in range(1, cols + 1)] for r in range(1, min(ws.max_row, 15) + 1)]


def _from_xlsx(p: Path, year: int | None, sheet: str | None = None) -> TaskList:
    import openpyxl

    check_package(p, "xlsx")
    try:
        wb = openpyxl.load_workbook(p, data_only=True)
    except Exception as exc:
        raise InputError(f"{p.name}: {open_problem(exc, 'xlsx')}") from None
    sheets = [ws for ws in wb.worksheets if ws.title == sheet] if sheet is not None else \
        [ws for ws in wb.worksheets if ws.title != "跟踪"]  # docgen 写的“跟踪”表不是任务清单（表头也有“具体任务”）
    for ws in sheets:
        top = _top_rows(ws)
        h = _find_header(top)
        if h is None:
            # 标题的合并单元格跨了好几行、把表头盖住了：不能悄悄跳过这张表去读后面的（如 docgen 写的“跟踪”表）
            tall = next((m for m in ws.merged_cells.ranges if m.min_row <= 2 < m.max_row + 1 and m.max_row > m.min_row
                         and m.max_row <= 15), None)
            if tall is not None and any(v for row in top[tall.max_row:] for v in row):
                raise InputError(f"{Location(p.name, ws.title, tall.max_row)}: 找不到表头——标题的合并单元格 {tall.coord} "
                                 f"占了第 {tall.min_row}–{tall.max_row} 行，盖住了表头；请取消合并，让标题只占一行、"
                                 "表头（具体任务、责任……）单独一行")
            continue
        header_row = h + 1
        header = top[h]
        ncols = max(i + 1 for i, v in enumerate(header) if v)
        columns = [normalise_header(v) if column_role(v) else v for v in header[:ncols]]
        missing = [i + 1 for i, v in enumerate(columns) if not v]
        if missing:
            col = missing[0]
            over = next((m for m in ws.merged_cells.ranges if m.min_row < header_row <= m.max_row
                         and m.min_col <= col <= m.max_col), None)
            why = (f"：被上方合并的标题单元格 {over.coord} 盖住了，请取消合并，让标题只占第 {over.min_row} 行"
                   if over is not None else "，每列都要有列名")
            raise InputError(f"{Location(p.name, ws.title, header_row, _col_letter(col))}: 表头第 {col} 列是空的{why}")
        last = ws.max_row
        while last > header_row and all(ws.cell(last, c).value in (None, "") for c in range(1, ncols + 1)):
            last -= 1
        # 表头右边（没有列名的列）里有内容：不能悄悄丢掉
        for row in ws.iter_rows(min_row=header_row + 1, max_row=ws.max_row, min_col=ncols + 1, max_col=ws.max_column):
            extra = next((c for c in row if c.value not in (None, "")), None)
            if extra is not None:
                raise InputError(f"{Location(p.name, ws.title, extra.row, extra.column_letter)}: 这一格在表头右边、没有列名"
                                 f"（{str(extra.value)[:20]}）：请给这一列写上列名，或删掉这些内容")
        others = [o.title for o in sheets[sheets.index(ws) + 1:] if _find_header(_top_rows(o, 60)) is not None]
        if others:
            raise InputError(f"{p.name}: 有不止一张任务清单表（“{ws.title}”和“{'”“'.join(others)}”），docgen 一次只读一张："
                             "请把其余的另存为单独的文件分别导入")
        if last == header_row:
            raise InputError(f"{Location(p.name, ws.title, header_row)}: 表头下面没有任务行")
        grid = xlsx_sheet_grid(ws, header_row + 1, last, ncols)
        excel_rows = list(range(header_row + 1, last + 1))
        # 整行空白的行跳过（不是合并）
        keep = [i for i, r in enumerate(grid) if any(v not in ("", None) for v in r)]
        grid = [grid[i] for i in keep]
        excel_rows = [excel_rows[i] for i in keep]
        title = next((v for row in top[:h] for v in row if v), None)
        year_ = year if year is not None else _year_from_keywords(wb.properties.keywords) or _guess_year(title, p.name)
        data = {"标题": title, "年度": year_, "列": columns, "行": grid}

        def where_row(i: int, column: str | None, ws=ws, excel_rows=excel_rows) -> Location:
            return Location(p.name, ws.title, excel_rows[i] if i < len(excel_rows) else None, column)

        return _validate(data, where_row, p.name)
    first = sheets[0].title if sheets else sheet or (wb.worksheets[0].title if wb.worksheets else "（无工作表）")
    raise InputError(f"{Location(p.name, first, 1, '具体任务')}: 找不到“具体任务”列（表头可写作 具体任务、任务、工作任务、任务内容）")


def _col_letter(i: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(i)


def _year_from_keywords(keywords: str | None) -> int | None:
    """docgen 写出的文件在关键词里记有“年度:2020”。"""
    import re

    m = re.search(r"年度[:：](\d{4})", keywords or "")
    return int(m.group(1)) if m else None


def _guess_year(*texts: str | None) -> int | None:
    import re

    for t in texts:
        m = re.search(r"(19|20)\d{2}", t or "")
        if m:
            return int(m.group(0))
    return None


def _from_docx(p: Path, year: int | None) -> TaskList:
    from docx import Document
    from docx.oxml.ns import qn
    from docx.table import Table as DocxTable

    check_package(p, "docx")
    try:
        doc = Document(str(p))
    except Exception as exc:
        raise InputError(f"{p.name}: {open_problem(exc, 'docx')}") from None
    last_text = None
    n = 0
    for child in doc.element.body.iterchildren():
        if child.tag == qn("w:p"):
            t = "".join(x.text or "" for x in child.iter(qn("w:t"))).strip()
            if t and not t.startswith("附件"):
                last_text = t
        elif child.tag == qn("w:tbl"):
            n += 1
            grid = docx_table_grid(DocxTable(child, doc))
            if not grid or not any(column_role(c) == "task" for c in grid[0] if isinstance(c, str)):
                continue
            header = grid[0]
            columns = [normalise_header(c) if column_role(c) else c for c in header]
            sheet = f"表格{n}"

            def where_row(i: int, column: str | None, sheet=sheet) -> Location:
                return Location(p.name, sheet, i + 2, column)

            year_ = year if year is not None else (_year_from_keywords(doc.core_properties.keywords)
                                                  or _guess_year(last_text, p.name))
            data = {"标题": last_text, "年度": year_,
                    "列": columns, "行": grid[1:]}
            return _validate(data, where_row, p.name)
    raise InputError(f"{Location(p.name, '表格1', 1, '具体任务')}: 没有找到带“具体任务”列的表格")
