"""示例：照示例导出表（docgen.households.sample 生成的 户籍导出.xlsx）录一份帮扶手册（册）和一份走访记录，
按比例埋下已知的不一致，并把每一处（规则、户、两边的位置）写进 planted-crosscheck.json，供核对程序对照。

录入时也做各种“合理的写法差异”——全角数字的户编号、缺劳动力（= 缺劳力）、“1.2万”的收入、单位写万元、
“2020年1月2日”的出生日期、不知道的证件号码空着——这些都不能报成不一致。
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from docgen.crosscheck.handbook import SHEETS

WIDE = str.maketrans("0123456789", "０１２３４５６７８９")


def _rows(ws) -> tuple[list[str], list[tuple[int, dict]]]:
    it = ws.iter_rows(values_only=True)
    head = [str(h) for h in next(it)]
    return head, [(r, dict(zip(head, vals))) for r, vals in enumerate(it, start=2)]


def write_handbook(export_dir: Path, out: Path, *, seed: int = 1, rate: float = 0.05) -> list[dict]:
    """读 `export_dir` 的 户籍导出.xlsx，写 out/帮扶手册.xlsx 与 out/走访记录.xlsx，返回埋下的不一致
    （也写进 out/planted-crosscheck.json）：{规则, 户编号, 册: [工作表, 行] 或 None, 库: [文件, 工作表, 行] 或 None}。"""
    from openpyxl import Workbook, load_workbook

    rnd = random.Random(seed)
    src = load_workbook(Path(export_dir) / "户籍导出.xlsx", read_only=True)
    _, members = _rows(src["贫困户成员信息"])
    _, incomes = _rows(src["贫困户家庭收入"])
    _, measures = _rows(src["帮扶措施"]) if "帮扶措施" in src.sheetnames else ([], [])
    src.close()
    export = "户籍导出.xlsx"
    by_hh: dict[str, list[tuple[int, dict]]] = {}
    for r, m in members:
        by_hh.setdefault(str(m["户编号"]), []).append((r, m))
    inc_by: dict[str, list[tuple[int, dict]]] = {}
    for r, i in incomes:
        inc_by.setdefault(str(i["户编号"]), []).append((r, i))
    mea_by: dict[str, list[tuple[int, dict]]] = {}
    for r, x in measures:
        mea_by.setdefault(str(x["户编号"]), []).append((r, x))

    wb = Workbook()
    wb.remove(wb.active)
    sheets = {name: wb.create_sheet(name) for name in SHEETS}
    # 列的次序与模板不同（用户常调），表头用别名：核对不看次序
    order = {"家庭情况": ["户编号", "户主", "村", "人口数", "识别年度", "脱贫年度", "致贫原因"],
             "家庭成员": ["户编号", "姓名", "与户主关系", "身份证号", "出生日期"],
             "帮扶措施": ["户编号", "年度", "措施类别", "项目内容"],
             "收入": ["户编号", "年度", "家庭纯收入", "单位"]}
    for name, ws in sheets.items():
        ws.append(order[name])
    visits = Workbook()
    vs = visits.active
    vs.title = "走访记录"
    vs.append(["走访日期", "走访人", "户编号", "方式", "了解情况", "家庭人口数", "家庭纯收入", "主要致贫原因"])
    planted: list[dict] = []
    nxt = {name: 2 for name in sheets} | {"走访记录": 2}  # 下一行的行号（openpyxl 的 max_row 每次都数一遍全部格子）

    def append(ws, name, values):
        ws.append(values)
        nxt[name] += 1

    def plant(rule, hh, sheet=None, row=None, ku_row=None, ku_sheet="贫困户成员信息"):
        planted.append({"规则": rule, "户编号": hh, "册": [sheet, row] if sheet else None,
                        "库": [export, ku_sheet, ku_row] if ku_row else None})

    kinds = ("KC001", "KC010", "KC011", "KC012", "KC020", "KC030", "KC031", "KC040", "KC050", "KC060", "KC120", "KC160")
    for hh, rows in sorted(by_hh.items()):
        first_row, first = rows[0]
        fault = rnd.choice(kinds) if rnd.random() < rate else None
        if fault == "KC001":
            plant("KC001", hh, ku_row=first_row)
            continue
        hh_text = hh.translate(WIDE) if rnd.random() < 0.2 else hh  # 全角数字：同一个户编号
        size = int(first["家庭人口数"])
        cause = first["主要致贫原因"]
        cause_text = "缺劳动力" if cause == "缺劳力" else cause
        enrol, exit_year = first.get("纳入年度"), first["脱贫年度"]
        ws = sheets["家庭情况"]
        r = nxt["家庭情况"]
        size_text = size
        if fault == "KC020":
            size_text = size + 1
            plant("KC020", hh, "家庭情况", r, first_row)
        if fault == "KC030":
            enrol = (enrol or 2014) + 1
            plant("KC030", hh, "家庭情况", r, first_row)
        if fault == "KC031":
            exit_year = (exit_year or 2019) + 1 if exit_year else 2019
            plant("KC031", hh, "家庭情况", r, first_row)
        if fault == "KC060":
            cause_text = "因学" if cause != "因学" else "因病"
            plant("KC060", hh, "家庭情况", r, first_row)
        append(ws, "家庭情况", [hh_text, first["姓名"], first["村"], size_text, f"{enrol}年" if enrol else None, exit_year,
                              cause_text])
        ms = sheets["家庭成员"]
        drop = rnd.randrange(1, len(rows)) if fault == "KC010" and len(rows) > 1 else None
        if fault == "KC010" and drop is None:
            fault = None
        relation_of = rnd.randrange(1, len(rows)) if fault == "KC012" and len(rows) > 1 else None
        for k, (mr, m) in enumerate(rows):
            if k == drop:
                plant("KC010", hh, ku_row=mr)
                continue
            rel = m["与户主关系"]
            r = nxt["家庭成员"]
            if k == relation_of:
                rel = "之侄儿" if rel != "之侄儿" else "之侄女"
                plant("KC012", hh, "家庭成员", r, mr)
            idn = m["证件号码"] if rnd.random() > 0.15 else None  # 不知道的证件号码空着：按姓名对
            birth = dt.date(int(m["证件号码"][6:10]), int(m["证件号码"][10:12]), int(m["证件号码"][12:14]))
            birth_text = f"{birth.year}年{birth.month}月{birth.day}日" if rnd.random() < 0.5 else birth
            append(ms, "家庭成员", [hh_text, m["姓名"], rel, idn, birth_text])
        if fault == "KC011":
            r = nxt["家庭成员"]
            append(ms, "家庭成员", [hh_text, "多录一人（示例）", "之子", None, None])
            plant("KC011", hh, "家庭成员", r)
        xs = sheets["帮扶措施"]
        mea = mea_by.get(hh, [])
        skip = rnd.randrange(len(mea)) if fault == "KC040" and mea else None
        for k, (xr, x) in enumerate(mea):
            if k == skip:
                plant("KC040", hh, ku_row=xr, ku_sheet="帮扶措施")
                continue
            cat = {"产业": "产业扶贫", "金融": "小额信贷"}.get(x["帮扶措施"], x["帮扶措施"]) if rnd.random() < 0.3 else x["帮扶措施"]
            append(xs, "帮扶措施", [hh_text, f"{x['年度']}年" if rnd.random() < 0.3 else x["年度"], cat, x["项目内容"]])
        ins = sheets["收入"]
        bad_year = rnd.choice([i["年度"] for _, i in inc_by.get(hh, [])]) if fault == "KC050" and inc_by.get(hh) else None
        for ir, i in inc_by.get(hh, []):
            vals = [float(i[k] or 0) for k in ("工资性收入", "生产经营性收入", "资产收益扶贫分红收入", "其他财产性收入", "计划生育金",
                                               "低保金", "特困供养金", "养老保险金", "生态补偿金", "其他转移性收入")]
            net = sum(vals) - float(i["生产经营性支出"] or 0)
            r = nxt["收入"]
            if i["年度"] == bad_year:
                net += 1500
                plant("KC050", hh, "收入", r, ir, "贫困户家庭收入")
            style = rnd.random()
            if style < 0.3:
                append(ins, "收入", [hh_text, i["年度"], round(net / 10000, 6), "万元"])  # 单位写万元
            elif style < 0.4:
                append(ins, "收入", [hh_text, i["年度"], f"{round(net / 10000, 6)}万", None])  # “1.2345万”
            else:
                append(ins, "收入", [hh_text, i["年度"], round(net, 2), "元"])
        # 走访：最近一次核实的人口数与致贫原因
        vr = nxt["走访记录"]
        v_size, v_cause = size, cause
        if fault == "KC120":
            v_size = size + 1
            plant("KC120", hh, "走访记录", vr, first_row)
        if fault == "KC160":
            v_cause = "因灾" if cause != "因灾" else "因病"
            plant("KC160", hh, "走访记录", vr, first_row)
        append(vs, "走访记录", [dt.date(2020, 11, 10 + rnd.randrange(0, 15)), "帮扶干部（示例）", hh, "入户", "了解家庭情况",
                              v_size, None, v_cause])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    from docgen.render.ooxml import workbook_bytes
    from docgen.util.fs import atomic_write

    atomic_write(out / "帮扶手册.xlsx", workbook_bytes(wb, dt.datetime(2020, 1, 1)))
    atomic_write(out / "走访记录.xlsx", workbook_bytes(visits, dt.datetime(2020, 1, 1)))
    (out / "planted-crosscheck.json").write_text(json.dumps(planted, ensure_ascii=False, indent=1), encoding="utf-8")
    return planted
