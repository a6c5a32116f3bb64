"""冲刺行动的起止与周次：八查的排查日期、周报的“第几周”都从这里算（campaign.md §1：2020年3月20日至6月30日，
实行每周报告制度）。第 1 周是开始那天起的 7 天，以后每 7 天一周；起止可在 docgen.yml 的“冲刺行动”里改。"""

from __future__ import annotations

import datetime as dt

NAME = "“三排查三清零”百日冲刺行动"
CAMPAIGN = (dt.date(2020, 3, 20), dt.date(2020, 6, 30))


def week_of(day: dt.date, start: dt.date) -> int:
    """`day` 是行动的第几周（从 1 起）。早于开始日期时抛出 ValueError。"""
    if day < start:
        raise ValueError(f"{day.isoformat()} 早于行动开始日期 {start.isoformat()}")
    return (day - start).days // 7 + 1


def week_range(n: int, start: dt.date) -> tuple[dt.date, dt.date]:
    """第 `n` 周的第一天与最后一天。"""
    first = start + dt.timedelta(days=7 * (n - 1))
    return first, first + dt.timedelta(days=6)
