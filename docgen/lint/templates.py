"""``docgen check-templates``：对照数据模型检查模板——未声明或拼错的变量与属性、Jinja 语法错误、
Word 模板中被拆到几个文字块里的标签。每条问题都给出模板文件和行（或段落）。"""

from __future__ import annotations

import dataclasses
import re
import typing
import zipfile
from pathlib import Path

from jinja2 import TemplateSyntaxError, meta, nodes

from docgen.lint.core import Finding


# 每个 HTML 模板的上下文：变量名 → 类型（dataclass / pydantic 模型 / dict 的键集合 / None 表示不检查属性）
def html_schemas() -> dict[str, dict[str, object]]:
    from docgen.layout import PageGeometry
    from docgen.model.table import Table
    from docgen.render.context import NoticeView

    fonts = {"fs", "xbs", "ht", "kt", "st", "xbs_weight"}
    return {
        "notice.html": {"v": NoticeView, "g": PageGeometry, "f": fonts, "pageno_css": None, "seal_uri": None,
                        "seal_right_pt": None, "banji_spacer_pt": None, "banji_own_page": None, "banji_numbered": None,
                        "created": None, "seal_pt": None, "name_width_pt": None, "joint_row_gap_pt": None,
                        "letter_foot_top_mm": None, "letter_first_page_bottom_mm": None, "justify": None, "fixed_table": None},
        "tasklist.html": {"g": PageGeometry, "f": fonts, "pageno_css": None, "title": None, "title_lines": None,
                          "table": Table, "rows": None, "fixed_widths": None, "created": None},
        "_table.html": {},
        "_table.css": {"f": fonts},
    }


def _attrs(tp) -> set[str] | None:
    if tp is None:
        return None
    if isinstance(tp, set):
        return tp
    names = set(dir(tp))
    if dataclasses.is_dataclass(tp):
        names |= {f.name for f in dataclasses.fields(tp)}
    if hasattr(tp, "model_fields"):
        names |= set(tp.model_fields)
    return names


def _element_type(tp, attr: str):
    """`tp.attr` 为 list[X] 时返回 X（用于 for 循环变量）。"""
    try:
        hints = typing.get_type_hints(tp)
    except Exception:
        return None
    h = hints.get(attr)
    if h is None and isinstance(getattr(tp, attr, None), property):
        try:
            h = typing.get_type_hints(getattr(tp, attr).fget).get("return")
        except Exception:
            return None
    args = typing.get_args(h) if h is not None else ()
    if typing.get_origin(h) in (list, tuple) and args and isinstance(args[0], type):
        return args[0]
    return None


def check_html(path: Path, schema: dict[str, object]) -> list[Finding]:
    from docgen.render.env import make_env

    env = make_env(str(path.parent))
    src = path.read_text(encoding="utf-8")
    out: list[Finding] = []
    try:
        ast = env.parse(src)
    except TemplateSyntaxError as exc:
        return [Finding("TPL001", "error", path.name, f"{exc.lineno}", f"模板语法错误：{exc.message}")]
    declared = set(schema)
    macros = {m.name for m in ast.find_all(nodes.Macro)}
    imported = {n for imp in ast.find_all(nodes.FromImport) for n in (x if isinstance(x, str) else x[1] for x in imp.names)}
    for name in sorted(meta.find_undeclared_variables(ast) - declared - macros - imported):
        line = next((n.lineno for n in ast.find_all(nodes.Name) if n.name == name), 0)
        out.append(Finding("TPL002", "error", path.name, str(line), f"模板用了数据模型中没有的变量“{name}”",
                           suggestion=f"可用：{'、'.join(sorted(declared))}" if declared else ""))
    # for 循环变量的类型
    types: dict[str, object] = dict(schema)
    for loop in ast.find_all(nodes.For):
        if isinstance(loop.target, nodes.Name) and isinstance(loop.iter, nodes.Getattr) and isinstance(loop.iter.node, nodes.Name):
            owner = types.get(loop.iter.node.name)
            if isinstance(owner, type):
                el = _element_type(owner, loop.iter.attr)
                if el is not None:
                    types[loop.target.name] = el
    for ga in ast.find_all(nodes.Getattr):
        if isinstance(ga.node, nodes.Name) and ga.node.name in types:
            allowed = _attrs(types[ga.node.name])
            if allowed is not None and ga.attr not in allowed:
                import difflib

                close = difflib.get_close_matches(ga.attr, sorted(a for a in allowed if not a.startswith("_")), n=1)
                out.append(Finding("TPL003", "error", path.name, str(ga.lineno),
                                   f"“{ga.node.name}”没有属性“{ga.attr}”", f"{ga.node.name}.{ga.attr}",
                                   f"{ga.node.name}.{close[0]}" if close else ""))
    return out


