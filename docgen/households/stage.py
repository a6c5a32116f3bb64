"""建档立卡数据的一条流水线：读表 → 按村分拣 → 逐村校验 → 核算。`docgen check`、`docgen ledger`、`docgen batch`
与档案整理都从这里取数据，不另有第二套校验。

导出表逐行读入 SQLite，按户编号前 12 位（村代码）分组，再逐村校验、核算并存下结果：全县几万户从不同时待在内存里
（读表时一次只有一行，校验与核算时一次只有一个村）；全县一份的小表（村名单、帮扶责任人、问题）在内存中。
按户的每张表先写进它自己的临时库，再按表的次序并进来；数据大且有几个进程时这些表交给工作进程去读（主进程只读表头），
读出的行、问题的先后、村摘要与在主进程里逐张读相同。
跨村的检查（身份证号重复）用 SQL 做。

基准日期（算年龄、核算年度、报告日期）只有一个：docgen.yml 的“基准日期”，否则期别的最后一天，否则导出表自己写的月份的
最后一天，否则最近收入年度的 12 月 31 日。不读今天的日期。

分拣结果按“输入文件内容 + 配置 + 期别 + docgen 版本”缓存在一个 SQLite 文件里：重跑时不再读表、不再校验。
输入变了时仍要读表、分拣，但行没变的村（按该村各行的摘要，且全县的小表、表头、配置都没变）直接沿用上次的校验与核算结果，
所以改了一户只重新校验、核算那一个村。
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import hashlib
import os
import pickle
import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from docgen.errors import InputError, Issue, IssueCollector, Location
from docgen.households.load import (
    DataFiles,
    NoTables,
    Row,
    Sheet,
    SheetInfo,
    Table,
    iter_tables,
    make_row,
    materialise,
)

FORMAT = 7  # 分拣结果的格式；改了表结构、存进去的对象或村摘要的算法时加一，旧缓存自然失效
PARALLEL_READ_BYTES = 1 << 20  # 数据文件合计至少这么大时，按户的各张表分给工作进程去读（小数据不值得起进程）
BIG = ("members", "income", "housing", "visits", "measures")  # 按户的表：分拣；其余为全县一份的小表
PART_SCHEMA = """
CREATE TABLE rows (tbl INTEGER, rownum INTEGER, village TEXT, data BLOB);
CREATE TABLE ids (id TEXT, hh TEXT, tbl INTEGER, rownum INTEGER);
CREATE TABLE hhs (hh TEXT, village TEXT);
"""  # 一张表分开读时写进的临时库：与分拣库里同名的三张表
SCHEMA = """
CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB);
CREATE TABLE rows (tbl INTEGER, rownum INTEGER, village TEXT, data BLOB);
CREATE TABLE ids (id TEXT, hh TEXT, tbl INTEGER, rownum INTEGER);
CREATE TABLE hhs (hh TEXT, village TEXT);
CREATE TABLE households (ord INTEGER PRIMARY KEY, hh TEXT, code TEXT, village TEXT, head TEXT, has_income INTEGER,
                         record TEXT, summary BLOB);
