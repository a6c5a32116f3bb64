"""各种公文形式：上行文（签发人）、份号/密级/紧急程度、联合行文、印章、版记与正文同页、确定性输出。"""

from __future__ import annotations

import re
import subprocess
import sys
import zipfile

import pymupdf
import pytest
from conftest import MINIMAL, ROOT, SAMPLE
from measure import lines

from docgen.api import render_document, render_file

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
PITCH_MM = 28.95 * 25.4 / 72


def pdf_of(path):
    return pymupdf.open(stream=render_document(path, ".pdf"), filetype="pdf")


def docx_xml(path) -> str:
    import io

    return zipfile.ZipFile(io.BytesIO(render_document(path, ".docx"))).read("word/document.xml").decode()


@pytest.fixture
def seal_png(tmp_path):
    """画一个红色圆形印章 PNG。"""
    doc = pymupdf.open()
    page = doc.new_page(width=120, height=120)
    page.draw_circle((60, 60), 55, color=(1, 0, 0), width=4)
    page.insert_text((38, 66), "SEAL", color=(1, 0, 0), fontsize=14)
    p = tmp_path / "seal.png"
    page.get_pixmap(alpha=True, dpi=144).save(p)
    return p


def test_upward_document_with_signer(write_yaml):
    src = write_yaml(MINIMAL.replace("发文字号:", "签发人: 张三\n发文字号:"))
    pdf = pdf_of(src)
    ls = lines(pdf[0])
    row = next(ln for ln in ls if "某住建发〔2020〕5号" in ln.text)
    one = 16 * 25.4 / 72
    assert abs(row.x0 - (LEFT + one)) < 0.6  # 发文字号居左空一字
    assert "签发人：张三" in row.text.replace(" ", "")
    assert abs(row.x1 - (RIGHT - one)) < 0.8  # 签发人居右空一字
    spans = [s for b in pdf[0].get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"]]
    name = next(s for s in spans if "张三" in s["text"])
    assert "WenKai" in name["font"]  # 签发人姓名用楷体
    xml = docx_xml(src)
    assert "签发人：" in xml and 'w:eastAsia="楷体_GB2312"' in xml


def test_copy_number_classification_urgency(write_yaml):
    src = write_yaml('份号: "000123"\n密级: 秘密\n保密期限: 1年\n紧急程度: 特急\n' + MINIMAL)
    pdf = pdf_of(src)
    ls = lines(pdf[0])
    texts = [ln.text for ln in ls[:3]]
    assert texts == ["000123", "秘密★1年", "特急"]
    for ln in ls[:3]:
        assert abs(ln.x0 - LEFT) < 0.3  # 顶格
    assert abs(ls[1].em_top - ls[0].em_top - PITCH_MM) < 0.5  # 黑体与仿宋的字面框在行内位置略有不同
    mark = next(ln for ln in ls if ln.text.endswith("文件"))
    assert abs(mark.em_top - (TOP + 35)) < 1.0  # 版头行不影响发文机关标志的位置


@pytest.mark.parametrize("text,fragment", [
    ('份号: 123\n', "不足 6 位前面补 0"),
    ('份号: "12a"\n', "份号应为 6 位阿拉伯数字"),
    ('密级: 内部\n', "密级应为"),
    ('紧急程度: 很急\n', "紧急程度应为"),
])
def test_header_element_errors(write_yaml, tmp_path, text, fragment):
    from click.testing import CliRunner

    from docgen.cli import cli

    out = tmp_path / "o.pdf"
    res = CliRunner().invoke(cli, ["render", str(write_yaml(text + MINIMAL)), "-o", str(out)])
    assert res.exit_code == 2 and fragment in res.stderr and "notice.yaml:1:" in res.stderr
    assert not out.exists()


def test_joint_issuers(write_yaml):
    src = write_yaml(MINIMAL.replace("发文机关标志: 某某县住房和城乡建设局文件",
                                     "发文机关标志:\n  机关: [某某县住房和城乡建设局, 某某县财政局]\n  文件: true"))
    pdf = pdf_of(src)
    texts = [ln.text for ln in lines(pdf[0])]
    assert any("某某县住房和城乡建设局" in t for t in texts) and any("某某县财政局" in t for t in texts)
    assert any(t.strip().endswith("文件") for t in texts)


def test_seal_placed_on_date_and_near_body(write_yaml, seal_png):
    src = write_yaml(MINIMAL + f"印章: {seal_png.name}\n")
    pdf = pdf_of(src)
    page = pdf[0]
    imgs = page.get_image_info()
    assert len(imgs) == 1
    x0, y0, x1, y1 = (v * 25.4 / 72 for v in imgs[0]["bbox"])
    assert abs((x1 - x0) - 42) < 0.5  # 42 mm 公章
    ls = lines(page)
    date = next(ln for ln in ls if ln.text.strip() == "2020年4月1日")
    sign = next(ln for ln in ls if ln.text.strip() == "某某县住房和城乡建设局")
    assert abs((x0 + x1) / 2 - (date.x0 + date.x1) / 2) < 1.0  # 以成文日期为准居中
    assert abs(date.x1 - (RIGHT - 4 * 15.75 * 25.4 / 72)) < 0.8  # 成文日期右空四字
    centre = (y0 + y1) / 2
    assert sign.em_top > centre - 6 and date.em_top > centre - 2  # 署名、日期居印章中心偏下
    body = [ln for ln in ls if ln.em_top < sign.em_top - 1 and "年底前完成" in ln.text][0]
    assert 0 <= y0 - (body.em_top + 16 * 25.4 / 72) <= PITCH_MM  # 印章顶端距正文一行之内
    xml = docx_xml(src)
    assert 'behindDoc="1"' in xml and "<wp:anchor" in xml and 'relativeFrom="paragraph"' in xml


def test_missing_seal_file(write_yaml, tmp_path):
    from click.testing import CliRunner

    from docgen.cli import cli

    res = CliRunner().invoke(cli, ["render", str(write_yaml(MINIMAL + "印章: nope.png\n")), "-o", str(tmp_path / "o.docx")])
    assert res.exit_code == 2 and "找不到印章图片" in res.stderr and "notice.yaml:11:印章" in res.stderr


def test_banji_shares_last_even_page_when_room(write_yaml):
    body = "".join(f"  第{i}项工作要求，按期完成。\n" for i in range(1, 22))
    text = MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", body) + \
        "抄送机关: [县政府办公室, 县财政局]\n印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-01\n"
    pdf = pdf_of(write_yaml(text))
    assert len(pdf) == 2
    last = pdf[-1]
    assert "— 2 —" in last.get_text()  # 与正文同页时照常编页码
    assert "抄送：县政府办公室，县财政局。" in last.get_text()
    rules = sorted((d["rect"] for d in last.get_drawings()), key=lambda r: r.y0)
    assert abs(rules[-1].y1 * 25.4 / 72 - BOTTOM) < 0.2
    xml = docx_xml(write_yaml(text))
    # Word 中版记为浮动表格：纵向从版心上边、横向从纸张左边定位（LibreOffice 只把这样的通栏表格排成浮动的）
    assert "w:tblpPr" in xml and 'w:vertAnchor="margin"' in xml and 'w:horzAnchor="page"' in xml


def test_banji_goes_to_next_even_page(write_yaml):
    """正文止于第 1 页：版记另起第 2 页，前面没有空白页，所以照常编页码（GB/T 9704 7.5）。"""
    text = MINIMAL + "抄送机关: 县政府办公室\n印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-01\n"
    pdf = pdf_of(write_yaml(text))
    assert len(pdf) == 2 and "抄送" in pdf[1].get_text() and "— 2 —" in pdf[1].get_text()
    # Word 版也编：版记一节带竖排页的页脚（有 PAGE 域），另起偶数页
    body = docx_xml(write_yaml(text)).split("<w:body>")[1]
    last = re.findall(r"<w:sectPr>.*?</w:sectPr>", body)[-1]
    assert 'w:type w:val="evenPage"' in last and "w:footerReference" in last


BANJI = "抄送机关: [县政府办公室, 县财政局, 县民政局, 县扶贫办]\n印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-01\n"


def _with_paragraphs(n: int) -> str:
    body = "".join(f"  第{i}项工作要求：各单位要按照“三清零”的要求，认真组织排查，按期完成整改任务并报送进展情况。\n"
                   for i in range(1, n + 1))
    return MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", body) + BANJI


def test_banji_sweep_every_length_renders_with_the_right_page_numbers(write_yaml):
    """正文从 1 段到 34 段（1–3 页，版记同页、另起、被第一遍拆开的各种情形；原来约十份里有一份“版记排版失败”）：
    每份都排得出，版记在最后一个偶数页、末条线与版心下边缘重合；版记页前有空白页时两页都不编页码，否则照常编。"""
    seen = set()
    for n in range(1, 35):
        pdf = pdf_of(write_yaml(_with_paragraphs(n), f"n{n}.yaml"))
        last = pdf[-1]
        assert len(pdf) % 2 == 0 and "抄送" in last.get_text() and all("抄送" not in p.get_text() for p in pdf[:-1])
        rules = sorted((d["rect"] for d in last.get_drawings()), key=lambda r: r.y0)
        assert abs(rules[-1].y1 * 25.4 / 72 - BOTTOM) < 0.2, n
        body_pages = [p for p in pdf[:-1] if p.get_text().strip()]
        blank_before = len(body_pages) < len(pdf) - 1
        numbered = f"— {len(pdf)} —" in last.get_text()
        assert numbered != blank_before, n
        for i, p in enumerate(pdf[:-1]):
            assert (f"— {i + 1} —" in p.get_text()) == bool(p.get_text().strip()), (n, i)
        seen.add((blank_before, "第1项" in last.get_text() or len(pdf) == len(body_pages)))
    assert (True, False) in seen and (False, False) in seen  # 两种另起一页的情形都出现过


def test_multiple_portrait_attachments(write_yaml):
    text = MINIMAL + "附件:\n  - 名称: 甲表\n    正文: |\n      甲的内容。\n  - 名称: 乙表\n    正文: 乙的内容。\n"
    pdf = pdf_of(write_yaml(text))
    t0 = pdf[0].get_text()
    assert "附件：1.甲表" in t0 and "2.乙表" in t0
    first = next(ln for ln in lines(pdf[0]) if ln.text.startswith("附件：1."))
    second = next(ln for ln in lines(pdf[0]) if ln.text.startswith("2.乙表"))
    ch = 15.75 * 25.4 / 72
    assert abs(first.x0 - (LEFT + 2 * ch)) < 0.5  # 左空二字
    assert abs(second.x0 - (first.x0 + 3 * ch)) < 0.5  # 序号与第一项的序号对齐
    labels = [next(ln for ln in lines(p) if ln.text.startswith("附件")) for p in pdf[1:]]
    assert [ln.text for ln in labels] == ["附件1", "附件2"]
    for p, lab in zip(pdf[1:], labels):
        assert abs(lab.x0 - LEFT) < 0.3 and abs(lab.em_top - (TOP + (PITCH_MM - 16 * 25.4 / 72) / 2)) < 0.8  # 第 1 行顶格
        title = next(ln for ln in lines(p) if ln.size > 20)
        assert abs(title.em_top - lab.em_top - 2 * PITCH_MM) < 1.0  # 标题在第 3 行


def test_same_input_same_bytes(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    for d in (a, b):
        render_file(SAMPLE, d / "n.docx")
    assert (a / "n.docx").read_bytes() == (b / "n.docx").read_bytes()
    # PDF：在两个独立进程中渲染（哈希随机化、字体缓存、临时目录都不同）
    code = "import sys; from docgen.api import render_file; render_file(sys.argv[1], sys.argv[2])"
    for d in (a, b):
        subprocess.run([sys.executable, "-c", code, str(SAMPLE), str(d / "n.pdf")], check=True, cwd=ROOT)
    assert (a / "n.pdf").read_bytes() == (b / "n.pdf").read_bytes()
    with zipfile.ZipFile(a / "n.docx") as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}


def test_escaping_of_markup_in_values(write_yaml):
    text = MINIMAL.replace("年底前完成存量危房改造。", "年底前完成 <b>存量</b> & 危房改造 <script>x</script>。")
    pdf = pdf_of(write_yaml(text))
    assert "<b>存量</b> & 危房改造 <script>x</script>" in pdf[0].get_text().replace("\n", "")
    xml = docx_xml(write_yaml(text))
    # 文字可能分在几个文字块里（行末标点挤压的字单独一块）：把各块的 w:t 连起来看，转义照样在
    joined = "".join(re.findall(r"<w:t(?: [^>]*)?>([^<]*)</w:t>", xml))
    assert "&lt;b&gt;存量&lt;/b&gt; &amp; 危房改造 &lt;script&gt;x&lt;/script&gt;" in joined
    assert "<script>" not in xml


def test_template_cannot_fetch_arbitrary_files(write_yaml, tmp_path):
    """正文中的 HTML 被转义；即使有人改模板引用本机文件，也只允许读取印章。"""
    from docgen.render.pdf import _url_fetcher_for

    fetch = _url_fetcher_for([])
    with pytest.raises(ValueError, match="不允许"):
        fetch.fetch("file:///etc/passwd")


@pytest.mark.parametrize("n", range(6, 14))
def test_signature_never_alone_on_a_page(write_yaml, seal_png, n):
    """无论正文在哪里结束，署名和成文日期（及印章）所在页上都有正文。"""
    body = "".join(f"  第{i}项工作要求，各单位务必按期完成并报送进度情况。\n" for i in range(1, n + 1))
    text = MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", body) + f"印章: {seal_png.name}\n"
    pdf = pdf_of(write_yaml(text))
    page = next(p for p in pdf if "2020年4月1日" in p.get_text())
    ls = lines(page)
    sign = next(ln for ln in ls if ln.text.strip() == "某某县住房和城乡建设局")
    above = [ln for ln in ls if ln.em_top < sign.em_top - 1 and ln.em_top > TOP - 1]
    assert above, f"正文 {n} 段时署名单独成页"
    assert page.get_image_info(), "印章应与署名同页"


def test_english_keys_are_accepted(write_yaml):
    src = write_yaml("""\
        issuer_mark: 某某县住房和城乡建设局文件
        doc_number: 某住建发〔2020〕5号
        title: 关于做好农村危房改造工作的通知
        recipients: 各镇人民政府
        body: 年底前完成存量危房改造。
        signature: 某某县住房和城乡建设局
        date: 2020-04-01
        """)
    assert "关于做好农村危房改造工作的通知" in pdf_of(src)[0].get_text()


def test_signature_never_alone_with_the_tail_of_the_attachment_notes(write_yaml):
    """7.3.5.5：分页落在附件说明里时，署名、日期不与附件说明的末几行单独成页——那一页总有正文
    （原来正文 14、21–25 段时署名页上只有附件说明的后半）。"""
    att = "附件:\n" + "".join(f"  - 名称: 第{k}个附件的名称比较长需要两行才能排得下的农村危房改造任务分解表\n    正文: 内容。\n"
                              for k in range(1, 4))
    for n in (14, 21, 23, 25):
        body = "".join(f"  第{i}项工作要求：各单位要按照“三清零”的要求，认真组织排查，按期完成整改任务并报送进展情况。\n"
                       for i in range(1, n + 1))
        pdf = pdf_of(write_yaml(MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", body) + att, f"a{n}.yaml"))
        page = next(p for p in pdf if "2020年4月1日" in p.get_text().replace(" ", "").replace("\n", ""))
        text = page.get_text()
        assert "年底前完成存量危房改造" in text and "附件：1." in text, (n, text[:80])


def test_chinese_quotes_break_as_opening_and_closing_punctuation(write_yaml):
    """“之前、”之后可以断行，“之后、”之前不断（原来 Unicode 规则把中文引号当西文引号，两边都不许断，行在“三清|零”处
    提前断开、短两个字）。"""
    def first_two(k):
        body = "  " + "甲" * k + "各单位要认真落实工作要求，全面完成“三清零”任务，确保如期完成住房安全保障工作目标任务。\n"
        pdf = pdf_of(write_yaml(MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", body), f"q{k}.yaml"))
        ls = [ln for ln in lines(pdf[0]) if "甲" in ln.text or "任务" in ln.text]
        return ls[0], ls[1]

    a, b = first_two(4)  # 行尾正好放得下“三清零”：在”之后断，行排满
    assert a.text.endswith("三清零”") and b.text.startswith("任务") and abs(a.x1 - RIGHT) < 0.5
    a, b = first_two(8)  # 在“之前断
    assert a.text.endswith("完成") and b.text.startswith("“三清零”")
    for k in range(0, 14):
        a, b = first_two(k)
        assert not a.text.endswith(("“", "‘")) and not b.text.startswith(("”", "’", "，", "。"))  # 禁则照旧
