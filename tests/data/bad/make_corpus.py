"""生成坏输入语料（tests/data/bad/）：每一类坏输入一个文件夹，cases.yaml 列出每个文件用哪条命令、应得到的提示。

    .venv/bin/python tests/data/bad/make_corpus.py

生成的文件提交在仓库里（tests/test_bad_inputs.py 读它们）；改了这里重新运行一次即可。命令里 {out} 是测试的
输出位置（测试结束时那里必须什么都没有），路径相对于该类的文件夹（测试把它复制到临时目录、在其中运行）。
"""

from __future__ import annotations

import io
import shutil
import sys
import zipfile
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import MINIMAL as NOTICE  # noqa: E402  与其他测试同一份最小公文

CASES: list[dict] = []


def case(cls: str, name: str, content: bytes | str | None, args: list[str], expect: str, where: str = "") -> None:
    """登记一个坏输入：写出文件（content 为 None 时文件已另行写好）与它的命令、期望提示。"""
    d = HERE / cls
    d.mkdir(parents=True, exist_ok=True)
    if content is not None:
        data = content.encode("utf-8") if isinstance(content, str) else content
        (d / name).write_bytes(data)
    CASES.append({"类": cls, "文件": name, "命令": args, "期望": expect, "位置": where})


def render(cls, name, content, expect, where="", fmt="html"):
    case(cls, name, content, ["render", name, "-o", "{out}." + fmt], expect, where)


def with_field(key: str, value: str) -> str:
    """NOTICE 里把 key 的值换成 value（没有该键时加在末尾）。"""
    lines = NOTICE.splitlines()
    out, done = [], False
    for ln in lines:
        if ln.startswith(key + ":"):
            out.append(f"{key}: {value}")
            done = True
        else:
            out.append(ln)
    if not done:
        out.append(f"{key}: {value}")
    return "\n".join(out) + "\n"


def markup():
    """数据当成标记：rich 的 [/]、[i]，Jinja 的 {{ }}、{% %}，格式串 {0}、%s——提示里原样引用，不解释。"""
    vals = {
        "date_close": ("成文日期", "'2020-13-40[/]'", "2020-13-40[/]"),
        "date_italic": ("成文日期", "'[i]2020年'", "[i]2020年"),
        "date_jinja": ("成文日期", "'{{ 7*7 }}'", "{{ 7*7 }}"),
        "date_block": ("成文日期", "'{% for x in y %}'", "{% for x in y %}"),
        "date_format": ("成文日期", "'{0}{1}'", "{0}{1}"),
        "date_percent": ("成文日期", "'%s%d'", "%s%d"),
        "secret_bold": ("密级", "'[bold red]绝密'", "[bold red]绝密"),
        "urgency_link": ("紧急程度", "'[link=http://x]特急[/link]'", "[link=http://x]特急[/link]"),
        "copy_markup": ("份号", "'[/]12'", "[/]12"),
        "format_markup": ("格式", "'[b]信函'", "[b]信函"),
        "date_backslash": ("成文日期", "'\\[/]'", "\\[/]"),
        "secret_regex": ("密级", "'(.*)+$'", "(.*)+$"),
    }
    for name, (key, raw, shown) in vals.items():
        render("markup", f"{name}.yaml", with_field(key, raw), shown, f"{name}.yaml:")
    render("markup", "unknown_key_markup.yaml", NOTICE + "'[bold]颜色[/]': 红\n", "[bold]颜色[/]", "unknown_key_markup.yaml:11")


