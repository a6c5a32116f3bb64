"""公文体检：每条规则都有一个会触发的坏例子和一个不触发的好例子；原文照录副本查出三类问题；
--fix 修正后再查；配置；模板检查。"""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import MINIMAL, ROOT
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from docgen.cli import cli
from docgen.lint import lint_paths
from docgen.lint.core import RULES
from docgen.lint.rules import luhn_ok
from docgen.rules.gb11643 import checksum_ok as id_checksum_ok

DATA = ROOT / "tests" / "data"


def invoke(*args):
    return CliRunner().invoke(cli, list(map(str, args)))


def rules_of(path) -> dict[str, list]:
    out: dict[str, list] = {}
    for f in lint_paths([path]):
        out.setdefault(f.rule, []).append(f)
    return out


# ------------------------------------------------------------------ 办公室手工排的 Word

def set_font(run_or_style, name: str, size: float | None = None):
    rpr = run_or_style.element.get_or_add_rPr() if hasattr(run_or_style.element, "get_or_add_rPr") else run_or_style._r.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)
    fonts.set(qn("w:ascii"), name)
    if size:
        run_or_style.font.size = Pt(size)


def page_field(paragraph):
    r = paragraph.add_run("— ")
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        run = paragraph.add_run()
        if kind:
            fc = OxmlElement("w:fldChar")
            fc.set(qn("w:fldCharType"), kind)
            run._r.append(fc)
        elif text == " PAGE ":
            it = OxmlElement("w:instrText")
            it.text = text
            run._r.append(it)
        else:
            run.text = text
    paragraph.add_run(" —")
    return r


def office_docx(path, paras: list[str], *, title_index: int = 1, body_font="仿宋_GB2312", body_size=16,
                title_font="方正小标宋简体", title_size=22, margins=(37, 28, 35, 26), page=(210, 297),
                page_numbers=True, odd_even=True, tables: list[list[list[str]]] = ()):
    d = Document()
    s = d.sections[0]
    s.page_width, s.page_height = Mm(page[0]), Mm(page[1])
    s.orientation = WD_ORIENT.PORTRAIT
    s.top_margin, s.left_margin, s.bottom_margin, s.right_margin = (Mm(m) for m in margins)
    set_font(d.styles["Normal"], body_font, body_size)
    for i, t in enumerate(paras):
        p = d.add_paragraph()
        r = p.add_run(t)
        if i == title_index:
            set_font(r, title_font, title_size)
    for rows in tables:
        tb = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                tb.cell(r, c).text = v
    if page_numbers:
        fp = s.footer.paragraphs[0]
        fp.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        page_field(fp)
        if odd_even:
            d.settings.odd_and_even_pages_header_footer = True
            ep = s.even_page_footer.paragraphs[0]
            ep.alignment = WD_ALIGN_PARAGRAPH.LEFT
            page_field(ep)
    d.save(path)
    return path


GOOD_PARAS = ["某住建发〔2020〕5号", "关于做好农村危房改造工作的通知", "各镇人民政府：",
              "为做好农村危房改造工作，现将有关事项通知如下。", "一、工作目标", "年底前完成存量危房改造。",
              "附件：农村危房改造任务表", "某某县住房和城乡建设局", "2020年4月1日", "附件", "农村危房改造任务表",
              "抄送：县政府办公室，县财政局。", "某某县住房和城乡建设局办公室 2020年4月1日印发"]


def with_para(i: int, text: str) -> list[str]:
    p = list(GOOD_PARAS)
    p[i] = text
    return p


# ------------------------------------------------------------------ 原文照录副本


def test_faithful_yaml_copy_reports_the_known_problems():
    found = rules_of(DATA / "seed-faithful.yaml")
    brackets = [f for f in found["PU002"] if "(一）" in f.text]
    assert brackets and brackets[0].location == "seed-faithful.yaml:29"
    dates = found["DT001"]
    assert dates[0].location == "seed-faithful.yaml:13" and "4月15" in dates[0].text
    creds = found["SEC001"]
    assert {f.location for f in creds} == {"seed-faithful.yaml:34"}
    assert any("密码" in f.text for f in creds) and all("wy123456" not in f.text for f in creds)  # 报告中打码


