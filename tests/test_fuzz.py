"""模糊测试（hypothesis）：每种输入随机生成，断言——退出码只有 0 或 2、从不出现调用栈或“内部错误”、出错时不留
输出、输入里的文字从不被解释（Jinja、rich 标记、HTML、格式串照原样出现）、docgen 写出的每个 XML 部件都是合式的。

CI 里每项的例数固定且去随机化（同样的例子，结果可复现）；要多跑：DOCGEN_FUZZ_EXAMPLES=2000 make test。"""

from __future__ import annotations

import io
import os
import re
import tempfile
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from docgen.cli import cli
from docgen.errors import InputError

SCALE = int(os.environ.get("DOCGEN_FUZZ_EXAMPLES", "0"))


def examples(n: int):
    return settings(max_examples=SCALE or n, deadline=None, derandomize=not SCALE, database=None,
                    suppress_health_check=list(HealthCheck))


SENTINELS = ["{{ 7*7 }}", "{% if 1 %}x{% endif %}", "[bold]粗[/bold]", "[/]", "[i]", "<script>alert(1)</script>",
             "&amp;", "%s%d", "{0}{1}", "${HOME}", "\\n", "\u200b", "〔2020〕", "（一）", "——", "“”"]
TEXT = st.one_of(st.sampled_from(SENTINELS),
                 st.text(alphabet=st.sampled_from(list("农村危房改造，。、；：“”（）《》【】—…一二三四五六七八九十0123456789"
                                                        "abcXYZ {}[]<>&%$#!?:;'\"\\/|~`@*-_=+\t\n\x00\x07\x1b")),
                         min_size=0, max_size=40))


def run(args: list[str]):
    res = CliRunner().invoke(cli, [str(a) for a in args])
    text = res.stderr + res.stdout
    assert res.exit_code in (0, 2), (res.exit_code, text, res.exception)
    assert "Traceback" not in text and "内部错误" not in text, text
    return res, text


def xml_parts_well_formed(blob: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name), etree.XMLParser(resolve_entities=False, no_network=True))


# ------------------------------------------------------------------ YAML 文本

@examples(300)
@given(st.text(alphabet=st.sampled_from(list(":-[]{}&*!|>'\"#%@`,?\n\t 甲乙0\x00\x07\x85\ufeff")), max_size=60))
def test_yaml_text_never_crashes(text):
    from docgen.load.yamlsrc import load_yaml

    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "x.yaml"
        p.write_text(text, encoding="utf-8", errors="surrogatepass")
        try:
            load_yaml(p)
        except InputError as exc:
            assert not re.search(r"[A-Za-z]{6,}", str(exc).replace("YAML", "").replace("UTF", "")), str(exc)


# ------------------------------------------------------------------ 公文 YAML

NOTICE_KEYS = ["份号", "密级", "紧急程度", "发文机关标志", "发文字号", "签发人", "标题", "主送机关", "正文", "发文机关署名",
               "成文日期", "附注", "抄送机关", "印发机关", "印发日期", "格式", "令号", "期号", "出席", "颜色"]
VALUE = st.one_of(TEXT, st.integers(-10, 10 ** 7), st.booleans(), st.none(), st.lists(TEXT, max_size=3),
                  st.dictionaries(TEXT, TEXT, max_size=2))
BASE = {"发文机关标志": "某某县住房和城乡建设局文件", "发文字号": "某住建发〔2020〕5号", "标题": "关于做好工作的通知",
        "主送机关": "各镇人民政府", "正文": "为做好工作，现通知如下。", "发文机关署名": "某某县住房和城乡建设局",
        "成文日期": "2020-04-01"}


@examples(60)
@given(st.dictionaries(st.sampled_from(NOTICE_KEYS), VALUE, max_size=5))
def test_notice_fields(changes):
    data = {**BASE, **changes}
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "n.yaml"
        src.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        out = Path(d) / "n.html"
        res, text = run(["render", src, "-o", out])
        if res.exit_code == 2:
            assert not out.exists()
            return
        html = out.read_text(encoding="utf-8")
        tree = etree.HTML(html)
        assert not tree.xpath("//body//script"), "输入的 <script> 被当成了 HTML"
        shown = re.sub(r"[\s\u200b]", "", "".join(tree.itertext()))
        for key in ("标题", "附注", "主送机关", "发文机关署名"):
            value = data.get(key)
            if isinstance(value, str) and value in SENTINELS[:6]:
                assert re.sub(r"\s", "", value) in shown, f"{key} 的“{value}”没有照原样出现（被当作模板或标记解释了？）"
        docx = Path(d) / "n.docx"
        run(["render", src, "-o", docx])
        xml_parts_well_formed(docx.read_bytes())


# ------------------------------------------------------------------ Excel 导出表

