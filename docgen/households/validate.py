"""校验导出数据并建出 :class:`Dataset`。所有问题都收集起来（不在第一个就停），每条指明 文件:工作表:行:字段。"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from docgen.errors import Issue, IssueCollector, Location
from docgen.households.columns import (
    HOUSE_FIELDS,
    HOUSING_FIELDS,
    INCOME_COLUMNS,
    INCOME_META,
    MEMBER_ENUMS,
    MEMBER_YESNO,
    NOT_COUNTED,
)
from docgen.households.enums import ENUMS, PROBLEM_STATUS, YES_NO, normalise_value
from docgen.households.load import Row, Table
from docgen.households.model import (
    Helper,
    Household,
    Housing,
    Income,
    IncomeItem,
    Measure,
    Member,
    Problem,
    Village,
    Visit,
)
from docgen.rules import gb11643

class _Checker(IssueCollector):
    """逐字段的检查；问题收集在 issues 中。`reference`：基准日期（出生日期合理与否按它判断，不读今天的日期）。"""

    def __init__(self, reference: dt.date, issues: list[Issue] | None = None):
        super().__init__(issues if issues is not None else [])
        self.reference = reference

    def err(self, loc: Location, code: str, msg: str) -> None:
        self.error(loc, code, msg)

    def warn(self, loc: Location, code: str, msg: str) -> None:
        self.warning(loc, code, msg)

    # -------------------------------------------------------------- 字段

    def enum(self, row: Row, name: str, allow_empty: bool = True) -> str:
        raw = row.text(name)
        if not raw:
            return ""
        if name == "健康状况":
            parts = [normalise_value(name, p) for p in re.split(r"[,，、/]", raw) if p.strip()]
            bad = [p for p in parts if p not in ENUMS["健康状况"]]
            if bad:
                self.err(row.loc(name), "ENUM001", f"不认识的取值 {raw!r}，应为 {'、'.join(ENUMS['健康状况'])}（残疾可与其他项并列）")
            return ",".join(parts)
        v = normalise_value(name, raw)
        allowed = YES_NO if name.startswith("是否") or name in ("饮水是否困难", "饮水是否安全") else ENUMS.get(name)
        if allowed and v not in allowed:
            shown = "、".join(allowed) if len(allowed) <= 20 else "、".join(allowed[:20]) + "……"
            self.err(row.loc(name), "ENUM001", f"不认识的取值 {raw!r}，应为：{shown}")
        return v

    def number(self, row: Row, name: str, *, allow_negative: bool = False) -> float | None:
        v = row.values.get(name)
        if v is None or (isinstance(v, str) and not v.strip()):
            return None
        if isinstance(v, bool):
            self.err(row.loc(name), "AMT001", f"应为数字，得到 {v!r}")
            return None
        try:
            x = float(str(v).replace(",", "").strip()) if not isinstance(v, (int, float)) else float(v)
        except ValueError:
            self.err(row.loc(name), "AMT001", f"应为数字，得到 {v!r}")
            return None
        if x < 0 and not allow_negative:
            self.err(row.loc(name), "AMT002", f"金额不能为负数，得到 {v!r}")
            return None
        return x

    def date(self, row: Row, name: str) -> dt.date | None:
        from docgen.model.base import loose_date

        v = row.values.get(name)
        if v is None or v == "":
            return None
        d = loose_date(v)
        if d is not None:
            return d
        s = str(v).strip()
        self.err(row.loc(name), "DATE001", f"日期无效：{s!r}，应写作 2020-05-31")
        return None

    def id_number(self, row: Row) -> tuple[str, dt.date | None]:
        raw = row.text("证件号码")
        if not raw:
            self.err(row.loc("证件号码"), "REQ001", "证件号码不能为空")
            return "", None
        idn, birth, problems = gb11643.check(raw, self.reference)
        for p in problems:
            self.err(row.loc("证件号码"), p.code, p.message)
        if birth is None:
            return idn, None
        if "出生日期" in row.values:
            b = self.date(row, "出生日期")
            if b and b != birth:
                self.err(row.loc("出生日期"), "ID002", f"出生日期 {b} 与身份证号中的 {birth} 不一致")
        sex = normalise_value("性别", row.text("性别"))
        if sex in ("男", "女"):
            expect = gb11643.sex(idn)
            if sex != expect:
                self.err(row.loc("性别"), "ID003", f"性别“{sex}”与身份证号第 17 位（{idn[16]}，{'奇数为男' if expect == '男' else '偶数为女'}）不一致")
        return idn, birth


def _village_of(hh_id: str) -> str:
    return hh_id[:12]


def group_tables(tables: list[Table]) -> dict[str, list[Table]]:
    by_kind: dict[str, list[Table]] = defaultdict(list)
    for t in tables:
        by_kind[t.kind].append(t)
    return by_kind


@dataclass
class Context:
    """全县一份的小表：村名单、帮扶责任人、问题。"""

    villages: dict[str, Village]
    helpers: list[Helper]
    problems: list[Problem]


def validate_context(c: IssueCollector, by_kind: dict[str, list[Table]]) -> Context:
    return Context(_villages(c, by_kind["villages"]), _helpers(c, by_kind["helpers"]), _problems(c, by_kind["problems"]))


def validate_part(c: IssueCollector, by_kind: dict[str, list[Table]], villages: dict[str, Village], *,
                  have_members: bool) -> tuple[list[Household], list[Visit]]:
    """一个村的成员、收入、住房、走访（`have_members` 说全县是否有成员信息表）。身份证号重复（跨村）由分拣
    （:mod:`docgen.households.stage`）用 SQL 查。"""
    households = _households(c, by_kind["members"], villages)
    incomes = _incomes(c, by_kind["income"], households, have_members)
    housing = _housing(c, by_kind["housing"], households, have_members)
    visits = _visits(c, by_kind["visits"], households, have_members)
    measures = _measures(c, by_kind["measures"], households, have_members)
    by_hh: dict[str, list[Visit]] = defaultdict(list)
    for v in visits:
        by_hh[v.hh_id].append(v)
    hhs = []
    for hh_id, (fields, members) in households.items():
        hhs.append(Household(hh_id=hh_id, **fields, members=tuple(members), incomes=tuple(incomes.get(hh_id, ())),
                             housing=housing.get(hh_id), measures=tuple(measures.get(hh_id, ())),
                             visits=tuple(sorted(by_hh.get(hh_id, ()), key=lambda v: v.date))))
    return hhs, visits


def year_of(v) -> int | None:
    """年度的各种写法：2018、2018.0、“2018年”、2018-05-01（取年份）。"""
    import datetime as _dt

    if isinstance(v, (_dt.date, _dt.datetime)):
        return v.year
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return int(v) if float(v).is_integer() else None
    m = re.fullmatch(r"\s*(\d{4})\s*(年(度)?)?\s*|\s*(\d{4})[-./年]\d{1,2}.*", str(v or ""))
    if not m:
        return None
    return int(m.group(1) or m.group(4))


def _measures(c: _Checker, tables: list[Table], households, have_members: bool = True) -> dict[str, list[Measure]]:
    """帮扶措施表：每行一户一年的一项措施（帮扶措施按 domain.md 的类别归一）。"""
    out: dict[str, list[Measure]] = defaultdict(list)
    for t in tables:
        for row in t.rows:
            hh = row.text("户编号")
            if not hh:
                c.err(row.loc("户编号"), "REQ001", "户编号不能为空")
                continue
            if have_members and hh not in households:
                c.err(row.loc("户编号"), "REF001", f"户编号 {hh} 在成员信息表中没有")
                continue
            y = year_of(row.values.get("年度"))
            if y is None or not 2013 <= y <= 2030:
                c.err(row.loc("年度"), "DATE001", f"年度应为 2013–2030 的年份，得到 {row.text('年度')!r}")
                continue
            cat = normalise_value("帮扶措施", row.text("帮扶措施"))
            if not cat:
                c.err(row.loc("帮扶措施"), "REQ001", "帮扶措施不能为空")
                continue
            out[hh].append(Measure(year=y, category=cat, content=row.text("项目内容"), origin=(row.file, row.sheet, row.row)))
    return out


def no_members_issue(file: str, others: bool = False) -> Issue:
    """没有成员信息表：有收入、住房或走访数据时是错误（那些行对不到任何户，不能悄悄丢掉），否则是警告。"""
    if others:
        return Issue(Location(file), "REQ002", "有收入、住房或走访数据，却没有成员信息表（要有“证件号码”“与户主关系”列），"
                                               "这些行对不到任何户：请把成员信息表一起放进来", "error")
    return Issue(Location(file), "REQ002", "没有成员信息表（要有“证件号码”“与户主关系”列）", "warning")


def _villages(c: _Checker, tables: list[Table]) -> dict[str, Village]:
    out: dict[str, Village] = {}
    for t in tables:
        for row in t.rows:
            code = row.text("统计用区划代码") or row.text("村代码")
            name = row.text("村名称") or row.text("村")
            if not re.fullmatch(r"\d{12}", code):
                c.err(row.loc("统计用区划代码"), "VIL002", f"统计用区划代码应为 12 位数字，得到 {code!r}")
                continue
            if code[9:12] < "001":
                c.err(row.loc("统计用区划代码"), "VIL002", f"{code} 不是村级代码（后三位为 001–399）")
            if code in out:
                c.err(row.loc("统计用区划代码"), "VIL003", f"村代码 {code} 重复")
            out[code] = Village(code=code, name=name, township=row.text("乡（镇）"))
    return out


def duplicate_id_message(hh_id: str, other_hh: str, other: Location) -> str:
    if other_hh != hh_id:
        return f"同一身份证号也出现在户 {other_hh}（{other}）"
    return f"同一身份证号在本户重复（{other}）"


def _households(c: _Checker, tables: list[Table], villages: dict[str, Village]):
    rows_by_hh: dict[str, list[Row]] = defaultdict(list)
    members_by_hh: dict[str, list[Member]] = defaultdict(list)
    for t in tables:
        for need in ("户编号", "姓名", "证件号码", "与户主关系", "家庭人口数"):
            if need not in t.headers:
                c.err(Location(t.file, t.sheet, t.header_row, need), "REQ003", f"成员信息表缺少“{need}”列")
        for row in t.rows:
            hh_id = row.text("户编号")
            if not hh_id:
                c.err(row.loc("户编号"), "REQ001", "户编号不能为空")
                continue
            if not re.fullmatch(r"\d{16}", hh_id):
                c.warn(row.loc("户编号"), "HH005", f"户编号一般为 16 位数字（村代码 12 位 + 户序号 4 位），得到 {hh_id!r}")
            rows_by_hh[hh_id].append(row)
            idn, birth = c.id_number(row)
            vals = {n: c.enum(row, n) for n in MEMBER_ENUMS if n in row.values}
            yn = {n: c.enum(row, n) for n in MEMBER_YESNO if n in row.values}
            health = c.enum(row, "健康状况") if "健康状况" in row.values else ""
            if not row.text("姓名"):
                c.err(row.loc("姓名"), "REQ001", "姓名不能为空")
            if not vals.get("与户主关系"):
                c.err(row.loc("与户主关系"), "REQ001", "与户主关系不能为空")
            edu, school = vals.get("文化程度", ""), vals.get("在校生状况", "")
            if bool(edu) == bool(school) and ("文化程度" in t.headers or "在校生状况" in t.headers):
                c.err(row.loc("文化程度" if edu else "在校生状况"), "EDU001",
                      "文化程度与在校生状况必须且只能填一个" + (f"（现在两个都填了：{edu}、{school}）" if edu else "（现在都没填）"))
            months = c.number(row, "务工时间（月）") if "务工时间（月）" in row.values else None
            if months is not None and months > 12:
                c.err(row.loc("务工时间（月）"), "AMT003", f"务工时间一年最多 12 个月，得到 {months:g}")
            members_by_hh[hh_id].append(Member(
                person_id=row.text("人口编号"), name=row.text("姓名"), sex=vals.get("性别", ""), id_number=idn,
                birth=birth, relation=vals.get("与户主关系", ""), ethnicity=vals.get("民族", ""),
                politics=vals.get("政治面貌", ""), education=edu, schooling=school, health=health,
                labour=vals.get("劳动技能", ""), work=vals.get("务工状况", ""), work_months=months or 0,
                medical=yn.get("是否参加城乡居民基本医疗保险（新农合）", ""),
                employee_medical=yn.get("是否参加城镇职工基本医疗保险", ""), serious_illness=yn.get("是否参加大病保险", ""),
                pension=yn.get("是否参加城乡居民基本养老保险", ""), phone=row.text("联系电话"),
                not_in_school_reason=row.text("义务教育阶段未上学原因"), origin=(row.file, row.sheet, row.row)))
    out = {}
    for hh_id, rows in rows_by_hh.items():
        first = rows[0]
        members = members_by_hh[hh_id]
        heads = [m for m, r in zip(members, rows) if m.relation == "户主"]
        if len(heads) != 1:
            c.err(first.loc("与户主关系"), "HH001", f"户 {hh_id} 应有且只有一个户主，现有 {len(heads)} 个")
        for name in HOUSE_FIELDS:
            vals = {r.text(name) for r in rows if name in r.values}
            if len(vals) > 1:
                c.warn(rows[1].loc(name), "HH003", f"同一户各成员行的“{name}”不一致：{'、'.join(sorted(vals))}")
        size = c.number(first, "家庭人口数")
        if size is not None and int(size) != len(rows):
            c.err(first.loc("家庭人口数"), "HH002", f"家庭人口数为 {int(size)}，但成员信息表中有 {len(rows)} 人")
        spouses = [m for m in members if m.relation == "配偶"]
        if len(heads) == 1 and spouses and spouses[0].sex and spouses[0].sex == heads[0].sex:
            row = rows[members.index(spouses[0])]
            c.warn(row.loc("性别"), "HH004", "户主与配偶性别相同，请核实")
        code = _village_of(hh_id)
        if villages and code not in villages:
            c.err(first.loc("村"), "VIL001", f"户编号中的村代码 {code} 不在村名单中（村“{first.text('村')}”）")
        elif villages and first.text("村") and villages[code].name and first.text("村") != villages[code].name:
            c.err(first.loc("村"), "VIL001", f"村名“{first.text('村')}”与村代码 {code} 对应的“{villages[code].name}”不一致")
        exit_year = enrol_year = None
        if first.text("脱贫年度"):
            y = c.number(first, "脱贫年度")
            if y is None or not 2013 <= y <= 2030:
                c.err(first.loc("脱贫年度"), "DATE001", f"脱贫年度应为 2013–2030 的年份，得到 {first.text('脱贫年度')!r}")
            else:
                exit_year = int(y)
        if first.text("纳入年度"):
            y = year_of(first.values.get("纳入年度"))
            if y is None or not 2013 <= y <= 2030:
                c.err(first.loc("纳入年度"), "DATE001", f"纳入年度应为 2013–2030 的年份，得到 {first.text('纳入年度')!r}")
            else:
                enrol_year = y
        fields = dict(province=first.text("省"), city=first.text("市"), county=first.text("县"),
                      township=first.text("乡（镇）"), village=first.text("村"), group=first.text("组"),
                      size=int(size) if size is not None else len(rows), standard=first.text("识别标准"),
                      attribute=normalise_value("贫困户属性", first.text("贫困户属性")),
                      cause=normalise_value("主要致贫原因", first.text("主要致贫原因")),
                      status=normalise_value("脱贫状态", first.text("脱贫状态")), exit_year=exit_year,
                      enrol_year=enrol_year, origin=(first.file, first.sheet, first.row))
        out[hh_id] = (fields, members)
    return out


def _incomes(c: _Checker, tables: list[Table], households, have_members: bool = True) -> dict[str, list[Income]]:
    out: dict[str, list[Income]] = defaultdict(list)
    for t in tables:  # 认不出的收入列在读表时已报错（load），这里只有认得的列
        for row in t.rows:
            hh_id = row.text("户编号")
            if not hh_id:
                c.err(row.loc("户编号"), "REQ001", "户编号不能为空")
                continue
            if have_members and hh_id not in households:
                c.err(row.loc("户编号"), "REF001", f"户编号 {hh_id} 在成员信息表中没有")
                continue
            year = c.number(row, "年度")
            if year is None or not 2013 <= year <= 2030:
                c.err(row.loc("年度"), "DATE001", f"年度应为 2013–2030 的年份，得到 {row.text('年度')!r}")
                continue
            items = []
            for name in t.headers:
                if name in INCOME_META or (name not in INCOME_COLUMNS and name not in NOT_COUNTED):
                    continue
                amount = c.number(row, name)
                if amount is None:
                    continue
                if name in NOT_COUNTED:
                    items.append(IncomeItem(category="不计入", name=name, amount=amount, counted=False,
                                            note="一次性或非经常性收入，按规定不计入家庭纯收入"))
                else:
                    items.append(IncomeItem(category=INCOME_COLUMNS[name], name=name, amount=amount))
            if any(i.year == int(year) for i in out[hh_id]):
                c.err(row.loc("年度"), "INC001", f"户 {hh_id} 的 {int(year)} 年收入重复")
                continue
            out[hh_id].append(Income(year=int(year), items=tuple(items), origin=(row.file, row.sheet, row.row)))
    return out


def _housing(c: _Checker, tables: list[Table], households, have_members: bool = True) -> dict[str, Housing]:
    out = {}
    seen: dict[str, Row] = {}
    for t in tables:
        for row in t.rows:
            hh_id = row.text("户编号")
            if not hh_id:
                c.err(row.loc("户编号"), "REQ001", "户编号不能为空")
                continue
            if have_members and hh_id not in households:
                c.err(row.loc("户编号"), "REF001", f"户编号 {hh_id} 在成员信息表中没有")
                continue
            if hh_id in seen:  # 一户两行住房数据：不能让后一行悄悄盖掉前一行
                c.err(row.loc("户编号"), "HH006", f"户 {hh_id} 的住房饮水数据重复（另一行在 {seen[hh_id].loc()}），只能保留一行")
                continue
            seen[hh_id] = row
            v = {n: c.enum(row, n) for n in HOUSING_FIELDS if n in row.values}
            out[hh_id] = Housing(dangerous=v.get("是否危房户", ""), grade=v.get("危房等级", "").upper(),
                                 renovated=v.get("是否已完成危房改造", ""), area=c.number(row, "住房面积"),
                                 water_difficult=v.get("饮水是否困难", ""), water_safe=v.get("饮水是否安全", ""),
                                 electricity=v.get("是否通生活用电", ""), road=v.get("入户路类型", ""),
                                 fuel=v.get("主要燃料类型", ""), toilet=v.get("是否有卫生厕所", ""),
                                 food_ok=v.get("不愁吃", ""), clothes_ok=v.get("不愁穿", ""))
    return out


def _helpers(c: _Checker, tables: list[Table]) -> list[Helper]:
    out = []
    for t in tables:
        for row in t.rows:
            hh = tuple(x for x in re.split(r"[,，、\s]+", row.text("帮扶户编号") or row.text("户编号")) if x)
            out.append(Helper(name=row.text("帮扶责任人") or row.text("姓名"), unit=row.text("单位名称"),
                              phone=row.text("联系电话"), households=hh))
    return out




def _problems(c: _Checker, tables: list[Table]) -> list[Problem]:
    out = []
    for t in tables:
        for row in t.rows:
            status = row.text("状态") or "未启动"
            if status not in PROBLEM_STATUS:
                c.err(row.loc("状态"), "ENUM001", f"不认识的状态 {status!r}，应为：{'、'.join(PROBLEM_STATUS)}")
            out.append(Problem(no=row.text("序号"), source=row.text("问题来源"), category=row.text("问题类别"),
                               description=row.text("问题描述"),
                               households=tuple(x for x in re.split(r"[,，、\s]+", row.text("涉及户")) if x),
                               measure=row.text("整改措施"), owner=row.text("责任单位") or row.text("责任人"),
                               deadline=c.date(row, "整改时限"), status=status, closed_on=c.date(row, "销号日期"),
                               village=row.text("村"), origin=(row.file, row.sheet, row.row)))
    return out


def _visits(c: _Checker, tables: list[Table], households, have_members: bool = True) -> list[Visit]:
    out = []
    for t in tables:
        for row in t.rows:
            d = c.date(row, "走访日期")
            hh = row.text("户编号")
            if not row.text("走访日期"):
                c.err(row.loc("走访日期"), "REQ001", "走访日期不能为空")
            if not hh:
                c.err(row.loc("户编号"), "REQ001", "户编号不能为空")
            elif have_members and hh not in households:
                c.err(row.loc("户编号"), "REF001", f"户编号 {hh} 在成员信息表中没有")
            size = c.number(row, "家庭人口数") if row.text("家庭人口数") else None
            net = c.number(row, "家庭纯收入") if row.text("家庭纯收入") else None
            if d:
                out.append(Visit(date=d, visitor=row.text("走访人"), hh_id=hh, mode=row.text("方式") or "入户",
                                 summary=row.text("了解情况"), size=int(size) if size is not None else None,
                                 net_income=net, cause=normalise_value("主要致贫原因", row.text("主要致贫原因")),
                                 origin=(row.file, row.sheet, row.row)))
    return out