def control():
    """控制字符：原文里的、双引号转义出来的。"""
    raw = {"nul": "\x00", "bel": "\x07", "esc": "\x1b", "del": "\x7f", "c1": "\x85\x9b", "vt": "\x0b", "ff": "\x0c",
           "backspace": "\x08"}
    for name, ch in raw.items():
        if name == "c1":
            text = NOTICE.replace("各镇人民政府", "各镇\x9b人民政府")
        else:
            text = NOTICE.replace("各镇人民政府", f"各镇{ch}人民政府")
        render("control", f"raw_{name}.yaml", text, "控制字符", f"raw_{name}.yaml:4")
    for name, esc in {"esc": "\\e", "bel": "\\a", "nul": "\\0", "x07": "\\x07", "u001b": "\\u001b"}.items():
        render("control", f"quoted_{name}.yaml", with_field("标题", f'"关于{esc}做好工作的通知"'), "控制字符",
               f"quoted_{name}.yaml:3:标题")
    render("control", "in_key.yaml", NOTICE + '"颜\\x01色": 红\n', "控制字符", "in_key.yaml:11")
    render("control", "in_list.yaml", NOTICE + '抄送机关: [县财政局, "县\\x07民政局"]\n', "控制字符", "in_list.yaml:11")


def aliases():
    """YAML 锚点与别名：自引用、十亿笑、合并键。"""
    render("alias", "simple.yaml", NOTICE + "甲: &a 县财政局\n抄送机关: [*a]\n", "锚点与别名", "simple.yaml:12")
    render("alias", "cycle.yaml", NOTICE + "抄送机关: &c [县财政局, *c]\n", "锚点与别名", "cycle.yaml:11")
    bomb = "".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]\n" for i in range(1, 9))
    render("alias", "laughs.yaml", "l0: &l0 [哈]\n" + bomb + NOTICE, "锚点与别名", "laughs.yaml:2")
    render("alias", "merge.yaml", "基础: &b {发文机关署名: 某某县住房和城乡建设局}\n" + NOTICE + "<<: *b\n",
           "锚点与别名", "merge.yaml:12")
    render("alias", "undefined.yaml", NOTICE + "抄送机关: [*nothere]\n", "锚点与别名", "undefined.yaml:11")


def yaml_syntax():
    """YAML 语法错误：提示全是中文（PyYAML 的英文原话不给用户看）。"""
    bad = {
        "colon_in_value": (with_field("附注", "联系人: 王五"), "冒号"),
        "tab_indent": (NOTICE.replace("  为做好", "\t为做好"), "制表符"),
        "open_bracket": (NOTICE + "抄送机关: [县财政局, 县民政局\n", "方括号"),
        "open_brace": (NOTICE + "附件: {名称: 甲\n", "花括号"),
        "open_quote": (with_field("标题", "'关于做好工作的通知"), "引号"),
        "bad_escape": (with_field("附注", '"C:\\new\\path"'), "反斜杠"),
        "bad_indent": (NOTICE + "附件:\n  - 名称: 甲\n   文件: x.docx\n", "缩进"),
        "mixed_list": (NOTICE + "- 多出来的列表项\n", "缩进"),
        "at_sign": (with_field("附注", "@王五"), "@"),
        "backtick": (with_field("附注", "`王五`"), "@ 或 `"),
        "extra_brace": ("{发文字号: 甲}}\n", "多出了"),
        "dup_anchor": (NOTICE + "甲: &a 1\n乙: &a 2\n", "锚点与别名"),
    }
    for name, (text, expect) in bad.items():
        render("yaml_syntax", f"{name}.yaml", text, expect, f"{name}.yaml:")
    render("yaml_syntax", "not_utf8.yaml", NOTICE.encode("gbk"), "UTF-8", "not_utf8.yaml")
    render("yaml_syntax", "empty.yaml", "", "文件是空的", "empty.yaml")
    render("yaml_syntax", "list_top.yaml", "- 甲\n- 乙\n", "无法判断文书种类", "list_top.yaml")


