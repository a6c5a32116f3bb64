"""项目配置 docgen.yml（可选）：全部设置读进一个 :class:`Settings`，不认识的键报 ``docgen.yml:行:键``。

    贫困线: {2019: 3747, 2020: 4000}     # 年份: 元；默认 2800×1.06^(年−2014)，2020 年 4000
    监测线倍数: 1.5                      # 人均纯收入低于贫困线的这个倍数（含低于贫困线的户）为“低于监测线”
    刚性支出倍数: 1.0
    身份证打码: {前: 6, 后: 4}           # 公示文书中身份证号保留的位数
    基准日期: 2020-12-31                 # 算年龄、核算日期、报告日期；不写时为期别（--period）的最后一天
    义务教育: {年龄: [6, 15]}
    公示: {单位: "{村}村民委员会", 全县单位: 王益区扶贫开发领导小组办公室, 开始日期: 2020-12-25, 天数: 7}
    列名映射:                            # 按表（成员信息、家庭收入、住房饮水、村、帮扶责任人、问题、走访记录）或工作表名
      家庭收入: {务工收入: 工资性收入, 慰问金（元）: 慰问金}
      成员信息: {开户银行: 忽略}
    体检:
      规则: {PU005: off}
    工作台:                              # docgen serve
      账号: {张三: "scrypt$…"}           # 用 docgen password 张三 生成；有账号才能在本机以外的地址上开
      上传上限: 50                       # MB
      工作区: /srv/docgen-工作台          # 各账号的上传、草稿与输出（默认为当前目录下的“docgen-工作台”）
      项目: [/srv/月末/项目.yaml]         # 月末批处理页可选的项目文件
    核对: {收入容差: 100}                 # 库册实证说核对：家庭纯收入相差多少元以内算一致（默认 1）
    冲刺行动: {名称: "“三排查三清零”百日冲刺行动", 开始: 2020-03-20, 结束: 2020-06-30}   # 八查日期、周报周次
    周报:                                # docgen report week：每周进展报告（上行文）的版头与版记
      发文机关标志: 某某县住房和城乡建设局文件
      发文字号: 某住建报〔{年}〕{周}号    # 可写占位 {年}、{周}（按字面替换）；也可每次用 --number 给
      签发人: [张三]
      主送机关: 县脱贫攻坚领导小组办公室
      发文机关署名: 某某县住房和城乡建设局
      印章: 印章.png                     # 可选；抄送机关、印发机关、标题（可写 {周}、{行动}）也可写
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.errors import ConfigError, Issue

# 识别与退出标准：2800×1.06^(年−2014)，2020 年按 4000 元（domain.md；可在 docgen.yml 的“贫困线”中改）
DEFAULT_POVERTY_LINES = {2014: 2800, 2015: 2968, 2016: 3146, 2017: 3335, 2018: 3535, 2019: 3747, 2020: 4000}
UNIT_FIELDS = ("{村}", "{乡镇}", "{县}")  # 公示单位中可写的占位（按字面替换，不作格式串解释）


@dataclass(frozen=True)
class Settings:
    poverty_lines: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_POVERTY_LINES))
    monitor_ratio: float = 1.5
    hard_expense_ratio: float = 1.0
    mask_head: int = 6
    mask_tail: int = 4
    reference_date: dt.date | None = None  # 基准日期（不写时由期别决定）
    school_ages: tuple[int, int] = (6, 15)
    gongshi_unit: str = "{村}村民委员会"
    gongshi_county_unit: str = "{县}扶贫开发领导小组办公室"
    gongshi_start: dt.date | None = None  # 公示开始日期（不写时为基准日期）
    gongshi_days: int = 7
    column_aliases: dict[str, dict[str, str]] = field(default_factory=dict)  # 表名或工作表名 → {用户表头: 标准表头}
    lint_overrides: dict[str, str] = field(default_factory=dict)
    workbench: "Workbench" = field(default_factory=lambda: Workbench())
    campaign_name: str = "“三排查三清零”百日冲刺行动"
    campaign: tuple[dt.date, dt.date] = (dt.date(2020, 3, 20), dt.date(2020, 6, 30))
    weekly: dict[str, Any] | None = None  # 周报的版头与版记（已校验；印章为绝对路径）
    crosscheck_tolerance: float = 1.0  # 库册核对：家庭纯收入相差多少元以内算一致

    def line(self, year: int) -> float | None:
        return self.poverty_lines.get(year)

    def with_reference(self, day: dt.date | None) -> "Settings":
        from dataclasses import replace

        return replace(self, reference_date=day)


@dataclass(frozen=True)
class Workbench:
    """工作台（docgen serve）的设置。"""

    users: dict[str, str] = field(default_factory=dict)  # 用户名 → 口令散列（docgen password 生成）
    upload_limit_mb: float = 50.0
    workspace: Path | None = None
    projects: tuple[Path, ...] = ()


def _kind_zh(v) -> str:
    """值的种类（提示里用中文，不露出 Python 的类型名）。"""
    if isinstance(v, bool):
        return "是/否"
    if isinstance(v, (int, float)):
        return f"数字 {v}"
    if isinstance(v, str):
        return f"文字“{v}”"
    if isinstance(v, list):
        return "列表"
    return "其他写法"


def _is_num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


class _Reader:
    def __init__(self, src):
        self.src, self.issues = src, []

    def bad(self, keypath, message: str, name: str | None = None) -> None:
        field = name or (str(keypath[-1]) if keypath else None)
        self.issues.append(Issue(self.src.location(keypath, field), "CFG001", message))

    def mapping(self, data, keypath, allowed: dict[str, str]) -> dict:
        """一层映射：不认识的键逐个报出（附可用的键）。`allowed`：键 → 说明。"""
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.bad(keypath, f"应为“键: 值”的映射，得到 {_kind_zh(data)}", str(keypath[-1]) if keypath else None)
            return {}
        for k in data:
            if str(k) not in allowed:
                self.bad((*keypath, k), f"未知的设置“{k}”，可用：{'、'.join(allowed)}", str(k))
        return {str(k): v for k, v in data.items()}

    def date(self, v, keypath) -> dt.date | None:
        from docgen.model.base import parse_date

        if v is None:
            return None
        try:
            return v if isinstance(v, dt.date) else parse_date(str(v))
        except ValueError:
            self.bad(keypath, f"应为日期，如 2020-12-31，得到 {v!r}")
            return None


TOP = {"贫困线": "", "监测线倍数": "", "刚性支出倍数": "", "身份证打码": "", "基准日期": "", "义务教育": "", "公示": "",
       "列名映射": "", "体检": "", "lint": "", "工作台": "", "冲刺行动": "", "周报": "", "核对": ""}


def load_settings(path: str | Path | None) -> Settings:
    """读 docgen.yml（`path` 为 None 时读当前目录的 docgen.yml，没有就用默认值）。有误时抛出 ConfigError，列出全部问题。"""
    from docgen.load.yamlsrc import load_yaml

    if path is None:
        found = [n for n in ("docgen.yml", "docgen.yaml") if Path(n).is_file()]
        if not found:
            return Settings()
        if len(found) > 1:
            raise ConfigError("当前文件夹里同时有 docgen.yml 和 docgen.yaml：docgen 不知道该读哪一个，请删掉或合并其中一个")
        path = found[0]
    if not Path(path).is_file():
        raise ConfigError(f"{path}: 找不到配置文件")
    src = load_yaml(path)
    r = _Reader(src)
    if src.data is None:
        return Settings()
    data = r.mapping(src.data, (), TOP)
    kw: dict[str, Any] = {}

    lines = dict(DEFAULT_POVERTY_LINES)
    raw = data.get("贫困线") or {}
    if not isinstance(raw, dict):
        r.bad(("贫困线",), "应为 年份: 金额 的映射，如 {2020: 4000}")
        raw = {}
    for y, v in raw.items():
        if not isinstance(y, int) or not _is_num(v) or v <= 0:
            r.bad(("贫困线", y), f"应为 年份: 正数金额，得到 {y!r}: {v!r}", str(y))
        else:
            lines[y] = float(v)
    kw["poverty_lines"] = lines

    mask = r.mapping(data.get("身份证打码"), ("身份证打码",), {"前": "", "后": ""})
    head, tail = mask.get("前", 6), mask.get("后", 4)
    if not (isinstance(head, int) and isinstance(tail, int) and 0 <= head and 0 <= tail and head + tail <= 14):
        r.bad(("身份证打码",), "前、后保留位数应为整数，合计不超过 14")
    else:
        kw["mask_head"], kw["mask_tail"] = head, tail
    for key, name in (("监测线倍数", "monitor_ratio"), ("刚性支出倍数", "hard_expense_ratio")):
        if key in data:
            v = data[key]
            if not _is_num(v) or v <= 0:
                r.bad((key,), f"应为正数，得到 {v!r}")
            else:
                kw[name] = float(v)
    if "基准日期" in data:
        kw["reference_date"] = r.date(data["基准日期"], ("基准日期",))

    edu = r.mapping(data.get("义务教育"), ("义务教育",), {"年龄": ""})
    if "年龄" in edu:
        ages = edu["年龄"]
        if not (isinstance(ages, list) and len(ages) == 2 and all(isinstance(a, int) for a in ages) and 0 <= ages[0] <= ages[1] <= 25):
            r.bad(("义务教育", "年龄"), f"应为 [起, 止] 两个整数周岁，如 [6, 15]，得到 {ages!r}")
        else:
            kw["school_ages"] = (ages[0], ages[1])

    gs = r.mapping(data.get("公示"), ("公示",), {"单位": "", "全县单位": "", "开始日期": "", "天数": ""})
    for key, name in (("单位", "gongshi_unit"), ("全县单位", "gongshi_county_unit")):
        if key in gs:
            v = gs[key]
            if not isinstance(v, str) or not v.strip():
                r.bad(("公示", key), f"应为单位名称，得到 {v!r}")
                continue
            rest = v
            for f in UNIT_FIELDS:
                rest = rest.replace(f, "")
            if "{" in rest or "}" in rest:
                r.bad(("公示", key), f"单位名称中只能用占位 {'、'.join(UNIT_FIELDS)}，得到 {v!r}")
                continue
            kw[name] = v.strip()
    if "开始日期" in gs:
        kw["gongshi_start"] = r.date(gs["开始日期"], ("公示", "开始日期"))
    if "天数" in gs:
        v = gs["天数"]
        if not isinstance(v, int) or isinstance(v, bool) or not 7 <= v <= 60:
            r.bad(("公示", "天数"), f"公示期应为 7–60 天的整数（退出公示不少于 7 天），得到 {v!r}")
        else:
            kw["gongshi_days"] = v

    kw["column_aliases"] = _aliases(r, data.get("列名映射"))
    section_key = "体检" if "体检" in data else "lint"
    kw["lint_overrides"] = _lint(r, data.get(section_key), section_key)
    kw["workbench"] = _workbench(r, data.get("工作台"), Path(path).resolve().parent)
    camp = r.mapping(data.get("冲刺行动"), ("冲刺行动",), {"名称": "", "开始": "", "结束": ""})
    if "名称" in camp:
        if not isinstance(camp["名称"], str) or not camp["名称"].strip():
            r.bad(("冲刺行动", "名称"), f"应为行动名称，得到 {camp['名称']!r}")
        else:
            kw["campaign_name"] = camp["名称"].strip()
    if "开始" in camp or "结束" in camp:
        start = r.date(camp.get("开始"), ("冲刺行动", "开始")) or Settings.campaign[0]
        end = r.date(camp.get("结束"), ("冲刺行动", "结束")) or Settings.campaign[1]
        if end < start:
            r.bad(("冲刺行动", "结束"), f"结束日期 {end} 早于开始日期 {start}")
        else:
            kw["campaign"] = (start, end)
    cc = r.mapping(data.get("核对"), ("核对",), {"收入容差": ""})
    if "收入容差" in cc:
        v = cc["收入容差"]
        if not _is_num(v) or v < 0:
            r.bad(("核对", "收入容差"), f"应为不小于 0 的元数，如 100，得到 {v!r}")
        else:
            kw["crosscheck_tolerance"] = float(v)
    if data.get("周报") is not None:
        from docgen.campaign.report import check_head

        kw["weekly"] = check_head(src, ("周报",), r.issues)
    if r.issues:
        raise ConfigError(f"{src.location((), None).file}: 配置有 {len(r.issues)} 处错误", r.issues)
    return Settings(**kw)


def _workbench(r: _Reader, raw, base: Path) -> Workbench:
    from docgen.web.passwords import hash_problem

    w = r.mapping(raw, ("工作台",), {"账号": "", "上传上限": "", "工作区": "", "项目": ""})
    kw: dict[str, Any] = {}
    users = r.mapping(w.get("账号"), ("工作台", "账号"), {str(k): "" for k in (w.get("账号") or {})}
                      if isinstance(w.get("账号"), dict) else {})
    good = {}
    for name, h in users.items():
        why = hash_problem(h)
        if not name.strip() or len(name) > 32 or any(c in name for c in "/\\:*?\"<>|") or name != name.strip():
            r.bad(("工作台", "账号", name), f"用户名“{name}”不能用：最多 32 个字，不含空格开头结尾、/ \\ : * ? \" < > |", name)
        elif why:
            r.bad(("工作台", "账号", name), f"{why}（用 docgen password {name} 生成）", name)
        else:
            good[name] = h
    kw["users"] = good
    if "上传上限" in w:
        v = w["上传上限"]
        if not _is_num(v) or not 0 < v <= 4096:
            r.bad(("工作台", "上传上限"), f"应为 MB 数（0–4096），得到 {v!r}")
        else:
            kw["upload_limit_mb"] = float(v)
    if "工作区" in w:
        v = w["工作区"]
        if not isinstance(v, str) or not v.strip():
            r.bad(("工作台", "工作区"), f"应为文件夹路径，得到 {v!r}")
        else:
            kw["workspace"] = (base / v).resolve()
    if "项目" in w:
        v = w["项目"]
        v = [v] if isinstance(v, str) else v
        if not isinstance(v, list) or not all(isinstance(x, str) and x.strip() for x in v):
            r.bad(("工作台", "项目"), "应为项目文件路径的列表")
        else:
            kw["projects"] = tuple((base / x).resolve() for x in v)
    return Workbench(**kw)


def _aliases(r: _Reader, raw) -> dict[str, dict[str, str]]:
    from docgen.households.columns import ALL_KNOWN, BY_LABEL, IGNORE, KNOWN, clean

    out: dict[str, dict[str, str]] = {}
    if raw is None:
        return out
    if not isinstance(raw, dict):
        r.bad(("列名映射",), "应为 表名: {用户表头: 标准表头} 的映射，如 家庭收入: {务工收入: 工资性收入}")
        return out
    for table, mapping in raw.items():
        kp = ("列名映射", table)
        if not isinstance(mapping, dict):
            r.bad(kp, "应为 {用户表头: 标准表头} 的映射", str(table))
            continue
        kind = BY_LABEL.get(str(table))
        known = KNOWN[kind] if kind else ALL_KNOWN
        m: dict[str, str] = {}
        for src_name, target in mapping.items():
            t = str(target).strip() if target is not None else ""
            if t != IGNORE and t not in known:
                where = f"“{table}”表" if kind else "导出表"
                r.bad((*kp, src_name), f"“{target}”不是{where}认得的列名（也可写“{IGNORE}”表示有意不读这一列）", str(src_name))
                continue
            m[clean(src_name)] = t
        out[str(table)] = m
    return out


def _lint(r: _Reader, raw, key: str) -> dict[str, str]:
    from docgen.lint import rules as _rules  # noqa: F401  登记规则
    from docgen.lint.core import RULES, SEVERITIES

    section = r.mapping(raw, (key,), {"规则": "", "rules": ""})
    rules_key = "规则" if "规则" in section else "rules"
    rules = section.get(rules_key) or {}
    if not isinstance(rules, dict):
        r.bad((key, rules_key), "应为 规则编号: 级别 的映射")
        return {}
    out = {}
    for rid, level in rules.items():
        level = {"关": "off", "关闭": "off", False: "off", "错误": "error", "警告": "warning", "提示": "info"}.get(level, level)
        if rid not in RULES:
            r.bad((key, rules_key, rid), f"没有规则“{rid}”，可用：{'、'.join(sorted(RULES))}", str(rid))
        elif level not in (*SEVERITIES, "off"):
            r.bad((key, rules_key, rid), f"级别应为 off、error、warning 或 info，得到 {level!r}", str(rid))
        else:
            out[rid] = level
    return out
