"""把 DOCX 交给真正的字处理软件（LibreOffice）排版，再量它排出的页面：
DOCX 的 XML 对了还不够，要看字处理软件按它排出来是否符合 GB/T 9704。"""

from __future__ import annotations

import re
from pathlib import Path

import pymupdf
import pytest
from measure import check_body_flow, em_width, lines
from wp_compare import SOFFICE
from wp_compare import lo_convert as _lo_convert

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="需要 LibreOffice（make test 会安装）")
LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0


@pytest.fixture(scope="module")
def lo_pdf(sample_docx, tmp_path_factory):
    return _lo_convert(Path(sample_docx), tmp_path_factory.mktemp("lo"))


@pytest.fixture(scope="module")
def ours(sample_pdf):
    return pymupdf.open(sample_pdf)


def land(p):
    return p.rect.width > p.rect.height


def test_same_pagination_as_docgen_pdf(lo_pdf, ours):
    assert len(lo_pdf) == len(ours)
    assert [land(p) for p in lo_pdf] == [land(p) for p in ours]


HANGING = "，。、；：？！）》”’"


def chars_in_block(text: str) -> float:
    """版心内的字数。行末闭标点落在版心外一个字位时，字处理软件让它悬挂在版心外（w:overflowPunct，PDF 在同一处挤压），
    挂出去的那个标点不占版心。"""
    t = text.replace(" ", "").rstrip()  # 空格是 LibreOffice 在汉字与数字之间自动加的间距，原文没有
    return em_width(t[:-1] if t and t[-1] in HANGING else t)


def test_same_line_breaks_as_docgen_pdf(lo_pdf, sample_pdf):
    """正文断行与 docgen 的 PDF 相同的行占九成以上。其余的都在数字旁：LibreOffice 不理会 w:autoSpaceDE=0，
    总在汉字与数字之间加空，这几行就早断一个字（Word 照设置不加）。"""
    from wp_compare import compare_notice

    r = compare_notice(Path(sample_pdf), lo_pdf)
    assert r.same_pages and r.same_lines / r.lines >= 0.9, r


def test_22_lines_of_28_chars(lo_pdf):
    pages = [i for i, p in enumerate(lo_pdf) if not land(p)]
    body = {i: [ln for ln in lines(lo_pdf[i]) if not ln.vertical and TOP - 1 < ln.em_top < BOTTOM] for i in pages}
    for i in pages:
        for ln in body[i]:
            if abs(ln.size - 16) > 0.2:
                continue
            assert chars_in_block(ln.text) <= 28, ln.text
            assert ln.x0 >= LEFT - 0.3
            # 行末挂出的标点之外，文字不越出版心（LibreOffice 在汉字与数字间另加间距，也计入容差）
            limit = RIGHT + (5.9 if ln.text.rstrip()[-1] in HANGING else 0.5)
            limit += 1.5 * sum(c.isdigit() for c in ln.text) / 4
            assert ln.x1 <= limit, ln
    start = next(i for i in pages if i > 0 and any(ln.size > 20 for ln in body[i]))
    end = next(i for i, p in enumerate(lo_pdf) if land(p))
    assert check_body_flow([body[i] for i in range(start, end)]) >= 2
    assert max(chars_in_block(ln.text) for i in pages for ln in body[i]) == 28


def test_page_numbers_sides(lo_pdf):
    """每页都有页码，版记页也有（7.5：样例的版记页前是横排附件的奇数页，没有空白页）。"""
    for i, page in enumerate(lo_pdf):
        num = [ln for ln in lines(page) if re.fullmatch(r"— \d+ —", ln.text.strip())]
        assert len(num) == 1 and num[0].text.strip() == f"— {i + 1} —"
        ln = num[0]
        if land(page):
            assert ln.vertical and ln.x1 < 35  # 横排页页码在左边距内（竖排位置）
        elif (i + 1) % 2:
            assert ln.x1 > RIGHT - 10 and abs(ln.em_top - (BOTTOM + 7)) < 1.5
        else:
            assert ln.x0 < LEFT + 10 and abs(ln.em_top - (BOTTOM + 7)) < 1.5