CREATE TABLE assessed (code TEXT PRIMARY KEY, blob BLOB);
CREATE TABLE villages (code TEXT PRIMARY KEY, digest TEXT, warnings BLOB, households INTEGER, members INTEGER);
"""


@dataclass(frozen=True)
class HouseholdRow:
    """计划用的一户摘要（不必解开核算结果）。"""

    hh_id: str
    code: str  # 村代码（户编号前 12 位）
    village: str  # 村名
    head: str
    has_income: bool
    record: str  # 该户全部数据的 SHA-256


@dataclass
class Intake:
    """读表与校验的结果：每张表怎么读的、跳过了什么、全部问题、户数人数、基准日期（check 打印它，批处理存着它）。"""

    sheets: list[SheetInfo] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    households: int = 0
    members: int = 0
    reference: dt.date | None = None
    reference_source: str = ""
    village_names: dict[str, str] = field(default_factory=dict)  # 村代码 → 村名（村名单里有的）

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != "error"]


class DataError(InputError):
    """数据有错误：不运行后面的步骤。`intake` 里有全部问题。"""

    def __init__(self, message: str, intake: Intake):
        super().__init__(message, intake.errors)
        self.intake = intake


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def inputs_hash(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in sorted(files, key=lambda p: p.name):
        h.update(f.name.encode() + b"\0")
        with open(f, "rb") as fh:
            while chunk := fh.read(1 << 20):
                h.update(chunk)
        h.update(b"\0")
    return h.hexdigest()


class Staging:
    """一份分拣好的数据（只读）。用 :meth:`open_or_build` 得到。"""

    def __init__(self, path: Path):
        self.path = path
        self.db = sqlite3.connect(path)
        self.context = pickle.loads(self._meta("context"))  # validate.Context
        self.intake: Intake = pickle.loads(self._meta("intake"))
        self.warnings: list[Issue] = self.intake.warnings
        self.reference: dt.date = self.intake.reference

    def _meta(self, k: str):
        row = self.db.execute("SELECT v FROM meta WHERE k=?", (k,)).fetchone()
        return row[0] if row else None

    # ------------------------------------------------------------ 建

    @classmethod
    def open_or_build(cls, data: DataFiles, settings, folder: Path, version: str,
                      period: tuple[int, int] | None = None, workers: int = 1) -> Staging:
        """有同样输入的分拣结果就直接打开；否则读表、校验、核算。数据有错误时抛出 :class:`DataError`（不留缓存）。"""
        conf = f"{settings!r}|{period}|{version}|{FORMAT}"
        key = hashlib.sha256(f"{inputs_hash(data.files)}|{conf}".encode()).hexdigest()[:32]
        path = folder / f"{key}.sqlite"
        if path.is_file():
            try:
                stg = cls(path)
                stg.intake.notes = list(data.notes)
                return stg
            except (sqlite3.DatabaseError, TypeError, pickle.UnpicklingError, AttributeError):
                path.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        previous = sorted(p for p in folder.glob("*.sqlite") if not p.name.startswith("."))
        part = folder / f".{key}.sqlite.part"
        for stale in folder.glob(f".{key}.sqlite.part*"):  # 上次被杀时留下的（连同分开读表的临时库）
            stale.unlink(missing_ok=True)
        try:
            intake = _build(part, data, settings, conf, period, previous[-1] if previous else None, workers=workers)
            if intake.errors:
                raise DataError(f"数据有 {len(intake.errors)} 个错误，未生成（先用 docgen check 查看并改正）", intake)
            for old in folder.glob("*.sqlite*"):
                if old != part:
                    old.unlink()
            os.replace(part, path)
        finally:
            part.unlink(missing_ok=True)
        return cls(path)

    # ------------------------------------------------------------ 读

    def households(self) -> Iterator[HouseholdRow]:
        """按村代码、再按表中顺序给出各户摘要。"""
        for r in self.db.execute("SELECT hh, code, village, head, has_income, record FROM households ORDER BY code, ord"):
            yield HouseholdRow(r[0], r[1], r[2], r[3], bool(r[4]), r[5])

    def summary_lines(self) -> Iterator:
        """全县汇总的各户行（ledger.SummaryLine），按村代码、表中顺序。"""
        for (blob,) in self.db.execute("SELECT summary FROM households ORDER BY code, ord"):
            yield pickle.loads(blob)

    def codes(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT code FROM assessed ORDER BY code")]

    def assessments(self, code: str) -> list:
        blob = self.village_blob(code)
        return pickle.loads(blob) if blob else []

    def village_blob(self, code: str) -> bytes | None:
        """一个村的核算结果（pickle 的字节，原样）：集群上交给工作机自己解开，协调机不必解开再打包。"""
        row = self.db.execute("SELECT blob FROM assessed WHERE code=?", (code,)).fetchone()
        return row[0] if row else None

    def village_names(self) -> dict[str, str]:
        """村代码 → 村名（村名单优先，否则取该村第一户所填）。"""
        names = {code: name for code, name, _ in
                 self.db.execute("SELECT code, village, MIN(ord) FROM households GROUP BY code")}
        names.update({c: v.name for c, v in self.context.villages.items() if v.name})
        return names

    def units(self) -> list[tuple[str, str]]:
        """全部 (村名, 村代码)，按村代码、村名排序（文件名怎样区分同名的村由 batch.plan 决定）。"""
        return [(r[0], r[1]) for r in self.db.execute(
            "SELECT DISTINCT village, code FROM households ORDER BY code, village")]

    def household_index(self, code: str) -> dict[str, dict[str, str]]:
        """一个村的 户编号 → 户主、村代码、村名（档案整理认户用）。"""
        return {hh: {"head": head, "village": code, "village_name": village} for hh, village, head in
                self.db.execute("SELECT hh, village, head FROM households WHERE code=?", (code,))}

    def all_assessments(self) -> Iterator:
        """全部户的核算结果，按村代码、表中顺序（一次解开一个村）。"""
        for code in self.codes():
            yield from self.assessments(code)

    def close(self) -> None:
        self.db.close()


def village_assessments(staging: str | Path, code: str) -> list:
    """一个村的核算结果，在别的进程里从分拣结果（只读）取：渲染、写排查表的工作进程自己取，主进程不必解开再打包送过去。"""
    db = sqlite3.connect(f"file:{staging}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT blob FROM assessed WHERE code=?", (code,)).fetchone()
    finally:
        db.close()
    return pickle.loads(row[0]) if row else []


def check_data(data: DataFiles, settings, period: tuple[int, int] | None = None, workers: int = 1) -> Intake:
    """`docgen check`：走同一条流水线（读表、分拣、逐村校验），只是不核算、不留分拣结果。"""
    folder = Path(tempfile.mkdtemp(prefix="docgen-check-"))
    try:
        return _build(folder / "check.sqlite", data, settings, f"{settings!r}|{period}", period, None, assess=False,
                      workers=workers)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def staged(data, settings=None, period: tuple[int, int] | None = None, workers: int = 1):
    """一次性的分拣结果（临时文件夹里，用完即删）：档案整理认户、测试取核算结果都用它——与批处理同一条流水线。
    `data`：DataFiles 或文件、文件夹的列表。数据有错误时抛出 :class:`DataError`。`workers`：各村的校验与核算分给几个进程。"""
    from docgen import __version__
    from docgen.households.load import collect_files
    from docgen.settings import Settings

    if not isinstance(data, DataFiles):
        data = collect_files([Path(p) for p in data], period)
    folder = Path(tempfile.mkdtemp(prefix="docgen-stage-"))
    stg = None
    try:
        stg = Staging.open_or_build(data, settings or Settings(), folder, __version__, period, workers=workers)
        yield stg
    finally:
        if stg is not None:
            stg.close()
        shutil.rmtree(folder, ignore_errors=True)


def _previous(path: Path | None, digest: str) -> sqlite3.Connection | None:
    """上次的分拣结果，全县部分（小表、表头、配置、版本）与这次相同时才可沿用其中的村。"""
    if path is None:
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        row = db.execute("SELECT v FROM meta WHERE k='digest'").fetchone()
    except sqlite3.DatabaseError:
        return None
    if row is None or row[0] != digest:
        db.close()
        return None
    return db


def _build(path: Path, data: DataFiles, settings, conf: str, period: tuple[int, int] | None,
           previous: Path | None = None, *, assess: bool = True, workers: int = 1) -> Intake:
    """读表、分拣、逐村校验（与核算）。返回 :class:`Intake`；没有错误时 `path` 是完整的分拣结果。
    `workers` > 1 时读表与逐村校验共用一个进程池（要用时才起）。"""
    pool = _Pool(workers)
    try:
        return _build_in(pool, path, data, settings, conf, period, previous, assess=assess)
    finally:
        pool.close()


def _build_in(pool: _Pool, path: Path, data: DataFiles, settings, conf: str, period: tuple[int, int] | None,
              previous: Path | None, *, assess: bool) -> Intake:
    from docgen.households.compute import assess as assess_household
    from docgen.households.ledger import summary_line
    from docgen.households.validate import (
        _Checker,
        duplicate_id_message,
        group_tables,
        no_members_issue,
        validate_context,
        validate_part,
    )

    intake = Intake(notes=list(data.notes))
    pre = IssueCollector()  # 读表时（表头一级）的问题
    db = sqlite3.connect(path)
    db.executescript("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;" + SCHEMA)
    small: list[Table] = []
    big: list[tuple[int, Table]] = []  # 按户的表，只有表头（行在 SQLite 里）
    digests: dict[str, hashlib._Hash] = {}  # 村代码 → 该村各行的摘要
    first_file = ""
    years: set[int] = set()
    aliases = settings.column_aliases
    workers = pool.workers
    # 按户的每张表都经 _read_table 写进它自己的临时库、最后按表的次序并进来；数据不小且有几个进程时，Excel、CSV 的
    # 工作表交给工作进程去读（主进程只读各表的表头，前 20 行），否则就在这里读——行、问题的先后、村摘要两种都一样
    parallel = workers > 1 and sum(f.stat().st_size for f in data.files) >= PARALLEL_READ_BYTES
    parts: list[tuple[int, int, int, object]] = []  # (表, 行一级的问题插在 pre.issues 的哪里, 小结的位置, 结果或进行中的任务)
    try:
        for f in data.files:
            try:
                for index, t in enumerate(iter_tables(f, pre, aliases)):
                    first_file = first_file or t.file
                    sheet = isinstance(t, Sheet)
                    if t.kind not in BIG:
                        small.append(materialise(t))
                        if sheet:
                            pre.issues += t.issues
                        intake.sheets.append(SheetInfo(t.file, t.sheet, t.kind, t.header_first if sheet else None,
                                                       t.header_row if sheet else None,
                                                       t.data_rows if sheet else len(t.rows)))
                        continue
                    tbl = len(big)
                    big.append((tbl, Table(t.kind, t.file, t.sheet, headers=t.headers, header_row=t.header_row,
                                           header_first=t.header_first)))
                    job = (str(f), index, tbl, aliases, str(_part_path(path, tbl)))
                    if parallel and sheet:
                        read = pool.get().apply_async(_read_table, (job,))
                    else:
                        read = _read_table(job, t)
                        if read[4] is not None:  # 读不下去：不必再读后面的
                            raise InputError(*read[4])
                    parts.append((tbl, len(pre.issues), len(intake.sheets), read))
                    intake.sheets.append(SheetInfo(t.file, t.sheet, t.kind, t.header_first if sheet else None,
                                                   t.header_row if sheet else None, 0))
            except NoTables as exc:  # 文件夹里顺带扫到的无关工作簿（没有认出任何表）：说明后跳过；命令行点名的仍是错误
                if str(f) not in data.scanned:
                    raise
                pre.warning(Location(f.name), "SHEET002", f"没有认出任何表，未读取（{exc.message.split(': ', 1)[-1]}）")
            except InputError:  # 逐张读时更早读的表里的错误会先报出来：先看已交出去的表
                for *_, r in parts:
                    error = (r if isinstance(r, tuple) else r.get())[4]
                    if error is not None:
                        raise InputError(*error) from None
                raise
        done = [(tbl, at, info, r if isinstance(r, tuple) else r.get()) for tbl, at, info, r in parts]
        for tbl, _, info, (n, found, got_years, _issues, error) in done:  # 按表的次序并进来
            if error is not None:
                raise InputError(*error)
            years |= got_years
            intake.sheets[info] = replace(intake.sheets[info], data_rows=n)
            _merge_part(db, _part_path(path, tbl))
            for code, d in found.items():  # 村摘要：各表的摘要按表的次序合起来
                h = digests.get(code)
                if h is None:
                    h = digests[code] = hashlib.sha256()
                h.update(tbl.to_bytes(4, "little") + d)
        for _, at, _, result in reversed(done):  # 行一级的问题放回逐张读时的位置（从后往前插，前面的位置不变）
            pre.issues[at:at] = result[3]
    except BaseException:
        pool.close()  # 先停下还在读的工作进程，再删它们的临时库
        db.close()
        raise
    finally:
        for tbl, *_ in parts:
            _part_path(path, tbl).unlink(missing_ok=True)
    # 列名映射里既不是表名、也不是读到的工作表名或文件名的键：多半写错了（如“收入表”），不能悄悄不起作用
    from docgen.households.columns import BY_LABEL

    seen_names = {x for s in intake.sheets for x in (s.file, s.sheet) if x}
    seen_names |= {i.location.sheet for i in pre.issues if i.code == "SHEET001" and i.location.sheet}
    for key in settings.column_aliases:
        if key not in BY_LABEL and key not in seen_names:
            pre.warning(Location("docgen.yml", None, None, f"列名映射.{key}"), "CFG002",
                        f"列名映射中的“{key}”既不是表名（{'、'.join(BY_LABEL)}），也不是读到的工作表名或文件名，没有起作用")
    for i in pre.issues:
        if i.code == "SHEET001":
            intake.sheets.append(SheetInfo(i.location.file, i.location.sheet, None, None, None, 0))
    db.execute("CREATE INDEX rows_by_village ON rows (village, tbl, rownum)")
    db.execute("CREATE INDEX ids_by_id ON ids (id)")

    # 基准日期：配置 > 期别 > 导出表自己写的月份 > 最近的收入年度
    exported = sorted(set(data.periods.values()))
    if settings.reference_date is not None:
        ref, why = settings.reference_date, "docgen.yml 的“基准日期”"
    elif period is not None:
        ref, why = last_day(*period), f"期别 {period[0]}-{period[1]:02d} 的最后一天"
    elif len(exported) == 1:
        ref, why = last_day(*exported[0]), f"导出表所写月份（{exported[0][0]}年{exported[0][1]}月）的最后一天"
    elif years:
        ref, why = dt.date(max(years), 12, 31), f"最近的收入年度（{max(years)} 年）的最后一天"
    else:
        db.close()
        raise InputError("不知道按哪一天算年龄与核算年度：请用 --period 指定期别（如 --period 2020-12），"
                         "或在 docgen.yml 中写“基准日期: 2020-12-31”")
    intake.reference, intake.reference_source = ref, why
    settings = settings.with_reference(ref)

    c = _Checker(ref, pre.issues)
    ctx = validate_context(c, group_tables(small))
    have_members = any(t.kind == "members" for _, t in big)
    if not have_members:
        others = db.execute("SELECT 1 FROM rows LIMIT 1").fetchone() is not None
        c.issues.append(no_members_issue(first_file or "?", others))
    codes = [r[0] for r in db.execute("SELECT DISTINCT village FROM rows ORDER BY village")] or [""]
    whole = hashlib.sha256(pickle.dumps(
        (conf, ref, have_members, first_file, [(t.kind, t.file, t.sheet, t.headers) for _, t in big],
         [(t.kind, t.file, t.sheet, t.headers, [(r.row, r.values, r.headers) for r in t.rows]) for t in small]),
        pickle.HIGHEST_PROTOCOL)).hexdigest()
    prev = _previous(previous, whole) if assess else None
    ord_ = 0
    plan: list[tuple[str, str, tuple | None]] = []  # (村代码, 摘要, 上次的结果或 None)
    db.commit()  # 各村的行交给工作进程去读（WAL：主进程写结果时它们照读）
    for code in codes:
        digest = digests[code].hexdigest() if code in digests else ""
        old = prev.execute("SELECT warnings, households, members FROM villages WHERE code=? AND digest=?",
                           (code, digest)).fetchone() if prev is not None else None
        plan.append((code, digest, old))
    clean = not c.errors  # 表头一级、小表已有错误时各村只校验不核算（反正不会生成）
    jobs = [(str(path), code, digest, big, ctx.villages, have_members, ref, settings, assess and clean)
            for code, digest, old in plan if old is None]
    results = _map_villages(jobs, pool if len(jobs) > 4 else None)
    for code, digest, old in plan:  # 按村代码的顺序：问题的先后、各户的次序与逐村串行时相同
        if old is not None:  # 这个村的行一行没变：沿用上次的校验与核算结果
            c.issues += pickle.loads(old[0])
            intake.households += old[1]
            intake.members += old[2]
            rows = [(ord_ + i, *r) for i, r in enumerate(prev.execute(
                "SELECT hh, code, village, head, has_income, record, summary FROM households WHERE code=? ORDER BY ord",
                (code,)))]
            ord_ += len(rows)
            db.executemany("INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO assessed VALUES (?, ?)",
                           prev.execute("SELECT code, blob FROM assessed WHERE code=?", (code,)))
            db.execute("INSERT INTO villages VALUES (?, ?, ?, ?, ?)", (code, digest, old[0], old[1], old[2]))
            continue
        issues, n_hh, n_members, rows, blob = next(results)
        issues = [replace(i, village=code) for i in issues]
        c.issues += issues
        intake.households += n_hh
        intake.members += n_members
        if rows is None:  # 没有核算
            continue
        db.executemany("INSERT INTO households VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                       [(ord_ + i, *r) for i, r in enumerate(rows)])
        ord_ += len(rows)
        if blob is not None:
            db.execute("INSERT INTO assessed VALUES (?, ?)", (code, blob))
        db.execute("INSERT INTO villages VALUES (?, ?, ?, ?, ?)",
                   (code, digest, pickle.dumps(issues, pickle.HIGHEST_PROTOCOL), n_hh, n_members))
    results.close()
    if prev is not None:
        prev.close()
    _duplicate_ids(db, c, {tbl: t for tbl, t in big}, duplicate_id_message)
    _unplaced_problems(db, c, ctx.problems)
    intake.issues = _dedupe(c.issues)
    intake.village_names = {code: v.name for code, v in ctx.villages.items() if v.name}
    if intake.errors or not assess:
        db.close()
        return intake
    db.executemany("INSERT INTO meta VALUES (?, ?)", [
        ("digest", whole), ("context", pickle.dumps(ctx, pickle.HIGHEST_PROTOCOL)),
        ("intake", pickle.dumps(intake, pickle.HIGHEST_PROTOCOL))])
    db.execute("DROP TABLE rows")
    db.execute("DROP TABLE ids")
    db.execute("DROP TABLE hhs")
    db.commit()
    db.execute("PRAGMA journal_mode=DELETE")  # 留下的分拣结果是单个文件（之后只读）
    db.execute("VACUUM")
    db.close()
    return intake


class _Pool:
    """读表与逐村校验共用的进程池：第一次要用时才起（小数据一个进程也不起），`close` 时结束。"""

    def __init__(self, workers: int):
        self.workers = workers
        self._env: contextlib.ExitStack | None = None
        self._pool = None

    def get(self):
        if self._pool is None:
            from docgen.util.procs import spawn_pool

            self._env = contextlib.ExitStack()
            self._pool = self._env.enter_context(spawn_pool(self.workers))
        return self._pool

    def close(self) -> None:
        if self._env is not None:
            self._env.close()
        self._env = self._pool = None


def _part_path(path: Path, tbl: int) -> Path:
    return path.with_name(f"{path.name}.t{tbl}")


def _read_table(job, table: Table | None = None) -> tuple:
    """读一张按户的表、写进它自己的临时库。工作进程里重新打开文件、找到第 `index` 张表；在主进程里读的（YAML 的表、
    不分开读时）直接给 `table`。返回 (行数, 村代码 → 摘要, 收入年度, 行一级的问题, 读不下去时的 (提示, 问题))。"""
    file, index, tbl, aliases, part = job
    gen = None
    try:
        if table is None:
            gen = iter_tables(file, IssueCollector(), aliases)  # 表头一级的问题主进程已经记下
            table = next(t for i, t in enumerate(gen) if i == index)
        Path(part).unlink(missing_ok=True)  # 上次被杀时可能留下同名的
        db = sqlite3.connect(part)
        try:
            db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + PART_SCHEMA)
            found: dict[str, hashlib._Hash] = {}
            years: set[int] = set()
            n = _stage_rows(db, tbl, table, found, years)
            db.commit()
        finally:
            db.close()
        if isinstance(table, Sheet):  # 小结里的行数与逐张读时相同：工作表数它给出的数据行（含空行），YAML 数记录
            return table.data_rows, {k: h.digest() for k, h in found.items()}, years, table.issues, None
        return n, {k: h.digest() for k, h in found.items()}, years, [], None
    except InputError as exc:  # 读到一半发现文件坏了：交回主进程照常报（异常对象过进程边界会丢掉问题列表）
        return 0, {}, set(), [], (exc.message, exc.issues)
    finally:
        if gen is not None:
            gen.close()


def _merge_part(db: sqlite3.Connection, part: Path) -> None:
    db.execute("ATTACH DATABASE ? AS part", (str(part),))
    try:
        for name in ("rows", "ids", "hhs"):
            db.execute(f"INSERT INTO {name} SELECT * FROM part.{name}")
        db.commit()
    finally:
        db.execute("DETACH DATABASE part")


def _map_villages(jobs, pool: _Pool | None):
    """逐村校验（与核算），按村代码的顺序给出结果；给了 `pool` 时分给它的几个进程（在途的村有上限，内存不随村数增长）。"""
    if pool is None or pool.workers <= 1:
        yield from map(_village, jobs)
        return
    from collections import deque

    workers = pool.workers
    pending: deque = deque()
    for job in jobs:
        pending.append(pool.get().apply_async(_village, (job,)))
        if len(pending) >= 2 * workers:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _village(job) -> tuple:
    """校验（与核算）一个村：从分拣库（只读）取该村各表的行。返回 (问题, 户数, 人数, 各户行, 核算结果)；
    不核算时最后两项为 None（一户也没有时核算结果为 None）。"""
    from docgen.households.compute import assess as assess_household
    from docgen.households.ledger import summary_line
    from docgen.households.validate import _Checker, group_tables, validate_part

    path, code, digest, big, villages, have_members, ref, settings, assess = job
    c = _Checker(ref, [])
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = []
        for tbl, head in big:
            t = Table(head.kind, head.file, head.sheet, headers=head.headers, header_row=head.header_row)
            for (blob,) in db.execute("SELECT data FROM rows WHERE village=? AND tbl=? ORDER BY rownum", (code, tbl)):
                rownum, values, headers = pickle.loads(blob)
                t.rows.append(Row(t.file, t.sheet, rownum, values, headers if headers is not None else t.headers))
            tables.append(t)
    finally:
        db.close()
    hhs, _visits = validate_part(c, group_tables(tables), villages, have_members=have_members)
    n_members = sum(len(h.members) for h in hhs)
    if c.errors or not assess:  # 有错就不核算了，但继续校验，以便一次报出全部问题
        return c.issues, len(hhs), n_members, None, None
    items = [assess_household(h, settings, ref) for h in hhs]
    rows = []
    for a in items:
        h = a.household
        rows.append((h.hh_id, code, h.village, h.head.name, a.income is not None,
                     hashlib.sha256(h.model_dump_json().encode("utf-8")).hexdigest(),
                     pickle.dumps(summary_line(a), pickle.HIGHEST_PROTOCOL)))
    blob = pickle.dumps(items, pickle.HIGHEST_PROTOCOL) if items else None
    return c.issues, len(hhs), n_members, rows, blob


def _stage_rows(db: sqlite3.Connection, tbl: int, t: Sheet | Table, digests: dict, years: set[int]) -> int:
    """逐行写入：(表, 行号, 村代码, (行号, 值, 行自带的表头))；成员表另记证件号码以查跨村重复；
    每村各行（连同所在的表）累积进该村的摘要。"""
    if isinstance(t, Table):  # YAML：每条记录自带表头
        source = ((r, r.headers) for r in t.rows)
    else:
        source = ((make_row(t.file, t.sheet, n, t.norm, v, t.headers), None) for n, v in t.rows)
    rows, ids, members = [], [], []
    dump = pickle.dumps
    income = t.kind == "income"
    n = 0
    for row, own_headers in source:
        if row is None:
            continue
        n += 1
        if income:
            y = row.text("年度")
            if y.isdigit() and 2000 <= int(y) <= 2100:
                years.add(int(y))
        hh = row.text("户编号")
        data = dump((row.row, row.values, own_headers), pickle.HIGHEST_PROTOCOL)
        h = digests.get(hh[:12])
        if h is None:
            h = digests[hh[:12]] = hashlib.sha256()
        h.update(tbl.to_bytes(4, "little") + len(data).to_bytes(4, "little") + data)
        rows.append((tbl, row.row, hh[:12], data))
        if t.kind == "members" and hh:
            idn = row.text("证件号码").upper()
            if idn:
                ids.append((idn, hh, tbl, row.row))
            members.append((hh, row.text("村")))
        if len(rows) >= 5000:
            db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", rows)
            db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?)", ids)
            db.executemany("INSERT INTO hhs VALUES (?, ?)", members)
            rows.clear()
            ids.clear()
            members.clear()
    db.executemany("INSERT INTO rows VALUES (?, ?, ?, ?)", rows)
    db.executemany("INSERT INTO ids VALUES (?, ?, ?, ?)", ids)
    db.executemany("INSERT INTO hhs VALUES (?, ?)", members)
    return n


def _duplicate_ids(db: sqlite3.Connection, c: IssueCollector, tables: dict[int, Table], message) -> None:
    """同一身份证号出现多次：按表中先后，第一次之后的每一次都报（与整体校验相同的提示）。"""
    first: dict[str, tuple[str, Location]] = {}
    for idn, hh, tbl, rownum in db.execute(
            "SELECT id, hh, tbl, rownum FROM ids WHERE id IN (SELECT id FROM ids GROUP BY id HAVING COUNT(*) > 1) "
            "ORDER BY id, tbl, rownum"):
        t = tables[tbl]
        if idn not in first:
            first = {idn: (hh, Location(t.file, t.sheet, rownum))}
            continue
        other_hh, other = first[idn]
        c.error(Location(t.file, t.sheet, rownum, t.headers.get("证件号码", "证件号码")), "ID004",
                message(hh, other_hh, other))


def _unplaced_problems(db: sqlite3.Connection, c: IssueCollector, problems) -> None:
    """问题表里对不上的行不能悄悄消失：涉及户不在成员信息表中、或村名不在数据里（归不到任何村的台账）都报警告。"""
    if not problems:
        return
    from docgen.households.ledger import problem_code  # 台账、汇总归村用的同一条规则

    known = {hh for (hh,) in db.execute("SELECT DISTINCT hh FROM hhs")}
    code_name: dict[str, str] = {}
    by_name: dict[str, set[str]] = {}
    for hh, village in db.execute("SELECT DISTINCT hh, village FROM hhs"):
        code_name.setdefault(hh[:12], village)
        by_name.setdefault(village, set()).add(hh[:12])
    for p in problems:
        file, sheet, row = p.origin or ("问题表", None, None)
        missing = [hh for hh in p.households if hh not in known]
        placed = problem_code(p, code_name, by_name) is not None
        for hh in missing:
            c.warning(Location(file, sheet, row, "涉及户"), "REF003",
                      f"涉及户 {hh} 在成员信息表中没有" + ("" if placed else "：这条问题归不到任何村的台账，只在全县汇总里单列计数"))
        if not missing and not placed:
            what = f"村“{p.village}”不在成员信息表里" if p.village else "没有填村，也没有填涉及户"
            c.warning(Location(file, sheet, row, "村"), "REF003", what + "：这条问题归不到任何村的台账，只在全县汇总里单列计数")


def _dedupe(issues: list[Issue]) -> list[Issue]:
    """表头一级的问题（缺列、不认识的列）每个村都会报一次：只留一条。"""
    seen, out = set(), []
    for i in issues:
        k = (i.location, i.code, i.message, i.severity)
        if k not in seen:
            seen.add(k)
            out.append(i)
    return out
