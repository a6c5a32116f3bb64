"""逐户逐项核对：库（国办系统导出表，经与 check / batch 同一条读表、校验、核算流水线）对 册（帮扶手册录入表）、
对 最近一次走访（走访记录里核实的家庭人口数、家庭纯收入、致贫原因）。每处不一致是一条 :class:`Mismatch`，
两边各写值与位置（文件:工作表:行:列）和规则；合理的写法差异先归一（:mod:`docgen.crosscheck.normalise`）。

规则（代码 → 说明）见 :data:`RULES`；收入的容差在 docgen.yml 的“核对: {收入容差: 元}”里设（默认 1 元，即算到元一致）。
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from docgen.crosscheck import normalise as N
from docgen.errors import Location

RULES = {
    "KC001": ("户", "库里有这一户，册里没有"),
    "KC002": ("户", "册里有这一户，库里没有"),
    "KC010": ("成员", "库里有这个人，册里没有"),
    "KC011": ("成员", "册里有这个人，库里没有"),
    "KC012": ("成员", "与户主关系不一致"),
    "KC013": ("成员", "出生日期不一致"),
    "KC014": ("成员", "同名成员的证件号码不一致"),
    "KC015": ("成员", "同一证件号码的成员姓名不一致"),
    "KC020": ("人口数", "家庭人口数不一致"),
    "KC030": ("年度", "纳入年度不一致"),
    "KC031": ("年度", "脱贫年度不一致"),
    "KC040": ("帮扶措施", "这一年的帮扶措施不一致"),
    "KC050": ("收入", "这一年的家庭纯收入不一致（超过容差）"),
    "KC051": ("收入", "这一年的收入只有一边有"),
    "KC060": ("致贫原因", "主要致贫原因不一致"),
    "KC120": ("走访", "最近一次走访核实的家庭人口数与库不一致"),
    "KC150": ("走访", "最近一次走访核实的家庭纯收入与库不一致（超过容差）"),
    "KC160": ("走访", "最近一次走访了解的致贫原因与库不一致"),
}
SHEET_OF = {"成员": "家庭成员"}  # 可选项目 → 帮扶手册里的表名
ITEMS = ("户", "成员", "人口数", "年度", "帮扶措施", "收入", "致贫原因", "走访")


@dataclass(frozen=True)
class Mismatch:
    village_code: str
    village: str
    hh_id: str
    head: str
    code: str
    ku: str  # 库的值
    ku_where: str  # 库的位置
    other: str  # 册 / 走访 的值
    other_where: str
    source: str  # “册”或“走访”
    detail: str = ""

    @property
    def item(self) -> str:
        return RULES[self.code][0]

    @property
    def rule(self) -> str:
        return RULES[self.code][1]

    def as_row(self) -> list:
        return [self.village, self.hh_id, self.head, self.item, self.code, self.rule, self.ku, self.ku_where,
                self.source, self.other, self.other_where, self.detail]


COLUMNS = ("村", "户编号", "户主", "项目", "规则", "说明", "库（国办系统）", "库的位置", "另一边", "另一边的值", "另一边的位置", "备注")


@dataclass
class Result:
    mismatches: list[Mismatch] = field(default_factory=list)
    households_ku: dict[str, int] = field(default_factory=dict)  # 村代码 → 库里的户数
    households_ce: dict[str, int] = field(default_factory=dict)  # 村代码 → 册里的户数
    names: dict[str, str] = field(default_factory=dict)  # 村代码 → 村名
    issues: list = field(default_factory=list)  # 读册时的问题
    reference: object = None  # 基准日期（与 check / batch 同一个：配置 > 期别 > 导出表的月份）

    def by_household(self) -> dict[str, list[Mismatch]]:
        out: dict[str, list[Mismatch]] = defaultdict(list)
        for m in self.mismatches:
            out[m.hh_id].append(m)
        return out


def _where(origin, field_name: str | None) -> str:
    if not origin:
        return ""
    return str(Location(origin[0], origin[1], origin[2], field_name))


def _money_text(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:,.2f}".rstrip("0").rstrip(".") + " 元"


def compare_household(a, book, settings, tolerance: float,
                      items: frozenset = frozenset({"成员", "帮扶措施", "收入"})) -> list[Mismatch]:
    """一户：库（Assessment）对册（HandbookHousehold 或 None）与最近一次走访。`items`：两边都有数据、要核对的
    可选项目（库没有帮扶措施表、册没录家庭成员或收入表时那一项不核对）。"""
    from docgen.households.compute import account

    h = a.household
    out: list[Mismatch] = []
    head = h.head.name if any(m.relation == "户主" for m in h.members) else (h.members[0].name if h.members else "")
    code = h.village_code
    village = h.village

    def add(rule, ku, ku_where, other, other_where, source="册", detail=""):
        out.append(Mismatch(code, village, h.hh_id, head, rule, str(ku), ku_where, str(other), str(other_where), source,
                            detail))

    first = _where(h.origin, "户编号")
    if book is None:
        add("KC001", h.hh_id, first, "（无）", "")
    else:
        f = book.fields
        # 成员：先按证件号码对，再按姓名对（册里一个成员都没录时不核对，说明一次）
        if "成员" in items:
            ku_members = list(h.members)
            rest = []
            by_id = {N.text(m.id_number).upper(): m for m in ku_members if m.id_number}
            matched: dict[int, object] = {}
            for i, bm in enumerate(book.members):
                idn = N.text(bm.get("证件号码").value if bm.get("证件号码") else "").upper()
                if idn and idn in by_id and id(by_id[idn]) not in {id(x) for x in matched.values()}:
                    matched[i] = by_id[idn]
                else:
                    rest.append(i)
            left = [m for m in ku_members if id(m) not in {id(x) for x in matched.values()}]
            for i in rest:
                bm = book.members[i]
                name = N.text(bm["姓名"].value)
                cand = next((m for m in left if N.text(m.name) == name), None)
                if cand is not None:
                    left.remove(cand)
                    matched[i] = cand
                    idn = N.text(bm.get("证件号码").value if bm.get("证件号码") else "").upper()
                    if idn and idn != N.text(cand.id_number).upper():
                        add("KC014", cand.id_number or "（空）", _where(cand.origin, "证件号码"), bm["证件号码"].value,
                            bm["证件号码"].where, detail=f"姓名 {cand.name}")
                else:
                    add("KC011", "（无）", "", bm["姓名"].value, bm["姓名"].where)
            for m in left:
                add("KC010", m.name, _where(m.origin, "姓名"), "（无）", "")
            for i, m in sorted(matched.items()):
                bm = book.members[i]
                if i not in rest and N.text(bm["姓名"].value) != N.text(m.name):  # 按证件号码对上的：姓名也要一致
                    add("KC015", m.name, _where(m.origin, "姓名"), bm["姓名"].value, bm["姓名"].where,
                        detail=f"证件号码 {m.id_number}")
                if "与户主关系" in bm and N.enum("与户主关系", bm["与户主关系"].value) != N.enum("与户主关系", m.relation):
                    add("KC012", m.relation, _where(m.origin, "与户主关系"), bm["与户主关系"].value, bm["与户主关系"].where,
                        detail=f"成员 {m.name}")
                if "出生日期" in bm and bm["出生日期"].value not in (None, "") and m.birth is not None:
                    d = N.date_parts(bm["出生日期"].value)  # 只写到月的（出生年月）按月比
                    if d is None or d[:2] != (m.birth.year, m.birth.month) or (d[2] is not None and d[2] != m.birth.day):
                        add("KC013", m.birth.isoformat(), _where(m.origin, "证件号码"), bm["出生日期"].value,
                            bm["出生日期"].where, detail=f"成员 {m.name}（库的出生日期取自身份证号）")
        size = f.get("家庭人口数")
        if size is not None and size.value not in (None, ""):
            n = N.count(size.value)
            if n is None or n != h.size:
                add("KC020", h.size, _where(h.origin, "家庭人口数"), size.value, size.where)
        for key, rule, ku in (("纳入年度", "KC030", h.enrol_year), ("脱贫年度", "KC031", h.exit_year)):
            cell = f.get(key)
            if cell is None or cell.value in (None, ""):
                continue
            if N.year(cell.value) != ku:
                add(rule, ku if ku is not None else "（空）", _where(h.origin, key), cell.value, cell.where)
        cause = f.get("主要致贫原因")
        if cause is not None and cause.value not in (None, "") and N.enum("主要致贫原因", cause.value) != N.enum("主要致贫原因", h.cause):
            add("KC060", h.cause or "（空）", _where(h.origin, "主要致贫原因"), cause.value, cause.where)
        # 帮扶措施：逐年比较措施的集合（库没有帮扶措施表时不比）
        if "帮扶措施" in items:
            ku_by: dict[int, dict[str, object]] = defaultdict(dict)
            for m in h.measures:
                ku_by[m.year].setdefault(N.enum("帮扶措施", m.category), m.origin)
            ce_by: dict[int, dict[str, Location]] = defaultdict(dict)
            for y, cat, where in book.measures:
                ce_by[y].setdefault(cat, where)
            for y in sorted(set(ku_by) | set(ce_by)):
                a_set, b_set = set(ku_by.get(y, {})), set(ce_by.get(y, {}))
                if a_set != b_set:
                    only_a, only_b = sorted(a_set - b_set), sorted(b_set - a_set)
                    # 位置指向多出来的那一项（两边都有多出的时各指各的；只一边多时另一边指这一年的第一项）
                    ku_o = ku_by[y][only_a[0]] if only_a else next(iter(ku_by[y].values()), None) if y in ku_by else None
                    ce_w = ce_by[y][only_b[0]] if only_b else next(iter(ce_by[y].values()), "") if y in ce_by else ""
                    add("KC040", "、".join(sorted(a_set)) or "（无）", _where(ku_o, "帮扶措施"),
                        "、".join(sorted(b_set)) or "（无）", ce_w,
                        detail=f"{y} 年；" + "；".join(x for x in (f"只在库里：{'、'.join(only_a)}" if only_a else "",
                                                             f"只在册里：{'、'.join(only_b)}" if only_b else "") if x))
        # 收入：逐年的家庭纯收入（库的按 docgen 的收入公式算）
        ku_inc = {i.year: i for i in h.incomes} if "收入" in items else {}
        for y in sorted(set(ku_inc) | set(book.incomes if "收入" in items else ())):
            if y in ku_inc and y in book.incomes:
                net = account(ku_inc[y], h.size, settings).net
                ce = book.incomes[y].value
                if abs(net - ce) > tolerance:
                    add("KC050", _money_text(net), _where(ku_inc[y].origin, "年度"), _money_text(ce), book.incomes[y].where,
                        detail=f"{y} 年；相差 {_money_text(abs(net - ce))}")
            elif y in ku_inc:
                add("KC051", f"{y} 年有收入", _where(ku_inc[y].origin, "年度"), "（无）", "", detail=f"{y} 年册里没有")
            else:
                add("KC051", "（无）", "", _money_text(book.incomes[y].value), book.incomes[y].where, detail=f"{y} 年库里没有")
    # 最近一次走访
    if h.visits:
        v = h.visits[-1]
        where = lambda k: _where(v.origin, k)  # noqa: E731
        if v.size is not None and v.size != h.size:
            add("KC120", h.size, _where(h.origin, "家庭人口数"), v.size, where("家庭人口数"), "走访",
                f"{v.date.isoformat()} {v.visitor}".strip())
        if v.net_income is not None:
            inc = next((i for i in h.incomes if i.year == v.date.year), None) or \
                next((i for i in sorted(h.incomes, key=lambda i: -i.year) if i.year < v.date.year), None)
            if inc is not None:
                net = account(inc, h.size, settings).net
                if abs(net - v.net_income) > tolerance:
                    add("KC150", _money_text(net), _where(inc.origin, "年度"), _money_text(v.net_income),
                        where("家庭纯收入"), "走访", f"{inc.year} 年；{v.date.isoformat()} 走访")
        if v.cause and N.enum("主要致贫原因", v.cause) != N.enum("主要致贫原因", h.cause):
            add("KC160", h.cause or "（空）", _where(h.origin, "主要致贫原因"), v.cause, where("主要致贫原因"), "走访",
                v.date.isoformat())
    return out


def crosscheck(data, handbook, settings=None, period=None, workers: int = 1) -> Result:
    """全部户：库（`data`：collect_files 的结果，走 staged 流水线）对册（read_handbooks 的结果）与走访。"""
    from docgen.households.stage import staged
    from docgen.settings import Settings

    settings = settings or Settings()
    with staged(data, settings, period, workers=workers) as stg:
        return crosscheck_staging(stg, handbook, settings)


def crosscheck_staging(stg, handbook, settings) -> Result:
    """对一份已分拣好的数据核对（`docgen crosscheck run` 与月末批处理共用）。"""
    from docgen.errors import Issue

    tolerance = settings.crosscheck_tolerance
    res = Result(issues=list(handbook.issues))
    seen: set[str] = set()
    items = set()
    ku_measures = any(s.kind == "measures" for s in stg.intake.sheets)
    for name, ku_has, ce_has in (("成员", True, "家庭成员" in handbook.kinds),
                                 ("帮扶措施", ku_measures, "帮扶措施" in handbook.kinds),
                                 ("收入", True, "收入" in handbook.kinds)):
        if ku_has and ce_has:
            items.add(name)
        else:
            side = "导出表里没有帮扶措施表" if not ku_has else f"帮扶手册里没有录{SHEET_OF.get(name, name)}"
            res.issues.append(Issue(Location("、".join(handbook.files) or "帮扶手册", None, None, name), "KC900",
                                    f"{side}：这一项没有核对", "warning"))
    items = frozenset(items)
    # 几份手册里只有一部分录了家庭成员：没录的那几份里的户不核对成员（各说明一次），录了的照常
    with_members = {f for f, k in handbook.file_kinds.items() if "家庭成员" in k}
    if "成员" in items:
        for f in handbook.files:
            if f not in with_members:
                res.issues.append(Issue(Location(f, None, None, "成员"), "KC900",
                                        "这份帮扶手册没有录家庭成员：其中各户的成员没有核对", "warning"))
    res.names = stg.village_names()
    res.reference = stg.reference
    for a in stg.all_assessments():
        h = a.household
        seen.add(h.hh_id)
        res.households_ku[h.village_code] = res.households_ku.get(h.village_code, 0) + 1
        res.names.setdefault(h.village_code, h.village)
        book = handbook.households.get(h.hh_id)
        mine = items - {"成员"} if book is not None and not book.members and book.where.file not in with_members else items
        res.mismatches += compare_household(a, book, settings, tolerance, mine)
    for hh, book in sorted(handbook.households.items()):
        code = hh[:12]
        res.households_ce[code] = res.households_ce.get(code, 0) + 1
        if hh not in seen:
            head = book.fields.get("户主姓名")
            name = book.members[0]["姓名"].value if book.members else ""
            res.mismatches.append(Mismatch(code, res.names.get(code, ""), hh, str((head.value if head else None) or name or ""),
                                           "KC002", "（无）", "", hh, str(book.where), "册"))
    res.mismatches.sort(key=lambda m: (m.village_code, m.hh_id, ITEMS.index(m.item), m.code))
    return res
