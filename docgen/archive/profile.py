"""整理方案（profile）：YAML 数据，由旁边的 JSON Schema 校验；出错时指明 文件:行:键 和期望什么。"""

from __future__ import annotations

import json
import re
import string
from dataclasses import dataclass
from pathlib import Path

from docgen.archive.numbering import FIELDS, LEVELS, scheme_collisions, template_fields
from docgen.errors import ConfigError, Issue
from docgen.load.yamlsrc import load_yaml
from docgen.util.resources import data_dir

SCHEMA_DIR = data_dir("archive_schema")
RETENTION_ZH = {"Y": "永久", "D30": "30年", "D10": "10年"}


@dataclass(frozen=True)
class Profile:
    path: Path
    data: dict

    def __getitem__(self, key):
        return self.data[key]

    @property
    def name(self) -> str:
        return self.data["名称"]

    def category(self, name: str) -> dict:
        return self.data["类别"][name]

    def doc_type(self, name: str) -> dict:
        return self.data["文件类型"][name]

    def retention(self, doc_type: str) -> str:
        t = self.doc_type(doc_type)
        return t.get("期限") or self.category(t["类别"])["期限"]

    def classify(self, text: str) -> str | None:
        """按关键词认出文件类型（关键词越长越优先）。"""
        best = None
        for name, t in self.data["文件类型"].items():
            for kw in t["关键词"]:
                if kw in text and (best is None or len(kw) > best[1]):
                    best = (name, len(kw))
        return best[0] if best else None

    @property
    def household_regex(self) -> re.Pattern:
        return re.compile(self.data.get("命名", {}).get("户文件", r"(?P<户编号>\d{16})"))


def resolve_profile(name_or_path: str | None) -> Path:
    if not name_or_path:
        return SCHEMA_DIR / "default.yaml"
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") and p.exists():
        return p
    q = SCHEMA_DIR / f"{name_or_path}.yaml"
    if q.is_file():
        return q
    names = "、".join(sorted(x.stem for x in SCHEMA_DIR.glob("*.yaml")))
    raise ConfigError(f"找不到整理方案“{name_or_path}”（可用：{names}，或给出 .yaml 文件路径）")


