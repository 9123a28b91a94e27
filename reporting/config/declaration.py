"""config.yaml declared once: each section a frozen dataclass whose fields are its keys, in the
file's order, each field's metadata saying its default, what it means (in Chinese) and, where a
value can be wrong in a way its type does not show, its range, its choices or the placeholders a
path may hold. The checks (checking.py), the words of `yuebao check` and the reference
(tools/config_doc.py) are all derived from here (schema.py), so a key is added in one place.

A section is built from the checked values (Config.smtp, Config.web, …); `Settings`, the file's
top level, is the declaration only (Config keeps the checked mapping as `data`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

REQUIRED = object()  # a key config.yaml must give
BESIDE_LEDGER = ""  # a file's default: in the ledger's folder (输出/ in a folder `init` made)

# an office's own keys under `offices:` (name -> its type)
OFFICE_KEYS = {"contact": str, "email": str, "phone": str, "leader": str, "leader_email": str}
MANY_ADDRESSES = ("email",)  # an office may send from several (a list); notices go to the first
WEBHOOK_KINDS = ("json", "wecom", "dingtalk")
SECURITY = ("none", "starttls", "ssl")


def setting(
    default: object,
    zh: str,
    *,
    within: tuple[float, float] | None = None,
    choices: tuple[str, ...] = (),
    path: str = "",
    beside_ledger: str = "",
) -> Any:
    """A key: its default (REQUIRED: none), what it means, and the checks its type cannot make:
    `within` (lowest, highest), `choices` (the values it may take), `path` ("pattern": a folder
    pattern that knows {month}; "plain": a path that knows no placeholder) and `beside_ledger`
    (the file name it takes in the ledger's folder when left to BESIDE_LEDGER)."""
    return field(
        metadata={
            "default": default,
            "zh": zh,
            "within": within,
            "choices": choices,
            "path": path,
            "beside_ledger": beside_ledger,
        }
    )


def section(zh: str) -> Any:
    """A key holding a section (its dataclass is the field's type)."""
    return field(metadata={"zh": zh})


@dataclass(frozen=True)
class Reporting:
    # of the task list's year (see Config.first_month_in)
    first_month: int = setting(
        1, "各股室首次报送的月份（如台山为6），指 first_month_year 那一年", within=(1, 12)
    )
    first_month_year: int | None = setting(
        None, "first_month 所指的年份；不填：台账首次报送的年份", within=(2000, 2100)
    )
    period_start_month: int = setting(1, "标题“（1—6月）”中的起始月份", within=(1, 12))
    deadline_day: int = setting(20, "每月报送截止日（遇节假日顺延）", within=(1, 31))
    amber_days: int = setting(7, "还有这么多天到期的节点标为临期（黄色）", within=(0, 366))
    prefill: bool = setting(True, "下月的表格预填上月报送的内容")


@dataclass(frozen=True)
class Folders:
    outbox: str = setting("output/{month}/待发送", "下发表格的文件夹", path="pattern")
    inbox: str = setting("inbox/{month}", "收到的报表放入的文件夹", path="pattern")
    archive: str = setting("output/{month}/存档", "收取的原件存档", path="pattern")
    summary: str = setting("output/{month}", "汇总表和校验问题表", path="pattern")


@dataclass(frozen=True)
class Colours:  # fills of the summary's verdicts (#RRGGBB)
    overdue: str = setting("#FFC7CE", "汇总表中“逾期”的底色")
    due_soon: str = setting("#FFEB9C", "汇总表中“临期”的底色")
    done: str = setting("#C6EFCE", "汇总表中“已完成”的底色")
    undated: str = setting("#D9D9D9", "汇总表中“无法识别”日期的底色")


@dataclass(frozen=True)
class Supervision:
    red_share: float = setting(0.2, "逾期节点占到期节点的比例达到此值，股室亮红灯", within=(0, 1))
    missing_days: int = setting(3, "截止后仍未报送超过这么多个工作日即督办", within=(0, 250))
    overdue_days: int = setting(10, "节点逾期超过这么多个工作日即督办", within=(0, 250))
    bureau_office_email: str = setting("", "局办公室邮箱，每份督办函抄送")


@dataclass(frozen=True)
class Rollup:  # `yuebao rollup`: summaries of the level below
    inbox: str = setting("rollup/{month}", "下级单位汇总表放入的文件夹", path="pattern")
    units: tuple[str, ...] = setting([], "应报送的下级单位（与其配置中的 bureau 相同）")


@dataclass(frozen=True)
class Collect:
    max_file_mb: int = setting(
        20, "超过这么多MB的文件不打开、不收取（一份报表不到1MB）", within=(1, 2000)
    )


@dataclass(frozen=True)
class Schedule:  # the plan `yuebao schedule` follows
    time: str = setting("08:30", "每天运行的时间（时:分）")
    remind_day: int = setting(15, "每月这一天催报未报送的股室（遇节假日顺延）", within=(1, 31))
    milestone_window_days: int = setting(14, "每周一提醒这么多天内到期的节点", within=(0, 366))
    chiefs: tuple[str, ...] = setting([], "接收汇总表的领导邮箱")
    log: str = setting(
        BESIDE_LEDGER,
        "运行日志；默认在台账旁的 yuebao.log",
        path="plain",
        beside_ledger="yuebao.log",
    )
    reminder_files: bool = setting(True, "每条提醒同时写成文本文件放在待发送文件夹中")
    webhook: str = setting("", "群机器人的网址（每条提醒发到群里）")
    webhook_timeout: int = setting(10, "发到群机器人的等待秒数", within=(1, 600))
    webhook_kind: str = setting(
        "json", "群机器人的种类：json、wecom（企业微信）或 dingtalk（钉钉）", choices=WEBHOOK_KINDS
    )
    webhook_secret_env: str = setting("YUEBAO_WEBHOOK_SECRET", "钉钉加签密钥所在的环境变量")
    webhook_retries: int = setting(3, "每次运行的尝试次数；被拒的消息下次运行再发", within=(1, 20))


@dataclass(frozen=True)
class Smtp:
    host: str = setting("", "发信服务器；不填：不发邮件，提醒只写成文本或发到群里")
    port: int = setting(25, "发信服务器端口", within=(1, 65535))
    security: str = setting("none", "加密方式：none、starttls 或 ssl", choices=SECURITY)
    user: str = setting("", "发信账号")
    password_env: str = setting(
        "YUEBAO_SMTP_PASSWORD", "发信密码所在的环境变量（密码不写在配置中）"
    )
    sender: str = setting("", "发件人地址，可带名称")
    retries: int = setting(3, "每封邮件的尝试次数", within=(1, 20))
    backoff_seconds: int = setting(5, "两次尝试之间的首次等待秒数（此后加倍）", within=(0, 3600))
    timeout: int = setting(30, "每次尝试的等待秒数", within=(1, 600))


@dataclass(frozen=True)
class Mail:  # `yuebao fetch`: the bureau's mailbox the returns are sent to (IMAP)
    host: str = setting("", "收信服务器（IMAP）；不填：报表由人工存入收件文件夹")
    port: int = setting(993, "收信服务器端口", within=(1, 65535))
    security: str = setting("ssl", "加密方式：ssl、starttls 或 none", choices=SECURITY)
    user: str = setting("", "邮箱账号")
    password_env: str = setting("YUEBAO_IMAP_PASSWORD", "邮箱密码（授权码）所在的环境变量")
    folder: str = setting("INBOX", "报表所在的邮箱文件夹")
    move_to: str = setting("", "收取后移入的邮箱文件夹，如 已收取（不填：留在原处）")
    reply: bool = setting(False, "把校验结果回复给每份文件的发件人（经 smtp 发出）")
    ca_file: str = setting("", "另外信任的证书（服务器用自签名证书时）", path="plain")
    timeout: int = setting(60, "每一步的等待秒数", within=(1, 600))


@dataclass(frozen=True)
class Web:  # `yuebao serve`: the intranet page
    host: str = setting("127.0.0.1", "网页监听的地址（0.0.0.0：所有网卡）")
    port: int = setting(8080, "网页端口", within=(1, 65535))
    url: str = setting("", "各股室访问的网址，用于链接；默认 http://host:port")
    state: str = setting(
        BESIDE_LEDGER,
        "股室链接、局办公室密码和上传记录；默认在台账旁的 web.sqlite3",
        path="plain",
        beside_ledger="web.sqlite3",
    )
    threads: int = setting(16, "同时处理的请求数", within=(1, 64))
    connection_limit: int = setting(500, "同时打开的连接数", within=(10, 10000))
    channel_timeout: int = setting(30, "空闲或未发完请求头的连接在这么多秒后关闭", within=(5, 3600))
    login_attempts: int = setting(
        5, "同一地址在 lockout_minutes 内可输错密码的次数", within=(1, 100)
    )
    lockout_minutes: int = setting(15, "输错次数的计算时长，超过后拒绝这么多分钟", within=(1, 1440))
    secure_cookie: bool = setting(False, "经 https 提供网页时设为 true：cookie 只经 https 发送")


@dataclass(frozen=True)
class Settings:
    """config.yaml's top level, in the file's order."""

    bureau: str = setting(REQUIRED, "单位名称，用于标题，如 台山市教育系统")
    signature: str = setting("", "反馈意见的落款；不填：“<bureau>办公室”")
    task_list: str = setting(REQUIRED, "任务清单工作簿的路径", path="plain")
    year: int | None = setting(None, "任务清单的年份；不填：从清单标题读取")
    reporting: Reporting = section("报送月份、截止日和临期天数")
    folders: Folders = section("各月文件夹（{month} 表示月份，如2022-06）")
    colours: Colours = section("汇总表中各判断的底色（#RRGGBB）")
    ledger: str = setting("output/ledger.sqlite3", "台账（SQLite）的路径", path="plain")
    ledger_backups: int = setting(10, "台账旁保留的备份个数（最新的）", within=(1, 1000))
    lock_wait_seconds: int = setting(60, "同一月份有其他命令在运行时等待的秒数", within=(0, 86400))
    rules: dict[str, str] = setting({}, "问题类别 -> 错误 或 警告")
    supervision: Supervision = section("红灯和督办")
    rollup: Rollup = section("`yuebao rollup`：下级单位的汇总")
    collect: Collect = section("收取报表")
    schedule: Schedule = section("`yuebao schedule` 的计划：提醒、群机器人")
    smtp: Smtp = section("发信（提醒、督办函、回复）")
    mail: Mail = section("`yuebao fetch`：收取报表的邮箱（IMAP）")
    # office name -> contact details (OFFICE_KEYS)
    offices: dict[str, Any] = setting({}, "股室 -> 联系人、邮箱、电话、分管领导及其邮箱")
    # year -> {放假: [...], 上班: [...]}: the State Council's notice, for years chinese-calendar
    # lacks (it overrides the package for a year given); read by workdays.read_tables
    calendar: dict[str, Any] = setting(
        {}, "国务院公布的放假和调休安排（chinese-calendar 未收录的年份）"
    )
    web: Web = section("`yuebao serve`：内网网页")
