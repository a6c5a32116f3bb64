"""工作台预览的省一遍排版（render_notice_pdf 的 hints）：带不带上次的版记留白，排出的 PDF 字节都一样——
改一个字、删一段、加一段之后拿旧的留白去排，也与从头两遍排的一样。"""

from __future__ import annotations

import pytest
from conftest import draw_png
from measure import page_contents
from test_layout_sweep import case

from docgen.api import render_document
from docgen.fonts import FontSet

CASES = [i for i in range(60) if case(i)[1]["banji"] and case(i)[1]["fmt"] != "信函"][:8]
seen: list = []


@pytest.fixture(scope="module")
def work(tmp_path_factory):
    d = tmp_path_factory.mktemp("hints")
    draw_png(d / "seal.png", 400, 400, True)
    draw_png(d / "stamp.png", 300, 120, False)
    return d


@pytest.mark.parametrize("i", CASES)
def test_hinted_render_is_byte_identical(i, work, monkeypatch):
    fonts = FontSet()
    text, _ = case(i)
    src = work / f"n{i}.yaml"
    src.write_text(text, encoding="utf-8")
    hints: dict = {}
    first = render_document(src, ".pdf", fonts, hints)  # 带 hints 时不分段排：两遍，记下版记的位置
    assert page_contents(render_document(src, ".pdf", fonts)) == page_contents(first)  # 不带时可能分段排（见下）
    from docgen.render import pdf

    passes = []
    real = pdf._layout
    monkeypatch.setattr(pdf, "_layout", lambda *a, **k: passes.append(1) or real(*a, **k))
    assert render_document(src, ".pdf", fonts, dict(hints)) == first  # 用上次的留白：一遍排完，字节相同
    assert len(passes) == (1 if hints.get("版记") else 2), hints
    seen.append(hints.get("版记", {}) and hints["版记"]["另起"])
    # 改一个字、删掉最后一段、加一段：拿旧留白去排，与从头排的相同
    lines = text.splitlines()
    body = [k for k, ln in enumerate(lines) if ln.startswith("  ") and not ln.strip().startswith(("#", "-"))
            and "：" not in ln and ":" not in ln]
    edits = [text.replace("逐户", "逐家", 1)]
    if body:
        k = body[-1]
        edits.append("\n".join(lines[:k] + lines[k + 1:]) + "\n" if len(body) > 1 else text)
        edits.append("\n".join(lines[:k + 1] + [lines[k]] + lines[k + 1:]) + "\n")
    for n, edited in enumerate(edits):
        src.write_text(edited, encoding="utf-8")
        fresh = render_document(src, ".pdf", fonts, {})  # 从头两遍
        assert render_document(src, ".pdf", fonts, dict(hints)) == fresh, (i, n)


def test_both_placements_were_exercised():
    """上面几份里既有版记与正文同页的，也有另起一页的（两条省一遍的路都走到了）。"""
    if len(seen) < len(CASES):
        pytest.skip("只跑了一部分")
    assert True in seen and False in seen, seen


def test_sample_notice_own_page_hint(tmp_path, monkeypatch):
    """样例通知：正文止于奇数页，版记另起偶数页——带着提示一遍排完，字节与两遍的相同。"""
    from conftest import SAMPLE

    from docgen.render import pdf

    fonts = FontSet()
    hints: dict = {}
    first = render_document(SAMPLE, ".pdf", fonts, hints)
    assert hints["版记"]["另起"] is True
    passes = []
    real = pdf._layout
    monkeypatch.setattr(pdf, "_layout", lambda *a, **k: passes.append(1) or real(*a, **k))
    assert render_document(SAMPLE, ".pdf", fonts, dict(hints)) == first
    assert len(passes) == 1


@pytest.mark.parametrize("paras,numbered", [(1, True), (12, False)])
def test_banji_after_landscape_attachment_placed_without_a_first_pass(tmp_path, monkeypatch, paras, numbered):
    """最后是横排附件时版记必定另起一页：先只排版记量出留白，一遍排完整份（附件止于奇数页、版记页编页码时）；附件止于偶数页
    （版记前插空白页、不编页码）时再排一遍。两种都与照常两遍排版的字节相同。"""
    import shutil

    import pymupdf
    from conftest import MINIMAL, SAMPLE

    from docgen.render import pdf

    shutil.copy(SAMPLE.parent / "tasklist.yaml", tmp_path / "tasklist.yaml")
    para = "  各单位要按照“三清零”的要求，认真组织排查，按期完成整改任务并报送进展情况。\n"
    src = tmp_path / "n.yaml"
    src.write_text(MINIMAL.replace("  为做好农村危房改造工作，现将有关事项通知如下。\n", para * paras)
                   + "附件:\n  - 名称: 任务清单\n    文件: tasklist.yaml\n抄送机关: [县政府办公室, 县财政局]\n"
                     "印发机关: 某某县住房和城乡建设局办公室\n印发日期: 2020-04-02\n", encoding="utf-8")
    fonts = FontSet()
    sizes = []
    real = pdf._layout
    monkeypatch.setattr(pdf, "_layout", lambda html, *a, **k: sizes.append(len(html)) or real(html, *a, **k))
    quick = render_document(src, ".pdf", fonts)
    full_passes = [s for s in sizes if s > min(sizes)]  # 只排版记的那一遍 HTML 最短
    assert len(sizes) == (2 if numbered else 3) and len(full_passes) == (1 if numbered else 2), sizes
    monkeypatch.setattr(pdf, "_banji_alone_spacer", lambda *a, **k: None)
    assert render_document(src, ".pdf", fonts) == quick
    doc = pymupdf.open(stream=quick, filetype="pdf")
    assert len(doc) % 2 == 0 and "抄送" in doc[-1].get_text()
    assert (f"— {len(doc)} —" in doc[-1].get_text()) == numbered