def load_profile(name_or_path: str | None = None) -> Profile:
    """读取并校验整理方案。JSON Schema 的每个错误都换算为 文件:行:键。"""
    import jsonschema

    path = resolve_profile(name_or_path)
    src = load_yaml(path)
    schema = json.loads((SCHEMA_DIR / "profile.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    issues = []
    for e in sorted(validator.iter_errors(src.data), key=lambda e: list(map(str, e.absolute_path))):
        keypath = tuple(e.absolute_path)
        key = ".".join(str(k) for k in keypath) or None
        issues.append(Issue(src.location(keypath, key), f"方案.{e.validator}", _zh(e)))
    if not issues:
        issues += _semantic(src)
    if issues:
        raise ConfigError(f"{src.display_name}: 整理方案有误，共 {len(issues)} 处", issues)
    return Profile(path, src.data)


def _zh(e) -> str:
    v = e.validator
    if v == "required":
        missing = [m for m in e.validator_value if m not in (e.instance or {})]
        return f"缺少“{'、'.join(missing)}”"
    if v == "additionalProperties":
        extra = [k for k in e.instance if k not in e.schema.get("properties", {})]
        return f"不认识的键“{'、'.join(map(str, extra))}”，可用：{'、'.join(e.schema.get('properties', {}))}"
    if v == "enum":
        return f"应为 {'、'.join(map(str, e.validator_value))} 之一，得到 {e.instance!r}"
    if v == "pattern":
        return f"格式不对：{e.instance!r} 不符合 {e.validator_value}"
    if v == "type":
        want = {"string": "文字", "object": "映射", "array": "列表", "integer": "整数"}.get(str(e.validator_value), e.validator_value)
        return f"应为{want}，得到 {e.instance!r}"
    limits = {"minimum": f"不能小于 {e.validator_value}", "maximum": f"不能大于 {e.validator_value}",
              "minItems": f"至少要有 {e.validator_value} 项", "maxItems": f"最多 {e.validator_value} 项",
              "minLength": "不能为空" if e.validator_value == 1 else f"至少 {e.validator_value} 个字",
              "maxLength": f"最多 {e.validator_value} 个字", "minProperties": f"至少要有 {e.validator_value} 项",
              "uniqueItems": "不能有重复的项"}
    if v in limits:
        return f"{limits[v]}，得到 {e.instance!r}"
    return f"写法不对，得到 {e.instance!r}"  # jsonschema 的原话是英文，不给用户看


_NUMERIC = ("件号", "卷号", "年度")
_SPEC = re.compile(r"0?[1-9]?[0-9]?d")  # 数字字段只许 d、4d、04d 这样的宽度与补零（最宽 99 位）

_RE_ERRORS = (  # re.error 的英文 → 中文
    ("missing )", "缺少右括号“)”"), ("unbalanced parenthesis", "右括号“)”多了"),
    ("unterminated character set", "方括号“[”没有配对"), ("nothing to repeat", "*、+、? 前面没有可以重复的内容"),
    ("multiple repeat", "连写了两个重复符号"), ("bad escape", "反斜杠“\\”后面的写法不对"),
    ("missing group name", "命名组要写成 (?P<户编号>…)"), ("bad character in group name", "命名组的名字写法不对"),
    ("unknown extension", "(? 后面的写法不对，命名组要写成 (?P<户编号>…)"),
    ("redefinition of group name", "同一个命名组写了两次"), ("min repeat greater than max", "重复次数 {m,n} 写反了（m 大于 n）"), ("unterminated", "括号或方括号没有配对"),
)


def regex_problem(pattern: str, group: str) -> str:
    """用户写的正则表达式有什么问题（中文；没有问题时为空串）。只编译、不执行。"""
    import warnings

    try:
        with warnings.catch_warnings():  # “可能是嵌套的字符集”之类的 FutureWarning 不打给用户
            warnings.simplefilter("ignore")
            rx = re.compile(pattern)
    except re.error as exc:
        msg = next((zh for en, zh in _RE_ERRORS if en in str(exc.msg)), "写法不对")
        pos = f"（第 {exc.pos + 1} 个字符附近）" if exc.pos is not None else ""
        return f"正则表达式有误：{msg}{pos}"
    except (TypeError, ValueError, OverflowError, RecursionError):
        return "正则表达式有误：写法不对"
    if group not in rx.groupindex:
        return f"正则表达式里没有命名组“{group}”：要写成 (?P<{group}>…)，例如 (?P<{group}>\\d{{16}})"
    return ""


def template_problem(pattern: str) -> str:
    """档号模板（{字段} 与格式说明）有什么问题（中文；没有问题时为空串）。不执行格式化。"""
    try:
        parts = list(string.Formatter().parse(pattern))
    except ValueError as exc:
        text = str(exc)
        if "Single '}'" in text:
            return "多了一个右大括号“}”（要写字面的大括号请写成 }}）"
        return "大括号“{ }”不成对（要写字面的大括号请写成 {{ 或 }}）"
    names = [name for _, name, _, _ in parts if name]
    twice = next((n for n in names if names.count(n) > 1), None)
    for _, name, spec, conv in parts:
        if name is None:
            continue
        if name == "" or name.isdigit():
            return "大括号里要写字段名，如 {件号:04d}"
        if name not in FIELDS:
            return f"档号模板中有不认识的字段“{name}”，可用：{'、'.join(sorted(FIELDS))}"
        if conv is not None:
            return f"字段“{name}”后面不能写 !{conv}"
        if spec and ("{" in spec or "}" in spec):
            return f"字段“{name}”的格式说明里不能再套大括号"
        if spec and name not in _NUMERIC:
            return f"“{name}”是文字字段，不能写 :{spec} 这样的格式（数字字段 件号、卷号、年度 才能写 :04d）"
        if spec and not _SPEC.fullmatch(spec):
            return f"字段“{name}”的格式说明 :{spec} 不认识：只能写 :d、:4d、:04d 这样的宽度与补零"
    if twice:
        return f"字段“{twice}”写了两次（档号里同一项只能出现一次）"
    return ""


def _semantic(src) -> list[Issue]:
    """Schema 查不出的约束：引用的类别、文件类型存在；档号模板只用认识的字段。"""
    d = src.data
    out = []
    cats, types = set(d["类别"]), set(d["文件类型"])
    for name, t in d["文件类型"].items():
        if t["类别"] not in cats:
            out.append(Issue(src.location(("文件类型", name, "类别")), "方案.引用", f"类别“{t['类别']}”未在“类别”中定义"))
    for part in ("户卷",):
        if d[part]["类别"] not in cats:
            out.append(Issue(src.location((part, "类别")), "方案.引用", f"类别“{d[part]['类别']}”未在“类别”中定义"))
    for key, items in (("户卷", d["户卷"]["必备文件"] + d["户卷"].get("可选文件", [])), ("村档", d["村档"]["必备文件"])):
        for i, t in enumerate(items):
            if t not in types:
                out.append(Issue(src.location((key, "必备文件", i)), "方案.引用", f"文件类型“{t}”未在“文件类型”中定义"))
    if "县级" in d:
        for i, t in enumerate(d["县级"]["必备文件"]):
            if t not in types:
                out.append(Issue(src.location(("县级", "必备文件", i)), "方案.引用", f"文件类型“{t}”未在“文件类型”中定义"))
    broken = False
    for k, pattern in d["档号"].items():
        problem = template_problem(pattern)
        if problem:
            out.append(Issue(src.location(("档号", k)), "方案.档号", f"档号模板写法有误：{problem}"))
            broken = True
            continue
        names = template_fields(pattern)
        need = LEVELS[k]
        if not need <= names:
            out.append(Issue(src.location(("档号", k)), "方案.档号", f"档号模板须含 {'、'.join('{' + n + '}' for n in sorted(need))}"))
            broken = True
    naming = (d.get("命名") or {}).get("户文件")
    if naming is not None:
        problem = regex_problem(naming, "户编号")
        if problem:
            out.append(Issue(src.location(("命名", "户文件")), "方案.正则", problem))
    if not out and not broken:  # 模板本身没错时，再试排一遍：同一全宗里不同的件（卷）不能得到同一个档号
        for k, msg in scheme_collisions(d):
            out.append(Issue(src.location(("档号", k)), "方案.档号重复", msg))
    return out
