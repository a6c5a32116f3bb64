"""每周进展报告（#17 第四步）：埋下已知的“否” → 已知的问题 → 已知的销号 → 已知的周报数字；下一周与上一期比较；
报告的 PDF 过 GB/T 9704 的几何检查，DOCX 交给 LibreOffice 排出同样的页；同样的输入同样的字节；坏输入退出码 2、不留文件。"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pymupdf
import pytest
from docx import Document
from measure import check_notice_layout, lines
from openpyxl import load_workbook
from test_problems import set_rows
from test_survey import fill
from test_tracking import filled
from wp_compare import SOFFICE, compare_notice, lo_convert

from docgen.api import render_document
from docgen.campaign.problems import XLSX, ProblemLedger, read_edits
from docgen.campaign.report import build_report, gather, weekly_report
from docgen.campaign.survey import make_surveys, read_surveys
from docgen.households.sample import generate
from docgen.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
CONFIG = """\
周报:
  发文机关标志: 某某县住房和城乡建设局文件
  发文字号: 某住建报〔{年}〕{周}号
  签发人: [张某某]
  主送机关: 县脱贫攻坚领导小组办公室
  发文机关署名: 某某县住房和城乡建设局
  抄送机关: [县扶贫开发领导小组办公室]
  印发机关: 某某县住房和城乡建设局办公室
