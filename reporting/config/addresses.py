"""The e-mail addresses config.yaml gives (offices, supervision, chiefs, the sender): each exactly
one address that can go into a mail header, and two typed into one value named as such."""

from __future__ import annotations

import re
from email.headerregistry import Address
from email.utils import parseaddr

from ..errors import YuebaoError
from .declaration import MANY_ADDRESSES


def valid_address(value: object) -> bool:
    """One plain e-mail address (no name, no list, no line break: it goes into a mail header)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        address = Address(addr_spec=value)
    except Exception:  # noqa: BLE001 - the e-mail parser raises several kinds for a bad address
        return False
    return address.addr_spec == value and bool(address.username and address.domain)


def check_addresses(data: dict) -> None:
    named = [
        ("supervision.bureau_office_email", data["supervision"]["bureau_office_email"]),
        ("smtp.sender", data["smtp"]["sender"]),
    ]
    named += [(f"schedule.chiefs[{i + 1}]", v) for i, v in enumerate(data["schedule"]["chiefs"])]
    for office, info in data["offices"].items():
        for key in ("email", "leader_email"):
            value = (info or {}).get(key)
            if isinstance(value, list) and value:
                named += [(f"offices.{office}.{key}[{i + 1}]", v) for i, v in enumerate(value)]
            else:
                named.append((f"offices.{office}.{key}", value))
    for key, value in named:
        if value in (None, "") and not key.startswith("schedule.chiefs"):
            continue  # not configured: reported as "no address" when a notice is due
        if key == "smtp.sender" and isinstance(value, str) and not {"\r", "\n"} & set(value):
            value = parseaddr(value)[1] or value  # "台山市教育局 <jyj@example.org>" is fine here
        if several := _several_addresses(value):
            raise _several_problem(key, value, several)
        if not valid_address(value):
            raise YuebaoError(
                f"配置项“{key}”的邮箱地址“{_shown(value)}”格式不对，应为一个邮箱，"
                "如 name@example.org（不能含空格、换行或多个地址）",
                f"config key {key} is not one valid e-mail address",
            )


def _several_addresses(value: object) -> list[str] | None:
    """The addresses of `a@x.org，b@x.org` (joined by a comma, 、, ; or a space), if that is it."""
    if not isinstance(value, str):
        return None
    parts = [part for part in re.split(r"[\s,，;；、]+", value) if part]
    return parts if len(parts) > 1 and all(valid_address(part) for part in parts) else None


def _several_problem(key: str, value: str, parts: list[str]) -> YuebaoError:
    listed = f"[{', '.join(parts)}]"
    field_name = re.sub(r"\[\d+\]$", "", key).rsplit(".", 1)[-1]
    if field_name in MANY_ADDRESSES or key.startswith("schedule.chiefs"):
        zh = (
            f"配置项“{key}”的“{_shown(value)}”是{len(parts)}个邮箱地址写在了一起：多个邮箱请写成"
            f"方括号中的列表，用英文半角逗号分隔，如 {field_name}: {listed}"
        )
        if field_name in MANY_ADDRESSES:
            zh += "（通知发往第一个）"
    else:
        zh = f"配置项“{key}”只能填一个邮箱地址，“{_shown(value)}”是{len(parts)}个，请只留一个"
    return YuebaoError(zh, f"config key {key}: several addresses in one value")


def _shown(value: object) -> str:
    return str(value).replace("\r", "\\r").replace("\n", "\\n")