def test_banji_at_bottom_of_last_even_page(lo_pdf):
    assert len(lo_pdf) % 2 == 0
    last = lo_pdf[-1]
    ys = sorted(d["rect"].y1 * 25.4 / 72 for d in last.get_drawings())
    assert ys and abs(ys[-1] - BOTTOM) < 0.6
    assert "抄送：" in last.get_text()


def test_header_in_word_processor(lo_pdf):
    ls = lines(lo_pdf[0])
    mark = next(ln for ln in ls if ln.text.strip().endswith("文件"))
    assert abs(mark.em_top - (TOP + 35)) < 1.5
    red = [d for d in lo_pdf[0].get_drawings() if d.get("color") and d["color"][0] > 0.9 and d["color"][1] < 0.1]
    assert red, "没有红色分隔线"


def test_several_signers_two_per_line_in_pdf_and_word(tmp_path):
    """7.2.3：签发人每行两个，续行的第一个姓名与上一行的第一个姓名对齐，整栏居右空一字；发文字号居左空一字、
    与最后一个签发人同行；各行落在行距网格上。PDF 与 LibreOffice 排出的 Word 版位置一致。"""
    from conftest import MINIMAL

    from docgen.api import render_file

    one = 16 * 25.4 / 72
    pitch = 28.95 * 25.4 / 72
    for names in (["张三", "李四", "王五"], ["张三", "李四", "王五", "赵六"]):
        src = tmp_path / f"s{len(names)}.yaml"
        src.write_text(MINIMAL.replace("发文字号:", f"签发人: [{', '.join(names)}]\n发文字号:"), encoding="utf-8")
        render_file(src, tmp_path / f"s{len(names)}.pdf")
        render_file(src, tmp_path / f"s{len(names)}.docx")
        work = tmp_path / f"lo{len(names)}"
        work.mkdir()
        for pdf in (pymupdf.open(tmp_path / f"s{len(names)}.pdf"), _lo_convert(tmp_path / f"s{len(names)}.docx", work)):
            spans = [(s["bbox"], s["text"]) for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", [])
                     for s in ln["spans"]]

            def at(text):
                box = next(b for b, t in spans if text in t)
                return box[0] * 25.4 / 72, box[2] * 25.4 / 72, box[1] * 25.4 / 72

            first_x, _, row1 = at("张三")
            third_x, _, row2 = at("王五")
            assert abs(third_x - first_x) < 0.6  # 续行与第一个姓名对齐
            assert abs(row2 - row1 - pitch) < 0.6  # 下一行
            docno_x, _, docno_y = at("某住建发")
            assert abs(docno_x - (LEFT + one)) < 0.8 and abs(docno_y - row2) < 1.2  # 发文字号与最后一行同行
            assert abs(at("李四")[1] - (RIGHT - one)) < 0.8  # 第一行居右空一字
            assert not any("王五" in t and "张三" in t for _, t in spans)  # 三个以上不挤在一行


@pytest.mark.parametrize("signature", ["某某县住房和城乡建设局", "某局"])
def test_unsealed_signature_and_date_in_pdf_and_word(tmp_path, signature):
    """7.3.5.2 不加盖印章：署名在正文下一行、右空二字；成文日期在下一行，首字比署名首字右移二字。
    日期比署名长（短署名“某局”）时日期右空二字，署名左移使其首字仍比日期首字左二字。PDF 与 Word 版一致。"""
    from conftest import MINIMAL
    from measure import lines

    from docgen.api import render_file

    ch = 15.75 * 25.4 / 72
    pitch = 28.95 * 25.4 / 72
    src = tmp_path / "u.yaml"
    src.write_text(MINIMAL.replace("发文机关署名: 某某县住房和城乡建设局", f"发文机关署名: {signature}"), encoding="utf-8")
    render_file(src, tmp_path / "u.pdf")
    render_file(src, tmp_path / "u.docx")
    work = tmp_path / "lo"
    work.mkdir()
    for which, pdf in (("pdf", pymupdf.open(tmp_path / "u.pdf")), ("word", _lo_convert(tmp_path / "u.docx", work))):
        ls = lines(pdf[0])
        sig = next(ln for ln in ls if ln.text.strip() == signature)
        date = next(ln for ln in ls if ln.text.replace(" ", "") == "2020年4月1日")
        body = next(ln for ln in ls if "年底前完成存量危房改造" in ln.text)
        assert abs(sig.em_top - body.em_top - 2 * pitch) < 1.0  # 正文下空一行
        assert abs(date.em_top - sig.em_top - pitch) < 1.0
        if len(signature) > 4:
            assert abs(sig.x1 - (RIGHT - 2 * ch)) < 0.8  # 右空二字
            assert abs(date.x0 - (sig.x0 + 2 * ch)) < 0.8  # 日期首字右移二字
        else:
            assert abs(date.x1 - (RIGHT - 2 * ch)) < 0.8  # 日期更长：日期右空二字
            if which == "pdf":  # Word 版要估日期的宽度（数字多宽随字体），只在 PDF 上量得准
                assert abs(sig.x0 - (date.x0 - 2 * ch)) < 0.8  # 署名左移
            else:
                assert sig.x0 < date.x0 and sig.x1 < date.x1


