"""收入核算与两不愁三保障、饮水安全检查。贫困线按年度配置（默认值见 domain.md）。"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docgen.households.enums import EXEMPT_REASONS, IN_SCHOOL_COMPULSORY
from docgen.households.model import Household, Income

# 识别与退出标准：2800×1.06^(年−2014)，2020 年按 4000 元（domain.md；可在 docgen.yml 的“贫困线”中改）
DEFAULT_POVERTY_LINES = {2014: 2800, 2015: 2968, 2016: 3146, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}


@dataclass(frozen=True)
class Settings:
    poverty_lines: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_POVERTY_LINES))
    monitor_ratio: float = 1.5  # 低于贫困线的 1.5 倍纳入监测
    hard_expense_ratio: float = 1.0  # 刚性支出超过纯收入的这个倍数时提示
    mask_head: int = 6
    mask_tail: int = 4

    def line(self, year: int) -> float:
        if year in self.poverty_lines:
            return self.poverty_lines[year]
        raise KeyError(year)


@dataclass
class IncomeResult:
    year: int
    wage: float
    business: float
    property: float
    transfer: float
    expense: float
    hard_expense: float
    excluded: list[tuple[str, float]]
    size: int
    line: float | None

    @property
    def gross(self) -> float:
        """年收入（毛收入）：四项收入之和。"""
        return self.wage + self.business + self.property + self.transfer

    @property
    def net(self) -> float:
        """纯收入 = 年收入 − 生产经营性支出。"""
        return self.gross - self.expense

    @property
    def per_capita(self) -> float:
        return self.net / self.size if self.size else 0.0


def account(income: Income, size: int, settings: Settings) -> IncomeResult:
    """按公式核算：人均纯收入 =（工资性 + 生产经营性 + 财产性 + 转移性 − 生产经营性支出）/ 家庭人口数。"""
    sums = {"工资性": 0.0, "生产经营性": 0.0, "财产性": 0.0, "转移性": 0.0, "支出": 0.0, "刚性支出": 0.0}
    excluded = []
    for item in income.items:
        if not item.counted:
            excluded.append((item.name, item.amount))
        else:
            sums[item.category] += item.amount
    return IncomeResult(income.year, sums["工资性"], sums["生产经营性"], sums["财产性"], sums["转移性"], sums["支出"],
                        sums["刚性支出"], excluded, size, settings.poverty_lines.get(income.year))


@dataclass
class Assessment:
    """一户的核算与检查结果。"""

    household: Household
    income: IncomeResult | None
    previous: IncomeResult | None
    flags: list[str] = field(default_factory=list)  # 收入方面的提示
    failures: dict[str, list[str]] = field(default_factory=dict)  # 维度 → 不达标原因
    notes: list[str] = field(default_factory=list)

    @property
    def passes(self) -> bool:
        return not self.failures and "低于贫困线" not in self.flags

    @property
    def below_line(self) -> bool:
        return "低于贫困线" in self.flags


DIMENSIONS = ("不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全", "饮水安全")


def assess(h: Household, settings: Settings, year: int | None = None) -> Assessment:
    incomes = sorted(h.incomes, key=lambda i: i.year)
    cur = next((i for i in incomes if i.year == year), None) if year else (incomes[-1] if incomes else None)
    prev = next((i for i in reversed(incomes) if cur and i.year < cur.year), None)
    r = account(cur, h.size, settings) if cur else None
    p = account(prev, h.size, settings) if prev else None
    a = Assessment(h, r, p, failures={})
    if r is None:
        a.notes.append("没有收入数据，未核算")
    else:
        if r.line is None:
            a.notes.append(f"{r.year} 年没有配置贫困线，未判断是否达标")
        else:
            if r.per_capita < r.line:
                a.flags.append("低于贫困线")
            elif r.per_capita < r.line * settings.monitor_ratio:
                a.flags.append("低于监测线")
        if p is not None and r.per_capita < p.per_capita:
            a.flags.append("收入下降")
        if r.hard_expense and r.hard_expense > max(r.net, 0) * settings.hard_expense_ratio:
            a.flags.append("刚性支出过大")
        for name, amount in r.excluded:
            if amount:
                a.notes.append(f"{name} {amount:g} 元不计入纯收入")
    day = dt.date((r.year if r else (year or dt.date.today().year)), 12, 31)
    fail = a.failures
    hs = h.housing
    if hs is not None:
        if hs.food_ok == "否":
            fail.setdefault("不愁吃", []).append("登记为吃饭有困难")
        if hs.clothes_ok == "否":
            fail.setdefault("不愁穿", []).append("登记为穿衣有困难")
    for m in h.members:
        age = m.age_on(day)
        if age is not None and 6 <= age <= 15 and m.schooling not in IN_SCHOOL_COMPULSORY:
            reason = m.not_in_school_reason or m.health
            if not any(x in reason for x in EXEMPT_REASONS):
                fail.setdefault("义务教育", []).append(
                    f"{m.name}（{age} 岁）未在义务教育阶段就学" + (f"（在校生状况：{m.schooling}）" if m.schooling else ""))
        if m.medical != "是" and m.employee_medical != "是":
            fail.setdefault("基本医疗", []).append(f"{m.name}未参加基本医疗保险")
    if hs is not None:
        if hs.grade in ("C", "D") and hs.renovated != "是":
            fail.setdefault("住房安全", []).append(f"住房为 {hs.grade} 级危房，尚未改造")
        elif hs.dangerous == "是" and hs.renovated != "是" and hs.grade not in ("A", "B"):
            fail.setdefault("住房安全", []).append("登记为危房户，尚未改造")
        if hs.water_safe == "否":
            fail.setdefault("饮水安全", []).append("饮水不安全")
        if hs.water_difficult == "是":
            fail.setdefault("饮水安全", []).append("饮水困难")
    else:
        a.notes.append("没有住房饮水数据，住房安全与饮水安全未检查")
    return a


def mask_id(idn: str, settings: Settings | None = None) -> str:
    """公示用的身份证号：默认保留前 6 位和后 4 位。"""
    s = settings or Settings()
    if not idn:
        return ""
    keep = s.mask_head + s.mask_tail
    if len(idn) <= keep:
        return "*" * len(idn)
    return idn[: s.mask_head] + "*" * (len(idn) - keep) + idn[len(idn) - s.mask_tail:]


def mask_phone(p: str) -> str:
    return p[:3] + "****" + p[-4:] if len(p) == 11 else p
