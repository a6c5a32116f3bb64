"""每周进展报告（campaign.md §6）：由各单位填回的任务跟踪表、问题整改台账与八查结果，排出本周的进展情况报告——
GB/T 9704 的上行文“报告”（版头标签发人），Word 与 PDF 各一份，内容全部由输入算出，不另外打字：

- 第几周：从冲刺行动开始那天算（docgen.campaign.period）；“本周”是这一周开始到报告日期；
- 总体进展：任务按状态的数与较上一期周报的变化（上一期的数记在台账文件夹的 周报/第N周.json 里）；各类别的表（附件 1）；
- 逾期任务：过了截止日期仍未完成的，列出责任科室与截止日期（多时正文列前 10 项，全部见附件 2）；
- 住房安全“八查”与问题整改：排查户数、问题户、问题的销号、未销号、逾期与清零进度，各村的表（附件 3）；
- 逐周的清零进度图（附件 4，由问题台账的经过重算，不依赖那几周是否出过周报）；
- 下周工作：下周到期的任务与整改时限在下周的问题。

同样的输入排出同样的字节：日期只来自报告日期与输入，图用固定的字体与尺寸画。
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.campaign.period import week_of, week_range
from docgen.errors import InputError, Issue

SNAPSHOTS = "周报"
HEAD_KEYS = ("份号", "密级", "紧急程度", "发文机关标志", "发文字号", "签发人", "标题", "主送机关", "发文机关署名", "印章",
             "抄送机关", "印发机关")
PLACEHOLDERS = ("{年}", "{周}", "{行动}", "{机关}")  # 发文字号、标题里可写的占位（按字面替换，不作格式串解释）
TRIAL_NUMBER = "某字〔2020〕1号"  # 配置里没写发文字号（每期用 --number 给）时，校验版头用的占位字号
DEFAULT_TITLE = "{机关}关于{行动}第{周}周进展情况的报告"
LIST_IN_BODY = 10  # 正文里逐项列出的逾期、到期任务最多几项（其余见附件）


# ---------------------------------------------------------------------- 版头与版记（docgen.yml 的“周报”）

def _fill(text: str, values: dict[str, str]) -> str:
    for k, v in values.items():
        text = text.replace("{" + k + "}", v)
    return text


def check_head(src, keypath: tuple, issues: list[Issue]) -> dict[str, Any] | None:
    """读 docgen.yml 里“周报”一节并当场校验：按第 1 周填上占位，与一段正文拼成一份公文交给公文模型校验——
    错误指到 docgen.yml 的行。返回去掉无关键的映射（印章改为绝对路径）；有错时返回 None（问题记进 `issues`）。"""
    from docgen.load.yamlsrc import YamlSource
    from docgen.model.base import validate_source

    raw = src.data.get(keypath[0])
    where = src.location(keypath, keypath[0])
    if not isinstance(raw, dict):
        issues.append(Issue(where, "CFG001", "应为“要素: 内容”的映射（发文机关标志、发文字号、签发人、主送机关、发文机关署名……）"))
        return None
    n = len(issues)
    for k in raw:
        if str(k) not in HEAD_KEYS:
            issues.append(Issue(src.location((*keypath, k), str(k)), "CFG001",
                                f"周报里不能写“{k}”（正文、附件、成文日期由 docgen 按本周的数排出），可写：{'、'.join(HEAD_KEYS)}"))
    for k in ("发文机关标志", "签发人", "主送机关", "发文机关署名"):
        if k not in raw:
            issues.append(Issue(src.location(keypath, f"{keypath[0]}.{k}"), "CFG001",
                                f"周报缺少“{k}”（报告是上行文：要有发文机关标志、签发人、主送机关、发文机关署名）"))
    for k in ("发文字号", "标题"):
        v = raw.get(k)
        if isinstance(v, str):
            rest = _fill(v, {p[1:-1]: "" for p in PLACEHOLDERS})
            if "{" in rest or "}" in rest:
                issues.append(Issue(src.location((*keypath, k), k), "CFG001",
                                    f"{k}里只能用占位 {'、'.join(PLACEHOLDERS)}，得到 {v!r}"))
    if len(issues) > n:
        return None
    head = {str(k): v for k, v in raw.items()}
    base = src.path.parent
    seal = head.get("印章")
    if isinstance(seal, str):
        head["印章"] = str((base / seal).resolve())
    elif isinstance(seal, list):
        head["印章"] = [str((base / s).resolve()) if isinstance(s, str) else s for s in seal]
    trial = _notice_data(head, week=1, year=2020, campaign="冲刺行动", day=dt.date(2020, 3, 26), body="试排。\n", atts=[])
    trial.setdefault("发文字号", TRIAL_NUMBER)
    sub = YamlSource(src.path, trial, {kp[1:]: line for kp, line in src.lines.items() if kp[:1] == keypath},
                     src.display_name)
    try:
        notice = validate_source(_notice_model(), sub, "周报")
    except InputError as exc:
        issues.extend(exc.issues or [Issue(where, "CFG001", str(exc))])
        return None
    if not notice.signers:
        issues.append(Issue(src.location((*keypath, "签发人"), "签发人"), "CFG001", "报告是上行文，须标注签发人（7.2.3）"))
        return None
    for i, p in enumerate(notice.seal or []):
        from docgen.api import check_image

        if not p.is_file():
            issues.append(Issue(src.location((*keypath, "印章"), "印章"), "CFG001", f"找不到印章图片 {p}"))
            return None
        try:
            check_image(p, str(src.location((*keypath, "印章"), "印章")), "印章图片")
        except InputError as exc:
            issues.append(Issue(src.location((*keypath, "印章"), "印章"), "CFG001", str(exc).split(": ", 1)[-1]))
            return None
    return head


def _notice_model():
    from docgen.model.notice import Notice

    return Notice


def _notice_data(head: dict, *, week: int, year: int, campaign: str, day: dt.date, body: str, atts: list) -> dict:
    signature = head.get("发文机关署名")
    organ = signature[0] if isinstance(signature, list) and signature else str(signature or "")
    values = {"年": str(year), "周": str(week), "行动": campaign, "机关": organ}
    data = {k: v for k, v in head.items() if k not in ("标题", "发文字号")}
    data["标题"] = _fill(str(head.get("标题") or DEFAULT_TITLE), values)
    if head.get("发文字号"):
        data["发文字号"] = _fill(str(head["发文字号"]), values)
    data["正文"] = body
    data["成文日期"] = day.isoformat()
    if head.get("印发机关"):
        data["印发日期"] = day.isoformat()
    if atts:
        data["附件"] = atts
    return data


# ---------------------------------------------------------------------- 本周的数

@dataclass
class WeekFigures:
    week: int
    first: dt.date  # 本周第一天
    day: dt.date  # 报告日期（本周截至）
    next_week: tuple[dt.date, dt.date]
    campaign: str
    tasks: Any  # docgen.load.tracking.Progress
    problems: dict  # ProblemLedger.stats
    housing: list[dict]
    series: list[dict]
    previous: dict | None  # 上一期周报的快照
    prior: dict = field(default_factory=dict)  # 往年问题：总数、已清零
    issues: list[Issue] = field(default_factory=list)

    # 任务
    def done(self, t) -> bool:
        from docgen.load.tracking import DONE

        return t.status in DONE

    def done_this_week(self) -> list:
        return [t for t in self.tasks.tasks if self.done(t) and t.finished and self.first <= t.finished <= self.day]

    def due_next_week(self) -> list:
        a, b = self.next_week
        return [t for t in self.tasks.tasks if t.due and a <= t.due <= b and not self.done(t) and t.status != "长期坚持"]

    def snapshot(self) -> dict:
        from docgen.load.tracking import DONE

        st = self.tasks.by_status()
        return {"周": self.week, "截至": self.day.isoformat(),
                "任务": {"合计": len(self.tasks.tasks), "各状态": st, "完成": sum(st[s] for s in DONE),
                       "逾期": [f"{t.path} / {t.task}" for t in self.tasks.overdue()]},
                "问题": {k: self.problems[k] for k in ("总数", "已销号", "长期坚持", "未销号", "逾期")}}


def previous_snapshot(folder: Path, week: int) -> dict | None:
    """台账文件夹里早于第 `week` 周的最近一期周报快照。"""
    d = Path(folder) / SNAPSHOTS
    best = None
    for p in d.glob("第*周.json") if d.is_dir() else ():
        try:
            n = int(p.stem[1:-1])
        except ValueError:
            continue
        if n < week and (best is None or n > best[0]):
            best = (n, p)
    if best is None:
        return None
    try:
        snap = json.loads(best[1].read_text(encoding="utf-8"))
        if not isinstance(snap, dict) or not isinstance(snap.get("任务"), dict) or not isinstance(snap.get("问题"), dict):
            raise ValueError
        snap["任务"]["完成"], snap["问题"]["未销号"], list(snap["任务"]["逾期"])  # noqa: B018 — 缺项时报坏了
        return snap
    except (OSError, ValueError, KeyError, TypeError):
        raise InputError(f"{best[1]}: 上一期周报的记录读不出来（文件坏了）：删掉它则本周不与上期比较") from None


def gather(tracking: list[Path], ledger_folder: Path, day: dt.date | None = None, settings=None) -> WeekFigures:
    """读跟踪表与台账，算出本周的数。`day` 不给时取跟踪表里的报告日期。"""
    from docgen.campaign.problems import DB, ProblemLedger
    from docgen.load.tracking import read_progress
    from docgen.settings import Settings

    settings = settings or Settings()
    start, _end = settings.campaign
    if not tracking:
        raise InputError("没有给任务跟踪表：周报的任务进展由各单位填回的跟踪表算出（docgen 导出的任务清单 Excel 里的“跟踪”表）")
    if not (Path(ledger_folder) / DB).is_file():
        raise InputError(f"{ledger_folder}: 这里还没有问题台账（先用 docgen survey read 读回八查排查表）")
    prog = read_progress(list(tracking), day)
    if prog.report_date is None:
        raise InputError(f"不知道报告日期：跟踪表（{'、'.join(prog.files)}）的 B1（报告日期）里都没有能读出的日期"
                         "（空着、写成了文字，或是没有算过的公式），请用 --date 给出（如 2020-04-02）")
    day = prog.report_date
    try:
        week = week_of(day, start)
    except ValueError:
        raise InputError(f"报告日期 {day.isoformat()} 早于冲刺行动开始的 {start.isoformat()}"
                         "（行动起止在 docgen.yml 的“冲刺行动”里设）") from None
    first, _ = week_range(week, start)
    issues = list(prog.issues)
    from docgen.errors import Location

    if day > _end:
        issues.append(Issue(Location("--date", None, None, "报告日期"), "WR001",
                            f"报告日期 {day.isoformat()} 在冲刺行动结束（{_end.isoformat()}）之后：照样按第 {week} 周排", "warning"))
    for t in prog.tasks:
        if t.finished and (t.finished > day or t.finished < start):
            file, sheet, row = t.source.rsplit(":", 2)
            why = "晚于报告日期" if t.finished > day else "早于冲刺行动开始"
            issues.append(Issue(Location(file, sheet, int(row), "完成日期"), "WR002",
                                f"完成日期 {t.finished.isoformat()} {why}（{(day if t.finished > day else start).isoformat()}）：请核实",
                                "warning"))
    led = ProblemLedger(ledger_folder)
    try:
        stats = led.stats(day, first)
        housing = led.housing(day)
        ends = [min(week_range(n, start)[1], day) for n in range(1, week + 1)]
        series = led.series(start, ends)
        prior = {"总数": 0, "已清零": 0}
        for p in led.problems():
            if p["batch"]:
                prior["总数"] += 1
                prior["已清零"] += p["status"] in ("已销号", "长期坚持")
    finally:
        led.close()
    return WeekFigures(week, first, day, week_range(week + 1, start), settings.campaign_name, prog, stats, housing,
                       series, previous_snapshot(ledger_folder, week), prior, issues)


# ---------------------------------------------------------------------- 报告正文

def _md(d: dt.date) -> str:
    return f"{d.month}月{d.day}日"


def _pct(x: float) -> str:
    v = round(x * 100, 1)
    return f"{v:g}%"


def _plain(text: str) -> str:
    """用户填的文字放进正文：合成一行（换行会被当作分段），不作任何解释。"""
    return " ".join(str(text).split())


def _change(now: int, before: int | None, unit: str = "项") -> str:
    if before is None:
        return ""
    d = now - before
    return "，与上期持平" if d == 0 else f"，较上期{'增加' if d > 0 else '减少'}{abs(d)}{unit}"


_OWN_NUMBER = ("0123456789", ".．、")


def _task_text(text: str) -> str:
    """列在正文里的任务：去掉清单原有的序号（如“1.”，正文另行编号）与句末的句号（后面接括号说明）。"""
    t = _plain(text)
    i = 0
    while i < len(t) and t[i] in _OWN_NUMBER[0]:
        i += 1
    if 0 < i < len(t) - 1 and t[i] in _OWN_NUMBER[1] and t[i + 1] not in _OWN_NUMBER[0]:  # “3.5亿元”不是序号
        t = t[i + 1:]
    return t.rstrip("。；;.") or _plain(text)


def _task_line(i: int, t, on: dt.date) -> str:
    due = f"截止{_md(t.due)}" if t.due else (f"完成时限{_plain(t.deadline)}" if t.deadline else "")
    days = f"，已逾期{(on - t.due).days}天" if t.due and t.due < on else ""
    owner = f"责任：{_plain(t.owner)}；" if t.owner else ""
    return f"{i}.{_task_text(t.task)}（{owner}{due}{days}；{t.status}）。"


def attachment_numbers(f: WeekFigures) -> dict[str, int]:
    """各附件的序号（没有逾期任务时不附逾期任务清单，后面的依次提前）：正文的“见附件N”与附件本身都从这里取。"""
    names = ["任务", *(["逾期"] if f.tasks.overdue() else []), "各村", "清零图"]
    return {n: i for i, n in enumerate(names, start=1)}


def body_text(f: WeekFigures) -> str:
    """报告正文（正文标记：每行一段，# 为一级标题）。用户的文字只出现在段中，不会被当作标题标记。"""
    from docgen.load.tracking import DONE

    no = attachment_numbers(f)
    st = f.tasks.by_status()
    total = len(f.tasks.tasks)
    done = sum(st[s] for s in DONE)
    late = f.tasks.overdue()
    prev = f.previous
    prev_tasks = prev["任务"] if prev else None
    lines = [f"按照冲刺行动每周报告制度的要求，现将{f.campaign}第{f.week}周（{_md(f.first)}至{_md(f.day)}）进展情况报告如下。"]

    lines.append("# 总体进展")
    s = (f"截至{_md(f.day)}，任务清单共{total}项：已完成{done}项（其中已销号{st['已销号']}项），进行中{st['进行中']}项，"
         f"未开始{st['未开始']}项，长期坚持{st['长期坚持']}项；完成率{_pct(done / total if total else 0)}"
         f"{_change(done, prev_tasks['完成'] if prev_tasks else None)}。")
    week_done = f.done_this_week()
    s += f"本周完成{len(week_done)}项。" if week_done else "本周没有新完成的任务。"
    s += f"逾期{len(late)}项{_change(len(late), len(prev_tasks['逾期']) if prev_tasks else None)}。" if late else "没有逾期任务。"
    if prev is None:
        s += "（这是第一期周报，不与上期比较。）" if f.week == 1 else "（没有上一期周报的记录，不与上期比较。）"
    elif prev.get("周") != f.week - 1:
        s += f"（上期指第{prev.get('周')}周。）"
    s += f"各类任务进展情况见附件{no['任务']}。"
    lines.append(s)

    lines.append("# 逾期任务")
    if not late:
        lines.append("本周没有逾期任务。")
    else:
        new = [t for t in late if prev_tasks is not None and f"{t.path} / {t.task}" not in prev_tasks["逾期"]]
        head = f"截至{_md(f.day)}，以下{len(late)}项任务已过截止日期仍未完成"
        head += f"（其中本周新增{len(new)}项）" if prev_tasks is not None and new else ""
        head += "：" if len(late) <= LIST_IN_BODY else f"，前{LIST_IN_BODY}项如下（全部见附件{no['逾期']}）："
        lines.append(head)
        for i, t in enumerate(sorted(late, key=lambda t: (t.due, t.path, t.task))[:LIST_IN_BODY], start=1):
            lines.append(_task_line(i, t, f.day))
        if len(late) <= LIST_IN_BODY:
            lines.append(f"逾期任务清单见附件{no['逾期']}。")

    lines.append("# 住房安全“八查”与问题整改")
    h_total = sum(v["农户数"] for v in f.housing)
    h_done = sum(v["已排查"] for v in f.housing)
    h_bad = sum(v["问题户"] for v in f.housing)
    p = f.problems
    survey_total = p["总数"] - f.prior["总数"]
    s = (f"{len(f.housing)}个村{h_total}户农户中已排查{h_done}户（{_pct(h_done / h_total if h_total else 0)}），"
         f"发现存在问题的{h_bad}户、问题{survey_total}项。" if f.housing else "还没有读回八查排查表。")
    if f.prior["总数"]:
        s += f"以前年度问题{f.prior['总数']}项，已整改清零{f.prior['已清零']}项。"
    prev_p = prev["问题"] if prev else None
    s += (f"问题整改台账共{p['总数']}项：已销号{p['已销号']}项（本周销号{p['本周销号']}项），长期坚持{p['长期坚持']}项，"
          f"未销号{p['未销号']}项{_change(p['未销号'], prev_p['未销号'] if prev_p else None)}，其中逾期{p['逾期']}项；"
          f"清零进度{_pct(p['清零进度'])}。")
    cleared = [name for name, v in p["各村"].items() if v["总数"] and v["未销号"] == 0]
    worst = sorted(((v["未销号"], name) for name, v in p["各村"].items() if v["未销号"]), key=lambda x: (-x[0], x[1]))[:3]
    if cleared:
        s += f"已清零的村{len(cleared)}个。"
    if worst:
        s += "未销号问题较多的是" + "、".join(f"{_plain(n)}（{k}项）" for k, n in worst) + "。"
    s += f"各村情况见附件{no['各村']}，逐周清零进度见附件{no['清零图']}。"
    lines.append(s)

    lines.append("# 下周工作")
    a, b = f.next_week
    due = f.due_next_week()
    if due:
        lines.append(f"下周（{_md(a)}至{_md(b)}）到期的任务{len(due)}项" +
                     ("：" if len(due) <= LIST_IN_BODY else f"，前{LIST_IN_BODY}项如下："))
        for i, t in enumerate(sorted(due, key=lambda t: (t.due, t.path, t.task))[:LIST_IN_BODY], start=1):
            lines.append(_task_line(i, t, f.day))
    else:
        lines.append(f"下周（{_md(a)}至{_md(b)}）没有到期的任务。")
    todo = []
    if late:
        todo.append(f"督促责任科室限期完成{len(late)}项逾期任务")
    if p["未销号"]:
        todo.append(f"推进{p['未销号']}项未销号问题整改，逐项对账销号")
    if f.housing and h_done < h_total:
        todo.append(f"完成其余{h_total - h_done}户的住房安全排查")
    if todo:
        lines.append("下周重点：" + "；".join(todo) + "。")
    lines.append("特此报告。")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------- 附件

