"""住房安全“八查”：八项检查的文字与适用范围（campaign.md §2）。别处只从这里取。

每一项对一户是“适用”“不适用”或“不知道”（表里没有据以判断的信息）：适用的只能答 是/否；不适用的预填“不适用”并锁定；
不知道的 是/否/不适用 都可以选。
"""

from __future__ import annotations

from dataclasses import dataclass

ANSWERS = ("是", "否", "不适用")
APPLIES, NOT_APPLICABLE, UNKNOWN = "适用", "不适用", "不知道"
RENOVATION_WAYS = ("购置", "置换", "租赁", "其他")  # 通过购置、置换、租赁等方式解决住房（第 5 查）


@dataclass(frozen=True)
class Check:
    no: int
    short: str
    text: str


CHECKS = (
    Check(1, "有认定证件", "农户家庭是否存放房屋安全相关认定证件"),
    Check(2, "证件规范有效", "安全住房认定证件填写是否规范、盖章是否齐全、是否有效"),
    Check(3, "证件与现住房一致", "认定证件是否与农户现居住房屋一致"),
    Check(4, "危改验收与资金到位", "危改户：改造是否通过验收、补助资金是否发放到位"),
    Check(5, "其他方式手续齐全", "通过购置、置换、租赁等方式解决住房的：相关手续是否齐全有效"),
    Check(6, "群众认可", "群众是否认可住房安全认定（有疑虑的已解释政策或委托安全鉴定）"),
    Check(7, "C/D级已改造", "已鉴定为 C 级、D 级的房屋是否已完成改造"),
    Check(8, "无新增无安全住房户", "是否没有新增无安全住房户"),
)


@dataclass(frozen=True)
class HouseFacts:
    """判断适用范围要用的几项（都来自导出表或农户名单，排查表里预填并锁定）。"""

    registered: bool  # 是否建档立卡户
    grade: str = ""  # 危房等级 A–D（空：不知道）
    dangerous: str = ""  # 是否危房户（是/否/空）
    renovated: str = ""  # 是否已完成危房改造（是/否/空）
    way: str = ""  # 住房解决方式（自有、购置、置换、租赁、其他；空：不知道）


def applicability(no: int, f: HouseFacts) -> str:
    """第 `no` 查对这一户适用与否。"""
    if no == 4:  # 危改户：是危房户或做过危房改造
        if f.dangerous == "是" or f.renovated == "是" or f.grade in ("C", "D"):
            return APPLIES
        if f.dangerous == "否" or f.grade in ("A", "B"):
            return NOT_APPLICABLE
        return UNKNOWN
    if no == 5:
        if not f.way:
            return UNKNOWN
        return APPLIES if f.way in RENOVATION_WAYS else NOT_APPLICABLE
    if no == 7:
        if f.grade in ("C", "D"):
            return APPLIES
        return NOT_APPLICABLE if f.grade in ("A", "B") else UNKNOWN
    return APPLIES


ALIASES = {"是": "是", "√": "是", "✓": "是", "✔": "是", "y": "是", "yes": "是", "有": "是", "对": "是", "合格": "是",
           "否": "否", "×": "否", "✗": "否", "✘": "否", "n": "否", "no": "否", "无": "否", "不合格": "否",
           "不适用": "不适用", "无需": "不适用", "n/a": "不适用", "na": "不适用", "—": "不适用", "-": "不适用", "/": "不适用"}


def normalise_answer(value) -> str | None:
    """单元格里写的 → 是/否/不适用；空为 ""；认不出为 None。"""
    if value is None:
        return ""
    s = str(value).strip().replace(" ", "").replace("\u3000", "")
    if not s:
        return ""
    return ALIASES.get(s.lower(), ALIASES.get(s))
