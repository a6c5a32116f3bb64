"""GB/T 9704 第 10 章的特定格式（信函、命令、纪要）与署名的几种做法（签名章 7.3.5.3、联合行文加盖印章 7.3.5.1）：
在 docgen 的 PDF 上、也在 LibreOffice 排出的 Word 版上，量标准给出的位置。"""

from __future__ import annotations

import pymupdf
import pytest
from measure import PT_MM, check_notice_layout, lines
from test_docx_in_word_processor import SOFFICE, _lo_convert

from conftest import draw_png

from docgen.api import render_file

LEFT, RIGHT, TOP, BOTTOM = 28.0, 184.0, 37.0, 262.0
PITCH = 28.95 * PT_MM
EM = 15.75 * PT_MM  # 3号字一个字宽（含 −0.25 pt 字距）


@pytest.fixture
def images(tmp_path):
    draw_png(tmp_path / "stamp.png", 100, 40, circle=False)
    draw_png(tmp_path / "seal.png", 120, 120, circle=True)
    return tmp_path


def both(tmp_path, name: str, text: str) -> list[tuple[str, pymupdf.Document]]:
    """渲染 PDF 与 DOCX，返回 [("PDF", docgen 的 PDF), ("Word", LibreOffice 排出的 PDF)]（没有 LibreOffice 时只有前者）。"""
    src = tmp_path / f"{name}.yaml"
    src.write_text(text, encoding="utf-8")
    render_file(src, tmp_path / f"{name}.pdf")
    render_file(src, tmp_path / f"{name}.docx")
    out = [("PDF", pymupdf.open(tmp_path / f"{name}.pdf"))]
    if SOFFICE:
        work = tmp_path / f"lo-{name}"
        work.mkdir()
        out.append(("Word", _lo_convert(tmp_path / f"{name}.docx", work)))
    return out


def red_rules(page) -> list[pymupdf.Rect]:
    """红色的线（PDF 里是填充的细矩形，LibreOffice 画的是线段）：按 y 排好。"""
    out = []
    for d in page.get_drawings():
        color = d.get("fill") or d.get("color")
        if color and color[0] > 0.9 and color[1] < 0.2 and d["rect"].width > 100:
            r = d["rect"]
            out.append(pymupdf.Rect(r.x0 * PT_MM, r.y0 * PT_MM, r.x1 * PT_MM, r.y1 * PT_MM))
    return sorted(out, key=lambda r: r.y0)


def images_mm(page) -> list[pymupdf.Rect]:
    return sorted((pymupdf.Rect(*[v * PT_MM for v in im["bbox"]]) for im in page.get_image_info()), key=lambda r: (r.y0, r.x0))


def find(page, start: str):
    return next(ln for ln in lines(page) if ln.text.replace(" ", "").startswith(start))


LETTER = """格式: 信函
份号: "000123"
紧急程度: 特急
发文机关标志: 某某县住房和城乡建设局
发文字号: 某住建函〔2020〕12号
标题: 关于商请协助开展农村住房安全排查的函
主送机关: 某某县自然资源局
正文: |
  为做好农村住房安全有保障工作，我局拟于近期开展排查，现商请贵局协助提供有关资料。
  特此函达。
发文机关署名: 某某县住房和城乡建设局
成文日期: 2020-04-01
抄送机关: [县政府办公室]
"""