def test_joint_issuer_marks_in_pdf_and_word(tmp_path):
    """联合行文：各机关名称分散对齐到同样宽、“文件”二字在它们右侧且上下居中，整块居中不超出版心（原来 PDF 左齐且超出约 1 mm，
    Word 版“文件”跟在最后一个名称后面）。PDF 与 LibreOffice 排出的 Word 版都量。"""
    from conftest import MINIMAL

    from docgen.api import render_file

    src = tmp_path / "j.yaml"
    src.write_text(MINIMAL.replace("发文机关标志: 某某县住房和城乡建设局文件",
                                   "发文机关标志:\n  机关: [某某县住房和城乡建设局, 某某县财政局, 某某县民政局]\n  文件: true"),
                   encoding="utf-8")
    render_file(src, tmp_path / "j.pdf")
    render_file(src, tmp_path / "j.docx")
    work = tmp_path / "lo"
    work.mkdir()
    for pdf in (pymupdf.open(tmp_path / "j.pdf"), _lo_convert(tmp_path / "j.docx", work)):
        spans = [s for b in pdf[0].get_text("dict")["blocks"] for ln in b.get("lines", []) for s in ln["spans"]
                 if s["size"] > 25]
        mm = 25.4 / 72
        wen = next(s for s in spans if s["text"].strip() == "文件")
        names = [s for s in spans if s is not wen]
        rows: dict[int, list] = {}
        for s in names:
            rows.setdefault(round(s["bbox"][1] * mm), []).append(s)
        assert len(rows) == 3
        x0 = [min(s["bbox"][0] for s in r) * mm for r in rows.values()]
        x1 = [max(s["bbox"][2] for s in r) * mm for r in rows.values()]
        assert max(x0) - min(x0) < 0.8 and max(x1) - min(x1) < 0.8  # 分散对齐到同样宽
        assert min(x0) >= LEFT - 0.3 and wen["bbox"][2] * mm <= RIGHT + 0.3  # 不超出版心
        assert abs((min(x0) - LEFT) - (RIGHT - wen["bbox"][2] * mm)) < 1.0  # 整块居中
        assert wen["bbox"][0] * mm > max(x1)  # “文件”在名称右侧
        tops = sorted(rows)
        mid = (wen["bbox"][1] + wen["bbox"][3]) / 2 * mm
        first_mid = (min(s["bbox"][1] for s in rows[tops[0]]) + min(s["bbox"][3] for s in rows[tops[0]])) / 2 * mm
        last_mid = (min(s["bbox"][1] for s in rows[tops[-1]]) + min(s["bbox"][3] for s in rows[tops[-1]])) / 2 * mm
        assert abs(mid - (first_mid + last_mid) / 2) < 1.5  # 上下居中


