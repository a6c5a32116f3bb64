"""``docgen import``：把已有的 Word / Excel 任务清单读成 YAML（平铺写法，合并单元格用 ~ 与 < 标出）。"""

from __future__ import annotations

from pathlib import Path

import yaml

from docgen.load.tasklist import load_tasklist
from docgen.model.tasklist import TaskList


class _Dumper(yaml.SafeDumper):
    """行写成一行的流式列表，其余块式；中文不转义。"""


def _str(dumper, data: str):
    style = "|" if "\n" in data else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


_Dumper.add_representer(str, _str)
_Dumper.add_representer(type(None), lambda d, _: d.represent_scalar("tag:yaml.org,2002:null", "~"))


class _Row(list):
    pass


_Dumper.add_representer(_Row, lambda d, data: d.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True))


def tasklist_to_yaml(tl: TaskList, source: str | None = None) -> str:
    """把任务清单写成 YAML 文本（确定性：同一清单得到同一文本）。"""
    data: dict = {}
    if tl.title:
        data["标题"] = tl.title
    if tl.year is not None:
        data["年度"] = tl.year
    if tl.report_date is not None:
        data["报告日期"] = tl.report_date.isoformat()
    data["列"] = _Row(tl.columns)
    data["行"] = [_Row(r) for r in tl.rows]
    head = ["# 任务清单（由 docgen import 生成）"]
    if source:
        head.append(f"# 来源：{source}")
    head.append("# ~ 表示与上一格合并，< 表示与左一格合并；层级列（具体任务之前的列）内容相同会自动合并。")
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100000, default_flow_style=False)
    return "\n".join(head) + "\n" + body


def import_tasklist(path: str | Path, year: int | None = None) -> str:
    """读取 Word/Excel/YAML 任务清单，返回 YAML 文本。"""
    p = Path(path)
    return tasklist_to_yaml(load_tasklist(p, year), p.name)