def test_letter_format(tmp_path):
    """10.1 信函：标志上边缘距纸张上边缘 30 mm；其下 4 mm 红色双线（上粗下细）、距纸张下边缘 20 mm 另一条（上细下粗），
    都长 170 mm 居中；份号、紧急程度居左、发文字号居右，距双线 3号字高的 7/8；首页不编页码；版记没有分隔线。"""
    for engine, pdf in both(tmp_path, "letter", LETTER):
        page = pdf[0]
        mark = find(page, "某某县住房和城乡建设局")
        assert abs(mark.em_top - 30) < (1.0 if engine == "PDF" else 1.5), (engine, mark.em_top)  # 字处理软件的字体度量略异
        rules = red_rules(page)
        top = [r for r in rules if r.y0 < 100]
        foot = [r for r in rules if r.y0 > 250]
        assert top and foot, (engine, rules)
        top_y0, top_y1 = min(r.y0 for r in top), max(r.y1 for r in top)
        mark_bottom = mark.em_top + mark.size * PT_MM
        # 标志下 4 mm。字处理软件把标志的字在定高的行里放得比 PDF 高约 1.1 mm（字体度量），双线按标准位置，故放宽
        assert abs(top_y0 - mark_bottom - 4) < (0.8 if engine == "PDF" else 1.7), (engine, top_y0, mark_bottom)
        for group in (top, foot):
            assert abs(min(r.x0 for r in group) - 21) < 0.5 and abs(max(r.x1 for r in group) - 191) < 0.5  # 170 mm，居中
        assert abs(max(r.y1 for r in foot) - 277) < 0.8, engine  # 距纸张下边缘 20 mm
        if engine == "PDF":  # 上粗下细、上细下粗（LibreOffice 画成两条线，粗细不在图形里）
            assert top[0].height > top[-1].height or len({round(r.height, 2) for r in top}) == 1
        first = find(page, "000123")  # 份号居左、发文字号居右，同一行
        assert "某住建函" in first.text and abs(first.x0 - LEFT) < 0.5 and abs(first.x1 - RIGHT) < 0.8, (engine, first)
        assert abs(first.em_top - top_y1 - 7 / 8 * 16 * PT_MM) < 0.8, (engine, first.em_top, top_y1)
        assert not [ln for ln in lines(page) if ln.text.strip().startswith("—")], engine  # 首页不编页码
        cc = find(page, "抄送")
        # 版心内最下方：首页的版心伸到第二条双线上方（第 23 行）；Word 版是浮动表格，LibreOffice 也排在这里
        assert abs(cc.em_top - (TOP + 22 * PITCH + (PITCH - 14 * PT_MM) / 2)) < 0.6, (engine, cc.em_top)
        assert not [d for d in page.get_drawings() if (d.get("fill") or d.get("color") or (1,))[0] < 0.1
                    and d["rect"].width > 100], engine  # 版记没有黑色分隔线
        title = find(page, "关于商请")
        assert title.em_top - (find(page, "特急").em_top + 16 * PT_MM) > PITCH * 0.9  # 与最后一个要素相距二行


def test_letter_first_page_reaches_down_to_the_second_rule(tmp_path):
    """10.1：信函首页版心之下是第二条双线——首页的正文排到双线上方（仍在行距网格上，第 23 行），最后一行的字距双线
    不少于 3号字高的 7/8；第 2 页起照常 22 行、编页码。PDF 与 LibreOffice 排出的 Word 版相同。"""
    para = "  为做好农村住房安全有保障工作，各单位要按照“三排查三清零”的要求逐户核实、逐项整改，确保不漏一户、不落一人。\n"
    text = LETTER.replace("  为做好农村住房安全有保障工作，我局拟于近期开展排查，现商请贵局协助提供有关资料。\n", para * 14)
    for engine, pdf in both(tmp_path, "long-letter", text):
        assert len(pdf) == 2, engine
        body = [ln for ln in lines(pdf[0]) if abs(ln.size - 16) < 0.3 and ln.em_top > 100]
        foot_top = min(r.y0 for r in red_rules(pdf[0]) if r.y0 > 250)
        last = max(body, key=lambda ln: ln.em_top)
        assert abs(last.em_top - (TOP + 22 * PITCH + (PITCH - 16 * PT_MM) / 2)) < 0.8, (engine, last.em_top)
        assert foot_top - (last.em_top + 16 * PT_MM) >= 7 / 8 * 16 * PT_MM - 0.3, (engine, foot_top, last.em_top)
        second = [ln for ln in lines(pdf[1]) if abs(ln.size - 16) < 0.3 and not ln.text.strip().startswith("—")]
        assert max(ln.em_top for ln in second) + 16 * PT_MM < TOP + 225 + 0.5, engine
        assert [ln.text.strip() for ln in lines(pdf[1]) if ln.text.strip().startswith("—")] == ["— 2 —"], engine


