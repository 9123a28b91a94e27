"""The text of config.yaml read into a mapping, and the mistakes made in Notepad named with their
line: a file saved as ANSI/GBK, a full-width colon or comma, no space after a colon, a Tab, a line
moved out of line with its neighbours, a Windows path in double quotes, a key written twice. (What
the values mean is checked afterwards, in checking.py.)"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import YuebaoError

# a key followed by a full-width colon (no ASCII colon before it): `task_list：a.xlsx`
_FULL_WIDTH_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"{}\[\],]+\s*：")
_NO_SPACE_AFTER_COLON = re.compile(r"^\s*[A-Za-z_]+:(?![\s/])\S")


def read_config_text(path: Path) -> dict:
    """config.yaml as a mapping; a wrong encoding or a typing slip is named with its line."""
    if not path.is_file():
        raise YuebaoError(f"找不到配置文件：{path}", f"config file not found: {path}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Notepad writes UTF-8 with a BOM
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        raise YuebaoError(
            f"配置文件第{at}行：文件不是UTF-8编码（可能是以ANSI/GBK保存的）。请用记事本打开"
            f"{path}，点“另存为”，在“编码”中选择“UTF-8”后保存",
            f"config line {at}: not UTF-8 (saved as ANSI/GBK?)",
        ) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if ":" not in line and (slip := _slip(number, line)):  # `task_list：a.xlsx`
            raise slip
        if slip := _flow_slip(number, line):  # `{contact: 张三， email：a@b.org}`
            raise slip
    try:
        raw = _load_once_each(text) or {}
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from exc
    if not isinstance(raw, dict):
        raise YuebaoError(
            f"配置文件应为“键: 值”的形式：{path}", f"config must be a mapping: {path}"
        )
    return raw


class _DatesAsText(yaml.SafeLoader):
    """A date stays the text typed (no setting is a date; `calendar:` reads its own): PyYAML
    would stop with a Python error on 2027-02-30 instead of the line that holds it."""


# libyaml's parser where PyYAML has it (its wheels do): the same document, read 8 times faster
# (config.yaml is read at every command and every scheduled run)
_Fast = getattr(yaml, "CSafeLoader", None)
_FastDatesAsText: Any = type("_FastDatesAsText", (_Fast,), {}) if _Fast else None
for _loader in (_DatesAsText, _FastDatesAsText):
    if _loader is not None:
        _loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _load_once_each(text: str) -> Any:
    """yaml.safe_load, but a key written twice in one mapping is an error naming both lines
    (PyYAML keeps the last silently: an office written twice lost the first one's details)."""
    if _FastDatesAsText is not None and "\t" not in text:  # libyaml takes a Tab after a colon
        try:
            return _load(_FastDatesAsText, text)
        except yaml.YAMLError:  # told again by the Python parser: its words and lines are the
            pass  # ones _yaml_problem knows
    return _load(_DatesAsText, text)


def _load(loader_type: Any, text: str) -> Any:
    loader = loader_type(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _no_key_twice(node, "", set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _no_key_twice(node: yaml.Node, where: str, seen_nodes: set[int]) -> None:
    if id(node) in seen_nodes:  # an alias: already looked at
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value, start=1):
            _no_key_twice(item, f"{where}[{index}]", seen_nodes)
    if not isinstance(node, yaml.MappingNode):
        return
    lines: dict[str, int] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in lines:
            first = lines[key.value]
            said = f"第{first}行和第{line}行都写了" if first != line else f"第{line}行写了两次"
            under = f" {where} 下的" if where else ""
            raise YuebaoError(
                f"配置文件{said}{under}“{key.value}”，请合并为一项"
                "（同一项写两次时只有后一项有效，前一项的内容会丢失）",
                f"config line {line}: {where + '.' if where else ''}{key.value} given twice "
                f"(lines {first} and {line})",
            )
        lines[key.value] = line
        _no_key_twice(value, f"{where}.{key.value}" if where else key.value, seen_nodes)


# inside `{…}` (quotes and comments taken out): a key with a full-width colon, and a full-width
# comma before the next key
_FLOW_FULL_WIDTH_COLON = re.compile(r"(?:^|[{,，])\s*(?:-\s+)?([^\s:：,，{}\[\]#'\"]+)\s*：")
_FLOW_FULL_WIDTH_COMMA = re.compile(r"，\s*([^\s:：,，{}\[\]#'\"]+)\s*[:：]")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")
_COMMENT = re.compile(r"(?:^|\s)#.*")


def _flow_slip(number: int, line: str) -> YuebaoError | None:
    """A full-width colon or comma typed inside `{…}` on this line, if there is one."""
    bare = _COMMENT.sub("", _QUOTED.sub('""', line))
    if "{" not in bare:
        return None
    if found := _FLOW_FULL_WIDTH_COMMA.search(bare):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：“{found.group(1)}”前面用了中文全角逗号“，”，"
            "花括号中各项之间请用英文半角逗号“,”分隔（逗号后加一个空格）",
            f"config line {number}: full-width comma between entries",
        )
    if found := _FLOW_FULL_WIDTH_COLON.search(bare):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：“{found.group(1)}”后面的冒号是中文全角冒号“：”，"
            "请改为英文半角冒号“:”，并在冒号后加一个空格",
            f"config line {number}: full-width colon",
        )
    return None