def _cell(v) -> str | int | float:
    """表格里的一格：用户的文字原样放（表格标记“<”按字面写成全角，空值写空），不作合并标记解释。"""
    if v is None:
        return ""
    if isinstance(v, str):
        v = _plain(v)
        return "＜" if v == "<" else v
    return v


def _table(columns: list[str], rows: list[list], widths: list[float] | None = None) -> dict:
    t = {"列": columns, "行": [[_cell(v) for v in r] for r in rows] or [["（无）"] + [""] * (len(columns) - 1)]}
    if widths:
        t["列宽"] = widths
    return t


def attachments(f: WeekFigures, chart: Path) -> list[dict]:
    from docgen.load.tracking import DONE
    from docgen.model.tasklist import STATUSES

    week_done = {id(t) for t in f.done_this_week()}
    late_ids = {id(t) for t in f.tasks.overdue()}
    cats: dict[str, dict] = {}
    for t in f.tasks.tasks:
        c = cats.setdefault(t.path.split(" / ")[0] if t.path else "（未分类）",
                            {**{s: 0 for s in STATUSES}, "合计": 0, "逾期": 0, "本周完成": 0})
        c[t.status] += 1
        c["合计"] += 1
        c["逾期"] += id(t) in late_ids
        c["本周完成"] += id(t) in week_done
    cols = ["类别", "合计", *STATUSES, "逾期", "本周完成", "完成率"]
    rows = []
    for name, c in cats.items():
        done = sum(c[s] for s in DONE)
        rows.append([name, c["合计"], *[c[s] for s in STATUSES], c["逾期"], c["本周完成"], _pct(done / c["合计"])])
    if rows:
        tot = [sum(r[i] for r in rows) for i in range(1, len(cols) - 1)]
        done = sum(tot[cols.index(s) - 1] for s in DONE)
        rows.append(["合计", *tot, _pct(done / tot[0] if tot[0] else 0)])
    out = [{"名称": "各类任务进展情况表", "表格": _table(cols, rows, [2, *[1.25] * 9]), "横排": True}]

    late = sorted(f.tasks.overdue(), key=lambda t: (t.due, t.path, t.task))
    if late:
        out.append({"名称": "逾期任务清单", "横排": True, "表格": _table(
            ["序号", "类别", "具体任务", "责任科室", "完成时限", "截止日期", "状态", "逾期天数"],
            [[i, t.path.split(" / ")[0], t.task, t.owner, t.deadline, _md(t.due), t.status, (f.day - t.due).days]
             for i, t in enumerate(late, start=1)], [0.9, 2, 4.6, 2, 1.6, 1.45, 1.1, 1.45])})

    vill = {v["村"]: v for v in f.housing}
    pv = f.problems["各村"]
    cols = ["村", "农户数", "已排查", "未排查", "问题户", "问题数", "本周销号", "已销号", "长期坚持", "未销号", "逾期", "清零进度"]
    rows = []
    for name in list(vill) + [n for n in pv if n not in vill]:
        h = vill.get(name, {})
        q = pv.get(name, {"总数": 0, "本周销号": 0, "已销号": 0, "长期坚持": 0, "未销号": 0, "逾期": 0, "清零进度": 1.0})
        label = name if name != "（未填）" else "以前年度问题（未分村）"
        rows.append([label, h.get("农户数", ""), h.get("已排查", ""), h.get("未排查", ""), h.get("问题户", ""), q["总数"],
                     q["本周销号"], q["已销号"], q["长期坚持"], q["未销号"], q["逾期"], _pct(q["清零进度"])])
    if rows:
        p = f.problems
        hs = [sum(v[k] for v in f.housing) for k in ("农户数", "已排查", "未排查", "问题户")]
        rows.append(["合计", *hs, p["总数"], p["本周销号"], p["已销号"], p["长期坚持"], p["未销号"], p["逾期"], _pct(p["清零进度"])])
    # 列宽按表头的字数分（四个字的表头一行排下；村名列最宽）
    widths = [2.2] + [0.8 if len(c) <= 2 else 1.0 if len(c) == 3 else 1.3 for c in cols[1:]]
    out.append({"名称": "各村住房安全排查与问题整改情况表", "横排": True, "表格": _table(cols, rows, widths)})
    out.append({"名称": "问题清零进度（逐周）", "图片": str(chart)})
    return out


