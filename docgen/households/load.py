"""读取导出表（xlsx、csv）：按表头认出是哪张表，表头别名与写法变体规范化，每个值都记着用户看到的位置。"""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from docgen.errors import InputError, Location
from docgen.households.enums import normalise_header

KINDS = {
    "members": ({"证件号码", "与户主关系"}, "成员信息"),
    "income": ({"户编号", "生产经营性收入"}, "家庭收入"),
    "housing": ({"户编号", "危房等级"}, "住房饮水"),
    "villages": ({"统计用区划代码"}, "村"),
    "helpers": ({"帮扶责任人"}, "帮扶责任人"),
    "problems": ({"问题描述"}, "问题"),
    "visits": ({"走访日期"}, "走访记录"),
}


@dataclass
class Row:
    file: str
    sheet: str | None
    row: int  # 按 Excel 的行号（表头为第 1 行时数据从第 2 行起）
    values: dict[str, Any]  # 标准表头 → 值
    headers: dict[str, str]  # 标准表头 → 用户写的表头

    def loc(self, field_name: str | None = None) -> Location:
        return Location(self.file, self.sheet, self.row, self.headers.get(field_name, field_name) if field_name else None)

    def text(self, name: str) -> str:
        v = self.values.get(name)
        if v is None:
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        if isinstance(v, (dt.datetime, dt.date)):
            return v.strftime("%Y-%m-%d")
        return str(v).strip()


@dataclass
class Table:
    kind: str
    file: str
    sheet: str | None
    rows: list[Row] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)


def _kind(headers: set[str]) -> str | None:
    for kind, (need, _) in KINDS.items():
        if need <= headers:
            return kind
    if {"村", "统计用区划代码"} & headers and ("村名称" in headers or "村" in headers) and "证件号码" not in headers:
        return "villages"
    return None


@dataclass
class Sheet:
    """一张认出的表，行还没读（逐行迭代 `rows`，大表不必整张放进内存）。"""

    kind: str
    file: str
    sheet: str | None
    header_row: list[Any]
    rows: Iterator[tuple[int, list[Any]]]

    def headers(self) -> tuple[list[str], dict[str, str]]:
        """(每列的标准表头, 标准表头 → 用户写的表头)。"""
        raw = [str(h).strip() if h is not None else "" for h in self.header_row]
        norm = [normalise_header(h) for h in raw]
        return norm, {n: r for n, r in zip(norm, raw) if n}


def iter_tables(path: str | Path) -> Iterator[Sheet | Table]:
    """逐张给出文件中可识别的表：Excel/CSV 给 :class:`Sheet`（行按需读取），YAML 给 :class:`Table`。
    一张都认不出时报错。迭代完之前文件保持打开。"""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: 找不到文件")
    suffix = p.suffix.lower()
    found = 0
    if suffix == ".xlsx":
        from docgen.load.xlsxfast import FastWorkbook

        try:
            wb = FastWorkbook(p)
        except Exception as exc:
            raise InputError(f"{p.name}: 无法读取 Excel 文件（{type(exc).__name__}）") from None
        try:
            for name, sheet_path in wb.sheets:
                it = wb.rows(sheet_path)
                first = next(it, None)
                if first is None:
                    continue
                header_row, header = first
                kind = _kind({normalise_header(h) for h in header if h is not None})
                if kind is None:
                    continue
                found += 1
                yield Sheet(kind, p.name, name, list(header), it)
        finally:
            wb.close()
    elif suffix == ".csv":
        data = p.read_bytes()
        for enc in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(enc)
                break
            except UnicodeDecodeError:
                continue
        else:  # pragma: no cover - gb18030 能解任何字节
            raise InputError(f"{p.name}: 无法识别文字编码（应为 UTF-8 或 GBK）")
        reader = csv.reader(io.StringIO(text))
        head = next(reader, None)
        if head:
            kind = _kind({normalise_header(h) for h in head})
            if kind is not None:
                found += 1
                yield Sheet(kind, p.name, None, head,
                            ((i, [v if v != "" else None for v in r]) for i, r in enumerate(reader, start=2)))
    elif suffix in (".yaml", ".yml"):
        for t in _yaml_tables(p):
            found += 1
            yield t
    else:
        raise InputError(f"{p.name}: 只能读取 .xlsx、.csv 或 .yaml 文件")
    if not found:
        raise InputError(f"{p.name}: 没有认出任何表（成员信息表要有“证件号码”“与户主关系”列，收入表要有“户编号”“生产经营性收入”列）")


def make_row(fname: str, sheet: str | None, rownum: int, norm: list[str], values: list[Any], headers: dict[str, str]) -> Row | None:
    """一行 → :class:`Row`；空行给 None。"""
    if all(v in (None, "") for v in values):
        return None
    return Row(fname, sheet, rownum, {n: v for n, v in zip(norm, values) if n}, headers)


def materialise(t: Sheet | Table) -> Table:
    """把逐行读的表整张读进内存。"""
    if isinstance(t, Table):
        return t
    norm, headers = t.headers()
    table = Table(t.kind, t.file, t.sheet, headers=headers)
    for rownum, values in t.rows:
        row = make_row(t.file, t.sheet, rownum, norm, values, headers)
        if row is not None:
            table.rows.append(row)
    return table


def read_tables(path: str | Path) -> list[Table]:
    """读取一个文件中的全部可识别的表（整张放进内存）；一张都认不出时报错。"""
    return [materialise(t) for t in iter_tables(path)]


def _yaml_tables(p: Path) -> list[Table]:
    """YAML：顶层键为表名（村、帮扶责任人、问题、走访记录），值为记录列表。"""
    from docgen.load.yamlsrc import load_yaml

    src = load_yaml(p)
    if not isinstance(src.data, dict):
        raise InputError(f"{p.name}: 应为 表名: [记录, …] 的映射（表名：村、帮扶责任人、问题、走访记录）")
    names = {"村": "villages", "帮扶责任人": "helpers", "问题": "problems", "走访记录": "visits"}
    out = []
    for key, records in src.data.items():
        kind = names.get(str(key))
        if kind is None:
            raise InputError(f"{src.location((key,), str(key))}: 未知的表“{key}”，可用：{'、'.join(names)}")
        if not isinstance(records, list):
            raise InputError(f"{src.location((key,), str(key))}: 应为记录列表")
        t = Table(kind, p.name, None)
        for i, rec in enumerate(records):
            if not isinstance(rec, dict):
                raise InputError(f"{src.location((key, i))}: 每条记录应为 字段: 值 的映射")
            headers = {normalise_header(k): str(k) for k in rec}
            t.headers.update(headers)
            t.rows.append(Row(p.name, None, src.line_of((key, i)) or 0,
                              {normalise_header(k): v for k, v in rec.items()}, headers))
        out.append(t)
    return out