def test_faithful_docx_typed_by_an_office_reports_the_known_problems(tmp_path):
    lines = [ln.strip().replace("\u3000", "") for ln in (DATA / "seed-notice.txt").read_text(encoding="utf-8").splitlines()]
    start = lines.index("铜王住建发〔2020〕108号")
    end = next(i for i, t in enumerate(lines) if t.startswith("- 1 -"))
    paras = [t for t in lines[start:end] if t]
    table = [["类别", "种类", "项目", "具体任务", "责任科室（责任人）", "完成时限"],
             ["三排查三清零", "排查政策落实工作任务“清零”", "就业扶贫", "2.完成建档立卡贫困户中有劳动能力和务工需求贫困家庭每户至少一人实现稳定就业目标，并建立工作台账。", "", "4月15前完成并长期坚持"]]
    path = office_docx(tmp_path / "通知.docx", paras, title_index=2, tables=[table])
    found = rules_of(path)
    pw = found["SEC001"]
    n = paras.index(next(p for p in paras if "密码" in p)) + 1
    assert {f.location for f in pw} == {f"通知.docx:第{n}段"}
    br = [f for f in found["PU002"] if "(一）" in f.text]
    assert br and br[0].where.startswith("第")
    assert any(f.where == "表格1:行2:列6" for f in found["DT001"])


def test_clean_notice_lints_clean(tmp_path):
    sample = ROOT / "samples" / "tongwang-2020-108"
    assert lint_paths([sample / "notice.yaml", sample / "tasklist.yaml"]) == []
    out = tmp_path / "n.docx"
    assert invoke("render", sample / "notice.yaml", "-o", out, "-q").exit_code == 0
    assert [str(f) for f in lint_paths([out])] == []
    res = invoke("lint", out)
    assert res.exit_code == 0 and "没有发现问题" in res.output


# ------------------------------------------------------------------ 每条规则：坏例子触发、好例子不触发

YAML_CASES = {
    "GW001": (("某住建发〔2020〕5号", "某住建发[2020]5号"), None),
    "GW002": (("某住建发〔2020〕5号", "某住建发〔2020〕05号"), None),
    "GW003": (("某住建发〔2020〕5号", "某住建发〔2020〕第5号"), None),
    "GW004": (("某住建发〔2020〕5号", "某住建发2020年5号"), None),
    "GW010": (("成文日期: 2020-04-01", "成文日期: 2020年04月01日"), ("成文日期: 2020-04-01", "成文日期: 2020年4月1日")),
    "GW011": (("工作的通知", "工作的通知。"), None),
    "GW017": (("  年底前完成存量危房改造。", "  ##### 年底前完成存量危房改造。"), None),
    "GW018": (("主送机关:", "签发人: 张三\n主送机关:"), ("关于做好农村危房改造工作的通知", "关于农村危房改造工作的请示")),
    "GW019": (("成文日期:", "令号: 3\n成文日期:"), None),
    "GW015": (("  # 工作目标\n", "  一、工作目标\n  三、工作要求\n"), ("  # 工作目标\n", "  一、工作目标\n  二、工作要求\n")),
    "PU001": (("通知如下。", "通知如下:"), None),
    "PU002": (("  # 工作目标\n", "  (一）工作目标\n"), ("  # 工作目标\n", "  （一）工作目标\n")),
    "PU003": (("年底前完成", '做到"零危房"，年底前完成'), ("年底前完成", "做到“零危房”，年底前完成")),
    "PU004": (("通知如下。", "通知如下……等等..."), ("通知如下。", "通知如下……等等。")),
    "PU005": (("通知如下。", "通知如下—务必落实。"), ("通知如下。", "通知如下——务必落实，3—5月完成。")),
    "DT001": (("年底前完成", "4月15前完成"), ("年底前完成", "4月15日前完成")),
    "DT002": (("年底前完成", "2月30日前完成"), ("年底前完成", "2月29日前完成")),
    "DT003": (("年底前完成", "3月15日前完成"), ("年底前完成", "5月15日前完成")),
    "SEC001": (("年底前完成", "登录平台（密码：abc123）后完成"), ("年底前完成", "登录平台（密码另行通知）后完成")),
    "SEC002": (("年底前完成", "联系人身份证号11010519491231002X，年底前完成"),
               ("年底前完成", "联系人身份证号110105********002X，年底前完成")),
    "SEC003": (("年底前完成", "联系电话13912345678，年底前完成"), ("年底前完成", "联系电话0919-1234567，年底前完成")),
}