# ---------------------------------------------------------------------- 清零进度图

def draw_chart(series: list[dict], path: Path, fonts, width_px: int = 1800, height_px: int = 1200) -> bytes:
    """逐周的问题累计数（浅色柱）与已清零数（深色柱），以及清零进度（折线，右轴）。返回 PNG 字节（同样的数同样的字节）。"""
    import io

    from PIL import Image, ImageDraw, ImageFont

    file, index = fonts.font_file("ht")
    font = ImageFont.truetype(file, 40, index=index)
    small = ImageFont.truetype(file, 34, index=index)
    im = Image.new("RGB", (width_px, height_px), "white")
    d = ImageDraw.Draw(im)
    left, right, top, bottom = 150, width_px - 150, 110, height_px - 140
    top_n = max([s["问题数"] for s in series] + [1])
    step = _nice_step(top_n)
    y_max = step * -(-top_n // step)
    dark, light, line_c, grid = (160, 30, 30), (235, 190, 190), (20, 60, 140), (210, 210, 210)

    def y_of(v: float) -> float:
        return bottom - (bottom - top) * v / y_max

    for k in range(0, y_max + 1, step):
        y = y_of(k)
        d.line([(left, y), (right, y)], fill=grid, width=2)
        d.text((left - 16, y), str(k), font=small, fill="black", anchor="rm")
    for k in range(0, 101, 20):
        y = bottom - (bottom - top) * k / 100
        d.text((right + 16, y), f"{k}%", font=small, fill=line_c, anchor="lm")
    d.line([(left, top), (left, bottom), (right, bottom), (right, top)], fill="black", width=3)
    n = max(len(series), 1)
    slot = (right - left) / n
    bar = min(60, slot * 0.32)
    points = []
    label_every = max(1, -(-n // 14))
    for i, s in enumerate(series):
        cx = left + slot * (i + 0.5)
        d.rectangle([cx - bar, y_of(s["问题数"]), cx, bottom], fill=light)
        d.rectangle([cx, y_of(s["已清零"]), cx + bar, bottom], fill=dark)
        points.append((cx, bottom - (bottom - top) * s["清零进度"]))
        if i % label_every == 0 or i == n - 1:
            d.text((cx, bottom + 18), f"第{i + 1}周", font=small, fill="black", anchor="mt")
    if len(points) > 1:
        d.line(points, fill=line_c, width=5)
    for x, y in points:
        d.ellipse([x - 9, y - 9, x + 9, y + 9], fill=line_c)
    if series:
        last = series[-1]
        x, y = points[-1]
        d.text((x, y - 18), _pct(last["清零进度"]), font=small, fill=line_c, anchor="mb")
    # 图例
    lx = left
    for color, text in ((light, "问题累计数（项）"), (dark, "已清零数（项）")):
        d.rectangle([lx, 40, lx + 44, 74], fill=color)
        d.text((lx + 56, 57), text, font=font, fill="black", anchor="lm")
        lx += 56 + int(d.textlength(text, font=font)) + 60
    d.line([(lx, 57), (lx + 44, 57)], fill=line_c, width=5)
    d.text((lx + 56, 57), "清零进度（右轴）", font=font, fill="black", anchor="lm")
    buf = io.BytesIO()
    im.save(buf, format="PNG", dpi=(300, 300), optimize=False)
    data = buf.getvalue()
    from docgen.util.fs import atomic_write

    atomic_write(path, data, durable=False)
    return data


def _nice_step(top: int) -> int:
    for s in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10000, 20000, 50000):
        if top / s <= 8:
            return s
    return 10 ** len(str(top))


# ---------------------------------------------------------------------- 排出报告

@dataclass
class WeekReport:
    figures: WeekFigures
    notice: Any
    docx: bytes
    pdf: bytes
    chart: bytes
    name: str  # 文件名（不含扩展名）


def build_report(f: WeekFigures, head: dict, fonts=None, number: str | None = None, work: Path | None = None) -> WeekReport:
    """把本周的数排成公文（报告），渲染 Word 与 PDF（都在内存里）。`number`：这一期的发文字号（不给时按配置的写法）。"""
    import tempfile

    from docgen.fonts import FontSet
    from docgen.load.yamlsrc import YamlSource
    from docgen.model.base import validate_source
    from docgen.render.context import build_notice_view
    from docgen.render.docx import render_notice_docx
    from docgen.render.pdf import render_notice_pdf_placed

    fonts = fonts or FontSet()
    name = f"第{f.week}周进展情况报告"
    with tempfile.TemporaryDirectory(prefix="docgen-周报-", dir=work) as tmp:
        chart_path = Path(tmp) / f"第{f.week}周清零进度.png"
        chart = draw_chart(f.series, chart_path, fonts)
        data = _notice_data(head, week=f.week, year=f.day.year, campaign=f.campaign, day=f.day, body=body_text(f),
                            atts=attachments(f, chart_path))
        if number:
            data["发文字号"] = number
        elif not data.get("发文字号"):
            raise InputError("这一期没有发文字号：在 docgen.yml 的“周报”里写 发文字号（可用 {年}、{周}），或用 --number 给")
        src = YamlSource(Path(f"{name}.yaml"), data, {}, "周报")
        notice = validate_source(_notice_model(), src, "周报")
        view = build_notice_view(notice)
        pdf, placement = render_notice_pdf_placed(view, fonts, Path(tmp))
        docx = render_notice_docx(view, placement)
    return WeekReport(f, notice, docx, pdf, chart, name)


def write_report(rep: WeekReport, out: Path, ledger_folder: Path) -> dict[str, Path]:
    """写出 Word、PDF 与图，再记下本期的快照（下周比较用）。文件都先写临时文件再改名：中途出错不留半个文件。"""
    from docgen.util.fs import atomic_write

    from docgen.errors import InputError

    snap = Path(ledger_folder) / SNAPSHOTS / f"第{rep.figures.week}周.json"
    try:  # 记快照的地方先备好：写不了时什么都不写
        snap.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise InputError(f"{snap.parent}: 这里应是放周报快照的文件夹，却是一个文件（请挪开它）") from None
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {".docx": out / f"{rep.name}.docx", ".pdf": out / f"{rep.name}.pdf",
             ".png": out / f"第{rep.figures.week}周清零进度.png"}
    atomic_write(paths[".docx"], rep.docx)
    atomic_write(paths[".pdf"], rep.pdf)
    atomic_write(paths[".png"], rep.chart)
    atomic_write(snap, json.dumps(rep.figures.snapshot(), ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"))
    return paths


def head_from_form(values: dict[str, Any], base: dict | None = None) -> dict[str, Any]:
    """工作台表单里填的版头（发文机关标志、签发人……）叠在配置的“周报”上，按 :func:`check_head` 同样校验。
    有错时抛出 InputError，指到表单的栏目。"""
    from docgen.load.yamlsrc import YamlSource

    head = dict(base or {})
    for k, v in values.items():
        if k not in HEAD_KEYS:
            raise InputError(f"周报表单里没有“{k}”这一栏")
        v = v.strip() if isinstance(v, str) else v
        if k in ("签发人", "抄送机关") and isinstance(v, str):
            v = [x.strip() for x in v.replace("，", "、").replace(",", "、").split("、") if x.strip()]
        if v:
            head[k] = v
        elif k in head and not v and k != "印章":
            head.pop(k)
    issues: list[Issue] = []
    src = YamlSource(Path("周报"), {"周报": head}, {}, "周报表单")
    checked = check_head(src, ("周报",), issues)
    if checked is None:
        raise InputError("周报的版头有误", issues)
    if isinstance(base, dict) and "印章" in base:
        checked["印章"] = base["印章"]  # 配置里的印章已是绝对路径
    return checked


def weekly_report(tracking: list[Path], ledger_folder: Path, out: Path, *, day: dt.date | None = None, settings=None,
                  fonts=None, number: str | None = None, head: dict | None = None) -> tuple[WeekReport, dict[str, Path]]:
    """`docgen report week` 与工作台共用的一条路：读 → 算 → 排 → 写。跟踪表有错误时抛出 InputError（什么都不写）。
    `head`：版头与版记（不给时取 docgen.yml 的“周报”）。"""
    from docgen.settings import Settings

    settings = settings or Settings()
    head = head if head is not None else settings.weekly
    if head is None:
        raise InputError("docgen.yml 里没有“周报”一节：周报是上行文，要写明 发文机关标志、签发人、主送机关、发文机关署名"
                         "（可选 发文字号、印章、抄送机关、印发机关），见 README“每周进展报告”")
    f = gather(tracking, ledger_folder, day, settings)
    errors = [i for i in f.issues if i.severity == "error"]
    if errors:
        raise InputError(f"跟踪表有 {len(errors)} 处错误，没有排周报（改好后再排）", errors)
    rep = build_report(f, head, fonts, number)
    return rep, write_report(rep, out, ledger_folder)
