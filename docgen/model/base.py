"""模型共用的基类、类型与中文错误翻译。"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
)

from docgen.errors import InputError, Issue
from docgen.load.yamlsrc import YamlSource, field_path


class Model(BaseModel):
    """冻结、禁止未知键、按中文名或英文名都能填写的模型基类。"""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True, str_strip_whitespace=True)


def zh(cn: str, en: str, **kw: Any) -> Any:
    """声明一个字段，中文键 `cn` 为主，英文键 `en` 为别名。"""
    return Field(validation_alias=AliasChoices(cn, en), serialization_alias=cn, **kw)


_CN_DATE = re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*$")
_ISO_DATE = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\s*$")


def cell_date(value: Any) -> dt.date | None | str:
    """表格里的一格日期：空为 None；Excel 的日期、“2020-04-15”“2020年4月15日”都认；认不出时原样返回文字（由调用者指出位置）。
    跟踪表、八查排查表、问题台账的读回都用它。"""
    if value is None or value == "":
        return None
    try:
        return parse_date(value if isinstance(value, dt.date) else str(value).strip())
    except ValueError:
        return str(value)


_LOOSE_DATE = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def loose_date(value: Any) -> dt.date | None:
    """导出表、帮扶手册里各种写法的日期：Excel 的日期格、2020-01-02、2020/1/2、2020.1.2、2020年1月2日、20200102。
    空或认不出（含日期不存在）时返回 None，由调用者决定是不是错误。建档立卡校验与库册核对都用它。"""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if value is None or value == "":
        return None
    s = str(value).strip()
    m = _LOOSE_DATE.fullmatch(s) or _COMPACT_DATE.fullmatch(s)
    if not m:
        return None
    try:
        return dt.date(*(int(x) for x in m.groups()))
    except ValueError:
        return None


def parse_date(value: Any) -> dt.date:
    """接受 ``2020-03-24``、``2020年3月24日`` 或 YAML 日期；其他形式报错。"""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        m = _CN_DATE.match(value) or _ISO_DATE.match(value)
        if m:
            y, mo, d = (int(g) for g in m.groups())
            try:
                return dt.date(y, mo, d)
            except ValueError:
                raise ValueError(f"日期不存在：{value!r}") from None
    raise ValueError(f"日期应写作 2020-03-24 或 2020年3月24日，得到 {value!r}")


Date = Annotated[dt.date, BeforeValidator(parse_date)]




def _as_list(value: Any) -> Any:
    if isinstance(value, str):
        return [value]
    return value


StrList = Annotated[list[str], BeforeValidator(_as_list)]

_TYPE_MESSAGES = {
    "missing": "缺少必填要素",
    "extra_forbidden": "未知的要素",
    "string_type": "应为文字",
    "list_type": "应为列表",
    "dict_type": "应为映射（键: 值）",
    "model_type": "应为映射（键: 值）",
    "bool_type": "应为 是/否（true/false）",
    "bool_parsing": "应为 是/否（true/false）",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "date_type": "应为日期",
    "too_short": "不能为空",
    "string_too_short": "不能为空",
    "string_too_long": "太长",
    "too_long": "项数太多",
    "float_type": "应为数字",
    "float_parsing": "应为数字",
    "int_from_float": "应为整数（不能有小数）",
    "date_parsing": "应为日期，如 2020-04-01",
    "date_from_datetime_parsing": "应为日期，如 2020-04-01",
    "date_from_datetime_inexact": "应为日期（不带时刻），如 2020-04-01",
    "greater_than": "超出允许的范围（太小）",
    "greater_than_equal": "超出允许的范围（太小）",
    "less_than": "超出允许的范围（太大）",
    "less_than_equal": "超出允许的范围（太大）",
    "enum": "不是可选的取值之一",
    "union_tag_invalid": "写法不对",
    "string_pattern_mismatch": "格式不对",
    "json_invalid": "格式不对",
    "none_required": "这里不该有内容",
}


def type_message(err: dict) -> str:
    """pydantic 的一条类型错误 → 中文“期望什么”（不认识的类型也不漏出 pydantic 的英文原话）。"""
    etype = err["type"]
    if etype == "literal_error":  # 只能取几个值之一：列出可选的值
        options = re.findall(r"'([^']*)'", str(err.get("ctx", {}).get("expected", "")))
        return f"应为 {'、'.join(options)} 之一"
    if etype in _TYPE_MESSAGES:
        return _TYPE_MESSAGES[etype]
    for prefix, want in (("int", "整数"), ("float", "数字"), ("decimal", "数字"), ("string", "文字"), ("str", "文字"),
                         ("list", "列表"), ("tuple", "列表"), ("dict", "映射（键: 值）"), ("date", "日期，如 2020-04-01"),
                         ("bool", "是/否")):
        if etype.startswith(prefix):
            return f"应为{want}"
    return "取值不对"


def _model_keys(model: type[BaseModel]) -> list[str]:
    keys: list[str] = []
    for name, f in model.model_fields.items():
        alias = f.validation_alias
        if isinstance(alias, AliasChoices):
            keys.append(str(alias.choices[0]))
        else:
            keys.append(name)
    return keys


class FieldError(ValueError):
    """模型校验里与某个要素有关、但要跨几个要素才能判断的错误（如某格式缺了它要的要素）：报告时指向那个要素。"""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


def validate_source(model: type[Model], src: YamlSource, what: str) -> Any:
    """用 `model` 校验 `src.data`；所有问题一次性以中文、带 文件:行:要素 报出。"""
    if not isinstance(src.data, dict):
        raise InputError(f"{src.display_name}: 期望一个 YAML 映射（要素名: 内容），得到 {type(src.data).__name__}")
    try:
        return model.model_validate(src.data)
    except ValidationError as exc:
        issues = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            # pydantic 会在联合类型里追加类型名，去掉非数据键
            keypath = tuple(k for k in loc if isinstance(k, int) or k in _keys_in(src.data, loc))
            field_name = field_path(keypath) or ""
            etype = err["type"]
            if etype == "invalid_key":  # 键不是文字（如 123: x）：pydantic 把它当成了列表下标
                key = err.get("input")
                issues.append(Issue(src.location(tuple(loc[:-1]) + (str(key),), str(key)), f"{what}.{etype}",
                                    f"未知的要素“{key}”：要素名应为文字（如 标题、正文）"))
                continue
            if etype == "missing":
                field_name = field_path([k for k in loc if not _is_type_tag(k)]) or ""
                msg = f"缺少必填要素“{str(loc[-1])}”"
            elif etype == "extra_forbidden":
                msg = f"未知的要素“{loc[-1]}”" + _suggest(model, loc, str(loc[-1]), what)
            elif etype in ("value_error", "assertion_error"):
                error = err.get("ctx", {}).get("error", err["msg"])
                msg = str(error)
                if isinstance(error, FieldError) and not keypath:
                    field_name = error.field
                    keypath = (error.field,) if isinstance(src.data, dict) and error.field in src.data else ()
            else:
                base = type_message(err)
                msg = f"{base}，得到 {err.get('input')!r}" if "input" in err else base
            location = src.location(keypath, field_name or None)
            issues.append(Issue(location, f"{what}.{etype}", msg))
        # 去重（联合类型会对同一位置报多次）
        seen = set()
        uniq = []
        for i in issues:
            key = (str(i.location), i.message)
            if key not in seen:
                seen.add(key)
                uniq.append(i)
        uniq.sort(key=lambda i: (i.location.row or 0))
        raise InputError(f"{src.display_name}: {what}内容有误，共 {len(uniq)} 处", uniq) from None


def _submodel(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """沿 `loc`（不含最后一个键）找到所在的子模型。"""
    import typing

    cur: Any = model
    for k in loc[:-1]:
        if isinstance(k, int):
            continue
        if not (isinstance(cur, type) and issubclass(cur, BaseModel)):
            return None
        field = next((f for n, f in cur.model_fields.items() if n == k or (
            isinstance(f.validation_alias, AliasChoices) and k in f.validation_alias.choices)), None)
        if field is None:
            return None
        ann = field.annotation
        stack = [ann]
        cur = None
        while stack:
            t = stack.pop()
            if isinstance(t, type) and issubclass(t, BaseModel):
                cur = t
                break
            stack.extend(typing.get_args(t))
    return cur if isinstance(cur, type) and issubclass(cur, BaseModel) else None


def _suggest(model: type[BaseModel], loc: tuple, key: str, what: str) -> str:
    """未知键：给出最接近的合法键，并列出全部可用键。"""
    import difflib

    sub = _submodel(model, loc) or model
    shown: dict[str, str] = {}  # 每个写法 → 给用户看的中文要素名（英文别名也指向中文名）
    for f in sub.model_fields.values():
        if isinstance(f.validation_alias, AliasChoices):
            choices = [str(c) for c in f.validation_alias.choices]
            zh_name = next((c for c in choices if not c.isascii()), choices[0])
            shown.update({c: zh_name for c in choices})
    cn = list(dict.fromkeys(v for v in shown.values() if not v.isascii()))
    pool = list(shown) if key.isascii() else cn  # 中文的键只与中文要素名比
    close = difflib.get_close_matches(key, pool, n=1, cutoff=0.4)
    hint = f"，是不是要写“{shown[close[0]]}”？" if close else "。"
    return f"{hint}可用的要素：{'、'.join(cn)}"


def _is_type_tag(k: Any) -> bool:
    return isinstance(k, str) and (k.startswith(("list[", "dict[", "str", "function-")) or "[" in k and "]" in k)


def _keys_in(data: Any, loc: tuple) -> set:
    """沿 `loc` 收集数据里真实存在的键，用于把 pydantic 的 loc 还原为 YAML 路径。"""
    keys: set = set()
    cur = data
    for k in loc:
        if isinstance(cur, dict) and k in cur:
            keys.add(k)
            cur = cur[k]
        elif isinstance(cur, list) and isinstance(k, int) and 0 <= k < len(cur):
            cur = cur[k]
        elif isinstance(cur, dict) and not isinstance(k, int):
            keys.add(k) if k in cur else None
    return keys