TABLE_ROWS = [1, 30, 48, 49, 50, 60]  # 竖排附件表格的行数：版记与附件同页、另起编页码、另起前插空白页都会出现


def test_last_portrait_attachment_laid_out_apart(work, monkeypatch):
    """最后一个附件是竖排时，正文与前面的附件只排一遍，最后一个附件连同版记单独排、页拼起来：每页的文字、图、线的位置
    与整份排两遍的相同（版记同页、另起编页码、另起前插空白页三种都有），整份只排一遍。"""
    from docgen.render import pdf

    fonts = FontSet()
    srcs = []
    for i in [i for i in range(400) if "附件:" in case(i)[0] and case(i)[1]["banji"]][:6]:
        srcs.append(work / f"split{i}.yaml")
        srcs[-1].write_text(case(i)[0], encoding="utf-8")
    text, _ = case(CASES[0])
    for n in TABLE_ROWS:  # 前面一个横排附件、最后一个长短不一的竖排表格
        rows = "".join(f"        - [第{k}村, {k}, {k % 3}]\n" for k in range(n))
        src = work / f"rows{n}.yaml"
        src.write_text(text + "附件:\n  - 名称: 任务表\n    横排: true\n    表格:\n      列: [任务, 科室]\n      行:\n"
                       "        - [排查, 村镇科]\n  - 名称: 排查情况统计表\n    表格:\n      列: [村, 户数, 危房]\n      行:\n"
                       + rows, encoding="utf-8")
        srcs.append(src)
    real_split, real_layout = pdf._split_at_last_attachment, pdf._layout
    placements, sizes = [], []  # sizes：每遍排版的 HTML 里有没有正文、有没有版记

    def split(*a, **k):
        got = real_split(*a, **k)
        placements.append(got and got[1])
        return got

    for src in srcs:
        monkeypatch.setattr(pdf, "_split_at_last_attachment", split)
        monkeypatch.setattr(pdf, "_layout", lambda html, *a, **k: sizes.append(
            ('<section class="front' in html, 'id="banji"' in html)) or real_layout(html, *a, **k))
        sizes.clear()
        apart = render_document(src, ".pdf", fonts)
        # 正文那段排一遍、最后一个附件连同版记两遍（版记被拆开时三遍），没有一遍是整份
        assert placements[-1] and sizes.count((True, False)) == 1 and sizes.count((False, True)) in (2, 3), \
            (src.name, sizes)
        assert (True, True) not in sizes
        monkeypatch.setattr(pdf, "_split_at_last_attachment", lambda *a, **k: None)
        assert page_contents(apart) == page_contents(render_document(src, ".pdf", fonts)), src.name
    kinds = {(p.own_page, p.numbered) for p in placements}
    assert kinds == {(False, True), (True, True), (True, False)}, kinds



def test_changed_template_is_not_laid_out_apart(work, tmp_path, monkeypatch):
    """分段排只对 docgen 自带的公文模板证明过：模板目录是它的原样拷贝时照样分段；用户改了模板（这里把正文与附件包进一个
    div、给附件另设字号）时照常两遍——结果与整份排两遍的相同。"""
    import shutil

    from docgen.render import pdf
    from docgen.render.env import PACKAGE_TEMPLATES

    text, _ = case(CASES[0])
    src = work / "tpl.yaml"
    src.write_text(text + "附件:\n  - 名称: 排查情况统计表\n    表格:\n      列: [村, 户数]\n      行:\n        - [一村, 10]\n",
                   encoding="utf-8")
    fonts = FontSet()
    shutil.copytree(PACKAGE_TEMPLATES, tmp_path / "tpl")
    real = pdf._split_at_last_attachment
    used = []
    monkeypatch.setattr(pdf, "_split_at_last_attachment", lambda *a, **k: used.append(1) or real(*a, **k))
    monkeypatch.setenv("DOCGEN_TEMPLATES", str(tmp_path / "tpl"))
    render_document(src, ".pdf", fonts)
    assert used and pdf._stock_template()
    page = tmp_path / "tpl" / "html" / "notice.html"
    html = page.read_text(encoding="utf-8")
    html = html.replace("</style>", ".doc .attachment { font-size: 14pt; }\n</style>", 1)
    html = html.replace("<section class=\"front", "<div class=\"doc\"><section class=\"front", 1).replace("</body>", "</div></body>")
    page.write_text(html, encoding="utf-8")
    assert not pdf._stock_template()
    changed = render_document(src, ".pdf", fonts)
    monkeypatch.setattr(pdf, "_split_at_last_attachment", lambda *a, **k: None)
    assert page_contents(changed) == page_contents(render_document(src, ".pdf", fonts))
