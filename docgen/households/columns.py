"""导出表的表：每种表叫什么、靠哪几列认出、认得哪些列、表头的别名与两行表头的组合。

读表（:mod:`docgen.households.load`）、校验（:mod:`docgen.households.validate`）和 docgen.yml 的“列名映射”都用这里的定义。
"""

from __future__ import annotations

# 表的种类 → (认出它必需的列, 中文名)
KINDS: dict[str, tuple[frozenset[str], str]] = {
    "members": (frozenset({"证件号码", "与户主关系"}), "成员信息"),
    "income": (frozenset({"户编号", "生产经营性收入"}), "家庭收入"),
    "housing": (frozenset({"户编号", "危房等级"}), "住房饮水"),
    "villages": (frozenset({"统计用区划代码"}), "村"),
    "helpers": (frozenset({"帮扶责任人"}), "帮扶责任人"),
    "problems": (frozenset({"问题描述"}), "问题"),
    "visits": (frozenset({"走访日期"}), "走访记录"),
    "measures": (frozenset({"户编号", "帮扶措施"}), "帮扶措施"),
}
LABELS = {kind: label for kind, (_, label) in KINDS.items()}
BY_LABEL = {label: kind for kind, label in LABELS.items()}

# 收入表：列 → 类别（人均纯收入公式见 compute.account）
INCOME_COLUMNS: dict[str, str] = {
    "工资性收入": "工资性", "公益性岗位收入": "工资性", "其他工资性收入": "工资性",
    "生产经营性收入": "生产经营性",
    "财产性收入": "财产性", "资产收益扶贫分红收入": "财产性", "其他财产性收入": "财产性",
    "转移性收入": "转移性", "计划生育金": "转移性", "低保金": "转移性", "特困供养金": "转移性", "养老保险金": "转移性",
    "生态补偿金": "转移性", "其他转移性收入": "转移性",
    "生产经营性支出": "支出",
    "医疗自付费用": "刚性支出", "医疗支出": "刚性支出", "教育支出": "刚性支出",
}
# 按规定不计入家庭纯收入的项目（一次性、非经常性）
NOT_COUNTED = ("临时救助", "临时救助金", "慰问金", "慰问品", "危房改造补助", "易地搬迁补助", "圈舍改造补助", "产业扶持资金",
               "产业扶持", "小额信贷", "保险赔付", "医疗报销", "大病救助", "教育资助", "雨露计划补助", "社会捐赠",
               "一次性救济", "亲友资助")
INCOME_META = ("户编号", "户主姓名", "年度", "姓名", "村", "乡（镇）", "组", "家庭人口数")

MEMBER_ENUMS = ("性别", "与户主关系", "民族", "政治面貌", "文化程度", "在校生状况", "劳动技能", "务工状况", "识别标准",
                "贫困户属性", "主要致贫原因", "脱贫状态")
MEMBER_YESNO = ("是否参加城乡居民基本医疗保险（新农合）", "是否参加城镇职工基本医疗保险", "是否参加大病保险",
                "是否参加城乡居民基本养老保险")
HOUSE_FIELDS = ("省", "市", "县", "乡（镇）", "村", "组", "家庭人口数", "识别标准", "贫困户属性", "主要致贫原因", "脱贫状态",
                "脱贫年度", "纳入年度")
HOUSING_FIELDS = ("是否危房户", "危房等级", "饮水是否困难", "饮水是否安全", "是否通生活用电", "入户路类型", "主要燃料类型",
                  "是否有卫生厕所", "是否已完成危房改造", "不愁吃", "不愁穿")

# 每种表 docgen 读的列；表里其余的列报“不使用”（收入表报错：收入项目不能悄悄漏算）
KNOWN: dict[str, frozenset[str]] = {
    "members": frozenset({"户编号", "人口编号", "姓名", "证件号码", "证件类型", "出生日期", "健康状况", "务工时间（月）",
                          "联系电话", "户联系电话", "义务教育阶段未上学原因", *MEMBER_ENUMS, *MEMBER_YESNO, *HOUSE_FIELDS}),
    "income": frozenset({*INCOME_COLUMNS, *NOT_COUNTED, *INCOME_META}),
    "housing": frozenset({"户编号", "户主姓名", "住房面积", *HOUSING_FIELDS}),
    "villages": frozenset({"统计用区划代码", "村代码", "村名称", "村", "乡（镇）"}),
    "helpers": frozenset({"帮扶责任人", "姓名", "单位名称", "联系电话", "帮扶户编号", "户编号"}),
    "problems": frozenset({"序号", "问题来源", "问题类别", "问题描述", "涉及户", "整改措施", "责任单位", "责任人", "整改时限",
                           "状态", "销号日期", "村", "牵头单位", "整改进度", "佐证材料", "备注"}),
    "visits": frozenset({"走访日期", "走访人", "户编号", "方式", "了解情况", "户主姓名", "宣传政策", "解决问题", "下步打算",
                         "家庭人口数", "家庭纯收入", "主要致贫原因", "户主签字"}),
    "measures": frozenset({"户编号", "户主姓名", "年度", "帮扶措施", "项目内容", "帮扶单位", "资金"}),
}
ALL_KNOWN = frozenset().union(*KNOWN.values())
IGNORE = "忽略"  # 列名映射的值写“忽略”：这一列有意不读（不再提示）