def card_number(valid: bool) -> str:
    base = "622202123456789012"
    for d in "0123456789":
        if luhn_ok(base + d) == valid:
            return base + d
    raise AssertionError


@pytest.mark.parametrize("rid", sorted(YAML_CASES) + ["SEC004"])
def test_yaml_rule_fires_on_bad_and_not_on_good(write_yaml, rid):
    if rid == "SEC004":
        bad = ("年底前完成", f"补贴打入卡号{card_number(True)}，年底前完成")
        good = ("年底前完成", f"补贴打入卡号{card_number(False)}，年底前完成")
    else:
        bad, good = YAML_CASES[rid]
    a, b = bad
    assert a in MINIMAL
    fired = rules_of(write_yaml(MINIMAL.replace(a, b, 1), "bad.yaml"))
    assert rid in fired, fired
    good_text = MINIMAL.replace(*good, 1) if good else MINIMAL
    assert rid not in rules_of(write_yaml(good_text, "good.yaml"))


def test_gw016_cc_in_yaml(write_yaml):
    bad = write_yaml(MINIMAL + "抄送机关: 县政府办公室，\n印发机关: 办公室\n印发日期: 2020-04-01\n", "b.yaml")
    assert "GW016" in rules_of(bad)
    good = write_yaml(MINIMAL + "抄送机关: [县政府办公室, 县财政局]\n印发机关: 办公室\n印发日期: 2020-04-01\n", "g.yaml")
    assert "GW016" not in rules_of(good)


DOCX_CASES = {
    "GW012": dict(paras=with_para(2, "各镇人民政府:")),
    "GW013": dict(paras=with_para(6, "附件：1.农村危房改造任务表")),
    "GW014": dict(paras=with_para(10, "农村危房改造进度表")),
    "GW016": dict(paras=with_para(11, "抄送：县政府办公室，县财政局")),
    "LY001": dict(page=(216, 279)),
    "LY002": dict(margins=(25.4, 31.8, 25.4, 31.8)),
    "LY003": dict(body_font="宋体"),
    "LY004": dict(title_font="黑体", title_size=18),
    "LY005": dict(page_numbers=False),
}


@pytest.mark.parametrize("rid", sorted(DOCX_CASES))
def test_docx_rule_fires_on_bad_and_not_on_good(tmp_path, rid):
    good = rules_of(office_docx(tmp_path / "good.docx", GOOD_PARAS))
    assert good == {}, {k: [str(f) for f in v] for k, v in good.items()}
    kw = dict(DOCX_CASES[rid])
    paras = kw.pop("paras", GOOD_PARAS)
    bad = rules_of(office_docx(tmp_path / "bad.docx", paras, **kw))
    assert rid in bad, {k: [str(f) for f in v] for k, v in bad.items()}


def test_ly002_knows_the_letter_section(tmp_path):
    """信函（10.1）的分节下边距按首页设（首页版心伸到第二条双线上方），其余各页的页码段前留 7 mm：docgen 写的
    信函 Word 版不报 LY002；页脚不留这 7 mm（第 2 页起就会排 23 行）时报。"""
    from docgen.api import render_file

    src = tmp_path / "letter.yaml"
    src.write_text("格式: 信函\n" + MINIMAL.replace("发文机关标志: 某某县住房和城乡建设局文件", "发文机关标志: 某某县住房和城乡建设局"),
                   encoding="utf-8")
    render_file(src, tmp_path / "letter.docx")
    assert "LY002" not in rules_of(tmp_path / "letter.docx")
    doc = Document(str(tmp_path / "letter.docx"))
    for sec in doc.sections:
        for sp in sec.footer._element.iter(qn("w:spacing")):
            sp.attrib.pop(qn("w:before"), None)
    doc.save(str(tmp_path / "bad.docx"))
    assert "LY002" in rules_of(tmp_path / "bad.docx")


