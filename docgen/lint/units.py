"""把被体检的文件拆成“文字单元”：每个单元有角色（发文字号、标题、正文……）、文字和用户看到的位置。

- 公文 YAML：按要素取值；正文按行拆，位置是 YAML 文件的行号；
- 任务清单 YAML：每个单元格一个单元；
- Word（.docx）：每个段落、每个表格单元格一个单元；角色按内容推断（办公室手工排的文件没有 docgen 样式）。
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import InputError
from docgen.layout import DOC_NUMBER_LOOSE as DOC_NUMBER_LIKE  # 发文字号的写法只在 docgen.layout 里定义
from docgen.load.yamlsrc import load_yaml


@dataclass
class Unit:
    role: str
    text: str
    where: str
    span: tuple[int, int] | None = None  # YAML 源文件中的字符区间（用于修正）
    level: int = 0  # 用 # 标出的标题层级（YAML），0 为普通段落
    section: int = 0  # 第几部分（正文、印发文件、各附件分别编号，标题序号各自从头数）
    index: int = 0  # DOCX 段落序号（从 1 起）


@dataclass
class LintDoc:
    path: Path
    kind: str  # notice / tasklist / docx
    units: list[Unit] = field(default_factory=list)
    data: Any = None
    text: str = ""  # YAML 源文本
    docx: Any = None  # python-docx Document

    @property
    def name(self) -> str:
        return self.path.name

    def role(self, role: str) -> list[Unit]:
        return [u for u in self.units if u.role == role]

    def first(self, role: str) -> Unit | None:
        r = self.role(role)
        return r[0] if r else None

    @property
    def classified(self) -> bool:
        """有密级的文件不公开发布。"""
        return any(u.role == "密级" and u.text.strip() for u in self.units)


def load_lint_doc(path: Path) -> LintDoc:
    if path.is_dir():
        raise InputError(f"{path}: 是文件夹，不是文件（体检文件夹里的文件请写 文件夹/*.yaml）")
    if not path.exists():
        raise InputError(f"{path}: 找不到文件")
    if not path.is_file():
        raise InputError(f"{path}: 不是普通文件（是管道或设备），docgen 不读")
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _docx_doc(path)
    if suffix in (".yaml", ".yml"):
        return _yaml_doc(path)
    raise InputError(f"{path.name}: 只能体检公文或任务清单的 .yaml 文件和 .docx 文件")


# ------------------------------------------------------------------ YAML

NOTICE_SCALARS = {"份号": "份号", "密级": "密级", "紧急程度": "紧急程度", "发文字号": "发文字号", "标题": "标题",
                  "主送机关": "主送机关", "发文机关署名": "署名", "成文日期": "成文日期", "附注": "附注",
                  "抄送机关": "抄送", "印发机关": "印发机关", "印发日期": "印发日期", "签发人": "签发人",
                  "发文机关标志": "发文机关标志", "格式": "格式", "令号": "令号"}
EN = {"copy_no": "份号", "classification": "密级", "urgency": "紧急程度", "doc_number": "发文字号", "title": "标题",
      "recipients": "主送机关", "signature": "发文机关署名", "date": "成文日期", "note": "附注", "cc": "抄送机关",
      "printer": "印发机关", "print_date": "印发日期", "signers": "签发人", "issuer_mark": "发文机关标志",
      "body": "正文", "attachments": "附件", "enclosed": "印发文件"}


class _NoDates(yaml.SafeLoader):
    pass


_NoDates.yaml_implicit_resolvers = {k: [(t, r) for t, r in v if t != "tag:yaml.org,2002:timestamp"]
                                    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _nodes(text: str) -> yaml.Node:
    loader = _NoDates(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _scalar_units(role: str, node: yaml.Node, text: str, section: int = 0) -> list[Unit]:
    """一个标量（或标量列表）的单元；块标量按行拆开，每行带自己的行号和源区间。"""
    if isinstance(node, yaml.SequenceNode):
        out = []
        for item in node.value:
            out += _scalar_units(role, item, text, section)
        return out
    if not isinstance(node, yaml.ScalarNode):
        return []
    if node.style in ("|", ">"):
        out = []
        lines = text.splitlines(keepends=True)
        offsets = [0]
        for ln in lines:
            offsets.append(offsets[-1] + len(ln))
        first = node.start_mark.line + 1  # 块标量内容从下一行开始（0 起的行号）
        # end_mark 指向块后的下一个记号：在行首时那一行不属于本块
        last = node.end_mark.line + (1 if node.end_mark.column > 0 else 0)
        for i in range(first, min(last, len(lines))):
            raw = lines[i].rstrip("\n").rstrip("\r")
            content = raw.strip()
            if not content:
                continue
            start = offsets[i] + (len(raw) - len(raw.lstrip()))
            m = re.match(r"^(#{1,4})\s*", content)
            level = len(m.group(1)) if m else 0
            body = content[m.end():] if m else content
            out.append(Unit(role, body, str(i + 1), (start + (m.end() if m else 0), start + len(content)), level, section))
        return out
    value = node.value
    return [Unit(role, value, str(node.start_mark.line + 1), (node.start_mark.index, node.end_mark.index), 0, section)]


def _get(mapping: yaml.MappingNode, *keys: str) -> yaml.Node | None:
    for k, v in mapping.value:
        if isinstance(k, yaml.ScalarNode) and (k.value in keys or EN.get(k.value) in keys):
            return v
    return None


def _yaml_doc(path: Path) -> LintDoc:
    src = load_yaml(path)  # 语法错误在这里就以 文件:行 报出
    text = path.read_text(encoding="utf-8-sig")
    root = _nodes(text)
    data = src.data
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"{path.name}: 不是公文或任务清单 YAML（应为 要素: 内容 的映射）")
    keys = {k.value for k, _ in root.value if isinstance(k, yaml.ScalarNode)}
    keys |= {EN.get(k, k) for k in keys}
    if keys & {"发文字号", "发文机关标志"}:
        doc = LintDoc(path, "notice", data=data, text=text)
        for key, role in NOTICE_SCALARS.items():
            node = _get(root, key)
            if node is not None:
                doc.units += _scalar_units(role, node, text)
        body = _get(root, "正文")
        if body is not None:
            doc.units += _scalar_units("正文", body, text, 0)
        enc = _get(root, "印发文件")
        if isinstance(enc, yaml.MappingNode):
            for role, key in (("印发文件标题", "标题"), ("正文", "正文")):
                n = _get(enc, key)
                if n is not None:
                    doc.units += _scalar_units(role, n, text, 1)
        atts = _get(root, "附件")
        if isinstance(atts, yaml.SequenceNode):
            for i, a in enumerate(atts.value):
                if not isinstance(a, yaml.MappingNode):
                    continue
                n = _get(a, "名称")
                if n is not None:
                    doc.units += _scalar_units("附件名称", n, text, 2 + i)
                n = _get(a, "正文")
                if n is not None:
                    doc.units += _scalar_units("正文", n, text, 2 + i)
                t = _get(a, "表格")
                if isinstance(t, yaml.MappingNode):
                    rows = _get(t, "行")
                    if isinstance(rows, yaml.SequenceNode):
                        for row in rows.value:
                            doc.units += _scalar_units("单元格", row, text, 2 + i)
        return doc
    if keys & {"清单", "tree", "行", "rows"}:
        doc = LintDoc(path, "tasklist", data=data, text=text)
        n = _get(root, "标题")
        if n is not None:
            doc.units += _scalar_units("标题", n, text)
        _tasklist_units(doc, root, text)
        return doc
    raise InputError(f"{path.name}: 无法判断是公文还是任务清单（公文要有“发文字号”，任务清单要有“清单”或“行”）")


def _tasklist_units(doc: LintDoc, root: yaml.MappingNode, text: str) -> None:
    cols = None
    c = _get(root, "列")
    if isinstance(c, yaml.SequenceNode):
        cols = [x.value for x in c.value if isinstance(x, yaml.ScalarNode)]
    tree = _get(root, "清单", "tree")

    def walk(node: yaml.Node) -> None:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value in ("时限", "完成时限", "完成时间"):
                    doc.units += _scalar_units("时限", v, text)
                elif isinstance(k, yaml.ScalarNode) and k.value in ("任务", "具体任务", "内容"):
                    doc.units += _scalar_units("任务", v, text)
                elif isinstance(k, yaml.ScalarNode) and not isinstance(v, (yaml.MappingNode, yaml.SequenceNode)):
                    doc.units += _scalar_units("单元格", v, text)
                else:
                    doc.units += _scalar_units("层级", k, text)
                    walk(v)
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                walk(item)
        elif isinstance(node, yaml.ScalarNode):
            doc.units += _scalar_units("任务", node, text)

    if tree is not None:
        walk(tree)
        return
    rows = _get(root, "行", "rows")
    if isinstance(rows, yaml.SequenceNode):
        from docgen.model.tasklist import column_role

        for row in rows.value:
            if isinstance(row, yaml.SequenceNode):
                for j, cell in enumerate(row.value):
                    role = {"task": "任务", "due": "时限"}.get(column_role(cols[j]) if cols and j < len(cols) else "", "单元格")
                    doc.units += _scalar_units(role, cell, text)


# ------------------------------------------------------------------ DOCX

DATE_LINE = re.compile(r"^(\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*\S{1,3}\s*月\s*\S{1,3}\s*日$")
TITLE_END = re.compile(r"(通知|通报|意见|决定|方案|报告|请示|批复|函|纪要|规定|办法|公告|通告|命令|议案)[。.]?$")


def _docx_doc(path: Path) -> LintDoc:
    from docx import Document
    from docx.oxml.ns import qn

    from docgen.render.ooxml import is_continuation

    from docgen.load.package import check_package, open_problem

    check_package(path, "docx")
    try:
        d = Document(str(path))
    except Exception as exc:
        raise InputError(f"{path.name}: {open_problem(exc, 'docx')}") from None
    doc = LintDoc(path, "docx", docx=d)
    paras: list[tuple[int, str]] = []
    n_para = 0
    n_table = 0
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            n_para += 1
            t = "".join(x.text or "" for x in child.iter(qn("w:t"))).strip().replace("\u3000", " ").strip()
            if t and paras and is_continuation(child):
                paras[-1] = (paras[-1][0], paras[-1][1] + t)  # docgen 为排版拆开的末两行：接回上一段
            elif t:
                paras.append((n_para, t))
        elif child.tag == qn("w:tbl"):
            n_table += 1
            for r, tr in enumerate(child.iter(qn("w:tr")), start=1):
                for c, tc in enumerate(tr.iter(qn("w:tc")), start=1):
                    t = "".join(x.text or "" for x in tc.iter(qn("w:t"))).strip()
                    if t:
                        role = "抄送" if t.startswith(("抄送：", "抄送:")) else (
                            "印发机关" if re.search(r"\d{4}年\d{1,2}月\d{1,2}日\s*印发$", t) else "单元格")
                        doc.units.append(Unit(role, t, f"表格{n_table}:行{r}:列{c}"))
    # 推断角色：发文字号 → 标题（至主送机关前）→ 主送机关 → 正文 …… 附件说明、署名、成文日期、附注、抄送、印发
    state = "head"
    section = 0
    title_done = False
    for idx, t in paras:
        where = f"第{idx}段"
        role = "正文"
        if DOC_NUMBER_LIKE.match(t.replace(" ", "")) and state == "head":
            role = "发文字号"
            state = "title"
        elif t.startswith(("抄送：", "抄送:")):
            role = "抄送"
        elif re.search(r"\d{4}年\d{1,2}月\d{1,2}日\s*印发$", t):
            role = "印发机关"
        elif t.startswith(("附件：", "附件:")) and state in ("body", "title"):
            role = "附件说明"
            state = "notes"
        elif re.fullmatch(r"附件\s*\d*", t):
            role = "附件标识"
            section += 1
            state = "attach_title"
        elif DATE_LINE.match(t):
            role = "成文日期"
            state = "after_date"
        elif state == "title" and not title_done:
            if t.endswith(("：", ":")) and not TITLE_END.search(t.rstrip("：:")):
                role, state = "主送机关", "body"
            else:
                role = "标题"
                if TITLE_END.search(t):
                    title_done = True
        elif state == "title" and title_done and t.endswith(("：", ":")) and len(t) < 60:
            role, state = "主送机关", "body"
        elif state == "attach_title":
            role, state = "附件标题", "body"
        elif state == "notes" and re.match(r"^\d+[.．、]", t):
            role = "附件说明"
        elif state == "head" and t.endswith("纪要") and not t.startswith("关于"):
            role = "版头"  # 纪要的标志（“……会议纪要”，10.3）在期号之上，不是标题
        elif state == "head" and not title_done and TITLE_END.search(t):
            role, title_done, state = "标题", True, "title"
        elif state == "head":
            role = "版头"  # 份号、密级、紧急程度、发文机关标志
        elif state in ("notes", "body") and len(t) <= 30 and not re.search(r"[，。；：、]", t) and _next_is_date(paras, idx):
            role = "署名"
        elif state == "after_date" and t.startswith(("（", "(")) and t.endswith(("）", ")")):
            role = "附注"
        elif state == "after_date":
            section += 1  # 日期之后的正文（印发的文件）重新编号
            state = "body"
            role = "印发文件标题" if len(t) <= 40 and not re.search(r"[，。；]", t) else "正文"
        if role == "正文" and state == "title":
            state = "body"
        doc.units.append(Unit(role, t, where, section=section, index=idx))
    return doc


def _next_is_date(paras: list[tuple[int, str]], idx: int) -> bool:
    for i, (n, _) in enumerate(paras):
        if n == idx:
            return i + 1 < len(paras) and bool(DATE_LINE.match(paras[i + 1][1]))
    return False