def test_letter_seal_never_crosses_the_second_rule(tmp_path, images):
    """署名、日期正好落在信函首页第 23 行时，印章的下半截会伸过第二条双线：这样的信函（12 段）首页照常 22 行，署名、
    日期与正文末两行移到第 2 页——PDF 与 Word 一样；印章总在双线以上。日期在首页靠上（3 段）或在第 2 页（30 段）的
    信函不受影响：后者首页仍排到第 23 行。"""
    line = "  为做好农村住房安全有保障工作，各单位要按照要求逐户核\n"
    base = LETTER.replace("抄送机关: [县政府办公室]\n", "印章: seal.png\n")
    for n, pages, seal_on_first, line23 in ((12, 2, False, False), (3, 1, True, False), (30, 2, False, True)):
        text = base.replace("  为做好农村住房安全有保障工作，我局拟于近期开展排查，现商请贵局协助提供有关资料。\n  特此函达。\n", line * n)
        for engine, pdf in both(tmp_path, f"seal{n}", text):
            assert len(pdf) == pages, (engine, n)
            foot_top = min(r.y0 for r in red_rules(pdf[0]) if r.y0 > 250)
            for page in pdf:
                for im in images_mm(page):
                    assert im.y1 < foot_top - 1 if page.number == 0 else im.y1 < TOP + 225 + 1, (engine, n, im)
            assert bool(images_mm(pdf[0])) == seal_on_first, (engine, n)
            body = [ln for ln in lines(pdf[0]) if abs(ln.size - 16) < 0.3 and ln.em_top > 100]
            assert (max(ln.em_top for ln in body) > TOP + 22 * PITCH) == line23, (engine, n)
            if engine == "PDF":
                check_notice_layout(pdf, "2020年4月1日", "信函", False, n)


ORDER = """格式: 命令
发文机关标志: 某某县人民政府令
令号: 3
正文: |
  《某某县农村自建房安全管理办法》已经2020年3月20日县人民政府第12次常务会议通过，现予公布，自2020年5月1日起施行。
签名章:
  - 职务: 县长
    图片: stamp.png
成文日期: 2020-04-01
"""


def test_order_format_and_signature_stamp(tmp_path, images):
    """10.2 命令：标志上边缘距版心上边缘 20 mm，令号在其下空二行居中，正文在令号下空二行，没有红色分隔线。
    7.3.5.3 签名章：正文下空二行、右空四字，职务在签名章左空二字、上下居中；日期在签名章下空一行、右空四字。"""
    (tmp_path / "stamp.png").write_bytes((images / "stamp.png").read_bytes())
    for engine, pdf in both(tmp_path, "order", ORDER):
        page = pdf[0]
        mark = find(page, "某某县人民政府令")
        assert abs(mark.em_top - (TOP + 20)) < (1.0 if engine == "PDF" else 1.5), (engine, mark.em_top)
        no = find(page, "第3号")
        assert abs((no.x0 + no.x1) / 2 - (LEFT + RIGHT) / 2) < 1.0, engine  # 居中
        assert abs(no.em_top - (mark.em_top + mark.size * PT_MM) - 2 * PITCH) < 1.2, (engine, no.em_top)
        body = find(page, "《某某县")
        # 令号下空二行（正文落在行距网格上，所以至多再多出不到一行）
        assert 3 * PITCH - 0.5 < body.em_top - no.em_top < 4 * PITCH, (engine, body.em_top - no.em_top)
        assert abs((body.em_top + 8 * PT_MM - TOP) / PITCH - 0.5 - round((body.em_top + 8 * PT_MM - TOP) / PITCH - 0.5)) < 0.2
        assert not red_rules(page), engine
        (stamp,) = images_mm(page)
        title, date = find(page, "县长"), find(page, "2020年4月1日")
        last_body = max(ln.em_top for ln in lines(page) if ln.size < 17 and ln.em_top < stamp.y0)
        assert abs(title.em_top - last_body - 3 * PITCH) < 0.8, engine  # 正文下空二行
        assert abs(stamp.x1 - (RIGHT - 4 * EM)) < 0.8, (engine, stamp.x1)  # 右空四字
        assert abs(stamp.x0 - title.x1 - 2 * EM) < 0.8, (engine, stamp.x0 - title.x1)  # 左空二字
        assert abs((stamp.y0 + stamp.y1) / 2 - (title.em_top + 16 * PT_MM / 2)) < 0.8, engine  # 上下居中
        assert abs(stamp.height - 15) < 0.5
        assert abs(date.x1 - (RIGHT - 4 * EM)) < 1.0 and abs(date.em_top - title.em_top - 2 * PITCH) < 0.8, engine