HEADERS = ["户编号", "户主姓名", "姓名", "身份证号", "与户主关系", "村", "人数", "工资性收入", "家庭年纯收入", "甲乙", "", None]
CELL = st.one_of(TEXT.map(lambda s: re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", s)), st.integers(-10 ** 9, 10 ** 12),
                 st.floats(allow_nan=False, allow_infinity=False, width=32), st.none(),
                 st.sampled_from(["=1/0", "=A1", "610202199001011234", "61020219900101123X", "2020-13-01", "#N/A"]))


@examples(40)
@given(title=st.text(alphabet=st.sampled_from(list("户籍贫困成员表 ab1")), min_size=1, max_size=12),
       header=st.lists(st.sampled_from(HEADERS), min_size=1, max_size=8),
       rows=st.lists(st.lists(CELL, max_size=8), max_size=6),
       title_rows=st.integers(0, 3), merge=st.booleans())
def test_household_export(title, header, rows, title_rows, merge):
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r in range(title_rows):
        ws.cell(r + 1, 1, "贫困户成员信息表（截至2020年12月）")
    for c, h in enumerate(header, 1):
        ws.cell(title_rows + 1, c, h)
    for i, row in enumerate(rows):
        for c, v in enumerate(row, 1):
            ws.cell(title_rows + 2 + i, c, v)
    if merge and title_rows:
        ws.merge_cells(start_row=1, start_column=1, end_row=title_rows, end_column=max(1, len(header)))
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "户籍导出.xlsx"
        wb.save(p)
        run(["check", p, "--period", "2020-12"])
        assert sorted(x.name for x in Path(d).iterdir()) == ["户籍导出.xlsx"]


# ------------------------------------------------------------------ Word 任务清单

@examples(40)
@given(shape=st.tuples(st.integers(0, 4), st.integers(0, 6)), cells=st.lists(TEXT, max_size=24),
       task_header=st.booleans(), merges=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 5)), max_size=3))
def test_docx_tasklist(shape, cells, task_header, merges):
    from docx import Document

    rows, cols = shape
    doc = Document()
    doc.add_paragraph("某某县任务清单")
    t = doc.add_table(rows=rows, cols=cols)
    it = iter(cells)
    for r in range(rows):
        for c in range(cols):
            text = next(it, "")
            t.cell(r, c).text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", text)
    if task_header and rows and cols:
        t.cell(0, min(cols - 1, 3)).text = "具体任务"
    for r, c in merges:
        if r + 1 < rows and c < cols:
            try:
                t.cell(r, c).merge(t.cell(r + 1, c))
            except Exception:  # noqa: BLE001 — python-docx 拒绝的合并就不做
                pass
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "清单.docx"
        doc.save(p)
        out = Path(d) / "清单.yaml"
        res, _ = run(["import", p, "-o", out])
        if res.exit_code == 2:
            assert not out.exists()
        else:
            res2, _ = run(["render", out, "-o", Path(d) / "清单.xlsx"])
            if res2.exit_code == 0:
                xml_parts_well_formed((Path(d) / "清单.xlsx").read_bytes())


# ------------------------------------------------------------------ 整理方案

@examples(300)
@given(regex=st.text(alphabet=st.sampled_from(list("(?P<户编号>)[]{}\\d+*?|^$.016")), max_size=24),
       template=st.text(alphabet=st.sampled_from(list("{}:04d!r>.件号卷年度村码机构全宗门类-·x[]0")), max_size=30))
def test_scheme_patterns(regex, template):
    from docgen.archive.profile import load_profile

    root = Path(__file__).resolve().parent.parent / "archive_schema" / "default.yaml"
    base = root.read_text(encoding="utf-8")
    piece = '  件: "{全宗号}-{门类}·{年度}-{期限}-{机构}{村码}-{件号:04d}"'
    text = base.replace(piece, "  件: " + yaml.safe_dump(template, allow_unicode=True).splitlines()[0])
    text = text.replace('  户文件: "(?P<户编号>\\\\d{16})"', "  户文件: " + yaml.safe_dump(regex).splitlines()[0])
    with tempfile.TemporaryDirectory() as d:
        p = Path(d) / "方案.yaml"
        p.write_text(text, encoding="utf-8")
        try:
            load_profile(str(p))
        except InputError as exc:
            words = re.findall(r"[A-Za-z]{5,}", re.sub(r"\[[^\]]*\]|\(\?P<[^>]*>", "", str(exc)))
            assert not [w for w in words if w not in ("additionalProperties",)], str(exc)


# ------------------------------------------------------------------ 文件名

@examples(400)
@given(st.text(max_size=300))
def test_output_names_are_safe(name):
    from docgen.util.fs import NAME_LIMIT_BYTES, safe_filename

    out = safe_filename(name)
    assert out not in ("", ".", "..")
    assert not set(out) & set('/\\<>:"|?*') and not any(ord(c) < 32 for c in out)
    assert len(out.encode("utf-8", errors="surrogatepass")) <= NAME_LIMIT_BYTES
    assert safe_filename(name + "甲") != safe_filename(name + "乙") or len(out.encode("utf-8", "surrogatepass")) < 140


@pytest.mark.parametrize("length", [10, 100, 300])
def test_long_village_names_shortened_and_said(tmp_path, length):
    """村名长到做不了文件名：批处理照常完成，文件名缩短（仍各不相同），并说明缩短了。"""
    import openpyxl

    src = Path(__file__).resolve().parent.parent / "samples" / "households" / "户籍导出.xlsx"
    wb = openpyxl.load_workbook(src)
    long_name = "特别长的村名" * (length // 6 + 1)
    changed = 0
    for ws in wb.worksheets:
        header = [c.value for c in ws[1]]
        if "村" not in header:
            continue
        col = header.index("村") + 1
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, col).value:
                ws.cell(r, col).value = long_name[:length]
                changed += 1
    assert changed
    data = tmp_path / "数据"
    data.mkdir()
    wb.save(data / "户籍导出.xlsx")
    out = tmp_path / "月末"
    res = CliRunner().invoke(cli, ["batch", "--data", str(data), "--period", "2020-12", "-o", str(out), "--docs", "docx",
                                   "-j", "1"])
    assert res.exit_code == 0, res.stderr
    names = [p.name for p in out.rglob("*")]
    assert all(len(n.encode()) <= 255 for n in names)
    assert ("缩短" in res.stderr) == (len(long_name[:length].encode()) > 150)
