"""config.yaml: reading, checking and defaults.

Every key is declared once, in declaration.py (a frozen dataclass per section, each field's
default, meaning, range or choices in its metadata); schema.py derives from it what the checks
walk. An unknown key is an error that names it, because a misspelt key silently ignored is a
deadline silently missed. Relative paths are taken from the folder that holds config.yaml.

    yaml_text   the file's text read, Notepad's slips named with their line
    checking    the values checked (addresses: the e-mail addresses)
    settings    Config, load_config
"""

from .addresses import valid_address
from .checking import checked
from .declaration import (
    BESIDE_LEDGER,
    MANY_ADDRESSES,
    OFFICE_KEYS,
    REQUIRED,
    WEBHOOK_KINDS,
    Collect,
    Colours,
    Folders,
    Mail,
    Reporting,
    Rollup,
    Schedule,
    Settings,
    Smtp,
    Supervision,
    Web,
)
from .schema import (
    BESIDE_LEDGER_NAMES,
    CHOICES,
    PATTERN_KEYS,
    PLAIN_PATH_KEYS,
    RANGES,
    SCHEMA,
    SECTIONS,
)
from .settings import Config, load_config
from .yaml_text import read_config_text

__all__ = [
    "BESIDE_LEDGER",
    "BESIDE_LEDGER_NAMES",
    "CHOICES",
    "MANY_ADDRESSES",
    "OFFICE_KEYS",
    "PATTERN_KEYS",
    "PLAIN_PATH_KEYS",
    "RANGES",
    "REQUIRED",
    "SCHEMA",
    "SECTIONS",
    "WEBHOOK_KINDS",
    "Collect",
    "Colours",
    "Config",
    "Folders",
    "Mail",
    "Reporting",
    "Rollup",
    "Schedule",
    "Settings",
    "Smtp",
    "Supervision",
    "Web",
    "checked",
    "load_config",
    "read_config_text",
    "valid_address",
]