"""
DAY2 = dt.date(2020, 4, 2)  # 第 2 周（3月27日至4月2日）的报告日期


def due_dates(blank: Path) -> dict[int, dt.date | None]:
    """跟踪表每行的截止日期（直接用 openpyxl 读，与 docgen 的读法无关）。"""
    ws = load_workbook(blank)["跟踪"]
    out = {}
    for r in range(3, ws.max_row + 1):
        v = ws.cell(r, 6).value
        out[r] = v.date() if isinstance(v, dt.datetime) else v
    return out


@pytest.fixture(scope="module")
def week2(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wk")
    generate(40, 3, tmp / "data", 0.0, 2020)
    stats = make_surveys([tmp / "data"], tmp / "八查", period=(2020, 12))
    books = sorted((tmp / "八查").glob("*.xlsx"))
    planted = {}
    for b in books:
        ws = load_workbook(b)["八查"]
        hhs = [ws.cell(r, 2).value for r in range(3, ws.max_row + 1)]
        planted.update({(hhs[0], 1): "证件丢失", (hhs[1], 3): "证件与现住房不一致", (hhs[2], 6): "对鉴定结果有疑虑"})
    done = []
    for b in books:
        (tmp / "填好").mkdir(exist_ok=True)
        fill(b, tmp / "填好" / b.name, planted, random.Random(2), day=dt.date(2020, 3, 25))
        done.append(tmp / "填好" / b.name)
    ledger = tmp / "台账"
    led = ProblemLedger(ledger)
    led.apply_survey(read_surveys(done), dt.date(2020, 4, 30))
    led.write_xlsx(dt.date(2020, 3, 25))
    numbers = sorted(p["number"] for p in led.problems())
    a, b, c = numbers[:3]
    edited = set_rows(ledger / XLSX, tmp / "改过.xlsx", {
        a: {"状态": "已销号", "销号日期": dt.date(2020, 3, 31), "佐证材料": "补发的认定证件"},
        b: {"状态": "长期坚持", "整改措施": "每季度入户解释政策"},
        c: {"状态": "整改中", "整改措施": "重新核对门牌与证件"},
    })
    edits, issues = read_edits(edited, led)
    assert not issues
    led.apply_edits(edits, dt.date(2020, 4, 1))
    led.write_xlsx(dt.date(2020, 4, 1))
    led.close()
    blank = tmp / "清单.xlsx"
    blank.write_bytes(render_document(ROOT / "samples/tongwang-2020-108/tasklist.yaml", ".xlsx"))
    t1 = filled(blank, tmp / "城乡建设科.xlsx", {3: ("已完成", dt.date(2020, 3, 30)), 4: ("进行中", None)}, DAY2)
    t2 = filled(blank, tmp / "村镇建设股.xlsx", {5: ("已销号", dt.date(2020, 3, 28)), 6: ("已完成", dt.date(2020, 3, 20))})
    cfg = tmp / "docgen.yml"
    cfg.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(cfg)
    rep, written = weekly_report([t1, t2], ledger, tmp / "周报", settings=settings)
    return {"tmp": tmp, "rep": rep, "written": written, "planted": planted, "books": books, "stats": stats,
            "numbers": numbers, "blank": blank, "tracking": [t1, t2], "ledger": ledger, "settings": settings}


def text_of(docx_bytes: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs)


def table(docx_bytes: bytes, first: str) -> list[list[str]]:
    for t in Document(io.BytesIO(docx_bytes)).tables:
        rows = [[c.text for c in r.cells] for r in t.rows]
        if rows and rows[0][0] == first:
            return rows
    raise AssertionError(f"没有首格为“{first}”的表")


def test_known_answers_give_known_figures(week2):
    rep, planted, books = week2["rep"], week2["planted"], week2["books"]
    f = rep.figures
    assert f.week == 2 and f.first == dt.date(2020, 3, 27) and f.day == DAY2
    n = len(planted)
    assert n == 3 * len(books)
    # 任务：3 项完成（其中 1 项已销号），本周完成 2 项；逾期的是截止日期已过、又没报完成的那些
    late = sorted(r for r, d in due_dates(week2["blank"]).items() if d and d < DAY2 and r not in (3, 5, 6))
    st = f.tasks.by_status()
    assert st["已完成"] == 2 and st["已销号"] == 1 and st["进行中"] == 1
    assert len(f.done_this_week()) == 2
    assert len(f.tasks.overdue()) == len(late)
    # 问题：埋下的 n 条，1 条本周销号、1 条长期坚持
    p = f.problems
    assert (p["总数"], p["已销号"], p["长期坚持"], p["未销号"], p["本周销号"], p["逾期"]) == (n, 1, 1, n - 2, 1, 0)
    assert [(s["问题数"], s["已清零"]) for s in f.series] == [(n, 0), (n, 2)]
    assert f.previous is None
    body = text_of(rep.docx)
    assert "第2周（3月27日至4月2日）" in body
    assert "任务清单共24项：已完成3项（其中已销号1项），进行中1项" in body
    assert "本周完成2项" in body
    assert f"问题整改台账共{n}项：已销号1项（本周销号1项），长期坚持1项，未销号{n - 2}项，其中逾期0项" in body
    hh = week2["stats"]["households"]
    assert f"{len(books)}个村{hh}户农户中已排查{hh}户（100%），发现存在问题的{n}户、问题{n}项" in body
    assert "没有上一期周报的记录" in body
    assert body.rstrip().endswith("特此报告。") or "特此报告。" in body
    # 各村的表：每村 3 条问题、3 个问题户
    rows = table(rep.docx, "村")
    assert rows[0][:6] == ["村", "农户数", "已排查", "未排查", "问题户", "问题数"]
    villages = rows[1:-1]
    assert len(villages) == len(books) and all(r[4] == "3" and r[5] == "3" for r in villages)
    assert rows[-1][0] == "合计" and rows[-1][1] == str(hh) and rows[-1][5] == str(n)
    assert sum(int(r[7]) for r in villages) == 1 and sum(int(r[9]) for r in villages) == n - 2
    # 各类任务的表合计 24 项
    cats = table(rep.docx, "类别")
    assert cats[-1][0] == "合计" and cats[-1][1] == "24"
    if late:
        over = table(rep.docx, "序号")
        assert len(over) - 1 == len(late) and "逾期任务清单" in body
    # 快照记下了本期的数
    snap = json.loads((week2["ledger"] / "周报" / "第2周.json").read_text(encoding="utf-8"))
    assert snap["任务"]["完成"] == 3 and snap["问题"]["未销号"] == n - 2


def test_chart_is_in_both_files(week2):
    rep = week2["rep"]
    media = [n for n in zipfile.ZipFile(io.BytesIO(rep.docx)).namelist() if n.startswith("word/media/")]
    blobs = [zipfile.ZipFile(io.BytesIO(rep.docx)).read(n) for n in media]
    assert rep.chart in blobs
    pdf = pymupdf.open(stream=rep.pdf, filetype="pdf")
    page = next(p for p in pdf if any("问题清零进度" in ln.text for ln in lines(p)) and p.get_image_info())
    box = page.get_image_info()[0]["bbox"]
    w = (box[2] - box[0]) * 25.4 / 72
    assert 150 < w <= 156.2 and box[0] * 25.4 / 72 >= 27.9  # 占满版心宽，不越出
    assert week2["written"][".png"].read_bytes() == rep.chart


def test_table_headers_stay_on_one_line(week2):
    """附件表格的表头每格一行排下（“长期坚持”不折成“长期坚/持”）：PDF 里逐个表头词找整词所在的行。"""
    pdf = pymupdf.open(stream=week2["rep"].pdf, filetype="pdf")
    heads = {"各类任务进展情况表": ["合计", "未开始", "进行中", "已完成", "已销号", "长期坚持", "逾期", "本周完成", "完成率"],
             "各村住房安全排查与问题整改情况表": ["农户数", "已排查", "未排查", "问题户", "问题数", "本周销号", "已销号",
                                           "长期坚持", "未销号", "逾期", "清零进度"]}
    for title, words in heads.items():
        page = next(p for p in pdf if any(title in ln.text for ln in lines(p)) and "附件：" not in p.get_text())
        spans = [sp["text"].replace(" ", "") for b in page.get_text("dict")["blocks"] for ln in b.get("lines", [])
                 for sp in ln["spans"]]
        for w in words:
            assert w in spans, f"{title}：表头“{w}”被折开了"


def test_report_pdf_passes_the_gbt9704_measurements(week2):
    rep = week2["rep"]
    pdf = pymupdf.open(stream=rep.pdf, filetype="pdf")
    check_notice_layout(pdf, "2020年4月2日", "文件", banji=True, where="周报")
    first = lines(pdf[0])
    row = next(ln for ln in first if "某住建报〔2020〕2号" in ln.text)
    assert "签发人：张某某" in row.text.replace(" ", "")  # 上行文：版头标签发人（7.2.3）
    assert any("第2周进展情况的报告" in ln.text for ln in first)


@pytest.mark.skipif(SOFFICE is None, reason="需要 LibreOffice（make test 会安装）")
def test_report_docx_lays_out_like_the_pdf(week2, tmp_path):
    w = week2["written"]
    lo = lo_convert(w[".docx"], tmp_path / "lo")
    r = compare_notice(w[".pdf"], lo)
    assert r.same_pages and r.same_text, r
    # 断行：报告几乎每行都有数字，LibreOffice 不理会 w:autoSpaceDE=0、总在汉字与数字之间加空，这些行早断一个字
    # （Word 照设置不加），所以只要求过半的行断得一样；分页与每页的文字必须相同，LibreOffice 排出的页也要过几何检查
    assert r.same_lines / r.lines >= 0.6, r
    check_notice_layout(lo, "2020年4月2日", "文件", banji=True, where="周报（LibreOffice）")
    page = next(p for p in lo if p.get_image_info())
    box = page.get_image_info()[0]["bbox"]
    assert abs(box[0] * 25.4 / 72 - 28) < 0.5  # 图片在版心里（LibreOffice 默认给嵌入图四周留 0.32 cm，docgen 写明 0）


def test_same_input_same_bytes(week2, tmp_path):
    f = gather(week2["tracking"], week2["ledger"], None, week2["settings"])
    again = build_report(f, week2["settings"].weekly)
    assert again.docx == week2["rep"].docx and again.pdf == week2["rep"].pdf and again.chart == week2["rep"].chart


def test_next_week_compares_with_the_last_report(week2, tmp_path):
    tmp, led_dir = week2["tmp"], week2["ledger"]
    day3 = dt.date(2020, 4, 9)
    t1 = filled(week2["blank"], tmp_path / "城乡建设科.xlsx",
                {3: ("已完成", dt.date(2020, 3, 30)), 4: ("已完成", dt.date(2020, 4, 7))}, day3)
    t2 = week2["tracking"][1]
    led = ProblemLedger(led_dir)
    try:
        c = week2["numbers"][2]
        led.write_xlsx(dt.date(2020, 4, 8))
        edited = set_rows(led_dir / XLSX, tmp_path / "改过.xlsx",
                          {c: {"状态": "已销号", "销号日期": dt.date(2020, 4, 8), "佐证材料": "核对记录"}})
        edits, issues = read_edits(edited, led)
        assert not issues
        led.apply_edits(edits, dt.date(2020, 4, 8))
        led.write_xlsx(dt.date(2020, 4, 8))
    finally:
        led.close()
    rep, _ = weekly_report([t1, t2], led_dir, tmp_path / "周报", settings=week2["settings"])
    f = rep.figures
    n = len(week2["planted"])
    assert f.week == 3 and f.previous["周"] == 2
    assert [s["已清零"] for s in f.series] == [0, 2, 3]
    body = text_of(rep.docx)
    assert "完成率16.7%，较上期增加1项" in body  # 4/24
    assert f"未销号{n - 3}项，较上期减少1项" in body
    assert "本周销号1项" in body


def test_report_command_and_bad_input(week2, tmp_path):
    cfg = week2["tmp"] / "docgen.yml"

    def run(tracking, out, config=cfg, *extra):
        return subprocess.run([sys.executable, "-m", "docgen", "report", "week", *map(str, tracking), "--ledger",
                               str(week2["ledger"]), "-o", str(out), "--config", str(config), *extra],
                              capture_output=True, text=True)

    r = run(week2["tracking"], tmp_path / "周报", cfg, "--number", "某住建报〔2020〕99号")
    assert r.returncode == 0, r.stderr
    assert "第2周进展情况报告" in r.stderr
    assert "某住建报〔2020〕99号" in text_of((tmp_path / "周报" / "第2周进展情况报告.docx").read_bytes())
    # 没有“周报”一节
    bare = tmp_path / "bare.yml"
    bare.write_text("监测线倍数: 1.5\n", encoding="utf-8")
    r = run(week2["tracking"], tmp_path / "无", bare)
    assert r.returncode == 2 and "没有“周报”一节" in r.stderr and not (tmp_path / "无").exists()
    # 跟踪表里乱填的状态：指到格子，不出报告
    bad = filled(week2["blank"], tmp_path / "乱填.xlsx", {7: ("完成了", None)}, DAY2)
    r = run([bad], tmp_path / "坏")
    assert r.returncode == 2 and "乱填.xlsx:跟踪:7:状态" in r.stdout + r.stderr, r.stdout + r.stderr
    assert not (tmp_path / "坏").exists()
    # 报告日期早于行动开始
    r = run(week2["tracking"], tmp_path / "早", cfg, "--date", "2020-03-01")
    assert r.returncode == 2 and "早于冲刺行动开始" in r.stderr and not (tmp_path / "早").exists()


@pytest.mark.parametrize("text, fragment", [
    (CONFIG.replace("  签发人: [张某某]\n", ""), "docgen.yml:1:周报.签发人"),
    (CONFIG + "  正文: 自己写\n", "周报里不能写“正文”"),
    (CONFIG.replace("{周}号", "{周:03d}号"), "只能用占位"),
    (CONFIG.replace("签发人: [张某某]", "签发人: [张某某]\n  印章: 没有.png"), "找不到印章图片"),
])
def test_report_settings_are_checked_where_written(tmp_path, text, fragment):
    from docgen.errors import ConfigError

    cfg = tmp_path / "docgen.yml"
    cfg.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as e:
        load_settings(cfg)
    assert any(fragment in str(i) for i in e.value.issues), [str(i) for i in e.value.issues]


def test_an_earlier_week_is_reported_as_it_stood_then(week2, tmp_path):
    """第 1 周的报告在第 2 周销号之后才排：数按第 1 周那天的台账（之后的销号不算），与图一致。"""
    f = gather(week2["tracking"], week2["ledger"], dt.date(2020, 3, 26), week2["settings"])
    n = len(week2["planted"])
    assert f.week == 1 and f.problems["已销号"] == 0 and f.problems["长期坚持"] == 0 and f.problems["未销号"] == n
    assert f.series[-1]["已清零"] == 0
    done_late = [i for i in f.issues if i.code == "WR002"]  # 跟踪表里 3 月 30 日完成的任务：晚于报告日期，提醒核实
    assert done_late and all(i.location.field == "完成日期" for i in done_late)


def test_review_findings_stay_fixed(week2, tmp_path):
    from docgen.campaign.report import _task_text
    from docgen.errors import InputError

    assert _task_text("3.5亿元资金全部拨付。") == "3.5亿元资金全部拨付"  # 不是序号
    assert _task_text("1.建立台账。") == "建立台账"
    # 截止日期写成文字：指到格子
    wb = load_workbook(week2["blank"])
    wb["跟踪"].cell(3, 6, "3月31日")
    bad = tmp_path / "截止.xlsx"
    wb.save(bad)
    with pytest.raises(InputError) as e:
        weekly_report([bad], week2["ledger"], tmp_path / "o", day=DAY2, settings=week2["settings"])
    assert any(str(i.location) == "截止.xlsx:跟踪:3:截止日期" for i in e.value.issues)
    # 配置里不写发文字号，每期用 --number 给
    cfg = tmp_path / "docgen.yml"
    cfg.write_text(CONFIG.replace("  发文字号: 某住建报〔{年}〕{周}号\n", ""), encoding="utf-8")
    s = load_settings(cfg)
    with pytest.raises(InputError, match="没有发文字号"):
        weekly_report(week2["tracking"], week2["ledger"], tmp_path / "o", settings=s)
    rep, _ = weekly_report(week2["tracking"], week2["ledger"], tmp_path / "o", settings=s, number="某住建报〔2020〕9号")
    assert "某住建报〔2020〕9号" in text_of(rep.docx)
    # 坏了的台账数据库、坏了的快照：中文说明，退出码 2
    broken = tmp_path / "坏台账"
    broken.mkdir()
    (broken / "问题台账.sqlite").write_bytes(b"not a database" * 100)
    with pytest.raises(InputError, match="数据库文件坏了"):
        weekly_report(week2["tracking"], broken, tmp_path / "o", settings=week2["settings"])
    led_copy = tmp_path / "台账副本"
    import shutil

    shutil.copytree(week2["ledger"], led_copy)
    (led_copy / "周报" / "第1周.json").write_text("[1, 2]", encoding="utf-8")
    (led_copy / "周报" / "第2周.json").unlink()
    with pytest.raises(InputError, match="上一期周报的记录读不出来"):
        weekly_report(week2["tracking"], led_copy, tmp_path / "o", settings=week2["settings"], day=dt.date(2020, 4, 9))
