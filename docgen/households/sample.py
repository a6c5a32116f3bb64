"""生成示例数据：王益区（610202）的建档立卡户，版式同国家扶贫开发信息系统的导出表。

村和人都标明“示例”。同一种子得到同样的数据。``error_rate`` 按比例埋下已知错误，
并把每个错误的位置写进 planted-errors.json，供校验程序对照。
"""

from __future__ import annotations

import datetime as dt
import json
import random
from pathlib import Path

from docgen.households.enums import ENUMS

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国红梅志文玉兰春花金凤小燕德胜立新"
TOWNS = [("610202100", "黄堡镇"), ("610202006", "王益街道")]
VILLAGE_NAMES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
MEMBER_HEADERS = ["省", "市", "县", "乡（镇）", "村", "组", "户编号", "人口编号", "姓名", "性别", "证件号码", "与户主关系", "民族",
                  "政治面貌", "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间（月）",
                  "是否参加城乡居民基本医疗保险（新农合）", "是否参加大病保险", "是否参加城乡居民基本养老保险", "联系电话",
                  "识别标准", "贫困户属性", "主要致贫原因", "脱贫状态", "脱贫年度", "家庭人口数"]
INCOME_HEADERS = ["户编号", "户主姓名", "年度", "工资性收入", "生产经营性收入", "资产收益扶贫分红收入", "其他财产性收入", "计划生育金",
                  "低保金", "特困供养金", "养老保险金", "生态补偿金", "其他转移性收入", "生产经营性支出", "临时救助金"]
HOUSING_HEADERS = ["户编号", "户主姓名", "是否危房户", "危房等级", "是否已完成危房改造", "住房面积", "饮水是否困难", "饮水是否安全",
                   "是否通生活用电", "入户路类型", "主要燃料类型", "是否有卫生厕所"]
MEASURE_HEADERS = ["户编号", "户主姓名", "年度", "帮扶措施", "项目内容"]
MEASURES = {"产业": "发展养殖（补助）", "就业": "公益性岗位以外的稳定就业", "公益岗位": "保洁员公益岗位", "教育": "两免一补",
            "健康": "家庭医生签约", "金融": "扶贫小额信贷", "综合保障": "农村低保", "生态": "生态补偿"}
PROBLEM_HEADERS = ["序号", "村", "问题来源", "问题类别", "问题描述", "涉及户", "整改措施", "责任单位", "责任人", "整改时限", "状态", "销号日期"]


def id_number(rng: random.Random, birth: dt.date, male: bool, area: str = "610202") -> str:
    seq = rng.randrange(0, 100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(a) * w for a, w in zip(body, weights)) % 11]


def _unique_id(rng: random.Random, birth: dt.date, male: bool, used: set[str]) -> str:
    """示例数据中身份证号不重复（同一出生日期同性别只有 500 个顺序码，冲突时换一个出生日）。"""
    while True:
        idn = id_number(rng, birth, male)
        if idn not in used:
            used.add(idn)
            return idn
        birth = birth + dt.timedelta(days=1)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))) + "（示例）"


def _school(age: int) -> tuple[str, str]:
    """（文化程度, 在校生状况）：二者只填一个。"""
    if age < 3:
        return "学龄前儿童", ""
    if age < 6:
        return "", "学前教育"
    if age <= 11:
        return "", "小学"
    if age <= 14:
        return "", ("七年级", "八年级", "九年级")[age - 12]
    if age <= 17:
        return "", ("高中一年级", "高中二年级", "高中三年级")[age - 15]
    return "", ""