def _xlsx_parts(src: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(src) as z:
        return {n: z.read(n) for n in z.namelist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for n, b in parts.items():
            z.writestr(n, b)
    return buf.getvalue()


def _doctype(xml: bytes, decl: bytes) -> bytes:
    head, sep, rest = xml.partition(b"?>")
    return head + sep + decl + rest if sep else decl + xml


def xlsx_broken():
    """坏的 .xlsx：截断的工作表 XML、截断的 zip、加密、旧格式、改了扩展名的文件。"""
    from docgen.render.tasklist import render_tasklist_xlsx
    from docgen.load.tasklist import load_tasklist

    hh = _xlsx_parts(ROOT / "samples" / "households" / "户籍导出.xlsx")
    tl = _xlsx_parts_bytes(render_tasklist_xlsx(load_tasklist(ROOT / "samples" / "tongwang-2020-108" / "tasklist.yaml")))
    for label, parts, cmd in (("户籍", hh, "check"), ("清单", tl, "import")):
        def reg(name: str, blob: bytes, expect: str) -> None:
            args = ["check", name] if cmd == "check" else ["import", name, "-o", "{out}.yaml"]
            case("xlsx_broken", name, blob, args, expect, name)
        sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        cut = dict(parts)
        cut[sheet] = parts[sheet][: len(parts[sheet]) // 2]
        reg(f"{label}_sheet_truncated.xlsx", _zip(cut), "损坏或不完整")
        if "xl/sharedStrings.xml" in parts:
            cut = dict(parts)
            cut["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"][:200]
            reg(f"{label}_strings_truncated.xlsx", _zip(cut), "损坏")
        full = _zip(parts)
        reg(f"{label}_zip_truncated.xlsx", full[: len(full) // 2], "损坏")
        no_wb = {k: v for k, v in parts.items() if k != "xl/workbook.xml"}
        reg(f"{label}_no_workbook.xlsx", _zip(no_wb), "缺少 xl/workbook.xml")
        reg(f"{label}_text.xlsx", "这不是 Excel 文件".encode(), "不是有效的")
        reg(f"{label}_xls.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024, "旧版")
        reg(f"{label}_encrypted.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64
            + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512, "密码")
        reg(f"{label}_ods.xlsx", _zip({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                                       "content.xml": b"<x/>"}), ".ods")


def _xlsx_parts_bytes(blob: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        return {n: z.read(n) for n in z.namelist()}


def xlsx_entities():
    """含 XML 实体声明的 .xlsx：内部实体、十亿笑、外部实体（读本机文件）——一律拒绝，不解析。"""
    from docgen.load.tasklist import load_tasklist
    from docgen.render.tasklist import render_tasklist_xlsx

    hh = _xlsx_parts(ROOT / "samples" / "households" / "户籍导出.xlsx")
    tl = _xlsx_parts_bytes(render_tasklist_xlsx(load_tasklist(ROOT / "samples" / "tongwang-2020-108" / "tasklist.yaml")))
    decls = {
        "internal": b'<!DOCTYPE x [<!ENTITY e "\xe5\x86\x85\xe9\x83\xa8">]>',
        "laughs": b'<!DOCTYPE x [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        "external": b'<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>',
    }
    for label, parts, cmd in (("户籍", hh, "check"), ("清单", tl, "import")):
        for target in ("xl/sharedStrings.xml", "xl/workbook.xml", "[Content_Types].xml"):
            if target not in parts:
                continue
            for dname, decl in decls.items():
                if target != "xl/sharedStrings.xml" and dname != "internal":
                    continue
                p = dict(parts)
                p[target] = _doctype(parts[target], decl)
                tag = target.split("/")[-1].split(".")[0].strip("[]")
                name = f"{label}_{tag}_{dname}.xlsx"
                args = ["check", name] if cmd == "check" else ["import", name, "-o", "{out}.yaml"]
                case("xlsx_entity", name, _zip(p), args, "实体声明", name)
        sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
        p = dict(parts)
        p[sheet] = _doctype(parts[sheet], decls["internal"])
        name = f"{label}_sheet_internal.xlsx"
        args = ["check", name] if cmd == "check" else ["import", name, "-o", "{out}.yaml"]
        case("xlsx_entity", name, _zip(p), args, "实体声明", name)


def schemes():
    """整理方案：坏的正则、没有命名组、文字字段写了数字格式、大括号不成对、嵌套与转换、不认识的字段、撞号。"""
    base = (ROOT / "archive_schema" / "default.yaml").read_text(encoding="utf-8")
    naming = '命名:\n  户文件: "(?P<户编号>\\\\d{16})"\n  最长: 120\n'
    assert naming in base, "default.yaml 的“命名”一节变了，请改这里"
    base = base.replace(naming, "")
    d = HERE / "scheme"
    (d / "src").mkdir(parents=True, exist_ok=True)
    (d / "src" / "说明.txt").write_text("空的来源文件夹：方案有误时应在读来源之前就报错\n", encoding="utf-8")
    piece = '  件: "{全宗号}-{门类}·{年度}-{期限}-{机构}{村码}-{件号:04d}"'
    assert piece in base

    def scheme(name: str, text: str, expect: str, key: str):
        case("scheme", name, text, ["archive", "build", "src", "--profile", name, "--year", "2020", "-o", "{out}"],
             expect, f"{name}:{key}" if key else name)

    for i, rx in enumerate(["(?P<户编号>\\d{16}", "(?P<户编号>[0-9{16})", "*(?P<户编号>\\d+)", "(?P<户编号>\\d{3,1})",
                            "(?P<户编号\\d+)", "(?P<户编号>\\d+))", "(?<户编号>\\d+)", "\\"]):
        scheme(f"regex_{i + 1}.yaml", base + f"命名:\n  户文件: '{rx}'\n", "正则表达式有误", "")
    for i, rx in enumerate(["(\\d{16})", "\\d{16}", "(?P<编号>\\d{16})"]):
        scheme(f"nogroup_{i + 1}.yaml", base + f"命名:\n  户文件: '{rx}'\n", "命名组", "")
    bad_pieces = {
        "text_spec_1": ("{村码:04d}", "文字字段"), "text_spec_2": ("{机构:>10}", "文字字段"),
        "text_spec_3": ("{全宗号:x}", "文字字段"), "brace_1": ("{村代码", "不成对"), "brace_2": ("{件号:04d}}", "右大括号"),
        "brace_3": ("{{件号}", "右大括号"), "brace_4": ("}{件号:04d}", "右大括号"), "nested": ("{件号:>{9}}", "套大括号"),
        "conversion": ("{件号!r}", "!r"), "huge_width": ("{件号:999999999d}", "不认识"), "positional": ("{}", "字段名"),
        "index": ("{0}", "字段名"), "unknown": ("{门号}", "不认识的字段"), "attr": ("{件号.real}", "不认识的字段"),
        "twice": ("{件号:04d}{件号:04d}", "写了两次"),
    }
    for name, (frag, expect) in bad_pieces.items():
        text = base.replace(piece, f'  件: "{{全宗号}}-{{门类}}·{{年度}}-{{期限}}-{{机构}}-{frag}"')
        scheme(f"{name}.yaml", text, expect, "11:档号.件")
    collide = base.replace(piece, '  件: "{全宗号}-{门类}·{年度}-{件号:04d}"')
    scheme("collide_1.yaml", collide, "", "11:档号.件")
    CASES[-1]["期望"] = "档号"
    scheme("not_mapping.yaml", "- 甲\n- 乙\n", "映射", "")
    scheme("unknown_key.yaml", base + "颜色: 红\n", "不认识的键", "")


def notices():
    """公文 YAML 的其他坏写法：格式、标题层级、份号、印章不是图片、缺要素、未知要素。"""
    render("notice", "format_wrong.yaml", with_field("格式", "便函"), "应为 文件、信函、命令、纪要 之一", "format_wrong.yaml:11:格式")
    render("notice", "level5.yaml", NOTICE.replace("  年底前完成", "  ##### 五层标题\n  年底前完成"), "最多四层", "level5.yaml:5:正文")
    render("notice", "copy_long.yaml", with_field("份号", "12345678"), "8 位", "copy_long.yaml:11:份号")
    render("notice", "copy_short.yaml", with_field("份号", "123"), "\"000123\"", "copy_short.yaml:11:份号")
    render("notice", "copy_float.yaml", with_field("份号", "1.5"), "6 位", "copy_long")
    CASES[-1]["位置"] = "copy_float.yaml:11:份号"
    render("notice", "copy_bool.yaml", with_field("份号", "true"), "6 位", "copy_bool.yaml:11:份号")
    (HERE / "notice").mkdir(parents=True, exist_ok=True)
    (HERE / "notice" / "seal.png").write_text("这不是图片", encoding="utf-8")
    (HERE / "notice" / "seal.jpg").write_bytes(b"\xff\xd8\xff" + b"\0" * 10)
    render("notice", "seal_text.yaml", NOTICE + "印章: seal.png\n", "图片", "seal_text.yaml:11:印章", fmt="pdf")
    render("notice", "seal_jpeg_broken.yaml", NOTICE + "印章: seal.jpg\n", "图片", "seal_jpeg_broken.yaml:11:印章", fmt="pdf")
    render("notice", "missing_title.yaml", NOTICE.replace("标题: 关于做好农村危房改造工作的通知\n", ""), "缺少", "missing_title.yaml")
    render("notice", "unknown_key.yaml", NOTICE + "颜色: 红\n", "未知的要素", "unknown_key.yaml:11:颜色")
    render("notice", "numeric_key.yaml", NOTICE + "123: x\n", "要素名应为文字", "numeric_key.yaml:11:123")
    render("notice", "date_bad.yaml", with_field("成文日期", "2020-02-30"), "日期", "date_bad.yaml:10:成文日期")
    render("notice", "body_list.yaml", NOTICE.replace("正文: |", "正文:\n  - 甲\n  - 乙\n原正文: |"), "正文", "body_list.yaml")


def tasklists():
    """任务清单：标题合并单元格盖住表头、空 Word 表格、只有表头。"""
    import openpyxl
    from docx import Document

    d = HERE / "tasklist"
    d.mkdir(parents=True, exist_ok=True)
    header = ["层级一", "层级二", "层级三", "具体任务", "责任单位", "完成时限"]
    for name, merge in (("title_over_header.xlsx", "A1:F2"), ("title_over_three.xlsx", "A1:F3")):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "任务清单"
        ws["A1"] = "某某县百日冲刺行动任务清单"
        rows = int(merge[-1])
        for c, h in enumerate(header, 1):
            ws.cell(rows, c, h)
        ws.cell(rows + 1, 1, "排查")
        ws.cell(rows + 1, 4, "完成排查")
        ws.merge_cells(merge)
        wb.save(d / name)
        case("tasklist", name, None, ["import", name, "-o", "{out}.yaml"], "盖住了表头", f"{name}:任务清单:{rows}")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws["A1"] = "标题"
    for c, h in enumerate(header, 1):
        ws.cell(2, c, h if c > 1 else None)
    ws.cell(3, 4, "完成排查")
    ws.merge_cells("A1:A2")
    wb.save(d / "title_partial.xlsx")
    case("tasklist", "title_partial.xlsx", None, ["import", "title_partial.xlsx", "-o", "{out}.yaml"], "盖住了",
         "title_partial.xlsx:任务清单:2:A")
    for name, shape in (("empty_0x0.docx", (0, 0)), ("empty_3x6.docx", (3, 6)), ("header_only.docx", None)):
        doc = Document()
        if shape is None:
            t = doc.add_table(rows=1, cols=6)
            for c, h in enumerate(header):
                t.cell(0, c).text = h
        elif shape == (0, 0):
            doc.add_table(rows=0, cols=0)
        else:
            doc.add_table(rows=shape[0], cols=shape[1])
        doc.save(d / name)
    case("tasklist", "empty_0x0.docx", None, ["import", "empty_0x0.docx", "-o", "{out}.yaml"], "没有找到", "empty_0x0.docx")
    case("tasklist", "header_only.docx", None, ["import", "header_only.docx", "-o", "{out}.yaml"], "没有任务行",
         "header_only.docx")
    for name in ("empty_0x0.docx", "empty_3x6.docx"):
        y = f"attach_{name.split('.')[0]}.yaml"
        render("tasklist", y, NOTICE + f"附件:\n  - 名称: 任务清单\n    文件: {name}\n", "是空的", f"{y}:13:附件[1].文件")
    render("tasklist", "attach_text.yaml", NOTICE + "附件:\n  - 名称: 任务清单\n    文件: title_partial.xlsx.txt\n",
           "找不到", "attach_text.yaml:13:附件[1].文件")


def projects():
    """批处理项目文件：列表、未知键、类型不对、缺的数据与模板、格式、方案——全部问题一次报出，什么都不留下。"""
    d = HERE / "project"
    data = d / "数据"
    if data.exists():
        shutil.rmtree(data)
    shutil.copytree(ROOT / "samples" / "households", data)
    (d / "空模板").mkdir(parents=True, exist_ok=True)
    (d / "空模板" / "说明.txt").write_text("故意是空的：缺模板\n", encoding="utf-8")

    def proj(name, text, expect, where=""):
        case("project", name, text, ["batch", name, "--period", "2020-12"], expect, where or name)

    proj("list.yaml", "- 数据\n- 输出目录\n", "映射", "list.yaml:1")
    proj("scalar.yaml", "数据\n", "映射", "scalar.yaml:1")
    proj("unknown_key.yaml", "数据: 数据\n输出目录: 输出\n颜色: 红\n", "未知的项目设置", "unknown_key.yaml:3:颜色")
    proj("data_missing.yaml", "数据: [数据, 没有这个.xlsx]\n输出目录: 输出\n", "找不到", "data_missing.yaml:1:数据")
    proj("data_number.yaml", "数据: 5\n输出目录: 输出\n", "文件或文件夹", "data_number.yaml:1:数据")
    proj("format_wrong.yaml", "数据: 数据\n输出目录: 输出\n格式: [docx, odt]\n", "odt", "format_wrong.yaml:3:格式")
    proj("templates_missing.yaml", "数据: 数据\n输出目录: 输出\n模板目录: 没有\n", "不存在", "templates_missing.yaml:3:模板目录")
    proj("templates_empty.yaml", "数据: 数据\n输出目录: 输出\n模板目录: 空模板\n", "缺少", "templates_empty.yaml:3:模板目录")
    proj("config_missing.yaml", "数据: 数据\n输出目录: 输出\n配置: 没有.yml\n", "不存在", "config_missing.yaml:3:配置")
    proj("scheme_unknown.yaml", "数据: 数据\n输出目录: 输出\n档案方案: 没有\n", "整理方案", "scheme_unknown.yaml:3:档案方案")
    proj("output_list.yaml", "数据: 数据\n输出目录: [甲, 乙]\n", "名称", "output_list.yaml:2:输出目录")
    proj("all_at_once.yaml", "数据: [没有1.xlsx]\n输出目录: 输出\n格式: [html]\n模板目录: 没有\n颜色: 红\n", "4 处问题",
         "all_at_once.yaml")


def configs():
    """docgen.yml：未知键、列表、类型不对（在各自的文件夹里，作为当前目录的 docgen.yml 读）。"""
    for name, text, expect, where in (
            ("unknown", "贫困线倍数: 2\n", "未知的设置", "docgen.yml:1:贫困线倍数"),
            ("list", "- 贫困线\n", "映射", "docgen.yml:1"),
            ("nested_unknown", "公示:\n  颜色: 红\n", "未知的设置", "docgen.yml:2:颜色"),
            ("line_type", "贫困线: 4000\n", "映射", "docgen.yml:1:贫困线"),
            ("date_bad", "基准日期: 2020-13-01\n", "日期", "docgen.yml:1:基准日期")):
        d = HERE / "config" / name
        d.mkdir(parents=True, exist_ok=True)
        (d / "docgen.yml").write_text(text, encoding="utf-8")
        case("config", f"{name}/docgen.yml", None, ["check", "../../project/数据", "--period", "2020-12"], expect, where)
        CASES[-1]["目录"] = name


def lint_json():
    """lint --format json：读不了的文件也给 JSON。"""
    d = HERE / "lint"
    (d / "dir.yaml").mkdir(parents=True, exist_ok=True)
    (d / "dir.yaml" / "说明.txt").write_text("这是文件夹\n", encoding="utf-8")
    case("lint", "dir.yaml", None, ["lint", "--format", "json", "dir.yaml"], "文件夹", "dir.yaml")
    case("lint", "binary.yaml", b"\x89PNG\r\n\x1a\n\xff\xfe\x00", ["lint", "--format", "json", "binary.yaml"], "UTF-8",
         "binary.yaml")
    case("lint", "random.docx", b"PK\x03\x04garbage", ["lint", "--format", "json", "random.docx"], "Word", "random.docx")
    case("lint", "wrong_ext.docx", _zip({"a.txt": b"x"}), ["lint", "--format", "json", "wrong_ext.docx"], "word/document.xml",
         "wrong_ext.docx")
    case("lint", "entity.docx", _zip({"word/document.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "y">]><w/>',
                                      "[Content_Types].xml": b"<Types/>"}),
         ["lint", "--format", "json", "entity.docx"], "实体声明", "entity.docx")


def second_round():
    """第二轮（新手试出来的邻居）：没存计算结果的公式、导出表里的控制字符、YAML 标签与过深的嵌套、
    像素过多与 Word 读不了的图片、附件文本里的控制字符、任务清单表头右边的内容与两张清单表、命令行的期别与输出位置。"""
    import openpyxl
    from PIL import Image

    hh = _xlsx_parts(ROOT / "samples" / "households" / "户籍导出.xlsx")
    sheet = "xl/worksheets/sheet2.xml" if "xl/worksheets/sheet2.xml" in hh else next(n for n in hh if "worksheets/sheet" in n)
    p = dict(hh)
    xml = p[sheet].decode()
    i = xml.index('<c r="D2"')
    j = xml.index("</c>", i) + 4
    p[sheet] = (xml[:i] + '<c r="D2"><f>6000*2</f></c>' + xml[j:]).encode()
    case("more", "formula_uncomputed.xlsx", _zip(p), ["check", "formula_uncomputed.xlsx"], "没有保存计算结果",
         "formula_uncomputed.xlsx:")
    d = HERE / "more"
    for name, ch in (("csv_esc", "\x1b[31m"), ("csv_nul", "\x00"), ("csv_vt", "\x0b")):
        (d / name).mkdir(parents=True, exist_ok=True)
        text = "户编号,户主姓名,姓名,证件号码,与户主关系,村\n6102021002010000,唐凤伟,唐凤伟" + ch + ",610202196904072061,户主,示例甲村\n"
        (d / name / "成员信息.csv").write_text(text, encoding="utf-8")
        case("more", f"{name}/成员信息.csv", None, ["check", name], "控制字符", "成员信息.csv:2:C")
    (d / "csv_quote").mkdir(parents=True, exist_ok=True)
    rows = ["户编号,户主姓名,姓名,证件号码,与户主关系,村"] + [
        f"61020210020100{i:02d},户主{i},\"户主{i},6102021969040720{i:02d},户主,示例甲村" if i == 2 else
        f"61020210020100{i:02d},户主{i},户主{i},6102021969040720{i:02d},户主,示例甲村" for i in range(1, 8)]
    (d / "csv_quote" / "成员信息.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    case("more", "csv_quote/成员信息.csv", None, ["check", "csv_quote"], "引号不配对", "成员信息.csv:3")
    render("more", "tag_set.yaml", NOTICE + "抄送机关: !!set {甲, 乙}\n", "标签", "tag_set.yaml:11")
    render("more", "tag_binary.yaml", NOTICE + "附注: !!binary aGVsbG8=\n", "标签", "tag_binary.yaml:11")
    render("more", "tag_custom.yaml", NOTICE + "附注: !python/object:os.system ls\n", "标签", "tag_custom.yaml:11")
    render("more", "deep.yaml", NOTICE + "附注: " + "[" * 80 + "]" * 80 + "\n", "嵌套", "deep.yaml:11")
    Image.new("1", (6000, 6000)).save(d / "huge.png")
    render("more", "seal_huge.yaml", NOTICE + "印章: huge.png\n", "像素", "seal_huge.yaml:11:印章", fmt="docx")
    Image.new("CMYK", (60, 60), (0, 255, 255, 0)).save(d / "cmyk.jpg", "JPEG")
    render("more", "seal_cmyk.yaml", NOTICE + "印章: cmyk.jpg\n", "Word 读不了", "seal_cmyk.yaml:11:印章", fmt="docx")
    (d / "nul.txt").write_bytes("第一行\n第二\x00行\n".encode())
    render("more", "attach_nul.yaml", NOTICE + "附件:\n  - 名称: 说明\n    文件: nul.txt\n", "第 2 行有不可见的控制字符",
           "attach_nul.yaml:13:附件[1].文件", fmt="docx")
    header = ["层级一", "层级二", "层级三", "具体任务", "责任单位", "完成时限"]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务清单"
    ws.append(header)
    ws.append(["排查", "", "", "完成排查", "科室", "5月底前", "表头右边的备注"])
    wb.save(d / "tl_extra_col.xlsx")
    case("more", "tl_extra_col.xlsx", None, ["import", "tl_extra_col.xlsx", "-o", "{out}.yaml"], "表头右边",
         "tl_extra_col.xlsx:任务清单:2:G")
    ws2 = wb.create_sheet("第二批")
    ws2.append(header)
    ws2.append(["整改", "", "", "完成整改", "科室", "6月底前"])
    ws.delete_cols(7)
    wb.save(d / "tl_two_sheets.xlsx")
    case("more", "tl_two_sheets.xlsx", None, ["import", "tl_two_sheets.xlsx", "-o", "{out}.yaml"], "不止一张", "tl_two_sheets.xlsx")
    (d / "通知.yaml").write_text(NOTICE, encoding="utf-8")
    (d / "输出是文件夹").mkdir(exist_ok=True)
    (d / "输出是文件夹" / "说明.txt").write_text("-o 指向这个文件夹\n", encoding="utf-8")
    case("more", "通知.yaml", None, ["render", "通知.yaml", "-o", "输出是文件夹"], "是文件夹", "输出是文件夹")
    case("more", "tl_extra_col.xlsx", None, ["render", "tl_extra_col.xlsx", "-o", "tl_extra_col.xlsx"], "覆盖输入", "tl_extra_col.xlsx")
    (d / "same.yaml").write_text(NOTICE, encoding="utf-8")
    case("more", "same.yaml", None, ["render", "same.yaml", "-o", "same.yaml"], "格式", "same.yaml")
    case("more", "csv_esc", None, ["batch", "--data", "csv_esc", "--period", "9999-12", "-o", "{out}"], "2000–2100", "--period")
    case("more", "csv_esc", None, ["batch", "--data", "csv_esc", "--period", "2020-12", "-o", "通知.yaml"], "同名的文件",
         "通知.yaml")
    CASES[-1]["期望"] = "已经有同名的文件"


def main() -> None:
    for sub in HERE.iterdir():
        if sub.is_dir():
            shutil.rmtree(sub)
    markup()
    control()
    aliases()
    yaml_syntax()
    xlsx_broken()
    xlsx_entities()
    schemes()
    notices()
    tasklists()
    projects()
    configs()
    lint_json()
    second_round()
    (HERE / "cases.yaml").write_text(
        "# 由 make_corpus.py 生成，勿手改\n" + yaml.safe_dump(CASES, allow_unicode=True, sort_keys=False, width=200),
        encoding="utf-8")
    print(f"{len(CASES)} 个坏输入，{len({c['类'] for c in CASES})} 类")


if __name__ == "__main__":
    main()