MINUTES = """格式: 纪要
发文机关标志: 某某县住房和城乡建设局局务会议纪要
期号: 5
正文: |
  2020年3月30日，局长张三主持召开局务会议，研究农村危房改造“回头看”工作。纪要如下：
  # 关于排查工作
  会议要求各股室按照职责分工抓好落实。
出席: [张三, 李四, 王五, 赵六, 钱七, 孙八, 周九, 吴十, 郑十一, 王十二, 冯十三, 陈十四, 褚十五, 卫十六]
请假: 韩十九（出差）
列席: [县财政局 杨二十, 县民政局 朱二十一]
成文日期: 2020-03-31
"""


def test_minutes_format_attendance(tmp_path):
    """10.3 纪要：标志上边缘距版心上边缘 35 mm；出席、请假、列席在正文下一行起、左空二字，“出席：”为黑体，
    回行与冒号后的首字对齐。期号居左、日期居右，其下红色分隔线。"""
    for engine, pdf in both(tmp_path, "minutes", MINUTES):
        page = pdf[0]
        mark = find(page, "某某县住房和城乡建设局局务会议纪要")
        assert abs(mark.em_top - (TOP + 35)) < 1.0, engine
        head = find(page, "第5期")  # 期号居左、日期居右，同一行，左右各空一字
        assert "2020" in head.text and abs(head.x0 - LEFT - EM) < 0.8 and abs(head.x1 - RIGHT + EM) < 1.5, (engine, head)
        assert red_rules(page), engine
        attend = find(page, "出席：")
        assert abs(attend.x0 - (LEFT + 2 * EM)) < 0.6, engine
        body_last = find(page, "会议要求")
        assert abs(attend.em_top - body_last.em_top - 2 * PITCH) < 0.8, engine  # 正文下一行
        spans = [s for b in page.get_text("dict")["blocks"] for ln in b.get("lines", []) for s in ln["spans"]
                 if s["text"].startswith("出席")]
        assert any("Sans" in s["font"] or "Hei" in s["font"] for s in spans), (engine, spans)  # 黑体
        wrapped = [ln for ln in lines(page) if attend.em_top < ln.em_top < find(page, "请假").em_top]
        assert wrapped, engine
        for ln in wrapped:
            assert abs(ln.x0 - (LEFT + 5 * EM)) < 0.8, (engine, ln)  # 与冒号后首字对齐
        for label in ("请假：", "列席："):
            assert abs(find(page, label).x0 - (LEFT + 2 * EM)) < 0.6


JOINT = """发文机关标志:
  机关: [某某县住房和城乡建设局, 某某县财政局, 某某县民政局, 某某县自然资源局]
  文件: true
发文字号: 某住建联发〔2020〕2号
标题: 关于联合开展农村住房安全排查的通知
主送机关: 各乡镇人民政府
正文: |
  请各乡镇按照要求认真组织开展排查工作。
发文机关署名: [某某县住房和城乡建设局, 某某县财政局, 某某县民政局, 某某县自然资源局]
成文日期: 2020-04-01
印章: [seal.png, seal.png, seal.png, seal.png]
"""


def test_joint_seals(tmp_path, images):
    """7.3.5.1 联合行文加盖印章：每个署名上居中压一枚印章，最后一枚同时压日期；印章排列整齐、互不相交相切，
    每排不超出版心，首排印章顶端距正文一行之内。"""
    (tmp_path / "seal.png").write_bytes((images / "seal.png").read_bytes())
    for engine, pdf in both(tmp_path, "joint", JOINT):
        page = pdf[-1]  # 四个机关的标志占去首页大半，署名与正文一起排在第 2 页
        assert find(page, "请各乡镇"), engine
        seals = images_mm(page)
        assert len(seals) == 4, engine
        for i, a in enumerate(seals):
            assert a.x0 >= LEFT - 0.3 and a.x1 <= RIGHT + 0.3, (engine, a)
            for b in seals[i + 1:]:
                assert not a.intersects(b + (-0.5, -0.5, 0.5, 0.5)), (engine, a, b)  # 不相交、不相切
        rows = sorted({round(s.y0) for s in seals})
        assert len(rows) == 2, (engine, seals)
        names = ["某某县住房和城乡建设局", "某某县财政局", "某某县民政局", "某某县自然资源局"]
        text_lines = lines(page)
        for seal, name in zip(seals, names):
            ln = next(x for x in text_lines if name in x.text.replace(" ", ""))
            # 同一行有两个署名时按名字在行内的位置估出它的中心
            spans = [s for b in page.get_text("dict")["blocks"] for l in b.get("lines", []) for s in l["spans"]
                     if s["text"].strip() == name]
            assert spans, (engine, name)
            centre = (spans[0]["bbox"][0] + spans[0]["bbox"][2]) / 2 * PT_MM
            assert abs(centre - (seal.x0 + seal.x1) / 2) < 1.0, (engine, name)
            assert seal.y0 < ln.em_top < seal.y1
        date = find(page, "2020年4月1日")
        last = seals[-1]
        # LibreOffice 在汉字与数字之间另加间距（不理会 autoSpaceDE=0），日期宽出约 6 mm，中心因此偏左
        tol = 1.0 if engine == "PDF" else 3.5
        assert abs((date.x0 + date.x1) / 2 - (last.x0 + last.x1) / 2) < tol and last.y0 < date.em_top < last.y1, engine
        body = find(page, "请各乡镇")
        assert seals[0].y0 - (body.em_top + 16 * PT_MM) < PITCH, engine  # 首排印章顶端距正文一行之内