TAG = re.compile(r"\{[{%#].*?[}%#]\}")


def check_docx(path: Path, declared: set[str] | None = None) -> list[Finding]:
    """Word 模板：标签被拆到多个文字块（Word 拼写检查、改格式时常见）、Jinja 语法错误、未知变量。"""
    from docx.oxml.ns import qn
    from jinja2 import Environment
    from lxml import etree

    out: list[Finding] = []
    with zipfile.ZipFile(path) as z:
        parts = [n for n in z.namelist() if re.match(r"word/(document|header\d*|footer\d*)\.xml$", n)]
        for part in parts:
            root = etree.fromstring(z.read(part))
            for i, p in enumerate(root.iter(qn("w:p")), start=1):
                runs = ["".join(t.text or "" for t in r.iter(qn("w:t"))) for r in p.iter(qn("w:r"))]
                text = "".join(runs)
                if "{" not in text:
                    continue
                where = f"{part}:第{i}段"
                whole = {m.span() for m in TAG.finditer(text)}
                pos = 0
                for r in runs:
                    for m in re.finditer(r"\{[{%#]|[}%#]\}", r):
                        a = pos + m.start()
                        if not any(s <= a < e for s, e in whole):
                            out.append(Finding("TPL004", "error", path.name, where, "标签不完整", text[:40]))
                    pos += len(r)
                for s, e in whole:
                    # 标签跨文字块：起止不在同一个 run
                    acc = 0
                    starts = []
                    for r in runs:
                        starts.append(acc)
                        acc += len(r)
                    run_of = lambda k: max(j for j, st in enumerate(starts) if st <= k)  # noqa: E731
                    if run_of(s) != run_of(e - 1):
                        out.append(Finding("TPL005", "error", path.name, where, "标签被拆到了几个文字块里（Word 会这样做），渲染时会出错",
                                           text[s:e], "在 Word 中删掉整个标签再一次性重新输入，或用 docgen 的模板生成脚本"))
    # 语法与变量：按 docxtpl 的方式把整份文档的 XML 预处理后解析（{%tr %}、{%p %} 等跨段落的标签才能成对）
    try:
        from docxtpl import DocxTemplate

        tpl = DocxTemplate(str(path))
        tpl.init_docx()
        xml = tpl.patch_xml(tpl.get_xml())
        ast = Environment().parse(xml)
    except TemplateSyntaxError as exc:
        out.append(Finding("TPL001", "error", path.name, f"word/document.xml:{exc.lineno}", f"模板语法错误：{exc.message}"))
        return out
    if declared is not None:
        for name in sorted(meta.find_undeclared_variables(ast) - declared):
            out.append(Finding("TPL002", "error", path.name, "word/document.xml", f"模板用了数据模型中没有的变量“{name}”",
                               suggestion=f"可用：{'、'.join(sorted(declared))}"))
    return out


def check_templates(root: Path) -> list[Finding]:
    """检查 templates/ 下全部 HTML 与 Word 模板。"""
    out: list[Finding] = []
    schemas = html_schemas()
    for p in sorted((root / "html").glob("*")):
        if p.suffix in (".html", ".css"):
            out += check_html(p, schemas.get(p.name, {}))
    from docgen.households.docs import DOCX_CONTEXT_KEYS

    for p in sorted((root / "docx").glob("*.docx")):
        out += check_docx(p, DOCX_CONTEXT_KEYS.get(p.name))
    typ = sorted((root / "typst").glob("*.typ"))
    if typ:
        out += check_typst(root / "typst", typ)
    return out


def check_typst(folder: Path, paths: list[Path]) -> list[Finding]:
    """Typst 模板：用各模板的示例数据试排一遍，语法错误、用错的数据字段都会报出来。"""
    import datetime as dt

    from docgen.errors import RenderError
    from docgen.fonts import FontSet
    from docgen.archive.outputs import typst_sample_contexts as archive_samples
    from docgen.households.docs import typst_sample_contexts
    from docgen.render.typst_engine import TypstForms

    day = dt.date(2020, 12, 31)
    samples = {**typst_sample_contexts(day), **archive_samples(day)}
    forms = TypstForms(folder, FontSet())
    out = []
    for p in paths:
        if p.name not in samples:
            out.append(Finding("TPL001", "error", p.name, "", f"不认识的 Typst 模板（可用：{'、'.join(sorted(samples))}）"))
            continue
        try:
            forms.render(p.name, samples[p.name], day)
        except RenderError as exc:
            out.append(Finding("TPL001", "error", p.name, "", str(exc)))
    return out
