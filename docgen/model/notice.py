"""公文（GB/T 9704-2012）的数据模型：键即标准中的要素名。"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, PrivateAttr, field_validator, model_validator

from docgen.layout import DOC_NUMBER, FORMATS  # 发文字号的写法（GB/T 9704 7.2.4）、公文格式（第 10 章）
from docgen.model.base import Date, FieldError, Model, StrList, zh
from docgen.model.body import Block, BodyText, parse_body
from docgen.model.table import Table

_WRONG_BRACKETS = re.compile(r"[\[\]［］﹝﹞【】()（）]")


def check_doc_number(value: str) -> str:
    """发文字号：代字〔年份〕序号号，年份写全，序号不编虚位、不加“第”。"""
    v = value.strip()
    if "第" in v:
        raise ValueError(f"发文字号不加“第”字：{v!r}，应写作如“铜王住建发〔2020〕108号”")
    if _WRONG_BRACKETS.search(v):
        fixed = re.sub(r"[\[［﹝【(（]", "〔", re.sub(r"[\]］﹞】)）]", "〕", v))
        raise ValueError(f"发文字号年份须用六角括号〔〕：{v!r}，应为 {fixed!r}")
    m = DOC_NUMBER.match(v)
    if not m:
        raise ValueError(f"发文字号应为“代字〔年份〕序号号”，如“铜王住建发〔2020〕108号”，得到 {v!r}")
    if m.group("seq").startswith("0"):
        raise ValueError(f"发文字号序号不编虚位（不加前导 0）：{v!r}，应为 {m.group('prefix')}〔{m.group('year')}〕{int(m.group('seq'))}号")
    year = int(m.group("year"))
    if not 1949 <= year <= 2100:
        raise ValueError(f"发文字号年份不合理：{year}")
    return v


class IssuerMark(Model):
    """发文机关标志：一个或几个机关名称，可加“文件”二字。"""

    organs: StrList = zh("机关", "organs", min_length=1)
    wenjian: bool = zh("文件", "with_wenjian", default=False)

    @field_validator("organs")
    @classmethod
    def _organs(cls, v: list[str]) -> list[str]:
        if any(not str(o).strip() for o in v):
            raise ValueError("发文机关标志不能为空：写发文机关的全称或规范化简称，如“某某县住房和城乡建设局”")
        return v


def _issuer_mark(value: Any) -> Any:
    if isinstance(value, str):
        v = value.strip()
        if v.endswith("文件") and len(v) > 2:
            return {"机关": [v[:-2]], "文件": True}
        return {"机关": [v]}
    if isinstance(value, list):
        return {"机关": value}
    return value


class Attachment(Model):
    """附件：名称，加正文、表格、已有文件或图片（PNG/JPEG，如统计图）之一。"""

    name: str = zh("名称", "name", min_length=1)
    body: BodyText | None = zh("正文", "body", default=None)
    table: Table | None = zh("表格", "table", default=None)
    file: Path | None = zh("文件", "file", default=None)
    image: Path | None = zh("图片", "image", default=None)
    landscape: bool | None = zh("横排", "landscape", default=None)

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if v and v[-1] in "。，；：、.,;:":
            raise ValueError(f"附件名称末尾不加标点：{v!r}")
        return v

    @model_validator(mode="after")
    def _one_content(self) -> "Attachment":
        given = [k for k, v in (("正文", self.body), ("表格", self.table), ("文件", self.file), ("图片", self.image))
                 if v is not None]
        if len(given) > 1:
            raise ValueError(f"附件“{self.name}”只能有正文、表格、文件、图片之一，得到 {'、'.join(given)}")
        if not given:
            raise ValueError(f"附件“{self.name}”缺少内容：请写“正文”“表格”“文件”或“图片”之一")
        return self

    _file_parts: tuple = PrivateAttr(default=())  # 由“文件”读入的内容（加载时填入，用户不能直接写）

    def with_file_parts(self, parts: tuple) -> "Attachment":
        copy = self.model_copy()
        copy._file_parts = parts
        return copy

    @property
    def contents(self) -> list[tuple[str, Any]]:
        """附件内容片段：("text", 正文标记)、("table", Table) 或 ("image", 图片路径)。"""
        if self.body is not None:
            return [("text", self.body)]
        if self.table is not None:
            return [("table", self.table)]
        if self.image is not None:
            return [("image", self.image)]
        return list(self._file_parts)

    @property
    def is_landscape(self) -> bool:
        if self.landscape is not None:
            return self.landscape
        return any(k == "table" and len(t.columns) > 4 for k, t in self.contents)


class SignatureStamp(Model):
    """签名章（7.3.5.3）：签发人职务与签名章图片。"""

    title: str = zh("职务", "title", min_length=1)
    image: Path = zh("图片", "image")


def _path_list(value: Any) -> Any:
    if isinstance(value, (str, Path)):
        return [value]
    return value


def _numbered(unit: str, example: int):
    """令号（“第12号”）、期号（“第5期”）：写数字或写全都可以，统一为“第N号/期”；序号不编虚位。"""

    def normalise(value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return f"第{value}{unit}"
        if isinstance(value, str) and re.fullmatch(r"\s*[1-9]\d*\s*", value):
            return f"第{int(value)}{unit}"
        return value

    def check(value: Any) -> str:
        if not isinstance(value, str) or not re.fullmatch(rf"第[1-9]\d*{unit}", value):
            raise ValueError(f"应写作“第{example}{unit}”（或只写数字 {example}），序号不编虚位，得到 {value!r}")
        return value

    return Annotated[str, BeforeValidator(normalise), AfterValidator(check)]


OrderNo = _numbered("号", 12)
IssueNo = _numbered("期", 5)


class Enclosed(Model):
    """印发通知所印发的文件（如实施方案），排在通知的署名和日期之后。"""

    title: StrList = zh("标题", "title", min_length=1)
    body: BodyText = zh("正文", "body", min_length=1)

    @property
    def blocks(self) -> list[Block]:
        return parse_body(self.body)


class Notice(Model):
    """一份公文。键为 GB/T 9704-2012 的要素名（也接受英文名）。"""

    format: Literal[FORMATS] = zh("格式", "format", default="文件")  # type: ignore[valid-type]
    copy_no: str | None = zh("份号", "copy_no", default=None)
    classification: str | None = zh("密级", "classification", default=None)
    secrecy_period: str | None = zh("保密期限", "secrecy_period", default=None)
    urgency: str | None = zh("紧急程度", "urgency", default=None)
    issuer_mark: Annotated[IssuerMark, BeforeValidator(_issuer_mark)] = zh("发文机关标志", "issuer_mark")
    doc_number: str | None = zh("发文字号", "doc_number", default=None)
    order_no: OrderNo | None = zh("令号", "order_no", default=None)
    issue_no: IssueNo | None = zh("期号", "issue_no", default=None)
    signers: StrList | None = zh("签发人", "signers", default=None)
    title: StrList | None = zh("标题", "title", default=None, min_length=1)
    recipients: str | None = zh("主送机关", "recipients", default=None)
    body: BodyText = zh("正文", "body", min_length=1)
    attachments: list[Attachment] = zh("附件", "attachments", default_factory=list)
    attendees: StrList | None = zh("出席", "attendees", default=None)
    absentees: StrList | None = zh("请假", "absentees", default=None)
    observers: StrList | None = zh("列席", "observers", default=None)
    signature: StrList | None = zh("发文机关署名", "signature", default=None, min_length=1)
    date: Date = zh("成文日期", "date")
    seal: Annotated[list[Path] | None, BeforeValidator(_path_list)] = zh("印章", "seal", default=None)
    stamps: list[SignatureStamp] | None = zh("签名章", "stamps", default=None, min_length=1)
    note: str | None = zh("附注", "note", default=None)
    enclosed: Enclosed | None = zh("印发文件", "enclosed", default=None)
    cc: StrList | None = zh("抄送机关", "cc", default=None)
    printer: str | None = zh("印发机关", "printer", default=None)
    print_date: Date | None = zh("印发日期", "print_date", default=None)

    @field_validator("doc_number")
    @classmethod
    def _doc_number(cls, v: str | None) -> str | None:
        return None if v is None else check_doc_number(v)

    @field_validator("copy_no")
    @classmethod
    def _copy_no(cls, v: str | None) -> str | None:
        if v is not None and not re.fullmatch(r"\d{6}", str(v)):
            raise ValueError(f"份号应为 6 位阿拉伯数字，如 000123，得到 {v!r}")
        return v

    @field_validator("copy_no", mode="before")
    @classmethod
    def _copy_no_int(cls, v: Any) -> Any:
        if isinstance(v, bool) or isinstance(v, float):
            raise ValueError(f"份号应为 6 位阿拉伯数字，如 \"000123\"，得到 {v!r}")
        if isinstance(v, int):  # 以 0 开头的写法 docgen 按原文读成文字；这里是不带前导 0 的数
            if 0 <= v <= 999999:
                raise ValueError(f"份号应为 6 位，不足 6 位前面补 0：写成 \"{v:06d}\"（加引号）")
            raise ValueError(f"份号应为 6 位阿拉伯数字，如 \"000123\"，得到 {v}（{len(str(abs(v)))} 位）")
        return v

    @field_validator("urgency")
    @classmethod
    def _urgency(cls, v: str | None) -> str | None:
        if v is not None and v not in ("特急", "加急", "特提", "平急"):
            raise ValueError(f"紧急程度应为 特急 或 加急（电报可用 特提、平急），得到 {v!r}")
        return v

    @field_validator("classification")
    @classmethod
    def _classification(cls, v: str | None) -> str | None:
        if v is not None and v not in ("绝密", "机密", "秘密"):
            raise ValueError(f"密级应为 绝密、机密 或 秘密，得到 {v!r}")
        return v

    @field_validator("title")
    @classmethod
    def _title(cls, v: list[str] | None) -> list[str] | None:
        if v is None:
            return v
        last = v[-1].rstrip() if v else ""
        if last and last[-1] in "。，；：、！？.,;:!?":
            raise ValueError(f"标题末尾不加标点：{''.join(v)!r}")
        return v

    @field_validator("recipients")
    @classmethod
    def _recipients(cls, v: str | None) -> str | None:
        if v is None:
            return v
        v = v.rstrip("：:")
        return v + "："

    @model_validator(mode="after")
    def _checks(self) -> "Notice":
        if self.secrecy_period and not self.classification:
            raise ValueError("写了保密期限就必须写密级")
        if self.print_date and self.print_date < self.date:
            raise ValueError(f"印发日期 {self.print_date} 早于成文日期 {self.date}")
        if (self.printer is None) != (self.print_date is None):
            raise ValueError("印发机关和印发日期须同时填写")
        self._format_checks()
        return self

    def _format_checks(self) -> None:
        """各格式要的、不要的要素（GB/T 9704 第 10 章与 7.3.5）。"""
        fmt = self.format
        organs = self.issuer_mark.organs
        if fmt in ("文件", "信函") and self.doc_number is None:
            raise FieldError("发文字号", f"{fmt}格式须有发文字号，如“铜王住建发〔2020〕108号”")
        if fmt == "命令":
            if self.order_no is None:
                raise FieldError("令号", "命令（令）格式须有令号，如 令号: 12（排作“第12号”）")
            if not organs[-1].endswith("令"):
                raise FieldError("发文机关标志", f"命令（令）格式的发文机关标志为发文机关全称加“命令”或“令”字，如“{organs[-1]}令”")
            if self.title:
                raise FieldError("标题", "命令（令）格式没有标题：正文排在令号下空二行（10.2）；请删去“标题”")
            if not self.stamps:
                raise FieldError("签名章", "命令（令）格式的署名是签发人职务与签名章（10.2）：请写“签名章”（职务、图片）")
        elif self.order_no is not None:
            raise FieldError("令号", f"只有命令（令）格式有令号；这是{fmt}格式（要写命令，请加 格式: 命令）")
        if fmt == "纪要":
            if not organs[-1].endswith("纪要"):
                raise FieldError("发文机关标志", f"纪要格式的发文机关标志由“……纪要”组成，如“{organs[-1]}会议纪要”")
            if self.issue_no and self.doc_number:
                raise FieldError("期号", "纪要的编号写“期号”或“发文字号”之一")
        elif self.issue_no is not None:
            raise FieldError("期号", f"只有纪要格式有期号；这是{fmt}格式（要写纪要，请加 格式: 纪要）")
        elif self.attendees or self.absentees or self.observers:
            raise FieldError("出席", f"出席、请假、列席只用于纪要格式；这是{fmt}格式（要写纪要，请加 格式: 纪要）")
        if fmt in ("文件", "信函") and not self.title:
            raise FieldError("标题", "缺少必填要素“标题”（文件、信函格式须有标题）")
        if fmt == "信函":
            if self.issuer_mark.wenjian:
                raise FieldError("发文机关标志", "信函格式的发文机关标志只用机关全称或规范化简称，不加“文件”二字（10.1）")
            if self.printer:
                raise FieldError("印发机关", "信函格式的版记不加印发机关和印发日期（10.1）；请删去“印发机关”“印发日期”")
        if fmt in ("命令", "纪要") and self.issuer_mark.wenjian:
            raise FieldError("发文机关标志", f"{fmt}格式的发文机关标志不加“文件”二字")
        if self.seal and self.stamps:
            raise FieldError("签名章", "加盖印章与加盖签名章只能选一种（7.3.5）：请删去“印章”或“签名章”")
        if not self.signature and not self.stamps and fmt != "纪要":
            raise FieldError("发文机关署名", "缺少必填要素“发文机关署名”（加盖签名章时写“签名章”）")
        if self.seal and len(self.seal) > 1 and len(self.seal) != len(self.signature or []):
            raise FieldError("印章", f"联合行文每个发文机关署名加盖一枚印章（7.3.5.1）：署名 {len(self.signature or [])} 个，"
                             f"印章 {len(self.seal)} 枚")
        if self.seal and not self.signature:
            raise FieldError("发文机关署名", "加盖印章须有发文机关署名")

    @property
    def is_upward(self) -> bool:
        """上行文：有签发人。"""
        return bool(self.signers)

    @property
    def blocks(self) -> list[Block]:
        return parse_body(self.body)

    @property
    def title_text(self) -> str:
        """标题；命令（令）没有标题，用发文机关标志与令号，纪要没有标题时用标志。"""
        if self.title:
            return "".join(self.title)
        return "".join(self.issuer_mark.organs) + (self.order_no or "")

    @property
    def number_text(self) -> str:
        """编号：发文字号，命令为令号。"""
        return self.doc_number or self.order_no or self.issue_no or ""

    @property
    def images(self) -> list[Path]:
        """文中用到的图片（印章、签名章、图片附件）：渲染时只许读这些文件。"""
        return list(self.seal or []) + [s.image for s in self.stamps or []] + \
            [a.image for a in self.attachments if a.image is not None]

    @property
    def year(self) -> int:
        return self.date.year

    def with_base_dir(self, base: Path) -> "Notice":
        """把相对路径（印章、附件文件）解析为相对 `base`（YAML 所在目录）。"""
        upd: dict[str, Any] = {}
        if self.seal and any(not p.is_absolute() for p in self.seal):
            upd["seal"] = [p if p.is_absolute() else base / p for p in self.seal]
        if self.stamps and any(not s.image.is_absolute() for s in self.stamps):
            upd["stamps"] = [s if s.image.is_absolute() else s.model_copy(update={"image": base / s.image})
                             for s in self.stamps]
        atts = []
        changed = False
        for a in self.attachments:
            if a.file is not None and not a.file.is_absolute():
                atts.append(a.model_copy(update={"file": base / a.file}))
                changed = True
            elif a.image is not None and not a.image.is_absolute():
                atts.append(a.model_copy(update={"image": base / a.image}))
                changed = True
            else:
                atts.append(a)
        if changed:
            upd["attachments"] = atts
        return self.model_copy(update=upd) if upd else self