def test_ly002_accepts_a_letter_kept_at_22_lines_for_its_seal(tmp_path):
    """署名日期落在信函首页第 23 行、印章会越过第二条双线时，docgen 让首页照常 22 行（这一节的下边距 35 mm）：不报 LY002。"""
    from conftest import draw_png

    from docgen.api import render_file

    draw_png(tmp_path / "seal.png", 120, 120, circle=True)
    body = "  为做好农村住房安全有保障工作，各单位要按照要求逐户核\n" * 12
    src = tmp_path / "letter.yaml"
    src.write_text("格式: 信函\n发文机关标志: 某某县住房和城乡建设局\n发文字号: 某住建函〔2020〕5号\n"
                   "标题: 关于做好农村危房改造工作的函\n主送机关: 各镇人民政府\n正文: |\n" + body
                   + "发文机关署名: 某某县住房和城乡建设局\n成文日期: 2020-04-01\n印章: seal.png\n", encoding="utf-8")
    render_file(src, tmp_path / "letter.docx")
    doc = Document(str(tmp_path / "letter.docx"))
    assert abs(doc.sections[0].bottom_margin.mm - 35) < 0.1  # 确是照常 22 行的那种
    assert "LY002" not in rules_of(tmp_path / "letter.docx")


def test_minutes_mark_is_not_taken_for_the_title(tmp_path):
    """纪要（10.3）的标志“……会议纪要”在期号之上、字号比标题大：docgen 写的纪要 Word 版不报 LY004（原来把标志当成标题）。"""
    from docgen.api import render_file

    src = tmp_path / "minutes.yaml"
    src.write_text("格式: 纪要\n发文机关标志: 某某县住房和城乡建设局局务会议纪要\n期号: 3\n正文: |\n"
                   "  会议研究了农村危房改造工作。\n出席: [张三, 李四]\n成文日期: 2020-04-01\n", encoding="utf-8")
    render_file(src, tmp_path / "minutes.docx")
    found = rules_of(tmp_path / "minutes.docx")
    assert "LY004" not in found, {k: [str(f) for f in v] for k, v in found.items()}


def test_ly005_needs_odd_even(tmp_path):
    assert "LY005" in rules_of(office_docx(tmp_path / "a.docx", GOOD_PARAS, odd_even=False))


def test_every_rule_is_tested():
    tested = set(YAML_CASES) | set(DOCX_CASES) | {"SEC004"}
    assert set(RULES) == tested


def test_checksums():
    assert id_checksum_ok("11010519491231002X") and not id_checksum_ok("110105194912310021")
    assert luhn_ok("4539578763621486") and not luhn_ok("4539578763621487")


# ------------------------------------------------------------------ --fix、输出格式、配置


def test_fix_then_lint_again(tmp_path):
    src = tmp_path / "seed.yaml"
    shutil.copy(DATA / "seed-faithful.yaml", src)
    res = invoke("lint", "--fix", src)
    assert res.exit_code == 1  # 仍有不能自动改的错误（密码、日期）
    assert "已修正 [PU002]" in res.output and "已修正 [PU001]" in res.output
    after = rules_of(src)
    assert "PU001" not in after and "PU002" not in after
    assert "SEC001" in after and "DT001" in after  # 不安全的修正不自动做
    text = src.read_text(encoding="utf-8")
    assert "（一）排查政策落实" in text and "(一）" not in text
    from docgen.load.yamlsrc import load_yaml

    load_yaml(src)  # 修正后仍是合法 YAML
    bad = tmp_path / "n.yaml"
    bad.write_text(MINIMAL.replace("某住建发〔2020〕5号", "某住建发[2020]5号"), encoding="utf-8")
    invoke("lint", "--fix", bad)
    assert "某住建发〔2020〕5号" in bad.read_text(encoding="utf-8") and "GW001" not in rules_of(bad)


