"""公文模型与正文标记：序号编排、段中标题、日期、发文字号、标题分行、表格合并。"""

from __future__ import annotations

import datetime as dt

import pytest

from docgen.layout import break_title, text_width_em
from docgen.layout import format_date
from docgen.model.base import parse_date
from docgen.model.body import chinese_number, parse_body
from docgen.model.notice import check_doc_number
from docgen.model.table import Table
from docgen.render.context import attachment_notes


@pytest.mark.parametrize("n,cn", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")])
def test_chinese_numbers(n, cn):
    assert chinese_number(n) == cn


def test_heading_numbering_resets_under_parent():
    blocks = parse_body("""
        # 甲
        ## 子一
        ### 细一
        ### 细二
        #### 小一
        ## 子二
        ### 细三
        # 乙
        ## 子三
        正文段落
    """)
    heads = [b.heading for b in blocks if b.level]
    assert heads == ["一、甲", "（一）子一", "1.细一", "2.细二", "（1）小一", "（二）子二", "1.细三", "二、乙", "（一）子三"]
    assert blocks[-1].level == 0 and blocks[-1].text == "正文段落"


def test_manual_numbers_are_replaced_not_doubled():
    blocks = parse_body("# 一、行动目标\n## (一）排查政策\n### 1、剩余人口\n#### （1）细项")
    assert [b.heading for b in blocks] == ["一、行动目标", "（一）排查政策", "1.剩余人口", "（1）细项"]


def test_run_in_heading_splits_at_first_full_stop():
    (b,) = parse_body("## 强化组织领导。严格按照区脱贫攻坚领导小组安排部署。")
    assert b.heading == "（一）强化组织领导。" and b.runin == "严格按照区脱贫攻坚领导小组安排部署。"
    (c,) = parse_body("## 排查漏点短板，长效机制建立任务“清零”。")
    assert c.runin == "" and c.text.endswith("。")


@pytest.mark.parametrize("raw,expected", [
    ("2020-03-24", dt.date(2020, 3, 24)),
    ("2020年3月24日", dt.date(2020, 3, 24)),
    ("2020年03月04日", dt.date(2020, 3, 4)),
    (dt.date(2020, 1, 5), dt.date(2020, 1, 5)),
])
def test_dates(raw, expected):
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["2020-02-30", "2020年13月1日", "三月二十四日", 20200324])
def test_bad_dates(raw):
    with pytest.raises(ValueError):
        parse_date(raw)


def test_date_format_has_no_padding():
    assert format_date(dt.date(2020, 1, 5)) == "2020年1月5日"


@pytest.mark.parametrize("ok", ["铜王住建发〔2020〕108号", "国发〔2020〕1号", "陕建发〔2019〕12号"])
def test_good_doc_numbers(ok):
    assert check_doc_number(ok) == ok


@pytest.mark.parametrize("bad,fragment", [
    ("铜王住建发[2020]108号", "六角括号"), ("铜王住建发［2020］108号", "六角括号"), ("铜王住建发﹝2020﹞108号", "六角括号"),
    ("铜王住建发【2020】108号", "六角括号"), ("铜王住建发(2020)108号", "六角括号"),
    ("铜王住建发〔2020〕0108号", "不编虚位"), ("铜王住建发〔2020〕第108号", "不加“第”"),
    ("铜王住建发〔20〕108号", "代字〔年份〕序号号"), ("铜王住建发〔2020〕108", "代字〔年份〕序号号"),
])
def test_bad_doc_numbers(bad, fragment):
    with pytest.raises(ValueError, match=fragment):
        check_doc_number(bad)


def test_title_breaks_at_sense_units_within_width():
    t = "铜川市王益区住房和城乡建设局关于印发《王益区住建系统脱贫攻坚“三排查三清零”百日冲刺行动实施方案（任务清单）》的通知"
    lines = break_title(t)
    assert "".join(lines) == t
    assert all(text_width_em(x) <= 20 for x in lines)
    for a, b in zip(lines, lines[1:]):
        assert b[0] not in "，。、）》”" and a[-1] not in "（《“"  # 标点不落在行首/开括号不落在行尾
        assert not (a[-1].isdigit() and b[0].isdigit())
    assert break_title("关于做好农村危房改造工作的通知") == ["关于做好农村危房改造工作的通知"]


