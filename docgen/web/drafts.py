"""公文起草：表单 ↔ 命令行读的公文 YAML。

草稿就是一份公文 YAML（加上它引用的附件、印章文件），放在工作区的 drafts/编号/ 里：预览、下载 Word 与 PDF、
体检都对这份 YAML 调用命令行用的同一些函数（:func:`docgen.api.render_document`、:func:`docgen.lint.lint_paths`）。
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from docgen.errors import InputError
from docgen.util.fs import atomic_write

NOTICE = "notice.yaml"

# 表单的要素（表单字段名即 YAML 的键），按 GB/T 9704 的顺序：版头、主体、版记
TEXT_FIELDS = ("格式", "份号", "密级", "保密期限", "紧急程度", "发文字号", "令号", "期号", "标题", "主送机关", "正文",
               "成文日期", "附注", "印发机关", "印发日期")
LIST_FIELDS = ("发文机关", "签发人", "发文机关署名", "抄送机关", "出席", "请假", "列席")  # 一行一个
FORMATS = ("文件", "信函", "命令", "纪要")


def _lines(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [x.strip() for x in v.splitlines() if x.strip()]
    if not isinstance(v, (list, tuple)):
        return [str(v).strip()] if str(v).strip() else []
    return [str(x).strip() for x in v if str(x).strip()]


def clean_form(form: Any) -> dict:
    """浏览器送来的表单：只留认得的键，值只能是文字、是/否或（附件、签名章）对象的列表；别的写法说清楚。"""
    if not isinstance(form, dict):
        raise InputError("表单应为“要素: 内容”的对象")
    known = set(TEXT_FIELDS) | set(LIST_FIELDS) | {"加文件", "附件", "印章", "签名章", "印发文件"}
    out: dict[str, Any] = {}
    for k, v in form.items():
        if k not in known:
            continue
        if k == "附件":
            if not isinstance(v, list) or not all(isinstance(a, dict) for a in v):
                raise InputError("表单里的“附件”应为附件的列表")
            out[k] = [{kk: vv if isinstance(vv, bool) else ("" if vv is None else str(vv)) for kk, vv in a.items()}
                      for a in v]
        elif k == "印发文件":
            out[k] = {kk: "" if vv is None else str(vv) for kk, vv in v.items()} if isinstance(v, dict) else {}
        elif k == "签名章" and isinstance(v, list):
            out[k] = [a for a in v if isinstance(a, dict)]
        elif isinstance(v, bool) or v is None:
            out[k] = v
        elif isinstance(v, (str, int, float)):
            out[k] = str(v)
        elif isinstance(v, list):
            out[k] = [str(x) for x in v if isinstance(x, (str, int, float))]
        else:
            raise InputError(f"表单里的“{k}”写法不对")
    return out


def _str(v: Any) -> str:
    return "" if v is None else str(v).strip()


class _Dumper(yaml.SafeDumper):
    pass


def _str_rep(dumper, s: str):
    style = "|" if "\n" in s else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", s, style=style)


_Dumper.add_representer(str, _str_rep)


def parse_tsv(text: str) -> dict | None:
    """从 Excel 复制来的表格（制表符分隔，第一行为列名）→ {列, 行}。"""
    rows = [ln.split("\t") for ln in text.replace("\r\n", "\n").split("\n") if ln.strip()]
    if not rows:
        return None
    cols = [c.strip() for c in rows[0]]
    body = [[c.strip() for c in r] + [""] * (len(cols) - len(r)) for r in rows[1:]]
    return {"列": cols, "行": [r[: len(cols)] for r in body]}


def form_to_notice(form: dict, files: set[str]) -> dict:
    """表单 → 公文 YAML 的内容（空的要素不写）。`files`：草稿文件夹里已有的文件名（附件、印章只能引用它们）。"""
    out: dict[str, Any] = {}
    fmt = _str(form.get("格式")) or "文件"
    if fmt != "文件":
        out["格式"] = fmt
    for k in ("份号", "密级", "保密期限", "紧急程度"):
        if _str(form.get(k)):
            out[k] = _str(form.get(k))
    organs = _lines(form.get("发文机关"))
    if not organs:  # 没填时也写上这个键：让校验指出“发文机关标志”没填，而不是说认不出是什么文书
        out["发文机关标志"] = ""
    else:
        wenjian = bool(form.get("加文件"))
        out["发文机关标志"] = organs[0] + ("文件" if wenjian else "") if len(organs) == 1 else \
            {"机关": organs, "文件": wenjian}
    for k in ("发文字号", "令号", "期号"):
        if _str(form.get(k)):
            out[k] = _str(form.get(k))
    if _lines(form.get("签发人")):
        out["签发人"] = _lines(form.get("签发人"))
    for k in ("标题", "主送机关"):
        if _str(form.get(k)):
            out[k] = _str(form.get(k))
    for k in ("出席", "请假", "列席"):
        if _lines(form.get(k)):
            out[k] = _lines(form.get(k))
    body = (form.get("正文") or "").replace("\r\n", "\n").strip("\n")
    out["正文"] = body + "\n" if body else ""
    atts = []
    for a in form.get("附件") or []:
        name = _str(a.get("名称"))
        kind = a.get("类型") or "正文"
        item: dict[str, Any] = {"名称": name}
        if kind in ("文件", "图片") and _str(a.get("文件")) in files:
            item[kind] = _str(a.get("文件"))
        elif kind == "表格":
            t = parse_tsv(a.get("表格") or "")
            if t:
                item["表格"] = t
        elif _str(a.get("正文")):
            item["正文"] = (a.get("正文") or "").replace("\r\n", "\n").strip("\n") + "\n"
        if a.get("横排") in (True, False):
            item["横排"] = a["横排"]
        if name or len(item) > 1:
            atts.append(item)
    if atts:
        out["附件"] = atts
    signature = _lines(form.get("发文机关署名"))
    if signature:
        out["发文机关署名"] = signature[0] if len(signature) == 1 else signature
    if _str(form.get("成文日期")):
        out["成文日期"] = _str(form.get("成文日期"))
    seals = [s for s in _lines(form.get("印章")) if s in files]
    if seals:
        out["印章"] = seals[0] if len(seals) == 1 else seals
    raw = form.get("签名章") or []
    if isinstance(raw, str):  # 表单里一行一个：“职务 图片文件名”
        raw = [dict(zip(("职务", "图片"), ln.rsplit(None, 1))) if len(ln.split()) > 1 else {"职务": ln}
               for ln in _lines(raw)]
    stamps = [{"职务": _str(s.get("职务")), "图片": _str(s.get("图片"))} for s in raw
              if _str(s.get("职务")) or _str(s.get("图片")) in files]
    if stamps:
        out["签名章"] = stamps
    if _str(form.get("附注")):
        out["附注"] = _str(form.get("附注"))
    enc = form.get("印发文件") or {}
    if _str(enc.get("标题")) or _str(enc.get("正文")):
        out["印发文件"] = {"标题": _str(enc.get("标题")),
                        "正文": (enc.get("正文") or "").replace("\r\n", "\n").strip("\n") + "\n"}
    if _lines(form.get("抄送机关")):
        out["抄送机关"] = [x for ln in _lines(form.get("抄送机关")) for x in re.split(r"[，,]", ln) if x.strip()]
    for k in ("印发机关", "印发日期"):
        if _str(form.get(k)):
            out[k] = _str(form.get(k))
    return out


def notice_to_form(data: dict) -> dict:
    """公文 YAML 的内容 → 表单（打开已有的 YAML 接着改）。认不出的键报出来，不悄悄丢掉。"""
    if not isinstance(data, dict):
        raise InputError("这不是公文 YAML：应为“要素: 内容”的映射")
    known = {"格式", "份号", "密级", "保密期限", "紧急程度", "发文机关标志", "发文字号", "令号", "期号", "签发人", "标题",
             "主送机关", "正文", "附件", "出席", "请假", "列席", "发文机关署名", "成文日期", "印章", "签名章", "附注",
             "印发文件", "抄送机关", "印发机关", "印发日期"}
    unknown = [str(k) for k in data if str(k) not in known]
    if unknown:
        raise InputError(f"有表单里没有的要素：{'、'.join(unknown)}（工作台只认中文要素名；英文键的 YAML 请用命令行）")

    def text(v):
        if isinstance(v, list):
            return "".join(map(str, v))
        return "" if v is None else str(v)

    def lines(v):
        return "\n".join(_lines([v] if isinstance(v, str) else v))

    form: dict[str, Any] = {k: text(data.get(k)) for k in TEXT_FIELDS if k not in ("格式", "正文")}
    form["格式"] = text(data.get("格式")) or "文件"
    form["正文"] = text(data.get("正文")).rstrip("\n")
    mark = data.get("发文机关标志")
    if isinstance(mark, str):
        form["加文件"] = mark.endswith("文件") and len(mark) > 2
        form["发文机关"] = mark[:-2] if form["加文件"] else mark
    elif isinstance(mark, dict):
        form["发文机关"], form["加文件"] = lines(mark.get("机关")), bool(mark.get("文件"))
    elif isinstance(mark, list):
        form["发文机关"], form["加文件"] = lines(mark), False
    for k in LIST_FIELDS:
        if k != "发文机关":
            form[k] = lines(data.get(k))
    form["附件"] = []
    for a in data.get("附件") or []:
        if not isinstance(a, dict):
            continue
        item = {"名称": text(a.get("名称")), "类型": "正文", "正文": "", "表格": "", "文件": ""}
        if "文件" in a or "图片" in a:
            kind = "文件" if "文件" in a else "图片"
            item["类型"], item["文件"] = kind, Path(text(a[kind])).name
        elif "表格" in a and isinstance(a["表格"], dict):
            t = a["表格"]
            item["类型"] = "表格"
            item["表格"] = "\n".join("\t".join(map(text, r)) for r in [t.get("列") or []] + list(t.get("行") or []))
        else:
            item["正文"] = text(a.get("正文")).rstrip("\n")
        if isinstance(a.get("横排"), bool):
            item["横排"] = a["横排"]
        form["附件"].append(item)
    seal = data.get("印章")
    form["印章"] = "\n".join(Path(text(s)).name for s in ([seal] if isinstance(seal, str) else seal or []))
    form["签名章"] = "\n".join(f"{text(s.get('职务'))} {Path(text(s.get('图片'))).name}"
                              for s in data.get("签名章") or [] if isinstance(s, dict))
    enc = data.get("印发文件") or {}
    form["印发文件"] = {"标题": text(enc.get("标题")), "正文": text(enc.get("正文")).rstrip("\n")} if isinstance(enc, dict) \
        else {"标题": "", "正文": ""}
    return form


def write_notice(folder: Path, form: dict) -> Path:
    """把表单写成草稿文件夹里的 notice.yaml（命令行能直接读、能直接 docgen render 的那一份）。"""
    files = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".") and p.name != NOTICE}
    data = form_to_notice(form, files)
    text = "# docgen 工作台写出的公文草稿；docgen render notice.yaml -o 通知.pdf 得到同样的文件\n" + \
        yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000)
    path = folder / NOTICE
    atomic_write(path, text.encode("utf-8"), durable=False)
    return path


# 表单字段 ← YAML 键：体检结果与输入错误指回表单上的哪一格
FIELD_OF_KEY = {"发文机关标志": "发文机关", "印发文件": "印发文件.正文"}


def field_of(keypath: tuple) -> str:
    """YAML 键路径 → 表单字段 id（如 ("附件", 0, "名称") → "附件.0.名称"）。"""
    if not keypath:
        return ""
    top = str(keypath[0])
    if top == "附件" and len(keypath) > 1:
        return "附件." + ".".join(str(k) for k in keypath[1:3])
    if top == "印发文件" and len(keypath) > 1:
        return f"印发文件.{keypath[1]}"
    return FIELD_OF_KEY.get(top, top)


def line_fields(path: Path) -> dict[int, str]:
    """notice.yaml 的行号 → 表单字段（一个要素占几行时各行都归它）。"""
    from docgen.load.yamlsrc import load_yaml

    src = load_yaml(path)
    starts = sorted((line, kp) for kp, line in src.lines.items() if kp)
    total = len(path.read_text("utf-8").splitlines())
    out: dict[int, str] = {}
    for (line, kp), nxt in zip(starts, [*starts[1:], (total + 1, ())]):
        for n in range(line, max(line + 1, nxt[0])):
            out[n] = field_of(kp)
    return out


def outline(body: str) -> list[dict]:
    """正文里的各级标题及文件中的序号（编辑器旁边按文件的编号显示）。"""
    from docgen.model.body import parse_body

    try:
        blocks = parse_body(body or "")
    except ValueError as exc:
        return [{"line": 0, "level": 0, "text": str(exc)}]
    return [{"line": b.line, "level": b.level, "text": b.heading} for b in blocks if b.level]


FORM_IDS = set(TEXT_FIELDS) | set(LIST_FIELDS) | {"印章", "签名章", "印发文件.标题", "印发文件.正文"}


def field_target(field_name: str, row: int | None, lines: dict[int, str]) -> str:
    """输入错误的位置（要素名，如“附件[1].名称”，或 YAML 行号）→ 表单字段 id。要素名认得时按要素名，否则按行号。"""
    import re as _re

    name = (field_name or "").strip()
    m = _re.match(r"^附件\[(\d+)\](?:\.(\S+))?", name)
    if m:
        return f"附件.{int(m.group(1)) - 1}" + (f".{m.group(2)}" if m.group(2) else "")
    m = _re.match(r"^印发文件\.(标题|正文)", name)
    if m:
        return f"印发文件.{m.group(1)}"
    top = _re.split(r"[.\[]", name, maxsplit=1)[0]
    top = FIELD_OF_KEY.get(top, top)
    if top in FORM_IDS:
        return top
    return lines.get(row or 0, "")