def _slip(number: int, line: str) -> YuebaoError | None:
    """A colon typed wrong on this line, if that is what it is."""
    if _FULL_WIDTH_COLON.match(line) and "：" in line.split(":", 1)[0]:
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：冒号是中文全角冒号“：”，"
            "请改为英文半角冒号“:”，并在冒号后加一个空格",
            f"config line {number}: full-width colon",
        )
    if _NO_SPACE_AFTER_COLON.match(line):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：冒号后缺少空格，请在“:”后加一个空格",
            f"config line {number}: no space after the colon",
        )
    return None


def _yaml_problem(exc: yaml.YAMLError, text: str) -> YuebaoError:
    mark = getattr(exc, "problem_mark", None)
    lines = text.splitlines()
    problem = str(getattr(exc, "problem", "") or exc)
    # a colon typed wrong is noticed on its line or the next
    upto = min(mark.line, len(lines) - 1) if mark else -1
    for number in range(upto, max(upto - 2, -1), -1):
        slip = _slip(number + 1, lines[number])
        if slip and "escape" not in problem and "\t" not in lines[upto]:
            return slip
    moved = _misaligned(lines, mark.line) if mark and "\t" not in text else None
    if moved:
        number, wanted = moved
        line, has = lines[number], len(lines[number]) - len(lines[number].lstrip(" "))
        return YuebaoError(
            f"配置文件第{number + 1}行“{line.strip()}”：这一行没有与上下行对齐（行首应有{wanted}个"
            f"空格，现在有{has}个），请在行首补足空格，与上下行对齐",
            f"config line {number + 1}: indented {has} spaces, not {wanted} as its neighbours",
        )
    where = f"第{mark.line + 1}行" if mark else ""
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "escape" in problem:
        zh = (
            "双引号中的反斜杠“\\”被当作转义符（Windows“复制为路径”得到的路径带双引号）："
            "请去掉路径两边的双引号，或改用单引号，如 task_list: 'D:\\月报\\任务清单.xlsx'"
        )
    elif re.search(r"[:：] *\t", line) and "\t" not in line[: len(line) - len(line.lstrip())]:
        zh = "冒号后用了Tab键：请把冒号后的Tab删掉，改为一个空格"
    elif "\t" in line or "\\t" in problem:
        zh = "用了Tab键缩进，请删除Tab，改用空格对齐"
    else:
        zh = "格式有误：请检查缩进是否与上下行对齐（用空格）、冒号后是否有空格、引号和括号是否成对"
    return YuebaoError(
        f"配置文件{where}{f'“{line.strip()}”' if line.strip() else ''}：{zh}",
        f"config is not valid YAML: {problem} (line {mark.line + 1 if mark else '?'})",
    )


_OPENS_BLOCK = re.compile(r"^\s*[^#\s][^#]*:\s*(?:#.*)?$")  # `offices:` (its entries below)


def _misaligned(lines: list[str], at: int) -> tuple[int, int] | None:
    """(line index, spaces it should have) when YAML stumbled on line `at` because the line before
    was moved left (`人事股:` typed at column 0 among offices indented by two): the line the clerk
    changed, not the next one YAML reports."""

    def indent(i: int) -> int:
        return len(lines[i]) - len(lines[i].lstrip(" "))

    if not 0 <= at < len(lines):
        return None
    content = [i for i in range(at - 1, -1, -1) if lines[i].strip() and lines[i].lstrip()[0] != "#"]
    if len(content) < 2 or not lines[at].strip() or indent(content[0]) >= indent(at):
        return None
    moved, before = content[0], content[1]
    if indent(before) == indent(at) or (
        indent(before) == indent(moved) and _OPENS_BLOCK.match(lines[before])
    ):
        return moved, indent(at)
    return None