# 表头别名 → 标准表头（比较前先去掉空白、全角半角括号统一）
HEADER_ALIASES: dict[str, str] = {
    "身份证号": "证件号码", "身份证号码": "证件号码", "公民身份号码": "证件号码", "证件号": "证件号码",
    "乡镇": "乡（镇）", "乡（镇、街道）": "乡（镇）", "乡镇（街道）": "乡（镇）",
    "户编码": "户编号", "人口编码": "人口编号",
    "家庭人数": "家庭人口数", "家庭人口": "家庭人口数", "人口数": "家庭人口数",
    "是否参加新农合": "是否参加城乡居民基本医疗保险（新农合）",
    "是否参加城乡居民基本医疗保险": "是否参加城乡居民基本医疗保险（新农合）",
    "务工时间": "务工时间（月）",
    "成员联系电话": "联系电话",
    "最低生活保障金": "低保金", "五保金": "特困供养金", "养老金或离退休金": "养老保险金", "养老金": "养老保险金",
    "计划生育奖励扶助金": "计划生育金", "失学或辍学原因": "义务教育阶段未上学原因",
    "识别年度": "纳入年度", "纳入时间": "纳入年度", "建档立卡年度": "纳入年度", "识别时间": "纳入年度",
    "措施类别": "帮扶措施", "帮扶措施类别": "帮扶措施", "帮扶项目": "项目内容", "资金（元）": "资金",
}
# 两行表头：(上行的组, 下行的子列) → 标准表头（子列本身不唯一时，如两个“其他”）
GROUP_SUB: dict[tuple[str, str], str] = {
    ("工资性收入", "其他"): "其他工资性收入",
    ("财产性收入", "其他"): "其他财产性收入",
    ("转移性收入", "其他"): "其他转移性收入",
    ("财产性收入", "合计"): "财产性收入", ("转移性收入", "合计"): "转移性收入", ("工资性收入", "合计"): "工资性收入",
    ("财产性收入", "小计"): "财产性收入", ("转移性收入", "小计"): "转移性收入", ("工资性收入", "小计"): "工资性收入",
}
_PARENS = str.maketrans({"(": "（", ")": "）"})


def clean(h) -> str:
    """表头的比较形式：去掉全部空白，半角括号换全角。"""
    return "".join(str(h if h is not None else "").split()).translate(_PARENS)


def standard(h) -> str:
    """用户写的表头 → 标准表头（不认识的原样返回其比较形式）。"""
    c = clean(h)
    return HEADER_ALIASES.get(c, c)


def combine(group, sub) -> str:
    """两行表头的一列：上行是组（合并单元格），下行是子列 → 一个不含糊的列名。"""
    g, s = standard(group), standard(sub)
    if not g or g == s:
        return s
    if not s:
        return g
    if (g, s) in GROUP_SUB:
        return GROUP_SUB[(g, s)]
    if s in ALL_KNOWN:
        return s
    return f"{g}-{s}"


def group_totals(names) -> list[tuple[str, list[str]]]:
    """收入表里同时有某类收入的合计列与它的子项（如“转移性收入”与“低保金”）：[(合计列, [子项…])]。
    两者都计入就重复了。"""
    names = set(names)
    out = []
    for total in ("工资性收入", "财产性收入", "转移性收入"):
        if total in names:
            cat = INCOME_COLUMNS[total]
            subs = sorted(n for n in names if n != total and INCOME_COLUMNS.get(n) == cat)
            if subs:
                out.append((total, subs))
    return out


def kind_of(names) -> str | None:
    """按（标准）表头认出表的种类。"""
    names = set(names)
    for kind, (need, _) in KINDS.items():
        if need <= names:
            return kind
    if {"村名称", "村代码"} & names and "证件号码" not in names and "户编号" not in names:
        return "villages"
    return None