@pytest.mark.parametrize("text, fragment", [
    (ORDER.replace("令号: 3\n", ""), "须有令号"),
    (ORDER.replace("某某县人民政府令", "某某县人民政府"), "加“命令”或“令”字"),
    (LETTER.replace("印发机关", "x").replace("抄送机关: [县政府办公室]", "抄送机关: [县政府办公室]\n印发机关: 某局办公室\n印发日期: 2020-04-02"),
     "信函格式的版记不加印发机关"),
    (LETTER + "出席: [张三]\n", "出席、请假、列席只用于纪要格式"),
    (LETTER.replace("格式: 信函", "格式: 公函"), "格式"),
    (JOINT.replace("印章: [seal.png, seal.png, seal.png, seal.png]", "印章: [seal.png, seal.png]"), "印章 2 枚"),
])
def test_format_element_errors(tmp_path, images, text, fragment):
    from docgen.api import load_notice
    from docgen.errors import InputError

    (tmp_path / "seal.png").write_bytes((images / "seal.png").read_bytes())
    (tmp_path / "stamp.png").write_bytes((images / "stamp.png").read_bytes())
    src = tmp_path / "n.yaml"
    src.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_notice(src)
    assert fragment in str(exc.value) + "".join(str(i) for i in exc.value.issues), exc.value.issues


def test_seal_that_is_not_an_image(tmp_path):
    from conftest import MINIMAL

    from docgen.api import load_notice
    from docgen.errors import InputError

    (tmp_path / "seal.png").write_text("not an image")
    src = tmp_path / "n.yaml"
    src.write_text(MINIMAL + "印章: seal.png\n", encoding="utf-8")
    with pytest.raises(InputError, match="不是能打开的图片"):
        load_notice(src)


def test_lint_knows_the_format_rules(tmp_path):
    """docgen lint：五层标题、下行文标签发人、命令缺令号（及令号用在别的格式上）。"""
    from conftest import MINIMAL

    from docgen.lint.core import lint_paths

    def rules(text):
        p = tmp_path / "n.yaml"
        p.write_text(text, encoding="utf-8")
        return {f.rule: f for f in lint_paths([p])}

    deep = rules(MINIMAL.replace("  年底前完成存量危房改造。", "  ##### 细目\n  年底前完成存量危房改造。"))
    assert "GW017" in deep and deep["GW017"].where == "8"
    assert "GW018" in rules(MINIMAL + "签发人: 张三\n")
    assert "GW018" not in rules(MINIMAL.replace("的通知", "的请示") + "签发人: 张三\n")
    order = rules(ORDER.replace("令号: 3\n", ""))
    assert "GW019" in order
    assert "GW019" not in rules(ORDER)
    assert "GW019" in rules(MINIMAL + "令号: 3\n")
    for good in (LETTER, MINUTES):
        assert not {"GW017", "GW018", "GW019"} & set(rules(good)), good


def test_five_heading_levels_are_refused_at_render(tmp_path):
    from conftest import MINIMAL

    from docgen.api import load_notice
    from docgen.errors import InputError

    src = tmp_path / "n.yaml"
    src.write_text(MINIMAL.replace("  年底前完成存量危房改造。", "  ##### 细目"), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_notice(src)
    assert "5 个 #" in str(exc.value.issues) and "正文" in str(exc.value.issues)