def test_json_format(tmp_path):
    res = invoke("lint", "--format", "json", DATA / "seed-faithful.yaml")
    assert res.exit_code == 1
    data = json.loads(res.output)
    f = next(x for x in data["findings"] if x["rule"] == "DT001")
    assert set(f) >= {"rule", "severity", "location", "message", "text", "suggestion"}
    assert f["location"] == "seed-faithful.yaml:13" and f["severity"] == "error"


def test_config_turns_rules_off_and_regrades(tmp_path, write_yaml, monkeypatch):
    src = write_yaml(MINIMAL.replace("年底前完成", "联系电话13912345678，4月15前完成"), "n.yaml")
    cfg = tmp_path / "docgen.yml"
    cfg.write_text("体检:\n  规则:\n    DT001: off\n    SEC003: error\n", encoding="utf-8")
    res = invoke("lint", "--format", "json", "--config", cfg, src)
    rules = {f["rule"]: f["severity"] for f in json.loads(res.output)["findings"]}
    assert "DT001" not in rules and rules["SEC003"] == "error" and res.exit_code == 1
    monkeypatch.chdir(tmp_path)  # 默认读当前目录的 docgen.yml
    res = invoke("lint", "--format", "json", src)
    assert "DT001" not in {f["rule"] for f in json.loads(res.output)["findings"]}
    cfg.write_text("体检:\n  规则:\n    XX999: off\n", encoding="utf-8")
    res = invoke("lint", src)
    assert res.exit_code == 2 and "docgen.yml:3:XX999" in res.stderr


def test_warnings_only_exit_0(write_yaml):
    src = write_yaml(MINIMAL.replace("年底前完成", "联系电话13912345678，年底前完成"), "n.yaml")
    res = invoke("lint", src)
    assert res.exit_code == 0 and "SEC003" in res.output


def test_lint_input_errors(tmp_path):
    res = invoke("lint", tmp_path / "nope.yaml")
    assert res.exit_code == 2 and "找不到文件" in res.stderr
    (tmp_path / "a.txt").write_text("x", encoding="utf-8")
    res = invoke("lint", tmp_path / "a.txt")
    assert res.exit_code == 2


# ------------------------------------------------------------------ 模板检查


def test_repo_templates_are_clean():
    res = invoke("check-templates")
    assert res.exit_code == 0, res.output


def test_check_templates_finds_problems(tmp_path):
    shutil.copytree(ROOT / "templates", tmp_path / "templates", ignore=shutil.ignore_patterns("*.py"))
    html = tmp_path / "templates" / "html" / "notice.html"
    text = html.read_text(encoding="utf-8")
    text = text.replace("{{ v.doc_number }}</p>", "{{ v.doc_nubmer }}</p>", 1)
    text = text.replace("<body>", "<body>{{ issuer }}", 1)
    html.write_text(text, encoding="utf-8")
    (tmp_path / "templates" / "html" / "broken.html").write_text("{% if x %}没有结束", encoding="utf-8")
    d = Document()
    p = d.add_paragraph()
    p.add_run("户主：{{ house")
    p.add_run("hold.name }}")
    d.add_paragraph("{{ ok }}")
    d.save(tmp_path / "templates" / "docx" / "household.docx")
    res = invoke("check-templates", "--dir", tmp_path / "templates")
    assert res.exit_code == 1
    out = res.output
    assert "notice.html:" in out and "没有属性“doc_nubmer”" in out and "v.doc_number" in out
    assert "没有的变量“issuer”" in out
    assert "broken.html:1: 错误 [TPL001]" in out
    assert "household.docx:word/document.xml:第1段" in out and "TPL005" in out
