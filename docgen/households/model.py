"""建档立卡数据模型（pydantic v2，冻结）：村、户、成员、收支项目、住房饮水、帮扶责任人、问题、走访记录。"""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


class _M(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    def __eq__(self, other):  # 比较内容：不比读入时记下的位置（origin），同样的数据在表里挪了行仍是同一户
        if type(self) is not type(other):
            return NotImplemented
        return self.model_dump() == other.model_dump()

    def __hash__(self):
        return hash(self.model_dump_json())


class Village(_M):
    code: str = Field(description="12 位统计用区划代码")
    name: str = Field(description="村名称")
    township: str = Field("", description="乡（镇）")


class Member(_M):
    person_id: str = Field("", description="人口编号")
    name: str = Field(description="姓名")
    sex: str = Field(description="性别")
    id_number: str = Field(description="证件号码（18 位身份证号）")
    birth: dt.date | None = Field(None, description="出生日期（取自身份证号）")
    relation: str = Field(description="与户主关系")
    ethnicity: str = ""
    politics: str = ""
    education: str = Field("", description="文化程度")
    schooling: str = Field("", description="在校生状况")
    health: str = Field("", description="健康状况（可含“残疾,长期慢性病”）")
    labour: str = Field("", description="劳动技能")
    work: str = Field("", description="务工状况")
    work_months: float = Field(0, description="务工时间（月）")
    medical: str = Field("", description="是否参加城乡居民基本医疗保险（新农合）")
    employee_medical: str = Field("", description="是否参加城镇职工基本医疗保险")
    serious_illness: str = Field("", description="是否参加大病保险")
    pension: str = Field("", description="是否参加城乡居民基本养老保险")
    phone: str = ""
    not_in_school_reason: str = Field("", description="义务教育阶段未上学原因")
    origin: tuple[str, str | None, int] | None = Field(None, exclude=True, description="成员信息表里的位置（文件、工作表、行）")

    def age_on(self, day: dt.date) -> int | None:
        if self.birth is None:
            return None
        return day.year - self.birth.year - ((day.month, day.day) < (self.birth.month, self.birth.day))


class IncomeItem(_M):
    category: str = Field(description="工资性 / 生产经营性 / 财产性 / 转移性 / 支出 / 不计入")
    name: str = Field(description="项目（表头）")
    amount: float
    counted: bool = True
    note: str = ""


class Income(_M):
    year: int
    items: tuple[IncomeItem, ...]
    origin: tuple[str, str | None, int] | None = Field(None, exclude=True, description="收入表里的位置")


class Measure(_M):
    """一年的一项帮扶措施（帮扶措施表：户编号、年度、帮扶措施，可有项目内容）。"""

    year: int
    category: str
    content: str = ""
    origin: tuple[str, str | None, int] | None = Field(None, exclude=True)


class Housing(_M):
    dangerous: str = Field("", description="是否危房户")
    grade: str = Field("", description="危房等级 A–D")
    renovated: str = Field("", description="是否已完成危房改造")
    area: float | None = None
    water_difficult: str = Field("", description="饮水是否困难")
    water_safe: str = Field("", description="饮水是否安全")
    electricity: str = ""
    road: str = ""
    fuel: str = ""
    toilet: str = ""
    food_ok: str = Field("", description="不愁吃")
    clothes_ok: str = Field("", description="不愁穿")


class Household(_M):
    hh_id: str = Field(description="户编号")
    province: str = ""
    city: str = ""
    county: str = ""
    township: str = ""
    village: str = ""
    group: str = ""
    size: int = Field(description="家庭人口数")
    standard: str = ""
    attribute: str = Field("", description="贫困户属性")
    cause: str = Field("", description="主要致贫原因")
    status: str = Field("", description="脱贫状态")
    exit_year: int | None = None
    enrol_year: int | None = Field(None, description="纳入年度（识别为贫困户的年份）")
    members: tuple[Member, ...]
    incomes: tuple[Income, ...] = ()
    housing: Housing | None = None
    measures: tuple[Measure, ...] = ()
    visits: tuple["Visit", ...] = ()
    origin: tuple[str, str | None, int] | None = Field(None, exclude=True, description="该户第一行成员的位置")

    @property
    def village_code(self) -> str:
        return self.hh_id[:12]

    @property
    def head(self) -> Member:
        return next(m for m in self.members if m.relation == "户主")


class Helper(_M):
    name: str
    unit: str = ""
    phone: str = ""
    households: tuple[str, ...] = ()


class Problem(_M):
    no: str = ""
    source: str = ""
    category: str = ""
    description: str
    households: tuple[str, ...] = ()
    measure: str = ""
    owner: str = ""
    deadline: dt.date | None = None
    status: str = "未启动"
    closed_on: dt.date | None = None
    village: str = ""
    origin: tuple[str, str | None, int] | None = None  # 问题表里的位置（文件、工作表、行），报“归不到村”用


class Visit(_M):
    date: dt.date
    visitor: str
    hh_id: str
    mode: str = "入户"
    summary: str = ""
    size: int | None = Field(None, description="走访时核实的家庭人口数")
    net_income: float | None = Field(None, description="走访时核实的上年家庭纯收入（元）")
    cause: str = ""
    origin: tuple[str, str | None, int] | None = Field(None, exclude=True)


class Dataset(_M):
    households: tuple[Household, ...]
    villages: tuple[Village, ...] = ()
    helpers: tuple[Helper, ...] = ()
    problems: tuple[Problem, ...] = ()
    visits: tuple[Visit, ...] = ()


Household.model_rebuild()
