"""收入核算（人均纯收入公式）与两不愁三保障、饮水安全检查。贫困线按年度配置（默认值见 domain.md）。"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from docgen.households.model import Household, Income
from docgen.rules import education, gb11643
from docgen.settings import DEFAULT_POVERTY_LINES, Settings

# 设置（贫困线、监测线倍数、基准日期……）都在 docgen.settings 的一个 Settings 里
__all__ = ["DEFAULT_POVERTY_LINES", "Settings", "IncomeResult", "Assessment", "account", "assess", "DIMENSIONS",
           "income_year", "mask_id", "mask_phone"]


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
    """一户的核算与检查结果。收入与两不愁三保障分开判断：

    - 收入达标（`income_ok`）：有当年收入与贫困线，且人均纯收入不低于贫困线；
    - 低于监测线（`below_monitor`）：人均纯收入低于 贫困线 × 监测线倍数（含低于贫困线的户）；
    - 两不愁三保障达标（`assurance_ok`）：不愁吃、不愁穿、义务教育、基本医疗、住房安全、饮水安全都没有不达标项；
    - 达到退出标准（`passes`）：收入达标且两不愁三保障达标。
    """

    household: Household
    income: IncomeResult | None
    previous: IncomeResult | None
    reference: dt.date | None = None
    monitor_ratio: float = 1.5
    flags: list[str] = field(default_factory=list)  # 收入方面的提示
    failures: dict[str, list[str]] = field(default_factory=dict)  # 维度 → 不达标原因
    notes: list[str] = field(default_factory=list)

    @property
    def below_line(self) -> bool:
        return "低于贫困线" in self.flags

    @property
    def income_ok(self) -> bool:
        return self.income is not None and self.income.line is not None and not self.below_line

    @property
    def monitor_line(self) -> float | None:
        r = self.income
        return r.line * self.monitor_ratio if r is not None and r.line is not None else None

    @property
    def below_monitor(self) -> bool:
        line = self.monitor_line
        return line is not None and self.income.per_capita < line

    @property
    def income_reason(self) -> str:
        """收入不达标或无法判断的原因（达标时为空）。"""
        r = self.income
        if r is None:
            return f"没有{self.reference.year if self.reference else ''}年及以前的收入数据，未核算"
        if r.line is None:
            return f"{r.year} 年没有配置贫困线，无法判断"
        if self.below_line:
            return f"人均纯收入 {r.per_capita:,.2f} 元低于 {r.year} 年贫困线 {r.line:,.0f} 元"
        return ""

    @property
    def assurance_ok(self) -> bool:
        return not self.failures

    @property
    def assurance_reason(self) -> str:
        return "；".join(f"{k}：{'、'.join(v)}" for k, v in self.failures.items())

    @property
    def passes(self) -> bool:
        """达到退出标准：收入达标且两不愁三保障全部达标。"""
        return self.income_ok and self.assurance_ok


DIMENSIONS = ("不愁吃", "不愁穿", "义务教育", "基本医疗", "住房安全", "饮水安全")


def income_year(h: Household, reference: dt.date) -> Income | None:
    """核算哪一年：基准日期所在年及以前最近的一年。"""
    return max((i for i in h.incomes if i.year <= reference.year), key=lambda i: i.year, default=None)


def assess(h: Household, settings: Settings, reference: dt.date) -> Assessment:
    """核算收入（当年与上一年）并逐项检查两不愁三保障；年龄按基准日期（来自期别或配置，不读今天的日期）算。"""
    cur = income_year(h, reference)
    prev = max((i for i in h.incomes if cur and i.year < cur.year), key=lambda i: i.year, default=None)
    r = account(cur, h.size, settings) if cur else None
    p = account(prev, h.size, settings) if prev else None
    a = Assessment(h, r, p, reference=reference, monitor_ratio=settings.monitor_ratio, failures={})
    if r is None or r.line is None:
        a.notes.append(a.income_reason)
    if r is not None:
        if r.line is not None:
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
    fail = a.failures
    hs = h.housing
    if hs is not None:
        if hs.food_ok == "否":
            fail.setdefault("不愁吃", []).append("登记为吃饭有困难")
        if hs.clothes_ok == "否":
            fail.setdefault("不愁穿", []).append("登记为穿衣有困难")
    for m in h.members:
        why = education.gap(m, reference, settings.school_ages)
        if why:
            fail.setdefault("义务教育", []).append(why)
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
    else:  # 没查过的不能算有保障：写明原因，这户不进拟退出名单
        for d in ("住房安全", "饮水安全"):
            fail.setdefault(d, []).append("没有住房饮水数据，未检查")
    return a


def mask_id(idn: str, settings: Settings | None = None) -> str:
    """公示用的身份证号（GB 11643 模块的打码，位数按配置）。"""
    s = settings or Settings()
    return gb11643.mask(idn, s.mask_head, s.mask_tail)


mask_phone = gb11643.mask_phone
