"""``docgen import``：把已有的 Word / Excel 任务清单读成 YAML（平铺写法，合并单元格用 ~ 与 < 标出）。"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from docgen.errors import InputError

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


_LEVELS = ((re.compile(r"^[一二三四五六七八九十百]+、"), "# "), (re.compile(r"^[（(][一二三四五六七八九十百]+[）)]"), "## "),
           (re.compile(r"^\d+[.．]"), "### "), (re.compile(r"^[（(]\d+[）)]"), "#### "))


def _body_line(text: str) -> str:
    """Word 里的一段正文 → 正文标记（作者写的“一、”“（一）”“1.”“（1）”换成 # 标出层级，docgen 重新编号）。"""
    for rx, mark in _LEVELS:
        m = rx.match(text)
        if m:
            return mark + text[m.end():].strip()
    return text


def import_notice_docx(path: Path) -> dict:
    """把一份 Word 公文读成公文 YAML 的内容（工作台“打开 Word 公文接着改”用）。各段的要素由
    :mod:`docgen.lint.units` 按 GB/T 9704 的次序推断（与体检认 Word 公文用的是同一套规则）；附件正文、表格不读进来
    （附件请另行上传），认不出要素的段落按正文收下，不丢。"""
    from docgen.lint.units import load_lint_doc

    doc = load_lint_doc(Path(path))
    if doc.kind != "docx":
        raise InputError(f"{Path(path).name}: 不是 Word 文档")
    out: dict = {}
    body: list[str] = []
    enclosed: list[str] = []
    title: list[str] = []
    in_attachment = False
    for u in doc.units:
        t = u.text.strip()
        if u.role == "单元格":
            continue
        if u.role == "版头":
            if re.fullmatch(r"\d{6}", t):
                out["份号"] = t
            elif re.match(r"^(绝密|机密|秘密)", t):
                m = re.match(r"^(绝密|机密|秘密)\s*(?:★\s*(.+))?$", t)
                out["密级"] = m.group(1) if m else t[:2]
                if m and m.group(2):
                    out["保密期限"] = m.group(2)
            elif t in ("特急", "加急", "特提", "平急"):
                out["紧急程度"] = t
            elif "发文机关标志" not in out:
                out["发文机关标志"] = t
        elif u.role == "发文字号":
            m = re.match(r"^(.*?号)\s*签发人[：:]\s*(.+)$", t)
            if m:
                out["发文字号"] = m.group(1).replace(" ", "")
                out["签发人"] = [x for x in re.split(r"\s+", m.group(2)) if x]
            else:
                out["发文字号"] = t.replace(" ", "")
        elif u.role == "标题":
            title.append(t)
        elif u.role == "主送机关":
            out["主送机关"] = t.rstrip("：:")
        elif u.role == "署名":
            out.setdefault("发文机关署名", []).append(t)
        elif u.role == "成文日期":
            out["成文日期"] = t.replace(" ", "")
        elif u.role == "附注":
            out["附注"] = t.strip("（）()")
        elif u.role == "抄送":
            out["抄送机关"] = [x for x in re.split(r"[，,、]", t.split("：", 1)[-1].split(":", 1)[-1].rstrip("。")) if x.strip()]
        elif u.role == "印发机关":
            m = re.match(r"^(.*?)\s*(\d{4}年\d{1,2}月\d{1,2}日)\s*印发$", t)
            if m:
                out["印发机关"], out["印发日期"] = m.group(1).strip(), m.group(2)
        elif u.role == "印发文件标题":
            out["印发文件"] = {"标题": t}
        elif u.role == "附件说明":
            name = re.sub(r"^附件[：:]\s*", "", t)
            name = re.sub(r"^\d+[.．、]\s*", "", name).strip()
            if name:
                out.setdefault("附件", []).append({"名称": name})
        elif u.role in ("附件标识", "附件标题"):
            in_attachment = True
        elif in_attachment:
            continue  # 附件的正文不读进来（附件请另行上传或在表单里写）
        elif "印发文件" in out:
            enclosed.append(_body_line(t))
        else:
            body.append(_body_line(t))
    if title:
        out["标题"] = "".join(title)
    if not out.get("发文机关标志") and not out.get("发文字号") and not title:
        raise InputError(f"{Path(path).name}: 认不出这是一份公文（找不到发文机关标志、发文字号或标题）")
    out["正文"] = "\n".join(body) + "\n" if body else ""
    if "印发文件" in out:
        out["印发文件"]["正文"] = "\n".join(enclosed) + "\n"
    return out