def test_title_prefers_breaking_before_guanyu():
    for t, organ in (("某某县住房和城乡建设局关于做好二〇二〇年农村危房改造和抗震改造工作的通知", "某某县住房和城乡建设局"),
                     ("某某县人民政府办公室关于印发某某县农村危房改造实施方案的通知", "某某县人民政府办公室")):
        lines = break_title(t)
        assert lines[0] == organ and lines[1].startswith("关于")


def test_attachment_notes():
    assert attachment_notes(["甲"]) == ["附件：甲"]
    assert attachment_notes(["甲", "乙"]) == ["附件：1.甲", "2.乙"]


def test_table_regions_from_explicit_merges():
    t = Table.model_validate({"列": ["a", "b"], "行": [["x", "1"], [None, "2"], [None, None], ["y", "4"]]})
    layout = t.layout()
    assert [(c, g.rowspan, g.colspan, text) for c, g, text in layout[0]] == [(0, 3, 1, "x"), (1, 1, 1, "1")]
    assert [(c, g.rowspan, text) for c, g, text in layout[1]] == [(0, 3, None), (1, 2, "2")]
    assert [(c, text) for c, _, text in layout[3]] == [(0, "y"), (1, "4")]


def test_rectangular_merge_and_canonical_markers():
    # 2×2 合并：第二行第二格写 ~ 或 < 是同一个意思，统一为 <
    a = Table.model_validate({"列": ["a", "b", "c"], "行": [["x", "<", "1"], [None, None, "2"]]})
    b = Table.model_validate({"列": ["a", "b", "c"], "行": [["x", "<", "1"], [None, "<", "2"]]})
    assert a.rows == b.rows == [["x", "<", "1"], [None, "<", "2"]]
    (c0, g, text), _ = a.layout()[0]
    assert (g.rowspan, g.colspan, text) == (2, 2, "x")


def test_table_shape_checked():
    with pytest.raises(ValueError, match="第 2 行有 1 个单元格"):
        Table.model_validate({"列": ["a", "b"], "行": [["x", "1"], ["y"]]})
    with pytest.raises(ValueError, match="第 1 行第 1 列不能写 ~"):
        Table.model_validate({"列": ["a"], "行": [[None]]})
    with pytest.raises(ValueError, match="不是矩形"):
        Table.model_validate({"列": ["a", "b"], "行": [["x", "<"], [None, "y"]]})


def test_title_keeps_words_whole_and_lines_balanced():
    """7.3.1：回行时词意完整、排列对称、长短适宜。原来“规范农|村自建房”拆词、行长 19 比 5。"""
    from docgen.layout import TITLE_WORDS

    for t in ("关于进一步加强和规范农村自建房建设管理工作的通知",
              "关于做好2020年农村危房改造与抗震改造工作的实施意见",
              "某某县住房和城乡建设局关于开展农村危房改造和住房安全有保障排查整治工作的通知"):
        lines = break_title(t)
        assert "".join(lines) == t and all(text_width_em(x) <= 20 for x in lines)
        pos = 0
        for ln in lines[:-1]:
            pos += len(ln)
            for w in TITLE_WORDS:  # 断点不落在词中
                at = t.find(w)
                while at != -1:
                    assert not (at < pos < at + len(w)), (t, lines, w)
                    at = t.find(w, at + 1)
        widths = [text_width_em(x) for x in lines]
        assert max(widths) - min(widths) <= 9, lines  # 不会一行满、一行只剩几个字
        assert not any(ln.endswith(("关于", "的", "和")) for ln in lines[:-1]), lines
    assert break_title("关于进一步加强和规范农村自建房建设管理工作的通知") == ["关于进一步加强和规范农村", "自建房建设管理工作的通知"]