def test_line_end_punctuation_same_in_word(tmp_path):
    """行末第 29 字位上的点号（，。、；：？！）在 PDF 里挤进本行；Word 版把同样的字距写进文字块，LibreOffice 排出来
    断行相同、标点都在（它自己悬挂的标点导出 PDF 时会丢）。闭括号、闭引号不挤：与前一字一起移到下一行。
    最后一段三行、页末只剩一行时，三行一起移到下一页（PDF 的 orphans: 2）。"""
    from conftest import MINIMAL
    from wp_compare import compare_notice

    from docgen.api import render_file

    paras = ["一" * 26 + "二" * 28 + p + "三四五" for p in "，。、；：？！）》”"]
    body = "正文: |\n" + "".join("  " + x + "\n" for x in paras)
    text = re.sub(r"正文: \|\n(  .*\n)+", body, MINIMAL)
    src = tmp_path / "h.yaml"
    src.write_text(text, encoding="utf-8")
    render_file(src, tmp_path / "h.docx")
    render_file(src, tmp_path / "h.pdf")
    r = compare_notice(tmp_path / "h.pdf", _lo_convert(tmp_path / "h.docx", tmp_path / "lo"))
    assert r.same_pages and r.same_text and r.same_lines == r.lines, r
    ours = pymupdf.open(tmp_path / "h.pdf")
    ends = [ln.text.strip()[-1] for p in ours for ln in lines(p) if ln.text.strip().startswith("二二二")]
    assert set(ends) >= set("，。、；：？！") and not set(ends) & set("）》”"), ends


def test_banji_page_numbers_and_position_agree_with_pdf(tmp_path):
    """7.5 在 Word 版里：正文长短不同的公文（版记与正文同页、另起一页且前面插了空白页、另起一页紧跟在奇数页之后），
    LibreOffice 排出的每页页码（有无与数字）与 docgen 的 PDF 相同，版记末条线都压在版心下边缘（相差不到 0.6 mm）。"""
    from conftest import MINIMAL
    from wp_compare import render_and_compare

    banji = "抄送机关: [县政府办公室, 县财政局, 县民政局, 县扶贫办]\n印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-01\n"
    # 正文不带数字：LibreOffice 在汉字与数字之间自动加空（见 test_same_line_breaks_as_docgen_pdf），断行会早一个字
    para = "  各项工作要求：各单位要按照“三清零”的要求，认真组织排查，按期完成整改任务并报送进展情况。\n"
    lengths = (1, 10, 12, 14, 22, 28)
    sources = {f"n{n}": MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n",
                                        para * n) + banji for n in lengths}
    results = render_and_compare(sources, tmp_path)
    kinds = set()
    for name, r in results.items():
        assert r.same_pages and r.same_text and r.same_numbers, (name, r)
        assert r.banji_gap_mm < 0.6 and r.banji_text_gap_mm < 1.5, (name, r)
        pdf = pymupdf.open(tmp_path / f"{name}.pdf")
        last = pdf[-1].get_text()
        kinds.add("same" if "项工作要求" in last else "numbered" if f"— {len(pdf)} —" in last else "blank")
    assert kinds == {"same", "numbered", "blank"}, kinds


def test_banji_stays_on_an_even_page_when_word_paginates_the_attachment_differently(tmp_path):
    """附件名短、横排任务清单的表格在 LibreOffice 里比 PDF 少排一页（已知的差别）：版记一节写的是“另起偶数页”，
    所以 Word 版的版记仍在偶数页（原来写成“下一页”时落在第 7 页），末条线压在版心下边缘。"""
    import shutil

    from conftest import MINIMAL, SAMPLE

    shutil.copy(SAMPLE.parent / "tasklist.yaml", tmp_path / "tasklist.yaml")
    text = MINIMAL + ("附件:\n  - 名称: 任务清单\n    文件: tasklist.yaml\n抄送机关: [县政府办公室, 县财政局]\n"
                      "印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-02\n")
    src = tmp_path / "n.yaml"
    src.write_text(text, encoding="utf-8")
    from docgen.api import render_file

    render_file(src, tmp_path / "n.docx")
    lo = _lo_convert(tmp_path / "n.docx", tmp_path / "lo")
    assert len(lo) % 2 == 0 and "抄送：" in lo[-1].get_text()
    assert all("抄送：" not in p.get_text() for p in lo[:-1])
    ys = [d["rect"].y1 * 25.4 / 72 for d in lo[-1].get_drawings()]
    assert ys and abs(max(ys) - BOTTOM) < 0.6, max(ys)