def generate(households: int, seed: int, out: Path, error_rate: float = 0.0, year: int = 2020,
             extras: bool = True) -> dict:
    """写出 户籍导出.xlsx、村.yaml、问题.xlsx（以及有埋错时的 planted-errors.json），返回统计。
    `extras`：成员信息表加“纳入年度”列、导出表加“帮扶措施”表（库册核对要用；另用一个随机数序列，不改变其余数据）。"""
    from openpyxl import Workbook

    rng = random.Random(seed)
    rng2 = random.Random(seed * 7919 + 17)
    measure_rows = []
    out.mkdir(parents=True, exist_ok=True)
    n_villages = max(2, households // 250)
    villages = []
    for i in range(n_villages):
        town_code, town = TOWNS[i % len(TOWNS)]
        code = f"{town_code}{201 + i // len(TOWNS):03d}"
        label = VILLAGE_NAMES[i % len(VILLAGE_NAMES)] + (str(i // len(VILLAGE_NAMES) + 1) if i >= len(VILLAGE_NAMES) else "")
        villages.append((code, f"示例{label}村", town))
    members_rows, income_rows, housing_rows = [], [], []
    ref = dt.date(year, 12, 31)
    per_village: dict[str, int] = {}
    plan = []  # (户编号, 户主, 成员行)
    used_ids: set[str] = set()
    for h in range(households):
        code, vname, town = villages[h % n_villages]
        seq = per_village.get(code, 0)
        per_village[code] = seq + 1
        hh_id = f"{code}{seq:04d}"
        size = rng.choices((1, 2, 3, 4, 5, 6), weights=(8, 25, 22, 24, 15, 6))[0]
        attribute = rng.choices(("一般贫困户", "低保贫困户", "特困供养贫困户"), weights=(60, 30, 10))[0]
        cause = rng.choice(ENUMS["主要致贫原因"][:11])
        status = rng.choices(("已脱贫（享受政策）", "已脱贫（不再享受政策）", "未脱贫"), weights=(70, 15, 15))[0]
        exit_year = rng.choice((2016, 2017, 2018, 2019)) if status.startswith("已脱贫") else None
        group = f"{rng.randrange(1, 8)}组"
        head_age = rng.randrange(28, 82)
        head_male = rng.random() < 0.7
        people = [("户主", head_age, head_male)]
        if size >= 2:
            people.append(("配偶", max(20, head_age + rng.randrange(-5, 4)), not head_male))
        for _ in range(size - len(people)):
            if head_age > 62 and rng.random() < 0.4:
                people.append((rng.choice(("之孙子", "之孙女")), rng.randrange(1, 16), None))
            else:
                people.append((rng.choice(("之子", "之女")), rng.randrange(0, max(1, min(30, head_age - 18))), None))
        rows = []
        for k, (rel, age, male) in enumerate(people, start=1):
            if male is None:
                male = rel in ("之子", "之孙子")
            birth = dt.date(ref.year - age, rng.randrange(1, 13), rng.randrange(1, 29))
            edu, school = _school(age)
            if not edu and not school:
                edu = rng.choice(("文盲或半文盲", "小学", "初中", "初中", "高中")) if age > 17 else "初中"
            labour = ("无劳动力" if age < 16 else "丧失劳动力" if age > 75 else
                      rng.choice(("普通劳动力", "普通劳动力", "技能劳动力", "弱劳动力或半劳动力")))
            working = labour in ("普通劳动力", "技能劳动力") and rng.random() < 0.45
            rows.append({
                "省": "陕西省", "市": "铜川市", "县": "王益区", "乡（镇）": town, "村": vname, "组": group, "户编号": hh_id,
                "人口编号": f"{hh_id}{k:02d}", "姓名": _name(rng), "性别": "男" if male else "女",
                "证件号码": _unique_id(rng, birth, male, used_ids), "与户主关系": rel, "民族": "汉族",
                "政治面貌": "中共党员" if rng.random() < 0.05 and age > 25 else "群众", "文化程度": edu or None,
                "在校生状况": school or None,
                "健康状况": rng.choices(("健康", "长期慢性病", "患有大病", "残疾"), weights=(75, 15, 5, 5))[0],
                "劳动技能": labour,
                "务工状况": rng.choice(("乡（镇）内务工", "乡（镇）外县内务工", "县外省内务工", "省外务工")) if working else None,
                "务工时间（月）": rng.randrange(3, 12) if working else 0,
                "是否参加城乡居民基本医疗保险（新农合）": "是" if rng.random() > 0.01 else "否",
                "是否参加大病保险": "是", "是否参加城乡居民基本养老保险": "是" if age >= 16 else "否",
                "联系电话": f"138{rng.randrange(10**7, 10**8)}" if k == 1 else None,
                "识别标准": "国家标准", "贫困户属性": attribute, "主要致贫原因": cause, "脱贫状态": status,
                "脱贫年度": exit_year, "家庭人口数": size})
        enrol = rng2.choice((2014, 2014, 2015, 2016))
        for r in rows:
            r["纳入年度"] = enrol
        members_rows += rows
        head = rows[0]["姓名"]
        for y in (year - 1, year):
            for cat in sorted(rng2.sample(sorted(MEASURES), rng2.choice((1, 2, 2, 3)))):
                measure_rows.append([hh_id, head, y, cat, MEASURES[cat]])
        workers = sum(1 for r in rows if r["务工状况"])
        for y in (year - 1, year):
            base = 1.0 if y == year else rng.uniform(0.8, 1.15)
            business = round(rng.uniform(300, 9000) * base)
            income_rows.append([hh_id, head, y, workers * rng.choice((6000, 12000, 18000)), business,
                                rng.choice((0, 0, 300)), rng.choice((0, 200)), rng.choice((0, 0, 960)),
                                rng.randrange(2400, 4800, 600) if attribute == "低保贫困户" else 0,
                                rng.randrange(4800, 7200, 600) if attribute == "特困供养贫困户" else 0,
                                sum(1 for r in rows if int(r["证件号码"][6:10]) <= ref.year - 60) * 1200,
                                450, rng.choice((0, 0, 300)), round(business * rng.uniform(0.2, 0.4)),
                                rng.choice((0, 0, 0, 500))])
        grade = rng.choices(("A", "B", "C", "D"), weights=(80, 14, 4, 2))[0]
        housing_rows.append([hh_id, head, "是" if grade in ("C", "D") else "否", grade,
                             ("是" if rng.random() < 0.5 else "否") if grade in ("C", "D") else None,
                             rng.randrange(30, 140), "否" if rng.random() > 0.03 else "是",
                             "是" if rng.random() > 0.03 else "否", "是", rng.choice(("水泥路", "水泥路", "砂石路")),
                             rng.choice(("柴草", "煤炭", "清洁能源")), rng.choice(("是", "否"))])
        plan.append((hh_id, len(members_rows) - len(rows)))
    planted = _plant(rng, error_rate, members_rows, income_rows, plan) if error_rate > 0 else []
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("贫困户成员信息")
    member_headers = MEMBER_HEADERS + (["纳入年度"] if extras else [])
    ws.append(member_headers)
    for r in members_rows:
        ws.append([r[h] for h in member_headers])
    ws = wb.create_sheet("贫困户家庭收入")
    ws.append(INCOME_HEADERS)
    for r in income_rows:
        ws.append(r)
    ws = wb.create_sheet("贫困户住房饮水")
    ws.append(HOUSING_HEADERS)
    for r in housing_rows:
        ws.append(r)
    if extras:
        ws = wb.create_sheet("帮扶措施")
        ws.append(MEASURE_HEADERS)
        for r in measure_rows:
            ws.append(r)
    _save(wb, out / "户籍导出.xlsx")
    lines = ["# 示例村名单（统计用区划代码为示例，不是真实代码）", "村:"]
    for code, name, town in villages:
        lines.append(f"  - {{统计用区划代码: \"{code}\", 村名称: {name}, 乡（镇）: {town}}}")
    (out / "村.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    _problems(rng, villages, plan, out / "问题.xlsx", year)
    if planted:
        (out / "planted-errors.json").write_text(json.dumps(planted, ensure_ascii=False, indent=1), encoding="utf-8")
    return {"households": households, "members": len(members_rows), "villages": n_villages, "planted": len(planted)}


def _save(wb, path: Path) -> None:
    from docgen.render.ooxml import workbook_bytes
    from docgen.util.fs import atomic_write

    atomic_write(path, workbook_bytes(wb, dt.datetime(2020, 1, 1)))


KINDS_OF_ERRORS = ("ID001", "ID003", "HH001", "HH002", "ENUM001", "AMT001", "AMT002", "EDU001", "ID004")


def _plant(rng: random.Random, rate: float, members, incomes, plan) -> list[dict]:
    """按比例在不同户中埋下一种已知错误；返回每个错误的 工作表、行、字段、代码。"""
    planted = []
    for i, (hh_id, first) in enumerate(plan):
        if rng.random() >= rate:
            continue
        code = KINDS_OF_ERRORS[len(planted) % len(KINDS_OF_ERRORS)]
        row = first
        r = members[row]
        sheet, field = "贫困户成员信息", None
        if code == "ID001":
            idn = r["证件号码"]
            r["证件号码"] = idn[:17] + ("0" if idn[17] != "0" else "1")
            field = "证件号码"
        elif code == "ID003":
            r["性别"] = "女" if r["性别"] == "男" else "男"
            field = "性别"
        elif code == "HH001":
            if r["家庭人口数"] < 2:
                continue
            members[row + 1]["与户主关系"] = "户主"
            field = "与户主关系"
        elif code == "HH002":
            for k in range(r["家庭人口数"]):
                members[row + k]["家庭人口数"] = r["家庭人口数"] + 1
            field = "家庭人口数"
        elif code == "ENUM001":
            r["劳动技能"] = "强劳动力"
            field = "劳动技能"
        elif code in ("AMT001", "AMT002"):
            inc = incomes[2 * i + 1]
            inc[4] = "三千" if code == "AMT001" else -500
            sheet, field, row = "贫困户家庭收入", "生产经营性收入", 2 * i + 1
        elif code == "EDU001":
            r["文化程度"], r["在校生状况"] = "初中", "九年级"
            field = "文化程度"
        elif code == "ID004":
            if i == 0:
                continue
            prev_first = plan[i - 1][1]
            r["证件号码"] = members[prev_first]["证件号码"]
            field = "证件号码"
        planted.append({"sheet": sheet, "row": row + 2, "field": field, "code": code, "户编号": hh_id})
    return planted


def _problems(rng: random.Random, villages, plan, path: Path, year: int) -> None:
    from openpyxl import Workbook

    cats = ("两不愁三保障", "饮水", "收入", "帮扶措施", "档案资料", "作风")
    sources = ("省专项督查", "自查（大排查）", "国家成效考核反馈", "市专项督查")
    statuses = ("未启动", "整改中", "已完成待验收", "已销号", "长期坚持")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("问题")
    ws.append(PROBLEM_HEADERS)
    n = 0
    for code, vname, _ in villages:
        hh = [h for h, _ in plan if h.startswith(code)]
        for _ in range(rng.randrange(3, 9)):
            n += 1
            status = rng.choice(statuses)
            deadline = dt.date(year, rng.randrange(3, 13), 28)
            closed = deadline - dt.timedelta(days=rng.randrange(1, 40)) if status == "已销号" else None
            ws.append([n, vname, rng.choice(sources), rng.choice(cats), f"示例问题：{rng.choice(('档案资料不全', '帮扶手册未及时填写', '收入算账不规范', '饮水设施需维修', '危房改造进度慢'))}",
                       rng.choice(hh) if hh else "", "逐户核实整改", "城乡建设科", "示例责任人",
                       deadline, status, closed])
    _save(wb, path)
