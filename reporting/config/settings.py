"""Config: config.yaml as loaded and checked, its settings read through typed sections (smtp,
web, …) and a few derived values (paths resolved from the config's folder, an office's contact
details, the first reporting month of a year); load_config reads, checks and returns it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..models import Office
from ..workdays import YearTable, read_tables, use_bureau_calendar
from .checking import checked
from .declaration import Collect, Colours, Mail, Reporting, Rollup, Schedule, Smtp, Supervision, Web
from .yaml_text import read_config_text

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Section = TypeVar("_Section", bound="DataclassInstance")


def _section(cls: type[_Section], values: dict[str, Any]) -> _Section:
    """A section's checked values as its dataclass (lists become tuples: nothing changes them)."""
    return cls(
        **{f.name: tuple(v) if isinstance(v := values[f.name], list) else v for f in fields(cls)}
    )


@dataclass
class Config:
    data: dict[str, Any]
    path: Path
    list_year: int | None = None  # the task list's year, once read (Cycle sets it)
    first_year: int | None = None  # the first year the ledger has reported (Cycle sets it)

    @property
    def base(self) -> Path:
        return self.path.parent

    @property
    def calendar(self) -> dict[int, YearTable]:
        """The bureau's own holiday table (`calendar:`), checked on loading."""
        return read_tables(self.data["calendar"])

    def use_calendar(self) -> None:
        """Every deadline and working day of this process from now on counts with this config's
        `calendar:` (a process serves one bureau: see workdays)."""
        use_bureau_calendar(self.calendar)

    def resolve(self, value: str, month: str | None = None) -> Path:
        text = value.format(month=month) if month else value
        p = Path(text).expanduser()
        return p if p.is_absolute() else (self.base / p)

    @property
    def bureau(self) -> str:
        return self.data["bureau"]

    @property
    def signature(self) -> str:
        """What feedback texts are signed with: `signature`, else "<bureau>办公室"."""
        return self.data["signature"].strip() or f"{self.bureau}办公室"

    @property
    def task_list_path(self) -> Path:
        return self.resolve(self.data["task_list"])

    @property
    def year(self) -> int | None:
        return self.data["year"]

    def first_month_in(self, year: int | None) -> int:
        """The first reporting month of a task list of `year`: `reporting.first_month` in the year
        `reporting.first_month_year` names (unset: the first year the ledger has reported, else
        whatever the list's year), January in any other year: a month set for the first year of
        reporting never holds up the next year's list."""
        rep = self.data["reporting"]
        said = rep["first_month_year"] or self.first_year
        return rep["first_month"] if said is None or year is None or said == year else 1

    @cached_property
    def reporting(self) -> Reporting:
        year = self.list_year if self.list_year is not None else self.year
        values = dict(self.data["reporting"], first_month=self.first_month_in(year))
        return _section(Reporting, values)

    @property
    def lock_wait_seconds(self) -> int:
        return self.data["lock_wait_seconds"]

    @property
    def ledger_backups(self) -> int:
        return self.data["ledger_backups"]

    def folder(self, name: str, month: str) -> Path:
        return self.resolve(self.data["folders"][name], month)

    @property
    def ledger_path(self) -> Path:
        return self.resolve(self.data["ledger"])

    def office(self, name: str) -> Office:
        info = dict(self.data["offices"].get(name) or {})
        if isinstance(info.get("email"), list):  # several addresses: notices go to the first
            info["email"] = info["email"][0] if info["email"] else None
        return Office(name=name, **{k: str(v) for k, v in info.items() if v is not None})

    @cached_property
    def office_of_address(self) -> dict[str, str]:
        """Sender address (lower case) -> office: every address config.yaml gives an office."""
        found: dict[str, str] = {}
        for name, info in self.data["offices"].items():
            addresses = (info or {}).get("email") or []
            for address in [addresses] if isinstance(addresses, str) else addresses:
                found.setdefault(address.lower(), name)
        return found

    @property
    def office_names(self) -> list[str]:
        """The offices config.yaml lists (with contact details), in its order."""
        return list(self.data["offices"])

    @property
    def rules(self) -> dict[str, str]:
        """Finding code -> 错误 | 警告, as config.yaml changes it."""
        return dict(self.data["rules"])

    @cached_property
    def colours(self) -> Colours:
        return _section(Colours, self.data["colours"])

    @cached_property
    def supervision(self) -> Supervision:
        return _section(Supervision, self.data["supervision"])

    @cached_property
    def rollup(self) -> Rollup:
        return _section(Rollup, self.data["rollup"])

    @cached_property
    def collect(self) -> Collect:
        return _section(Collect, self.data["collect"])

    @cached_property
    def schedule(self) -> Schedule:
        return _section(Schedule, self.data["schedule"])

    @cached_property
    def smtp(self) -> Smtp:
        return _section(Smtp, self.data["smtp"])

    @cached_property
    def web(self) -> Web:
        return _section(Web, self.data["web"])

    @cached_property
    def mail(self) -> Mail:
        return _section(Mail, self.data["mail"])


def load_config(path: str | Path) -> Config:
    path = Path(path)
    data, problems = checked(read_config_text(path))
    if problems:
        raise problems[0]
    assert data is not None, "no problem found: the values were read"
    config = Config(data=data, path=path.resolve())
    config.use_calendar()
    return config
