"""任务清单：类别 → 种类 → 项目 → 具体任务（责任、时限），前几列向下合并。

两种写法（YAML）：

- 树：``清单`` 是按层级嵌套的映射，最后一层是任务列表；
- 平铺：``列`` + ``行``，``~`` 表示与上格合并、``"<"`` 表示与左格合并。

层级列（具体任务之前的各列）中，上下相邻、同属一个上级且内容相同的格子自动合并；
其余列只在写了 ``~`` 的地方合并——“空白即同上”只在原表确实合并的地方成立。
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from pydantic import field_validator, model_validator

from docgen.model.base import Date, Model, zh
from docgen.model.table import MERGE_LEFT, Cell, Table, canonical, cell_text, regions

DEFAULT_COLUMNS = ["类别", "种类", "项目", "具体任务", "责任科室（责任人）", "完成时限"]
TASK_ALIASES = ("具体任务", "任务", "工作任务", "任务内容", "工作内容", "具体工作")
OWNER_ALIASES = ("责任科室（责任人）", "责任科室(责任人)", "责任单位", "责任人", "责任科室", "责任部门", "责任单位（责任人）",
                 "责任单位(责任人)", "牵头单位", "责任")
DUE_ALIASES = ("完成时限", "时限", "完成时间", "完成期限", "截止时间")
STATUSES = ("未开始", "进行中", "已完成", "已销号", "长期坚持")


class RowError(ValueError):
    """某一行（从 0 起）某一列的问题；加载器据此换算成用户看到的 文件:工作表:行:列。"""

    def __init__(self, message: str, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.row = row
        self.column = column


def normalise_header(h: str) -> str:
    """表头规范化：去空白、统一全半角括号。"""
    h = re.sub(r"\s+", "", str(h or ""))
    return h.replace("(", "（").replace(")", "）")


@lru_cache(maxsize=4096)
def column_role(header: str) -> str | None:
    """表头对应的角色：task / owner / due，其他返回 None。"""
    h = normalise_header(header)
    for role, aliases in _ROLE_ALIASES.items():
        if h in aliases:
            return role
    return None


_ROLE_ALIASES = {role: frozenset(normalise_header(a) for a in aliases)
                 for role, aliases in (("task", TASK_ALIASES), ("owner", OWNER_ALIASES), ("due", DUE_ALIASES))}

_MONTH_END = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?:底|末)")
_MONTH_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})日?(?:前|之前|以前|完成|止)")
_MONTH_PART = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(上旬|中旬|下旬)")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _month_end(y: int, m: int) -> dt.date:
    nxt = dt.date(y + (m == 12), m % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def parse_deadline(text: str | None, year: int | None) -> dt.date | None:
    """从完成时限中读出截止日期（年份取自清单）：“5月底前”→5月31日，“4月15前”→4月15日，
    “4月上旬”→4月10日；“长期坚持”之类没有日期的返回 None。原文始终保留。"""
    if not text:
        return None
    t = re.sub(r"\s+", "", str(text))
    for rx, kind in ((_ISO, "iso"), (_MONTH_DAY, "day"), (_MONTH_END, "end"), (_MONTH_PART, "part")):
        m = rx.search(t)
        if not m:
            continue
        try:
            if kind == "iso":
                return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            y = int(m.group(1)) if m.group(1) else year
            if y is None:
                return None
            mo = int(m.group(2))
            if not 1 <= mo <= 12:
                return None
            if kind == "day":
                return dt.date(y, mo, int(m.group(3)))
            if kind == "end":
                return _month_end(y, mo)
            day = {"上旬": 10, "中旬": 20}.get(m.group(3))
            return dt.date(y, mo, day) if day else _month_end(y, mo)
        except ValueError:
            return None
    return None


def is_ongoing(text: str | None) -> bool:
    return bool(text) and "长期" in str(text)


class TaskList(Model):
    """一份任务清单（规范化为平铺的行，合并标记已统一）。"""

    title: str | None = zh("标题", "title", default=None)
    year: int | None = zh("年度", "year", default=None, description="完成时限中没写年份时用的年份")
    report_date: Date | None = zh("报告日期", "report_date", default=None, description="跟踪表判断逾期的日期")
    columns: list[str] = zh("列", "columns", default_factory=lambda: list(DEFAULT_COLUMNS))
    rows: list[list[Cell]] = zh("行", "rows", min_length=1)
    widths: list[float] | None = zh("列宽", "widths", default=None)

    @field_validator("columns")
    @classmethod
    def _columns(cls, cols: list[str]) -> list[str]:
        roles = [column_role(c) for c in cols]
        if "task" not in roles:
            raise ValueError(f"缺少“具体任务”列（可写作：{'、'.join(TASK_ALIASES)}），现有列：{'、'.join(cols)}")
        dup = {c for c in cols if cols.count(c) > 1}
        if dup:
            raise ValueError(f"列名重复：{'、'.join(sorted(dup))}")
        return cols

    @field_validator("year")
    @classmethod
    def _year(cls, y: int | None) -> int | None:
        if y is not None and not 1990 <= y <= 2100:
            raise ValueError(f"年度应为四位年份，如 2020，得到 {y}")
        return y

    @model_validator(mode="after")
    def _rows(self) -> "TaskList":
        n = len(self.columns)
        for i, row in enumerate(self.rows):
            if len(row) != n:
                raise RowError(f"这一行有 {len(row)} 格，应与列数 {n} 相同（{'、'.join(self.columns)}）", i)
        # 单元格一律为文字（数字写成文字），合并标记保留
        rows = [[v if v is None or v == MERGE_LEFT else cell_text(v).strip() for v in row] for row in self.rows]
        rows = merge_hierarchy(rows, self.hierarchy_depth)
        try:
            object.__setattr__(self, "rows", canonical(rows))
        except ValueError as exc:
            raise RowError(str(exc)) from None
        t = self.task_col
        for i, row in enumerate(self.rows):
            if row[t] is None or row[t] == MERGE_LEFT or not cell_text(row[t]).strip():
                raise RowError("没有具体任务内容（每一行都要写任务）", i, self.columns[t])
        if self.widths is not None and len(self.widths) != n:
            raise ValueError(f"列宽有 {len(self.widths)} 项，应与列数 {n} 相同")
        return self

    @property
    def task_col(self) -> int:
        return [column_role(c) for c in self.columns].index("task")

    @property
    def hierarchy_depth(self) -> int:
        """具体任务之前的列都是层级列（类别、种类、项目……）。"""
        return self.task_col

    def col(self, role: str) -> int | None:
        roles = [column_role(c) for c in self.columns]
        return roles.index(role) if role in roles else None

    def resolved(self) -> list[list[str]]:
        """每行每列的实际内容（合并格取区域左上角的内容）。"""
        reg = regions(self.rows)
        return [[cell_text(self.rows[reg[(r, c)].row][reg[(r, c)].col]) for c in range(len(self.columns))]
                for r in range(len(self.rows))]

    def tasks(self) -> list[dict[str, Any]]:
        """跟踪用：每个任务一行（层级、任务、责任、时限原文、截止日期、初始状态）。"""
        out = []
        owner, due = self.col("owner"), self.col("due")
        for r, vals in enumerate(self.resolved()):
            deadline = vals[due] if due is not None else ""
            out.append({
                "path": vals[: self.hierarchy_depth],
                "task": vals[self.task_col],
                "owner": vals[owner] if owner is not None else "",
                "deadline": deadline,
                "due": parse_deadline(deadline, self.year),
                "status": "长期坚持" if is_ongoing(deadline) and parse_deadline(deadline, self.year) is None else "未开始",
                "extra": {c: vals[i] for i, c in enumerate(self.columns) if column_role(c) is None and i >= self.task_col},
            })
        return out

    def same_data(self, other: "TaskList") -> bool:
        """标题、年度、列、行（含合并）都相同。"""
        return (self.title, self.year, self.columns, self.rows) == (other.title, other.year, other.columns, other.rows)

    def as_table(self) -> Table:
        """作为公文附件中的表格。"""
        return Table.model_validate({"列": self.columns, "行": self.rows, "列宽": self.widths or fitted_widths(self)})


def merge_hierarchy(rows: list[list[Cell]], depth: int) -> list[list[Cell]]:
    """层级列中与上一行同一上级、内容相同的格子改为 ~（合并）。"""
    out = [list(r) for r in rows]
    for r in range(1, len(out)):
        for c in range(depth):
            v = out[r][c]
            if v is None or v == MERGE_LEFT:
                continue
            parent_same = all(out[r][k] is None for k in range(c))
            above = _resolved_above(out, r, c)
            if parent_same and above is not None and cell_text(v) == cell_text(above):
                out[r][c] = None
    return out


def _resolved_above(rows: list[list[Cell]], r: int, c: int) -> Cell:
    k = r - 1
    while k >= 0 and rows[k][c] is None:
        k -= 1
    return rows[k][c] if k >= 0 else None


def fitted_widths(tl: TaskList) -> list[float]:
    """按内容估算列宽（相对值）：短列按内容宽度，具体任务等长文本列分得剩余宽度。"""
    from docgen.layout import text_width_em

    vals = tl.resolved()
    widths = []
    for c, h in enumerate(tl.columns):
        cells = [text_width_em(v[c]) for v in vals if v[c]]
        natural = max(cells) if cells else 0
        head = text_width_em(normalise_header(h))
        cap = 4 if c < tl.task_col else 6  # 层级列窄一些（可折行），责任、时限略宽
        widths.append(max(min(head, cap), min(natural, cap)) + 1 if c != tl.task_col else 0)
    total_em = 57  # A4 横排版心 225 mm，12 pt 字约 53 字，加上格内边距的余量
    widths[tl.task_col] = max(12, total_em - sum(widths))
    return widths


def tasklist_from_tree(data: dict, tree_key: str) -> tuple[dict, list[tuple]]:
    """把树形写法展开为平铺的 列 + 行；同时返回每一行在 YAML 中的键路径（用于报错定位）。"""
    tree = data[tree_key]
    columns = data.get("列") or data.get("columns") or list(DEFAULT_COLUMNS)
    roles = [column_role(c) for c in columns]
    if "task" not in roles:
        raise RowError(f"缺少“具体任务”列（可写作：{'、'.join(TASK_ALIASES)}）", column="列")
    depth = roles.index("task")
    rows: list[list[Cell]] = []
    paths: list[tuple] = []

    def walk(node: Any, path: list[str], keypath: tuple) -> None:
        if len(path) == depth:
            if not isinstance(node, list):
                raise TreeError(f"这一层应为任务列表（- 任务: …），得到 {_type_zh(node)}", keypath)
            for i, task in enumerate(node):
                rows.append(task_row(task, path, columns, keypath + (i,)))
                paths.append(keypath + (i,))
            return
        if not isinstance(node, dict):
            raise TreeError(f"这一层应为“{columns[len(path)]}”名称到下级内容的映射，得到 {_type_zh(node)}", keypath)
        for name, child in node.items():
            walk(child, path + [str(name)], keypath + (name,))

    walk(tree, [], (tree_key,))
    rest = {k: v for k, v in data.items() if k != tree_key}
    return {**rest, "列": columns, "行": rows}, paths


class TreeError(ValueError):
    """树形写法中的问题，带 YAML 键路径。"""

    def __init__(self, message: str, keypath: tuple):
        super().__init__(message)
        self.keypath = keypath


def _type_zh(v: Any) -> str:
    return {dict: "映射", list: "列表", str: "文字", int: "数字", float: "数字", bool: "是/否", type(None): "空值"}.get(
        type(v), type(v).__name__)


def task_row(task: Any, path: list[str], columns: list[str], keypath: tuple) -> list[Cell]:
    if isinstance(task, str):
        task = {"任务": task}
    if not isinstance(task, dict):
        raise TreeError(f"任务应为“任务: 内容”映射或一段文字，得到 {_type_zh(task)}", keypath)
    row: list[Cell] = list(path)
    used = set()
    for c in columns[len(path):]:
        role = column_role(c)
        keys = [c] + {"task": ["任务", "具体任务", "内容"], "owner": ["责任"], "due": ["时限"]}.get(role or "", [])
        key = next((k for k in keys if k in task), None)
        if key is None:
            row.append("")
            continue
        used.add(key)
        v = task[key]
        if v is not None and not isinstance(v, (str, int, float)) or isinstance(v, bool):
            raise TreeError(f"“{key}”应为文字，得到 {_type_zh(v)}", keypath + (key,))
        row.append(v)
    unknown = [k for k in task if k not in used]
    if unknown:
        raise TreeError(f"未知的键“{'、'.join(map(str, unknown))}”（可用：任务、责任、时限，或列名 {'、'.join(columns)}）",
                        keypath + (unknown[0],))
    return row
