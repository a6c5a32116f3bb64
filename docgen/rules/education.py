"""义务教育有保障：这一条规则的年龄、学段与免责原因都在这里（domain.md §2）。

政策原文的意思：义务教育阶段（默认 6–15 周岁，按基准日期算；或正在读小学至九年级）的每个成员，
要么在校（在校生状况已填且不是“非在校生”），要么已经读完义务教育（文化程度为初中及以上），
要么“义务教育阶段未上学原因”是身体原因（残疾、重病等，送教上门也算）。其余的才是“未保障”。
15 岁读高中、15 岁已初中毕业都属正常。年龄范围可在 docgen.yml 的 ``义务教育: {年龄: [6, 15]}`` 中改。
"""

from __future__ import annotations

import datetime as dt

DEFAULT_AGES = (6, 15)
# 义务教育阶段的在校生状况
COMPULSORY_STAGES = ("小学", "七年级", "八年级", "九年级")
# 在校：在校生状况填了且不是这些
NOT_IN_SCHOOL = ("", "非在校生")
# 文化程度已达义务教育毕业（初中及以上）
COMPLETED = ("初中", "高中", "大专及以上", "大专", "本科及以上")
# 未上学的免责原因（因身体原因不能上学、送教上门）；写在“义务教育阶段未上学原因”或健康状况里都认
EXEMPT_REASONS = ("残疾", "患有大病", "重病", "送教上门", "身体原因", "智力障碍")


def gap(member, reference: dt.date, ages: tuple[int, int] = DEFAULT_AGES) -> str | None:
    """这个成员义务教育没保障时给出原因（一句话），否则 None。`member` 要有 age_on()、schooling、education、
    not_in_school_reason、health、name。"""
    age = member.age_on(reference)
    in_stage = member.schooling in COMPULSORY_STAGES
    if not in_stage and (age is None or not ages[0] <= age <= ages[1]):
        return None
    if member.schooling not in NOT_IN_SCHOOL:  # 在校（小学、初中，或已读到高中、中职……）
        return None
    if member.education in COMPLETED:  # 已读完九年级
        return None
    reason = f"{member.not_in_school_reason} {member.health}"
    if any(x in reason for x in EXEMPT_REASONS):
        return None
    shown = f"在校生状况：{member.schooling}" if member.schooling else (f"文化程度：{member.education}" if member.education
                                                                    else "在校生状况、文化程度都没填")
    why = f"，未上学原因：{member.not_in_school_reason}" if member.not_in_school_reason else ""
    return f"{member.name}（{age} 岁）在义务教育阶段未就学（{shown}{why}）"
