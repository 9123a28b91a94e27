"""A bureau's own task list turned into yuebao's layout (`yuebao tasks import`), and any list
read for checking (`yuebao tasks check`).

An earlier converted list (perhaps with offices chosen in it) and a half-filled lead sheet are
never overwritten; a list that is prose only gets a blank task list to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TypeVar

from ..config import load_config
from ..errors import YuebaoError
from ..models import Finding, Task, TaskList
from .doubts import all_doubts
from .importers import ProseOnly, blank_task_list, import_task_list, in_yuebao_layout
from .leads import apply_leads, mark_unassigned, read_leads, unassigned, write_leads_sheet
from .tasklist import read_task_list, write_task_list


@dataclass
class Converted:
    listed: TaskList
    doubts: list[Finding]
    out: Path
    kept: Path | None  # an earlier list at `out`, renamed
    known: list[str]  # the offices of config.yaml (the lead column's choices)
    todo: list[Task] = field(default_factory=list)  # tasks still without a lead office
    leads_path: str | None = None
    sheet: Path | None = None  # the lead sheet to fill in for `todo`
    sheet_existed: bool = False


def convert(
    src: str | Path,
    year: int | None,
    out_path: str | Path | None = None,
    leads_path: str | None = None,
    config_path: str | Path | None = None,
) -> Converted:
    """Import `src`, write it in yuebao's layout, and a lead sheet for the tasks without a lead."""
    bureau, known = bureau_and_offices(config_path)
    out = Path(out_path) if out_path else Path(src).with_name(Path(src).stem + "_yuebao.xlsx")
    try:
        imported = import_task_list(src, year)
    except ProseOnly as prose:
        blank = _unless_there(out.with_name(out.stem + "_待填写.xlsx"))
        template = blank_task_list(prose.year or date.today().year, bureau)
        _write(lambda: write_task_list(template, blank), blank)
        raise YuebaoError(
            f"{prose.zh}。已生成空白任务清单（含一行示例）：{blank}，"
            "请对照方案中的措施逐项手工填写任务名称、关键节点（如“一是6月底前……”）"
            "和牵头股室，删除示例行，再用 yuebao tasks check 检查",
            f"{prose.en}; blank task list written to {blank}",
        ) from prose
    assigned: list[Finding] = []
    if leads_path:
        imported, assigned = apply_leads(imported, read_leads(Path(leads_path)), known, bureau)
    doubts = all_doubts(imported, bureau, assigned)
    todo = unassigned(imported, bureau)
    kept = _keep_aside(out)
    _write(lambda: write_task_list(imported, out), out)
    if todo or known:
        _write(lambda: mark_unassigned(out, todo, known), out)
    done = Converted(imported, doubts, out, kept, known, todo, leads_path)
    if todo and not leads_path:
        sheet = done.sheet = out.with_name(out.stem + "_牵头股室对照表.xlsx")
        done.sheet_existed = sheet.exists()  # perhaps half filled in: never overwritten
        if not done.sheet_existed:
            _write(lambda: write_leads_sheet(todo, sheet, known), sheet)
    return done


def read_for_check(
    path: str | Path | None, year: int | None, config_path: str | Path
) -> tuple[TaskList, list[Finding]]:
    """The list and its doubts: config.yaml's task list by default, or any list, converted or
    not."""
    bureau = ""
    if path is None:
        cfg = load_config(config_path)
        bureau = cfg.bureau
        listed = read_task_list(cfg.task_list_path, year or cfg.year)
    elif in_yuebao_layout(Path(path)):
        listed = read_task_list(path, year)
    else:
        listed = import_task_list(path, year)
    return listed, all_doubts(listed, bureau)


def bureau_and_offices(config_path: str | Path | None) -> tuple[str, list[str]]:
    """The bureau's name and offices from config.yaml, if any (a new bureau may have none)."""
    if config_path is None and not Path("config.yaml").is_file():
        return "", []
    cfg = load_config(config_path or "config.yaml")
    return cfg.bureau, cfg.office_names


def _keep_aside(path: Path) -> Path | None:
    """An earlier converted list (perhaps with offices chosen in it) is kept under another name."""
    if not path.exists():
        return None
    aside = _timed(path)
    _write(lambda: path.rename(aside), path)
    return aside


def _unless_there(path: Path) -> Path:
    return _timed(path) if path.exists() else path


def _timed(path: Path) -> Path:
    return path.with_name(f"{path.stem}_{datetime.now():%Y%m%d%H%M%S}{path.suffix}")


_Done = TypeVar("_Done")


def _write(action: Callable[[], _Done], path: Path) -> _Done:
    try:
        return action()
    except OSError as exc:
        raise YuebaoError(
            f"无法写入{path}（文件可能正在Excel或WPS中打开，或文件夹不可写），请关闭后重试",
            f"cannot write {path}: {exc}",
        ) from exc
